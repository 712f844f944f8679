"""The change log behind core.changes.stamp, and the trigger functions that write it (PostgreSQL;
the triggers themselves are given to every watched table after each migrate, by core.apps)."""

from django.db import migrations, models

FUNCTIONS = """
-- INSERT or DELETE: a row was added or removed (a statement matching no row adds nothing).
CREATE OR REPLACE FUNCTION core_change_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM changed) THEN
        INSERT INTO core_change DEFAULT VALUES;
    END IF;
    RETURN NULL;
END $$;

-- UPDATE: some row's values differ, leaving out the columns named in the trigger's arguments.
CREATE OR REPLACE FUNCTION core_change_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ignored text[] := coalesce(TG_ARGV, '{}');
BEGIN
    IF EXISTS (
        SELECT to_jsonb(c) - ignored FROM changed c
        EXCEPT ALL
        SELECT to_jsonb(b) - ignored FROM before b
    ) THEN
        INSERT INTO core_change DEFAULT VALUES;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION core_change_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core_change DEFAULT VALUES;
    RETURN NULL;
END $$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS core_change_rows() CASCADE;
DROP FUNCTION IF EXISTS core_change_update() CASCADE;
DROP FUNCTION IF EXISTS core_change_truncate() CASCADE;
"""


def create_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS)


def drop_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTIONS)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_form_submission")]

    operations = [
        migrations.CreateModel(
            name="Change",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False))],
        ),
        migrations.RunPython(create_functions, drop_functions),
    ]
