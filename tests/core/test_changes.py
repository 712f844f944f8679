"""The data's stamp (core.changes) moves with every committed change to a watched table and with
nothing else, so what is kept under it is computed again exactly when the data change."""

import os
import threading
import time
from datetime import date, timedelta
from uuid import uuid4

import environ
import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from children.models import Child, Episode, MissingEpisode
from core import changes
from core.models import Change, FormSubmission
from reports.selectors import dashboard
from reviews.models import PartyRole, Review, ReviewViews
from tests.factories import hold_review, login, make_child

pytestmark = pytest.mark.django_db


def test_every_watched_table_has_its_triggers_and_no_other_table_has_any():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, array_agg(t.tgname::text ORDER BY t.tgname) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE %s GROUP BY c.relname",
            [f"{changes.TRIGGER}%"],
        )
        found = dict(cursor.fetchall())
    assert set(found) == set(changes.watched_tables())
    expected = sorted(f"{changes.TRIGGER}_{event}" for event in changes.EVENTS)
    assert {table: sorted(names) for table, names in found.items()} == dict.fromkeys(found, expected)
    assert "reviews_review" in found
    assert not {"iro_service_auditentry", "django_session", "core_change"} & set(found)


def test_the_triggers_follow_the_code_when_what_is_watched_or_ignored_changes(iro, monkeypatch):
    """A release that ignores another column, or stops watching a table, has its triggers made
    again by the next migrate: otherwise a column no longer ignored would leave the figures stale."""
    child = make_child(iro=iro)

    def moved(**fields) -> bool:
        before = changes.stamp()
        Child.objects.filter(pk=child.pk).update(**fields)
        return changes.stamp() != before

    assert moved(first_name="Ann")
    monkeypatch.setattr(changes, "IGNORED_COLUMNS", {**changes.IGNORED_COLUMNS, "children.child": ("first_name",)})
    changes.install_triggers()
    assert not moved(first_name="Bea"), "the column is ignored now"
    assert moved(last_name="Cole")
    monkeypatch.undo()
    changes.install_triggers()
    assert moved(first_name="Dee"), "and watched again once the code says so"
    monkeypatch.setattr(changes, "UNWATCHED", changes.UNWATCHED | {"children.child"})
    changes.install_triggers()
    assert not moved(last_name="Eve")
    monkeypatch.undo()
    changes.install_triggers()
    test_every_watched_table_has_its_triggers_and_no_other_table_has_any()
    with CaptureQueriesContext(connection) as again:
        changes.install_triggers()
    assert not [q["sql"] for q in again.captured_queries if "TRIGGER" in q["sql"]], (
        "nothing to do: no trigger made again"
    )


def test_a_change_moves_the_stamp_and_nothing_else_does(iro):
    child = make_child(iro=iro)
    before = changes.stamp()
    Child.objects.filter(pk=child.pk).update(first_name=child.first_name)  # the same value
    Child.objects.filter(pk=-1).delete()  # no row
    User.objects.filter(pk=iro.pk).update(last_login=timezone.now())  # signing in
    FormSubmission.objects.create(user=iro, key=uuid4())  # an unwatched table
    assert changes.stamp() == before

    stamps = [before]
    for change in (
        lambda: Child.objects.filter(pk=child.pk).update(first_name="Zed"),
        lambda: User.objects.filter(pk=iro.pk).update(last_login=None, first_name="Ida"),
        lambda: make_child(iro=iro),
        lambda: Child.objects.filter(pk=child.pk).delete(),
        lambda: connection.cursor().execute("TRUNCATE children_cover_children"),
    ):
        change()
        stamps.append(changes.stamp())
    assert len(set(stamps)) == len(stamps)


def test_a_change_rolled_back_leaves_the_stamp_as_it_was_and_never_comes_back(iro):
    child = make_child(iro=iro)
    before = changes.stamp()
    with pytest.raises(RuntimeError), transaction.atomic():
        Child.objects.filter(pk=child.pk).update(first_name="Other")
        inside = changes.stamp()
        raise RuntimeError("rolled back")
    assert inside != before
    assert changes.stamp() == before
    Child.objects.filter(pk=child.pk).update(first_name="Other")
    assert changes.stamp() not in (before, inside)


def test_what_is_kept_is_computed_again_once_the_data_change(iro):
    cache.clear()
    computed = []

    def count_children():
        computed.append(1)
        return Child.objects.count()

    make_child(iro=iro)
    assert changes.derived("children", compute=count_children) == 1
    assert changes.derived("children", compute=count_children) == 1
    assert changes.derived("children", "another key", compute=count_children) == 1
    assert len(computed) == 2
    make_child(iro=iro)
    assert changes.derived("children", compute=count_children) == 2
    assert len(computed) == 3


@pytest.mark.django_db(transaction=True)
def test_a_value_asked_for_at_once_by_many_is_computed_once_and_the_others_wait_for_it(iro):
    """Many people opening the dashboard just after a change: one computes, the others get its value."""
    cache.clear()
    computed, answers = [], []

    def slow_count():
        computed.append(1)
        time.sleep(0.5)
        return Child.objects.count()

    def ask():
        try:
            answers.append(changes.derived("children", compute=slow_count))
        finally:
            connection.close()  # each thread's own connection

    make_child(iro=iro)
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [1, 1, 1, 1]
    assert len(computed) == 1


def test_a_value_whose_computation_failed_elsewhere_is_computed_here(iro):
    cache.clear()
    with pytest.raises(ZeroDivisionError):
        changes.derived("children", compute=lambda: 1 / 0)
    assert changes.derived("children", compute=Child.objects.count) == 0


def test_the_dashboard_is_never_stale(iro):
    today = date(2026, 11, 30)
    before = dashboard(today=today).now["looked_after"]
    make_child(iro=iro, looked_after_from=date(2026, 11, 2))
    assert dashboard(today=today).now["looked_after"] == before + 1


def test_pruning_empties_the_log_and_no_earlier_stamp_comes_back(iro):
    make_child(iro=iro)
    before = changes.stamp()
    assert changes.prune() is True
    assert Change.objects.count() == 1
    assert changes.stamp() != before


@pytest.mark.django_db(transaction=True)
def test_pruning_gives_up_while_a_writer_holds_the_log(iro, django_db_blocker):
    """A long import writing children: pruning waits a few seconds, then leaves the log for the next run."""
    from django.db import connections

    writer = connections.create_connection("default")
    try:
        with writer.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("UPDATE iro_service_user SET first_name = 'Writer' WHERE id = %s", [iro.pk])
            before = Change.objects.count()
            assert changes.prune(wait="100ms") is False
            assert Change.objects.count() == before
            cursor.execute("ROLLBACK")
        assert changes.prune(wait="100ms") is True
    finally:
        writer.close()


def test_a_cache_in_redis_is_shared_and_keyed_by_the_database(iro, settings, monkeypatch):
    """CACHE_URL: every web server and worker shares the figures one computed; a Redis database
    shared by two services' databases never gives one the other's."""
    settings.CACHES = {
        "default": environ.Env.cache_url_config(os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0] + "/13")
    }
    make_child(iro=iro)
    assert changes.derived("children", compute=Child.objects.count) == 1
    assert changes.derived("children", compute=lambda: pytest.fail("computed again")) == 1
    monkeypatch.setitem(connection.settings_dict, "NAME", "another_service")  # the name keys carry
    assert changes.derived("children", compute=lambda: "computed for another") == "computed for another"


def test_with_redis_out_of_reach_the_figures_are_computed_and_the_dashboard_answers(
    client, iro, qa_manager, settings, monkeypatch, caplog
):
    """Redis down or restarting: nothing kept, everything computed at each request, no page fails,
    and the cache is left alone for a while rather than waited for at every call."""
    settings.CACHES = {"default": environ.Env.cache_url_config("redis://127.0.0.1:1/0")}  # nothing listens
    monkeypatch.setattr(changes, "kept", changes.KeptCache())  # the process's own stays as it was
    make_child(iro=iro, looked_after_from=timezone.localdate())
    computed = []
    for _ in range(2):
        assert changes.derived("children", compute=lambda: computed.append(1) or Child.objects.count()) == 1
    assert len(computed) == 2, "computed each time: there is nowhere to keep it"
    response = login(client, qa_manager).get(reverse("reports:dashboard"))
    assert response.status_code == 200 and 'data-figure="looked_after">1<' in response.content.decode()
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.changes"]
    assert len(warnings) == 1, "once, not at every call"
    assert warnings[0].startswith("The cache is out of reach (ConnectionError)")


def test_a_stamp_does_not_come_back_when_the_log_is_rewound(iro):
    """A restore from a backup, or a sequence reset: the same count and largest id as before, but
    not the same rows, so not the same stamp."""
    make_child(iro=iro)
    before = changes.stamp()
    count, largest, _ = before.split(".")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_change")
        cursor.execute(
            "INSERT INTO core_change (id) SELECT generate_series(%s, %s)", [int(largest) - int(count) + 1, int(largest)]
        )
    after = changes.stamp()
    assert after.split(".")[:2] == [count, largest]
    assert after != before


def test_a_setting_that_changes_the_figures_changes_every_key(settings):
    changes.code_fingerprint.cache_clear()
    before = changes.code_fingerprint()
    settings.DUE_SOON_WORKING_DAYS = settings.DUE_SOON_WORKING_DAYS + 1
    changes.code_fingerprint.cache_clear()
    try:
        assert changes.code_fingerprint() != before
    finally:
        changes.code_fingerprint.cache_clear()


def test_the_fingerprint_is_the_same_before_and_after_a_lazy_setting_is_first_used(settings):
    """Every process must find the same keys, whether or not it has signed someone in (which
    evaluates axes' lazy username field setting) before it first asks for a figure."""
    settings.AXES_USERNAME_FORM_FIELD = SimpleLazyObject(lambda: "username")
    before = changes.code_fingerprint.__wrapped__()
    assert str(settings.AXES_USERNAME_FORM_FIELD) == "username"
    assert changes.code_fingerprint.__wrapped__() == before


@pytest.mark.django_db(transaction=True)
def test_the_stamp_and_the_figures_are_read_in_one_snapshot(iro):
    def isolation():
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            return cursor.fetchone()[0]

    cache.clear()
    assert changes.derived("isolation", compute=isolation) == "repeatable read"


@pytest.mark.django_db(transaction=True)
def test_a_value_kept_is_read_with_one_query_and_no_snapshot_of_its_own(iro):
    cache.clear()
    make_child(iro=iro)
    assert changes.derived("children", compute=Child.objects.count) == 1
    with CaptureQueriesContext(connection) as queries:
        assert changes.derived("children", compute=Child.objects.count) == 1
    assert [q["sql"] for q in queries] == [queries[0]["sql"]] and "core_change" in queries[0]["sql"]
    # A change since: computed again, in a snapshot of its own.
    make_child(iro=iro)
    with CaptureQueriesContext(connection) as queries:
        assert changes.derived("children", compute=Child.objects.count) == 2
    assert any("REPEATABLE READ" in q["sql"] for q in queries)


# --- Values of past days (`as_of`) --------------------------------------------------------------------

END_OF_2024_25 = date(2025, 3, 31)
TODAY = date(2026, 12, 1)


def test_every_table_dated_is_watched_and_its_day_reads_from_its_rows():
    """A misspelt column or table in SINCE would fail every write to that table: each reads as a day."""
    watched = {label: table for table, label in changes.watched_tables().items()}
    assert set(changes.SINCE) <= set(watched)
    assert set(changes.NOW_ONLY_COLUMNS) | changes.READ_THROUGH_OTHERS <= set(watched)
    with connection.cursor() as cursor:
        for label, since in changes.SINCE.items():
            cursor.execute(f"SELECT ({since})::date FROM {watched[label]} c LIMIT 0")


def _child_seen_through_2024_25(iro) -> Child:
    return make_child(
        iro=iro,
        looked_after_from=date(2024, 1, 10),
        reviews_held=(date(2024, 2, 5), date(2024, 4, 30), date(2024, 10, 25), date(2025, 4, 20), date(2025, 10, 15)),
    )


def test_a_past_years_report_is_kept_through_the_work_of_the_year_under_way(iro):
    """The everyday changes (a review recorded this year, its child's caseload columns, the next
    review scheduled) move the stamp of today's values and not that of a year already over, whose
    annual report is then read kept; a change to one of that year's reviews computes it again."""
    from reports.annual import build

    cache.clear()
    child = _child_seen_through_2024_25(iro)
    report = build(2025, today=TODAY)
    before, before_now = changes.stamp(as_of=END_OF_2024_25), changes.stamp()

    waiting = child.reviews.get(held_on__isnull=True)
    hold_review(child, waiting.due_on - timedelta(days=3), chair=iro, today=TODAY)
    assert changes.stamp() != before_now
    assert changes.stamp(as_of=END_OF_2024_25) == before
    with CaptureQueriesContext(connection) as queries:
        assert build(2025, today=TODAY) == report
    assert len(queries) == 1, "read kept"

    held_in_2024_25 = child.reviews.get(held_on=date(2024, 10, 25))
    Review.objects.filter(pk=held_in_2024_25.pk).update(participation="PN4")
    assert changes.stamp(as_of=END_OF_2024_25) != before
    again = build(2025, today=TODAY)
    assert (report.participation["PN4"], again.participation["PN4"]) == (0, 1)


def _changes_of_today_only() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM core_change WHERE since = {changes.TODAY_ONLY}")
        return cursor.fetchone()[0]


def test_a_child_coming_into_care_today_moves_only_the_stamp_of_today(iro):
    """The child's row alone, added or removed, alters no figure: their episode, allocation and
    reviews, dated, do. At a national service a child comes into care every few minutes."""
    before, before_now, today_only = changes.stamp(as_of=END_OF_2024_25), changes.stamp(), _changes_of_today_only()
    child = make_child(iro=iro, looked_after_from=TODAY)
    assert changes.stamp(as_of=END_OF_2024_25) == before
    assert changes.stamp() != before_now
    assert _changes_of_today_only() > today_only
    child.episodes.all().delete()
    child.allocations.all().delete()
    Child.objects.filter(pk=child.pk).delete()
    assert changes.stamp(as_of=END_OF_2024_25) == before


def test_a_childs_state_now_moves_only_todays_stamp_and_their_birth_date_every_one(iro):
    child = make_child(iro=iro)
    before, before_now, today_only = changes.stamp(as_of=END_OF_2024_25), changes.stamp(), _changes_of_today_only()
    # Missing since today: the child's `missing_now`, kept by a trigger, is their state now.
    MissingEpisode.objects.create(child=child, kind=MissingEpisode.Kind.MISSING, start_on=TODAY)
    assert Child.objects.get(pk=child.pk).missing_now
    assert _changes_of_today_only() == today_only + 1
    assert changes.stamp(as_of=END_OF_2024_25) == before
    assert changes.stamp() != before_now
    Child.objects.filter(pk=child.pk).update(date_of_birth=date(2006, 5, 18))
    assert changes.stamp(as_of=END_OF_2024_25) != before


def test_a_row_moved_out_of_a_year_changes_that_years_stamp_and_an_undated_table_every_one(iro):
    child = make_child(iro=iro, looked_after_from=date(2025, 2, 1))
    episode = child.episodes.get()
    before = changes.stamp(as_of=END_OF_2024_25)
    Episode.objects.filter(pk=episode.pk).update(start_on=date(2025, 6, 1))  # from the year to after it
    moved = changes.stamp(as_of=END_OF_2024_25)
    assert moved != before
    Episode.objects.filter(pk=episode.pk).update(start_on=date(2025, 7, 1))  # after it both times
    assert changes.stamp(as_of=END_OF_2024_25) == moved
    User.objects.filter(pk=iro.pk).update(first_name="Ida")  # staffing reads who the IROs are
    assert changes.stamp(as_of=END_OF_2024_25) != moved


@pytest.mark.django_db(transaction=True)
def test_views_given_while_their_review_is_recorded_elsewhere_are_not_left_out_of_todays_figures(iro):
    """The child's views are added in one transaction while, in another, their review (due in
    months) is recorded as held yesterday and committed; the dashboard is computed between the two
    commits. The views' change must then move the stamp of today's figures, though their review as
    the first transaction saw it was not due for months."""
    cache.clear()
    child = make_child(iro=iro, looked_after_from=date(2026, 5, 1), reviews_held=(date(2026, 5, 20), date(2026, 8, 15)))
    waiting = child.reviews.get(held_on__isnull=True)
    assert waiting.due_on > TODAY
    added, go_on = threading.Event(), threading.Event()

    def give_views():
        try:
            with transaction.atomic():
                ReviewViews.objects.create(
                    review=waiting, role=PartyRole.CHILD, method="form", gathered_on=TODAY - timedelta(days=2), text="x"
                )
                added.set()
                go_on.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=give_views)
    writer.start()
    assert added.wait(10)
    Review.objects.filter(pk=waiting.pk).update(held_on=TODAY - timedelta(days=1), chair=iro, participation="PN1")
    assert dashboard(today=TODAY).record["views_gathered"].numerator == 0
    go_on.set()
    writer.join()
    assert dashboard(today=TODAY).record["views_gathered"].numerator == 1
