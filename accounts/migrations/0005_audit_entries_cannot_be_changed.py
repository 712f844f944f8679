"""The audit log is append-only in the database itself: a trigger refuses every UPDATE and DELETE
of an audit entry, whoever connects. (PostgreSQL only: SQLite, for the quick start, has no such
guarantee to give and is left as it is.) Emptying the whole log needs TRUNCATE, which only the
demo's reset does."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries cannot be changed or deleted (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON iro_service_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON iro_service_auditentry;
DROP FUNCTION IF EXISTS audit_entry_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("iro_service", "0004_notification_action_overdue")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
