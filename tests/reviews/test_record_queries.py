"""The pages of the review record cost the same SQL queries with 10 children as with 500."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children.models import Child, Episode, IROAllocation
from reviews.models import Review, ReviewAction, ReviewParticipant, ReviewViews
from reviews.services import review_draft_save, review_record

from ..factories import login, make_child

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(queries)


def _more_children(iro, n: int, *, start: date, today: date) -> None:
    """n children on the IRO's caseload, each with a review held and an action overdue (in bulk)."""
    first = Child.objects.count()
    children = Child.objects.bulk_create(
        Child(
            la_child_id=f"Q{first + i:05d}",
            first_name="Bulk",
            last_name=f"Child{i}",
            date_of_birth=date(2010, 1, 1),
            sex="M",
            ethnicity="WBRI",
        )
        for i in range(n)
    )
    Episode.objects.bulk_create(
        Episode(
            child=c,
            start_on=start,
            reason_new="S",
            legal_status="C2",
            category_of_need="N1",
            placement="U4",
            placement_provider="PR1",
            urn="SC100001",
        )
        for c in children
    )
    IROAllocation.objects.bulk_create(
        IROAllocation(child=c, iro=iro, start_on=start, reason="new_to_care") for c in children
    )
    held = Review.objects.bulk_create(
        Review(
            child=c,
            period_start=start,
            sequence=1,
            due_on=start + timedelta(days=28),
            policy="days-28-90-180",
            due_explanation="x",
            held_on=start + timedelta(days=20),
            chair=iro,
            participation="PN1",
        )
        for c in children
    )
    ReviewAction.objects.bulk_create(
        ReviewAction(review=r, what="Bulk", responsible_role="social_worker", due_on=today - timedelta(days=1))
        for r in held
    )


@pytest.mark.slow
def test_the_record_pages_cost_the_same_for_10_children_as_for_500(client, iro, qa_manager):
    today = timezone.localdate()
    start = today - timedelta(days=60)
    child = make_child(iro=iro, looked_after_from=start)
    first = review_record(
        actor=iro,
        child=child,
        held_on=start + timedelta(days=20),
        chair=iro,
        participation="PN1",
        actions=[
            {
                "what": f"Action {i}",
                "responsible_role": "carer",
                "responsible_name": "C",
                "due_on": today - timedelta(days=i),
            }
            for i in range(3)
        ],
    )
    ReviewParticipant.objects.create(review=first, role="parent", name="P", attended=True)
    ReviewViews.objects.create(review=first, role="child", method="app", gathered_on=first.held_on, text="Hi")
    waiting = child.reviews.get(held_on__isnull=True)
    review_draft_save(actor=iro, review=waiting, page="the-review", data={"held_on_0": "1"})
    action = first.actions.first()
    _more_children(iro, 9, start=start, today=today)

    urls = {
        "child": reverse("children:detail", args=[child.public_id]),
        "caseload": reverse("children:caseload"),
        "review": reverse("reviews:detail", args=[first.public_id]),
        "prepare": reverse("reviews:prepare", args=[waiting.public_id]),
        "outcomes": reverse("reviews:journey", args=[waiting.public_id, "actions-from-last-review"]),
        "held": reverse("reviews:journey", args=[waiting.public_id, "the-review"]),
        "health": reverse("reviews:journey", args=[waiting.public_id, "health-and-education"]),
        "actions": reverse("reviews:journey", args=[waiting.public_id, "actions"]),
        "check": reverse("reviews:journey_check", args=[waiting.public_id]),
        "action": reverse("reviews:update_action", args=[action.public_id]),
        "sent": reverse("reviews:document_sent", args=[first.public_id, "decisions"]),
    }
    login(client, iro)
    few = {name: _queries(client, url) for name, url in urls.items()}
    login(client, qa_manager)
    few["dashboard"] = _queries(client, reverse("reports:dashboard"))

    _more_children(iro, 490, start=start, today=today)
    login(client, iro)
    more = {name: _queries(client, url) for name, url in urls.items()}
    login(client, qa_manager)
    more["dashboard"] = _queries(client, reverse("reports:dashboard"))
    assert more == few
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "data-actions-overdue>501<" in page, "2 of the child's actions (one is due today) and 499 others"
