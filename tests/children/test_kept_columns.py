"""The child's kept columns: the next review due date (`Child.next_review_due_on`), which the
caseloads sort by, the caseload's flags (missing now, a meeting booked late, the earliest open
action's due date) and its midway check (the review it counts from, and whether it is recorded),
kept by triggers equal to what the rows give, whatever writes them, two transactions at once too."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, transaction
from django.utils import timezone

from children.models import Child, MissingEpisode, kept_columns_put_off
from reviews.models import Meeting, MidwayCheck, Review, ReviewAction
from tests.children.kept import kept_unlike_rows
from tests.factories import hold_review, make_child

pytestmark = pytest.mark.django_db


def assert_kept(*children: Child) -> None:
    assert kept_unlike_rows(Child.objects.filter(pk__in=[c.pk for c in children])) == []


def kept(child: Child, *columns: str) -> tuple:
    """The flags (missing now, a meeting booked late, the earliest open action), or the columns named."""
    flags = ("missing_now", "meeting_booked_late", "first_open_action_due_on")
    return Child.objects.values_list(*(columns or flags)).get(pk=child.pk)


def row_version(child: Child) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text::bigint FROM children_child WHERE id = %s", [child.pk])
        return cursor.fetchone()[0]


def test_the_services_writes_keep_the_next_due_date(iro):
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    child.refresh_from_db()
    # The first review: 20 working days after the child became looked after.
    assert child.next_review_due_on == date(2026, 2, 2)
    assert_kept(child)

    hold_review(child, date(2026, 1, 30), chair=iro)
    child.refresh_from_db()
    assert child.next_review_due_on == date(2026, 4, 30)  # the second: three months after the first
    assert_kept(child)


def test_any_write_to_the_reviews_keeps_it_a_bulk_write_too(iro):
    children = [make_child(iro=iro, looked_after_from=date(2026, 1, 5)) for _ in range(3)]
    waiting = Review.objects.filter(child__in=children, held_on__isnull=True)
    assert waiting.count() == 3

    waiting.update(due_on=date(2026, 2, 20))
    assert set(Child.objects.filter(pk__in=[c.pk for c in children]).values_list("next_review_due_on", flat=True)) == {
        date(2026, 2, 20)
    }
    assert_kept(*children)

    Review.objects.filter(child=children[0], held_on__isnull=True).delete()
    children[0].refresh_from_db()
    assert children[0].next_review_due_on is None
    assert_kept(*children)

    Review.objects.bulk_create(
        [Review(child=children[0], period_start=date(2026, 1, 5), sequence=1, due_on=date(2026, 3, 2))]
    )
    children[0].refresh_from_db()
    assert children[0].next_review_due_on == date(2026, 3, 2)
    assert_kept(*children)


def test_a_review_moved_to_another_child_leaves_both_right(iro):
    first, second = (make_child(iro=iro, looked_after_from=date(2026, 1, 5)) for _ in range(2))
    Review.objects.filter(child=second).delete()
    Review.objects.filter(child=first, held_on__isnull=True).update(child=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.next_review_due_on, second.next_review_due_on) == (None, date(2026, 2, 2))
    assert_kept(first, second)


def test_a_child_saved_with_a_date_read_before_their_reviews_changed_keeps_the_right_one(iro):
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    stale = Child.objects.get(pk=child.pk)
    hold_review(child, date(2026, 1, 30), chair=iro)
    stale.first_name = "Renamed"
    stale.save()  # writes every column, the next due date it read too
    child.refresh_from_db()
    assert (child.first_name, child.next_review_due_on) == ("Renamed", date(2026, 4, 30))
    Child.objects.filter(pk=child.pk).update(next_review_due_on=date(2030, 1, 1))
    child.refresh_from_db()
    assert child.next_review_due_on == date(2026, 4, 30)
    assert_kept(child)


def test_a_child_written_after_their_reviews_gets_their_date(iro):
    # Foreign keys are checked at commit: the 903 import and the demo's copy may write the reviews first.
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    review = Review.objects.get(child=child, held_on__isnull=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) + 1000 FROM children_child")
        new_id = cursor.fetchone()[0]
    Review.objects.create(child_id=new_id, period_start=review.period_start, sequence=1, due_on=date(2026, 3, 9))
    Child.objects.create(
        id=new_id, la_child_id="LATE1", first_name="Late", last_name="Row", date_of_birth=date(2010, 1, 1), sex="M"
    )
    assert Child.objects.get(pk=new_id).next_review_due_on == date(2026, 3, 9)


def test_editing_a_review_without_changing_its_dates_leaves_the_child_unwritten(iro):
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    before = row_version(child)
    Review.objects.filter(child=child).update(updated_at=timezone.now())
    assert row_version(child) == before


def test_emptying_the_reviews_clears_every_child(iro):
    children = [make_child(iro=iro, looked_after_from=date(2026, 1, 5)) for _ in range(2)]
    with connection.cursor() as cursor:
        # The deferred foreign-key checks of the rows just written first: TRUNCATE waits for none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE reviews_review CASCADE")
    assert list(Child.objects.filter(pk__in=[c.pk for c in children]).values_list("next_review_due_on", flat=True)) == [
        None,
        None,
    ]


def test_a_missing_episode_flags_the_child_until_it_ends(iro):
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    assert kept(child) == (False, False, None)
    episode = MissingEpisode.objects.create(child=child, kind="M", start_on=date(2026, 2, 1))
    assert kept(child) == (True, False, None)
    assert_kept(child)
    MissingEpisode.objects.filter(pk=episode.pk).update(end_on=date(2026, 2, 3))
    assert kept(child) == (False, False, None)
    MissingEpisode.objects.filter(pk=episode.pk).update(end_on=None)
    assert kept(child)[0] is True
    episode.delete()
    assert kept(child)[0] is False
    assert_kept(child)


def test_a_meeting_booked_after_the_due_date_flags_the_child_until_it_moves_or_the_review_is_held(iro):
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))  # due 2 February
    review = Review.objects.get(child=child, held_on__isnull=True)
    meeting = Meeting.objects.create(review=review, planned_on=date(2026, 2, 5), status="booked")
    assert kept(child)[1] is True
    assert_kept(child)
    Meeting.objects.filter(pk=meeting.pk).update(planned_on=date(2026, 1, 30))
    assert kept(child)[1] is False
    Meeting.objects.filter(pk=meeting.pk).update(planned_on=date(2026, 2, 5), status="cancelled")
    assert kept(child)[1] is False
    Meeting.objects.filter(pk=meeting.pk).update(status="booked")
    assert kept(child)[1] is True
    Review.objects.filter(pk=review.pk).update(due_on=date(2026, 2, 9))  # the due date moves past it
    assert kept(child)[1] is False
    Review.objects.filter(pk=review.pk).update(due_on=date(2026, 2, 2))
    assert kept(child)[1] is True
    Review.objects.filter(pk=review.pk).update(held_on=date(2026, 2, 5), participation="PN1")
    assert kept(child)[1] is False
    assert_kept(child)


def test_the_earliest_open_action_is_kept_whatever_writes_the_actions(iro):
    first, second = (make_child(iro=iro, looked_after_from=date(2026, 1, 5)) for _ in range(2))
    action = {"what": "Arrange a PEP", "responsible_role": "social_worker"}
    hold_review(first, date(2026, 1, 30), chair=iro, actions=[{**action, "due_on": date(2026, 3, 2)}])
    hold_review(second, date(2026, 1, 30), chair=iro, actions=[{**action, "due_on": date(2026, 2, 27)}])
    assert (kept(first)[2], kept(second)[2]) == (date(2026, 3, 2), date(2026, 2, 27))
    earlier = ReviewAction.objects.create(
        review=first.reviews.get(held_on__isnull=False), what="Visit", responsible_role="iro", due_on=date(2026, 2, 10)
    )
    assert kept(first)[2] == date(2026, 2, 10)
    # Closed together, in one statement: each child once.
    ReviewAction.objects.filter(review__child__in=[first, second], due_on__lt=date(2026, 3, 1)).update(
        status="done", outcome_on=date(2026, 2, 20)
    )
    assert (kept(first)[2], kept(second)[2]) == (date(2026, 3, 2), None)
    earlier.delete()
    ReviewAction.objects.filter(review__child=first).delete()
    assert kept(first)[2] is None
    assert_kept(first, second)


def test_a_child_saved_with_flags_read_before_their_rows_changed_keeps_the_right_ones(iro):
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    stale = Child.objects.get(pk=child.pk)
    MissingEpisode.objects.create(child=child, kind="M", start_on=date(2026, 2, 1))
    stale.first_name = "Renamed"
    stale.save()  # writes every column, missing_now as it read it too
    assert kept(child)[0] is True
    Child.objects.filter(pk=child.pk).update(missing_now=False, first_open_action_due_on=date(2030, 1, 1))
    assert kept(child) == (True, False, None)
    assert_kept(child)


def test_a_bulk_write_puts_them_off_to_its_end_and_the_triggers_come_back_after(iro):
    child, other = (make_child(iro=iro, looked_after_from=date(2026, 1, 5)) for _ in range(2))
    with kept_columns_put_off() as written:
        MissingEpisode.objects.create(child=child, kind="M", start_on=date(2026, 2, 1))
        assert kept(child)[0] is False
        assert kept_unlike_rows(Child.objects.filter(pk=child.pk)) == [(child.la_child_id, "missing_now", False, True)]
        written.add(child.pk)
    assert kept(child)[0] is True
    MissingEpisode.objects.create(child=other, kind="M", start_on=date(2026, 2, 1))
    assert kept(other)[0] is True
    assert_kept(child, other)


def test_a_bulk_write_that_fails_leaves_nothing_put_off(iro):
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    with pytest.raises(ZeroDivisionError), transaction.atomic(), kept_columns_put_off() as written:
        MissingEpisode.objects.create(child=child, kind="M", start_on=date(2026, 2, 1))
        written.add(child.pk)
        raise ZeroDivisionError
    assert not MissingEpisode.objects.filter(child=child).exists()  # rolled back
    with pytest.raises(ZeroDivisionError), kept_columns_put_off():
        raise ZeroDivisionError  # an error caught within the transaction: the setting is put back
    MissingEpisode.objects.create(child=child, kind="M", start_on=date(2026, 3, 1))
    assert kept(child)[0] is True
    with kept_columns_put_off(), kept_columns_put_off() as inner:  # one inside another
        MissingEpisode.objects.filter(child=child).update(end_on=date(2026, 3, 2))
        inner.add(child.pk)
        ReviewAction.objects.create(
            review=Review.objects.get(child=child), what="Visit", responsible_role="iro", due_on=date(2026, 2, 10)
        )
        assert kept(child)[2] is None  # the outer block's still put off
    assert kept(child) == (False, False, date(2026, 2, 10))


def test_the_midway_check_counts_from_the_review_last_held_on_the_same_clock(iro):
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    assert kept(child, "midway_from", "midway_checked") == (None, False)  # no review held yet
    first = hold_review(child, date(2026, 1, 30), chair=iro)
    assert kept(child, "midway_from", "midway_checked") == (date(2026, 1, 30), False)
    assert_kept(child)
    check = MidwayCheck.objects.create(
        child=child,
        after_review=first,
        due_on=date(2026, 3, 16),
        checked_on=date(2026, 3, 10),
        actions_on_track="yes",
        recorded_by=iro,
    )
    assert kept(child, "midway_from", "midway_checked") == (date(2026, 1, 30), True)
    assert_kept(child)
    # A new period of care: the review due next is on another clock, so no midway check falls due.
    waiting = Review.objects.get(child=child, held_on__isnull=True)
    Review.objects.filter(pk=waiting.pk).update(period_start=date(2026, 2, 20))
    assert kept(child, "midway_from", "midway_checked") == (None, True)
    assert_kept(child)
    Review.objects.filter(pk=waiting.pk).update(period_start=first.period_start)
    check.delete()
    assert kept(child, "midway_from", "midway_checked") == (date(2026, 1, 30), False)
    assert_kept(child)


def test_a_meeting_or_an_action_moved_to_another_childs_review_leaves_both_right(iro):
    first, second = (make_child(iro=iro, looked_after_from=date(2026, 1, 5)) for _ in range(2))
    meeting = Meeting.objects.create(
        review=Review.objects.get(child=first, held_on__isnull=True), planned_on=date(2026, 2, 5), status="booked"
    )
    hold_review(first, date(2026, 1, 30), chair=iro)
    hold_review(second, date(2026, 1, 28), chair=iro)
    action = ReviewAction.objects.create(
        review=first.reviews.get(held_on__isnull=False), what="Visit", responsible_role="iro", due_on=date(2026, 2, 10)
    )
    assert kept(first)[2] == date(2026, 2, 10) and kept(second)[2] is None
    ReviewAction.objects.filter(pk=action.pk).update(review=second.reviews.get(held_on__isnull=False))
    assert kept(first)[2] is None and kept(second)[2] == date(2026, 2, 10)
    Meeting.objects.filter(pk=meeting.pk).update(review=Review.objects.get(child=second, held_on__isnull=True))
    assert kept(first)[1] is False
    assert_kept(first, second)


def test_emptying_the_missing_episodes_clears_the_flag(iro):
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    MissingEpisode.objects.create(child=child, kind="M", start_on=date(2026, 2, 1))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE children_missingepisode")
    assert kept(child)[0] is False


def test_an_actions_outcome_written_leaves_the_child_unwritten(iro):
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    action = {"what": "Arrange a PEP", "responsible_role": "social_worker", "due_on": date(2026, 3, 2)}
    hold_review(child, date(2026, 1, 30), chair=iro, actions=[action])
    before = row_version(child)
    ReviewAction.objects.filter(review__child=child).update(outcome="Booked for March")
    assert row_version(child) == before


@pytest.mark.django_db(transaction=True)
def test_two_transactions_writing_one_childs_rows_at_once_leave_both_changes_kept(iro):
    """The second writer's refresh waits for the first's lock on the child, then sees what it
    committed: the child goes missing in one transaction while an action is agreed in another."""
    child = make_child(iro=iro, looked_after_from=date(2026, 1, 5))
    hold_review(child, date(2026, 1, 30), chair=iro)
    held = child.reviews.get(held_on__isnull=False)
    first_wrote, second_started = threading.Event(), threading.Event()

    def go_missing():
        try:
            with transaction.atomic():
                MissingEpisode.objects.create(child=child, kind="M", start_on=date(2026, 2, 1))
                first_wrote.set()
                second_started.wait(5)
                time.sleep(0.3)  # the second writer is waiting for the child's row by now
        finally:
            connection.close()  # the thread's own connection

    first = threading.Thread(target=go_missing)
    first.start()
    assert first_wrote.wait(5)
    with transaction.atomic():
        second_started.set()
        ReviewAction.objects.create(review=held, what="Visit", responsible_role="iro", due_on=date(2026, 2, 10))
    first.join()
    assert kept(child) == (True, False, date(2026, 2, 10))
    assert_kept(child)
