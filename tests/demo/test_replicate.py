"""National scale for the benchmark: the demo authority copied in SQL is that many authorities, each
child's rows with its own copy of the child and of the staff."""

import io
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import override_settings

from accounts.models import StaffProfile, User
from children.models import Child, IROAllocation
from children.selectors import CASELOAD_DETAILS
from demo.replicate import empty, replicate
from reviews.models import Review
from tests.children.kept import kept_unlike_rows

TODAY = date(2026, 11, 30)
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def authority():
    arguments = ["--children", "30", "--iros", "6", "--today", TODAY.isoformat(), "--i-know-this-is-not-production"]
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("seed_demo", *arguments, stdout=io.StringIO())


def _keys_and_indexes() -> Counter:
    """Every index and constraint of the database's tables, by its definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()
            UNION ALL
            SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
            FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
            """
        )
        return Counter(row[0] for row in cursor.fetchall())


def test_three_copies_are_three_authorities_each_with_its_own_staff(authority):
    children, reviews = Child.objects.count(), Review.objects.count()
    staff = User.objects.count()
    held = Counter(Review.objects.filter(held_on__isnull=False).values_list("held_on", flat=True))

    replicate(3)

    assert Child.objects.count() == 3 * children
    assert Review.objects.count() == 3 * reviews
    assert User.objects.count() == 3 * staff
    assert StaffProfile.objects.count() == 3 * StaffProfile.objects.filter(user__username__regex=r"^[a-z]+\d*$").count()
    assert Counter(Review.objects.filter(held_on__isnull=False).values_list("held_on", flat=True)) == Counter(
        {day: 3 * n for day, n in held.items()}
    )
    assert len(set(Child.objects.values_list("public_id", flat=True))) == 3 * children
    copy = Child.objects.filter(la_child_id__startswith="R002").order_by("pk").first()
    original = Child.objects.get(la_child_id="SWK" + copy.la_child_id[4:])
    assert (copy.first_name, copy.date_of_birth) == (original.first_name, original.date_of_birth)
    # The children's kept columns, deferred during the copy, refreshed at its end.
    assert kept_unlike_rows(Child.objects.all()) == []
    some = Child.objects.filter
    assert some(first_open_action_due_on__isnull=False).exists() and some(midway_checked=True).exists(), (
        "some child has an open action, some a midway check recorded"
    )
    kept = CASELOAD_DETAILS.values()
    assert [getattr(copy, k) for k in kept] == [getattr(original, k) for k in kept]
    # The copy's IRO is the copy of the original's IRO, never one of the original authority's.
    for allocation in IROAllocation.objects.filter(child=copy).select_related("iro"):
        assert allocation.iro.username.endswith(".2")
    assert not Review.objects.filter(child=copy).exclude(chair__username__endswith=".2").exclude(chair=None).exists()
    # New rows go after the copies.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('children_child', 'id'))")
        assert cursor.fetchone()[0] > Child.objects.order_by("-pk").first().pk


def test_the_copy_keeps_every_index_and_foreign_key(authority):
    before = _keys_and_indexes()
    replicate(2)
    assert _keys_and_indexes() == before


def test_a_row_breaking_a_foreign_key_fails_the_copy(authority):
    # Foreign keys are checked at commit, which a test never reaches: the copy must check them itself.
    review = Review.objects.exclude(chair=None).order_by("pk").first()
    Review.objects.filter(pk=review.pk).update(chair_id=10**9)
    with pytest.raises(IntegrityError, match="reviews_review"):
        replicate(2)
    assert Child.objects.filter(la_child_id__startswith="R002").count() == 0  # nothing was copied
    # Put right, or the test's own check of the foreign keys at its end would fail.
    Review.objects.filter(pk=review.pk).update(chair_id=review.chair_id)


def test_emptying_the_database_leaves_no_authority(authority):
    assert Child.objects.exists()
    empty()
    assert not Child.objects.exists()
    assert not Review.objects.exists()
    assert not User.objects.exists()
