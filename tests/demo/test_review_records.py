"""The demo authority's review records and monitoring between reviews: every kind of record, actions
in every status (some open past their date), valid by the service's rules, the same for the same
seed, and a demo child's whole record with every section filled."""

import io
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from children.models import Child
from demo.review_records import records_since
from reports.child_record import SECTIONS, child_record
from reviews.models import CaseNote, MidwayCheck, Review, ReviewAction, ReviewParticipant, ReviewViews

TODAY = date(2026, 11, 25)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

pytestmark = pytest.mark.slow  # each builds a demo authority


def seed(*extra: str, seed: int = 7, children: int = 40) -> str:
    out = io.StringIO()
    call_command(
        "seed_demo",
        "--seed",
        str(seed),
        "--children",
        str(children),
        "--today",
        TODAY.isoformat(),
        *extra,
        # The tests run with DEBUG off, as production does.
        "--i-know-this-is-not-production",
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), django_db_blocker.unblock(), transaction.atomic():
        yield seed("--reset")
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_recent_reviews_have_a_full_record(demo):
    since = records_since(TODAY)
    assert since == date(2025, 4, 1)
    recent = Review.objects.filter(held_on__gte=since)
    assert recent.exists()
    assert not recent.filter(participants__isnull=True).exists(), "everyone recent has participants"
    assert not recent.filter(permanence_plan="").exists() and not recent.filter(care_plan="").exists()
    assert ReviewViews.objects.filter(role="child").exists() and ReviewViews.objects.exclude(role="child").exists()
    roles = set(ReviewParticipant.objects.values_list("role", flat=True))
    assert {"child", "carer", "social_worker", "parent"} <= roles
    # Views are gathered before the review, never after it.
    assert not ReviewViews.objects.filter(gathered_on__gt=F("review__held_on")).exists()
    assert not Review.objects.filter(held_on__lt=since).exclude(permanence_plan="").exists()
    assert "Case notes" in demo and "Midway checks" in demo


@pytest.mark.django_db
def test_actions_in_every_status_some_open_past_their_date(demo):
    statuses = Counter(ReviewAction.objects.values_list("status", flat=True))
    assert set(statuses) == {"open", "done", "not_done", "no_longer_needed"}
    assert ReviewAction.objects.filter(status="open", due_on__lt=TODAY).exists()
    assert ReviewAction.objects.filter(status="open", due_on__gte=TODAY).exists()
    assert not ReviewAction.objects.exclude(status="open").filter(outcome_on__gt=TODAY).exists()
    assert not ReviewAction.objects.filter(outcome_on__lt=F("review__held_on")).exists()
    # An action followed up at the next review has its outcome dated by then.
    followed = ReviewAction.objects.filter(outcome_review__isnull=False)
    assert followed.exists() and not followed.filter(outcome_on__gt=F("outcome_review__held_on")).exists()


@pytest.mark.django_db
def test_case_notes_and_midway_checks_fall_between_reviews(demo):
    assert CaseNote.objects.exists() and not CaseNote.objects.filter(contact_on__gt=TODAY).exists()
    checks = MidwayCheck.objects.select_related("after_review")
    assert checks.exists()
    assert not checks.filter(checked_on__lt=F("after_review__held_on")).exists()
    assert not checks.filter(checked_on__gt=TODAY).exists()
    assert set(checks.values_list("actions_on_track", flat=True)) >= {"yes", "some"}
    assert not checks.filter(escalate=True, concerns="").exists()


@pytest.mark.django_db
def test_a_demo_childs_whole_record_has_every_section(demo):
    records = [child_record(child) for child in Child.objects.filter(case_notes__isnull=False).distinct()]
    fullest = min(records, key=lambda r: sum(not r[section] for section in SECTIONS))
    assert tuple(fullest) == SECTIONS
    filled = {section for section in SECTIONS if fullest[section]}
    assert {"child", "episodes", "iro_allocations", "reviews", "case_notes", "midway_checks"} <= filled
    recent = [r for r in fullest["reviews"] if r["held_on"] and r["held_on"] >= "2025-04-01"]
    assert recent and all(r["participants"] and r["actions"] for r in recent)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_records():
    def records() -> tuple:
        return (
            sorted(ReviewAction.objects.values_list("review__child__la_child_id", "due_on", "status", "what")),
            sorted(CaseNote.objects.values_list("child__la_child_id", "contact_on", "contact_with", "summary")),
            sorted(MidwayCheck.objects.values_list("child__la_child_id", "checked_on", "actions_on_track")),
        )

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        seed("--reset", children=15)
        first = records()
        seed("--reset", children=15)
        assert records() == first and first[0]
