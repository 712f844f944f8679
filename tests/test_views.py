"""The child's page and the review pages, as the child's IRO, another IRO, a QA manager, the Director
and an anonymous visitor."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from accounts.models import AuditEntry

from .factories import login, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(iro, today):
    return make_child(
        # Looked after for 10 days: the first review is due in 18, so a review held today is in time.
        iro=iro,
        looked_after_from=today - timedelta(days=10),
        date_of_birth=today - relativedelta(years=9, months=6),
    )


def date_fields(name: str, day: date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


# --- Who may see what ------------------------------------------------------------------------------


def child_urls(child):
    review = child.reviews.get(held_on__isnull=True)
    return [
        reverse("children:detail", args=[child.public_id]),
        reverse("reviews:record", args=[child.public_id]),
        reverse("reviews:book_meeting", args=[review.public_id]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, child):
    for url in [reverse("home"), reverse("children:caseload"), *child_urls(child)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_the_childs_iro_and_qa_managers_see_the_child(client, child, iro, qa_manager):
    for user in (iro, qa_manager):
        login(client, user)
        for url in child_urls(child):
            assert client.get(url).status_code == 200, (user, url)


def test_another_iro_and_the_director_get_not_found(client, child, other_iro, director):
    for user in (other_iro, director):
        login(client, user)
        for url in child_urls(child):
            assert client.get(url).status_code == 404, (user, url)


def test_only_qa_managers_change_the_iro(client, child, iro, other_iro, qa_manager, today):
    url = reverse("children:allocate", args=[child.public_id])
    assert login(client, iro).get(url).status_code == 403
    assert login(client, other_iro).get(url).status_code == 404
    login(client, qa_manager)
    response = client.post(url, {"iro": other_iro.pk, "reason": "caseload", **date_fields("start_on", today)})
    assert response.status_code == 302
    assert child.allocations.get(end_on__isnull=True).iro == other_iro
    assert AuditEntry.objects.filter(action="iro_allocated", actor=qa_manager).exists()


def test_viewing_a_child_is_audited(client, child, iro):
    login(client, iro).get(reverse("children:detail", args=[child.public_id]))
    assert AuditEntry.objects.filter(action="child_viewed", actor=iro, object_id=child.pk).exists()


# --- Pages -------------------------------------------------------------------------------------------


def test_the_child_page_shows_the_next_due_date_and_why(client, child, iro):
    page = login(client, iro).get(reverse("children:detail", args=[child.public_id])).content.decode()
    review = child.reviews.get(held_on__isnull=True)
    assert f"Due {review.due_on:%-d %B %Y}" in page
    assert "28 days after the period of care began on" in page


def test_recording_a_review_in_the_browser_form(client, child, iro, today):
    response = login(client, iro).post(
        reverse("reviews:record", args=[child.public_id]),
        {**date_fields("held_on", today), "chair": iro.pk, "participation": "PN1", "spoke_alone": "yes"},
    )
    assert response.status_code == 302
    held = child.reviews.get(held_on=today)
    assert (held.participation, held.spoke_alone, held.chair) == ("PN1", True, iro)
    assert child.reviews.get(held_on__isnull=True).sequence == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"participation": "PN0"},
            "participation",
            "PN0 is only for a child under 4 on the date of the review; this child was 9",
        ),
        ({"participation": ""}, "participation", "Select how the child took part in the review"),
        ({"held_on_0": "31", "held_on_1": "2"}, "held_on", "Date the review was held must be a real date"),
        ({"held_on_2": "20x4"}, "held_on", "Enter a valid year"),
        ({"held_on_0": ""}, "held_on", "Enter the date the review was held, with a day, month and year"),
        ({"chair": ""}, "chair", "Select the IRO who chaired the review"),
    ],
)
def test_bad_input_to_the_review_form_is_refused_with_a_message(client, child, iro, change, field, message, today):
    data = {**date_fields("held_on", today), "chair": iro.pk, "participation": "PN1", **change}
    response = login(client, iro).post(reverse("reviews:record", args=[child.public_id]), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()  # in the error summary and beside the field
    assert not child.reviews.filter(held_on__isnull=False).exists()


def test_editing_a_review_keeps_what_was_not_changed(client, child, iro, today):
    from reviews.services import review_record

    review = review_record(actor=iro, child=child, held_on=today, chair=iro, participation="PN2", summary="Stay put")
    url = reverse("reviews:edit", args=[review.public_id])
    form = login(client, iro).get(url).context["form"]
    assert form.initial["participation"] == "PN2"
    response = client.post(
        url, {**date_fields("held_on", today), "chair": iro.pk, "participation": "PN5", "summary": "Stay put"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.participation, review.summary) == ("PN5", "Stay put")


def test_booking_and_cancelling_a_meeting(client, child, iro, today):
    review = child.reviews.get(held_on__isnull=True)
    login(client, iro)
    response = client.post(
        # A reason for lateness is asked for only if today is past the due date; ignored otherwise.
        reverse("reviews:book_meeting", args=[review.public_id]),
        {**date_fields("planned_on", today), "expected_late_reason": "other"},
    )
    assert response.status_code == 302
    meeting = review.meetings.get()
    url = reverse("reviews:cancel_meeting", args=[meeting.public_id])
    response = client.post(url, {"reason": ""})
    assert "Enter why the meeting was cancelled" in response.content.decode()
    assert client.post(url, {"reason": "Carer unwell"}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.reason) == ("cancelled", "Carer unwell")
