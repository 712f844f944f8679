"""The demo local authority: believable, valid by the service's own rules, the same for the same seed,
and written identically by the bulk writer and through the services one call at a time."""

import io
from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Q
from django.test import override_settings

from accounts.models import AuditEntry, StaffProfile, User
from children.models import Child, Episode, IROAllocation
from demo.data import DEMO_PASSWORD
from reviews.models import Meeting, Review
from reviews.timescales import pn_code_fits_age

TODAY = date(2026, 11, 25)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
pytestmark = pytest.mark.slow  # each builds a demo authority


def seed(*extra: str, seed: int = 7, children: int = 40) -> str:
    out = io.StringIO()
    # The tests run with DEBUG off, as production does.
    arguments = ["--seed", str(seed), "--children", str(children), "--today", TODAY.isoformat(), *extra]
    call_command("seed_demo", *arguments, "--i-know-this-is-not-production", stdout=out)
    return out.getvalue()


def reviews_held() -> list[tuple]:
    return list(
        Review.objects.filter(held_on__isnull=False)
        .order_by("child__la_child_id", "held_on")
        .values_list("child__la_child_id", "held_on", "participation")
    )


def looked_after_on(day: date) -> int:
    return (
        Child.objects.filter(
            Q(episodes__end_on__isnull=True) | Q(episodes__end_on__gte=day), episodes__start_on__lte=day
        )
        .distinct()
        .count()
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo authority for the read-only tests of this module, rolled back at the end (hashed with
    the fast hasher that tests/conftest.py sets for each test)."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_demo_logins_exist_with_their_roles_and_the_printed_password(demo):
    for username, role in (
        ("iro", User.Role.IRO),
        ("qa", User.Role.QA_MANAGER),
        ("director", User.Role.DIRECTOR),
        ("admin", User.Role.ADMINISTRATOR),
    ):
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
        assert f"  {username} " in demo
    assert User.objects.get(username="admin").is_staff
    assert User.objects.get(username="iro").staff_profile.employment == StaffProfile.Employment.PERMANENT
    assert len(DEMO_PASSWORD) >= 12 and DEMO_PASSWORD in demo


@pytest.mark.django_db
def test_eighteen_iros_four_of_them_permanent(demo):
    profiles = StaffProfile.objects.filter(user__role=User.Role.IRO)
    assert profiles.count() == 18
    assert profiles.filter(employment=StaffProfile.Employment.PERMANENT).count() == 4
    assert User.objects.filter(role=User.Role.IRO, username__startswith="iro").count() == 18
    sessional = profiles.filter(employment=StaffProfile.Employment.SESSIONAL)
    assert all(0.2 <= float(p.fte) <= 0.6 for p in sessional)


@pytest.mark.django_db
def test_a_larger_team_keeps_the_share_of_permanent_staff_every_iro_has_children_and_tables_are_analysed():
    out = seed("--reset", "--iros", "45", children=120)
    profiles = StaffProfile.objects.filter(user__role=User.Role.IRO)
    assert profiles.count() == 45
    assert profiles.filter(employment=StaffProfile.Employment.PERMANENT).count() == 10  # 4 in 18
    usernames = set(User.objects.filter(role=User.Role.IRO).values_list("username", flat=True))
    assert usernames == {"iro", *(f"iro{i:02d}" for i in range(2, 46))}
    assert User.objects.get(username="iro").staff_profile.fte == 1
    assert "iro02 to iro45 are the other IROs" in out
    assert IROAllocation.objects.values("iro").distinct().count() == 45
    # The tables were analysed for the query planner: its statistics count this authority's children.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Child._meta.db_table])
        assert cursor.fetchone()[0] == Child.objects.count()


@pytest.mark.django_db
def test_about_the_number_asked_for_are_looked_after_today(demo):
    assert 36 <= looked_after_on(TODAY) <= 44
    assert Child.objects.count() > looked_after_on(TODAY), "some children left care during the four years"
    assert "Children looked after on 25/11/2026" in demo


@pytest.mark.django_db
def test_every_review_held_is_one_the_service_would_accept(demo):
    held = Review.objects.filter(held_on__isnull=False).select_related("child", "chair")
    assert held.count() > 100
    for review in held:
        assert review.held_on <= TODAY
        assert (
            pn_code_fits_age(review.participation, date_of_birth=review.child.date_of_birth, review_on=review.held_on)
            is None
        )
        assert review.chair.role == User.Role.IRO
        assert not review.held_late or review.late_reason
        for sent in (review.decisions_sent_on, review.record_sent_on):
            assert sent is None or review.held_on <= sent <= TODAY
    assert {r.participation for r in held} >= {"PN0", "PN1"}


@pytest.mark.django_db
def test_episodes_follow_the_903_code_rules(demo):
    for episode in Episode.objects.all():
        episode.full_clean(exclude=["child"])  # DfE rule 178: provider blank exactly for the listed placements
        assert (episode.placement_provider == "PR0") == (episode.placement == "P1")
    assert Child.objects.filter(upn__regex=r"^(UN[1-5]|[A-HJ-NP-RT-Z]\d{12})$").count() == Child.objects.count()


def test_the_history_holds_a_retired_code_in_the_years_it_was_valid(demo):
    # Z1 ("other placement") was a PLACE code until 2024-25; the episodes' own checks (above) hold it
    # to those years.
    z1 = Episode.objects.get(placement="Z1")
    assert z1.end_on is not None and z1.end_on < date(2025, 4, 1) and z1.placement_provider == z1.urn == ""


@pytest.mark.django_db
def test_the_output_names_no_child(demo):
    for la_child_id, first, last in Child.objects.values_list("la_child_id", "first_name", "last_name"):
        assert la_child_id not in demo
        assert f"{first} {last}" not in demo


@pytest.mark.django_db
def test_it_refuses_a_database_that_has_children_unless_told_to_reset(demo):
    with pytest.raises(CommandError, match="--reset"):
        seed()
    before = reviews_held()
    assert "not loaded" in seed("--if-empty")
    assert reviews_held() == before


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_authority_and_another_seed_another():
    seed("--reset")  # the module's demo authority may be there already
    first = reviews_held()
    seed("--reset")
    assert reviews_held() == first
    seed("--reset", seed=8)
    assert reviews_held() != first


def snapshot() -> dict:
    """Everything the demo writes, without database ids, uuids or timestamps."""
    return {
        "children": sorted(Child.objects.values_list("la_child_id", "upn", "first_name", "date_of_birth", "sex")),
        "episodes": sorted(
            Episode.objects.values_list(
                "child__la_child_id",
                "start_on",
                "end_on",
                "reason_new",
                "reason_ceased",
                "legal_status",
                "placement",
                "placement_provider",
                "reason_place_change",
                "placement_postcode",
            )
        ),  # fmt: skip
        "allocations": sorted(
            IROAllocation.objects.values_list("child__la_child_id", "iro__username", "start_on", "end_on", "reason")
        ),
        "reviews": sorted(
            Review.objects.values_list(
                "child__la_child_id",
                "period_start",
                "sequence",
                "due_on",
                "policy",
                "due_explanation",
                "held_on",
                "chair__username",
                "participation",
                "late_reason",
                "spoke_alone",
                "decisions_sent_on",
                "record_sent_on",
            ),
            key=str,
        ),  # fmt: skip
        "meetings": sorted(Meeting.objects.values_list("review__child__la_child_id", "planned_on", "status")),
        "audit": Counter(AuditEntry.objects.values_list("action", "object_type")),
    }


@pytest.mark.django_db
def test_the_bulk_writer_writes_exactly_what_the_services_write():
    seed("--reset", children=8)
    bulk = snapshot()
    seed("--reset", "--through-services", children=8)
    assert snapshot() == bulk
    assert bulk["reviews"] and bulk["episodes"] and bulk["allocations"]
