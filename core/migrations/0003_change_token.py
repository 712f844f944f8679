"""Each row of the change log gets a random token, so that the data's stamp (core.changes) differs
between two databases, and after the log's sequence has been reset or restored from a backup, even
where the count and the largest id agree. PostgreSQL only, like the triggers that write the log."""

from django.db import migrations


def add_token(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_change ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()")


def drop_token(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_change DROP COLUMN token")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_change_log")]

    operations = [migrations.RunPython(add_token, drop_token)]
