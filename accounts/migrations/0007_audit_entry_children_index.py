"""An index of the children each list page's or download's audit entry names (`detail.children`), so
that a child's audit (children.selectors.audit_of_child) finds those entries without reading the
whole log, which gains an entry with every page anybody opens. A GIN index of the JSON array, for
its `@>` (containment) test, written as each entry is (fastupdate off): with PostgreSQL's default,
new entries wait in a list that every search reads through until a vacuum merges it, which made the
lookup grow with the entries since the last vacuum. PostgreSQL only, as the test is: SQLite, for the quick start, reads the
log as it is."""

import importlib

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS audit_entry_children ON iro_service_auditentry
    USING gin ((detail -> 'children') jsonb_path_ops) WITH (fastupdate = off);
-- The planner knows the indexed expression only once the table is analysed: until then it would read
-- the log newest first, testing each entry, rather than look the child up.
ANALYZE iro_service_auditentry;
"""
DROP = "DROP INDEX IF EXISTS audit_entry_children"


_on_postgresql = importlib.import_module("accounts.migrations.0005_audit_entries_cannot_be_changed")._on_postgresql


class Migration(migrations.Migration):
    dependencies = [("iro_service", "0006_notification_midway_check_due")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
