"""The child's stored next review due date (`Child.next_review_due_on`), which the caseloads sort by:
kept by the reviews table's triggers equal to the review due next as read from the reviews, whatever
writes them."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Subquery
from django.utils import timezone

from children.models import Child
from children.selectors import _waiting_review
from reviews.models import Review
from tests.factories import hold_review, make_child

pytestmark = pytest.mark.django_db


def waiting_due_on() -> Subquery:
    """The review due next, as the caseload reads it from the reviews where nothing is stored (SQLite)."""
    return Subquery(_waiting_review().values("due_on")[:1])


def assert_kept(*children: Child) -> None:
    rows = Child.objects.filter(pk__in=[c.pk for c in children]).annotate(read=waiting_due_on())
    assert [(c.la_child_id, c.next_review_due_on) for c in rows] == [(c.la_child_id, c.read) for c in rows]


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


def test_any_write_to_the_reviews_keeps_it_a_bulk_write_once_for_each_child(iro):
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
