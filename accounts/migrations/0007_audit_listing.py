"""The children a list page's or download's audit entry names, one row each (AuditListing), so that a
child's audit finds those entries by an index rather than reading each entry's list: a national
service's 903 return names 80,000 children, and every child's audit read it whole. The lists entries
written before keep their `detail.children` (entries cannot be changed) and are copied here. The
listings are append-only as the entries are (PostgreSQL: the same trigger)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_on_postgresql = importlib.import_module("accounts.migrations.0005_audit_entries_cannot_be_changed")._on_postgresql

APPEND_ONLY = """
CREATE TRIGGER audit_listing_append_only
    BEFORE UPDATE OR DELETE ON iro_service_auditlisting
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change();
"""
NOT_APPEND_ONLY = "DROP TRIGGER IF EXISTS audit_listing_append_only ON iro_service_auditlisting;"


COPY = """
INSERT INTO iro_service_auditlisting (entry_id, child_id)
SELECT DISTINCT e.id, c.child::bigint
FROM iro_service_auditentry e CROSS JOIN LATERAL jsonb_array_elements_text(e.detail -> 'children') AS c(child)
WHERE jsonb_typeof(e.detail -> 'children') = 'array'
"""


def copy_lists(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # In one statement: a service's log may hold millions of lists, too many to copy row by row.
        schema_editor.execute(COPY, params=None)
        return
    AuditEntry = apps.get_model("iro_service", "AuditEntry")
    AuditListing = apps.get_model("iro_service", "AuditListing")
    listed = AuditEntry.objects.filter(detail__has_key="children").values_list("pk", "detail").order_by("pk")
    batch = []
    for pk, detail in listed.iterator(chunk_size=1000):
        batch += [AuditListing(entry_id=pk, child_id=child) for child in sorted(set(detail["children"]))]
        if len(batch) >= 5000:
            AuditListing.objects.bulk_create(batch)
            batch = []
    AuditListing.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("iro_service", "0006_notification_midway_check_due")]

    operations = [
        migrations.CreateModel(
            name="AuditListing",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("child_id", models.BigIntegerField()),
                (
                    "entry",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="listed",
                        to="iro_service.auditentry",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["child_id", "entry"], name="audit_listing_child")],
                "constraints": [models.UniqueConstraint(fields=("entry", "child_id"), name="audit_listing_once")],
            },
        ),
        # Not reversed: taking the table away would lose the only record of the children each list
        # written since named.
        migrations.RunPython(copy_lists),
        migrations.RunPython(_on_postgresql(APPEND_ONLY), _on_postgresql(NOT_APPEND_ONLY)),
    ]
