"""The audit: append-only in the database, old and new values of edits, one entry per list page,
and a QA manager's view of who saw or changed a child's record."""

import importlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.audit import audit_list_viewed, audit_log_empty, audit_record
from accounts.models import AuditEntry, AuditListing
from children.selectors import audit_of_child
from reviews.services import review_record, review_update
from tests.factories import PASSWORD, make_child

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_database_refuses_to_change_or_delete_an_audit_entry(iro):
    entry = audit_record(actor=iro, action="child_viewed", obj=iro)
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(action="nothing"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
        lambda: connection.cursor().execute(f"UPDATE {AuditEntry._meta.db_table} SET actor_id = NULL"),
        lambda: connection.cursor().execute(f"DELETE FROM {AuditEntry._meta.db_table}"),
    ):
        with pytest.raises(DatabaseError, match="audit entries cannot be changed or deleted"), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.action == "child_viewed"


def test_the_database_refuses_to_change_or_delete_a_listing_of_a_child(iro):
    entry = audit_list_viewed(actor=iro, action="caseload_viewed", child_ids=[1, 2])
    listing = entry.listed.first()
    for attempt in (
        lambda: AuditListing.objects.filter(pk=listing.pk).update(child_id=3),
        lambda: AuditListing.objects.filter(pk=listing.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
            attempt()
    assert entry.children_listed == [1, 2]


def test_only_the_demo_reset_empties_the_whole_log(iro):
    audit_record(actor=iro, action="child_viewed", obj=iro)
    audit_list_viewed(actor=iro, action="caseload_viewed", child_ids=[1])
    audit_log_empty()
    assert not AuditEntry.objects.exists() and not AuditListing.objects.exists()


@pytest.mark.slow
def test_the_quick_starts_sqlite_database_migrates_without_the_trigger(tmp_path):
    """SQLite (the quick start) is not PostgreSQL: the migration leaves it as it is and still runs."""
    environment = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "iro_service", "-v0"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_an_edit_records_the_old_and_the_new_values(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review = review_record(
        actor=iro, child=child, held_on=date(2014, 3, 20), chair=iro, participation="PN1", today=date(2014, 3, 25)
    )
    review_update(
        actor=iro, review=review, participation="PN2", decisions_sent_on=date(2014, 3, 24), today=date(2014, 3, 25)
    )
    entry = AuditEntry.objects.get(action="review_updated")
    assert entry.detail == {
        "old": {"decisions_sent_on": None, "participation": "PN1"},
        "new": {"decisions_sent_on": "2014-03-24", "participation": "PN2"},
    }


def test_the_childs_audit_shows_what_an_edit_changed_from(client, iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review = review_record(
        actor=iro, child=child, held_on=date(2014, 3, 20), chair=iro, participation="PN1", today=date(2014, 3, 25)
    )
    review_update(actor=iro, review=review, participation="PN2", today=date(2014, 3, 25))
    client.login(username=qa_manager.username, password=PASSWORD)
    page = client.get(reverse("children:audit", args=[child.public_id])).content.decode()
    assert "reviews.review: participation from PN1<" in page


def test_a_caseload_page_is_one_entry_naming_the_children_listed(client, iro):
    children = [make_child(iro=iro, looked_after_from=date(2014, 3, 3)) for _ in range(3)]
    client.login(username=iro.username, password=PASSWORD)
    assert client.get(reverse("children:caseload")).status_code == 200
    (entry,) = AuditEntry.objects.filter(action="caseload_viewed")
    assert entry.actor == iro and entry.children_listed == sorted(c.pk for c in children)


def test_a_qa_manager_sees_who_viewed_or_changed_a_childs_record(client, iro, other_iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    client.login(username=iro.username, password=PASSWORD)
    client.get(reverse("children:detail", args=[child.public_id]))
    client.get(reverse("children:caseload"))
    url = reverse("children:audit", args=[child.public_id])
    assert client.get(url).status_code == 403
    client.login(username=qa_manager.username, password=PASSWORD)
    page = client.get(url).content.decode()
    for action in ("child_viewed", "caseload_viewed", "iro_allocated", "child_created", "episode_started"):
        assert f">{action}<" in page, action
    assert str(iro) in page
    assert child.full_name not in page.split("<title>")[1].split("</title>")[0]


def _scans_of(plan: dict, table: str) -> list[dict]:
    """The nodes of an EXPLAIN (FORMAT JSON) plan that read `table`."""
    found = [plan] if plan.get("Relation Name") == table else []
    for child in plan.get("Plans", []):
        found += _scans_of(child, table)
    return found


def test_a_childs_audit_reads_only_their_entries_however_long_the_log(client, iro):
    """Every page anybody opens adds to the log, so a child's audit looks the child up in the indexes
    (their rows' own, and the listings of the lists that named them): it reads not one entry of
    another child's, where testing every entry would grow with the log."""
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    other = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    client.login(username=iro.username, password=PASSWORD)
    client.get(reverse("children:caseload"))  # a list naming both
    # Other children's entries, as a long-running service's log holds them, each naming its own child,
    # the lists' by many viewers (the user's id is the entry's object_id), and each naming the other too.
    others = [other.pk + 1000 + n for n in range(10_000)]
    viewed = AuditEntry.objects.bulk_create(
        AuditEntry(actor=iro, action="child_viewed", object_type="children.child", object_id=pk) for pk in others
    )
    lists = AuditEntry.objects.bulk_create(
        AuditEntry(actor=iro, action="caseload_viewed", object_type="iro_service.user", object_id=pk) for pk in others
    )
    AuditListing.objects.bulk_create(
        AuditListing(entry=entry, child_id=pk) for entry, pk in zip(lists, others, strict=True) for pk in (pk, other.pk)
    )
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        for analysed in (table, AuditListing._meta.db_table):
            cursor.execute(f"ANALYZE {analysed}")  # as autovacuum would have, on a log this long
        entries = audit_of_child(child)
        sql, params = entries.query.sql_with_params()
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (scan,) = _scans_of(cursor.fetchone()[0][0]["Plan"], table)
    assert len(viewed) == len(lists) == 10_000
    expected = {"child_created", "episode_started", "iro_allocated", "caseload_viewed"}
    assert expected <= {entry.action for entry in entries}
    assert scan["Node Type"] == "Bitmap Heap Scan"
    assert scan["Actual Rows"] == len(entries)
    assert scan.get("Rows Removed by Filter", 0) == scan.get("Rows Removed by Index Recheck", 0) == 0


def test_the_lists_entries_written_before_their_listings_are_found_in_each_childs_audit(iro):
    """Entries cannot be changed: those written when an entry kept its list in its detail are given
    their listings by the migration that made them."""
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    other = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    earlier = AuditEntry.objects.create(
        actor=iro,
        action="caseload_viewed",
        object_type="iro_service.user",
        object_id=iro.pk,
        detail={"children": [child.pk, other.pk]},
    )
    assert earlier not in audit_of_child(child)
    migration = importlib.import_module("accounts.migrations.0007_audit_listing")
    with connection.schema_editor() as editor:
        migration.copy_lists(django_apps, editor)
    assert earlier.children_listed == sorted([child.pk, other.pk])
    assert earlier in audit_of_child(child) and earlier in audit_of_child(other)
