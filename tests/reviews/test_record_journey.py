"""Preparing and recording a review page by page, its actions followed to the next review, its page
and documents, as the child's IRO (and refused to another IRO). Dates count back from today, so the
same reviews are in time and the same actions overdue on any real date."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from reviews.models import Meeting, Review, ReviewAction, ReviewDraft
from reviews.services import meeting_book

from ..factories import IROFactory, login, make_child
from ..test_views import date_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def child(iro, today):
    # Looked after 40 days ago: the first review was due 12 days ago (28 days after).
    return make_child(
        iro=iro,
        looked_after_from=today - timedelta(days=40),
        date_of_birth=today.replace(year=today.year - 10) - timedelta(days=3),
    )


def _waiting(child) -> Review:
    return child.reviews.get(held_on__isnull=True)


def _journey(review, page):
    return reverse("reviews:journey", args=[review.public_id, page])


def _walk(client, review, *, iro, held_on, actions=(), outcomes=None):
    """Post every page of the journey with good answers; return the check page's response."""
    if outcomes is not None:
        response = client.post(_journey(review, "actions-from-last-review"), outcomes)
        assert response.status_code == 302, response.content.decode()
    response = client.post(
        _journey(review, "the-review"),
        {**date_fields("held_on", held_on), "chair": iro.pk, "participation": "PN1", "spoke_alone": "yes"},
    )
    assert response.status_code == 302, response.content.decode()
    assert (
        client.post(_journey(review, "the-child"), {"wishes_and_feelings": "Wants to stay at school."}).status_code
        == 302
    )
    plan = {
        "care_plan": "Stay with the foster carers.",
        "permanence_plan": "long_term_fostering",
        **date_fields("permanence_target_on", held_on + timedelta(days=200)),
        "permanence_progress": "on_track",
        "plan_meets_needs": "yes",
        "plan_meets_needs_why": "Settled and safe.",
    }
    assert client.post(_journey(review, "the-plan"), plan).status_code == 302
    health = {**date_fields("health_assessment_on", held_on - timedelta(days=30)), "pep_reviewed": "yes"}
    assert client.post(_journey(review, "health-and-education"), health).status_code == 302
    for action in actions:
        assert client.post(_journey(review, "actions"), action).status_code == 302
    return client.get(reverse("reviews:journey_check", args=[review.public_id]))


def _action(what, due_on, role="social_worker", name="Sam Jones"):
    return {"what": what, "responsible_role": role, "responsible_name": name, **date_fields("due_on", due_on)}


def test_a_review_is_prepared_recorded_page_by_page_and_its_actions_followed_at_the_next(client, iro, child, today):
    first_held = today - timedelta(days=14)
    review = _waiting(child)
    meeting_book(actor=iro, review=review, planned_on=first_held, today=first_held)
    login(client, iro)

    # Preparing: people, views, the advocate and the report.
    prepare = reverse("reviews:prepare", args=[review.public_id])
    page = client.get(prepare).content.decode()
    assert "report due to be shared by" in page
    person = {"role": "parent", "name": "Pat Parent", "invited": "on", "sent_views": "on"}
    assert client.post(reverse("reviews:add_participant", args=[review.public_id]), person).status_code == 302
    views = {"role": "child", "method": "app", **date_fields("gathered_on", first_held), "text": "I like my school."}
    assert client.post(reverse("reviews:add_views", args=[review.public_id]), views).status_code == 302
    response = client.post(prepare, {"advocate_offered": "no", "advocate_used": "yes"})
    assert "The child cannot have used an advocate who was not offered" in response.content.decode()
    assert client.post(prepare, {"advocate_offered": "yes", "advocate_used": "yes"}).status_code == 302

    # The journey: every error of a page at once, and what was typed kept as a draft.
    start = client.get(reverse("reviews:journey_start", args=[review.public_id]))
    assert start.url == _journey(review, "the-review")
    response = client.post(_journey(review, "the-review"), {"spoke_alone": "yes"})
    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter the date the review was held",
        "Select the IRO who chaired",
        "Select how the child took part",
    ):
        assert message in page
    assert ReviewDraft.objects.get(review=review).data["the-review"]["spoke_alone"] == "yes"

    check = _walk(
        client,
        review,
        iro=iro,
        held_on=first_held,
        actions=[
            _action("Arrange a dental check", today - timedelta(days=5)),
            _action("Apply for a passport", today + timedelta(days=60)),
        ],
    )
    page = check.content.decode()
    assert "Check your answers" in page and "Long-term fostering" in page and "Arrange a dental check" in page
    response = client.post(reverse("reviews:journey_check", args=[review.public_id]))
    assert response.status_code == 302
    assert "meeting booked for" in client.get(response.url).content.decode()

    review.refresh_from_db()
    assert (review.held_on, review.permanence_plan, review.plan_meets_needs, review.pep_reviewed) == (
        first_held,
        "long_term_fostering",
        "yes",
        True,
    )
    assert not ReviewDraft.objects.filter(review=review).exists()
    assert review.meetings.get().status == Meeting.Status.HELD
    assert review.participants.get().name == "Pat Parent" and review.views_gathered.count() == 1
    assert review.actions.count() == 2

    # The action past its date shows on the child's page and flags the caseload.
    child_page = client.get(reverse("children:detail", args=[child.public_id])).content.decode()
    assert "data-open-actions" in child_page and "Overdue" in child_page
    assert "data-actions-overdue" in client.get(reverse("children:caseload")).content.decode()

    # The next review starts with the open actions of the last.
    second = _waiting(child)
    start = client.get(reverse("reviews:journey_start", args=[second.public_id]))
    assert start.url == _journey(second, "actions-from-last-review")
    dental, passport = review.actions.order_by("due_on")
    page = client.get(start.url).content.decode()
    assert "Arrange a dental check" in page and "Apply for a passport" in page
    response = client.post(start.url, {f"action_{dental.pk}_status": "done"})
    assert "Enter the outcome of the action" in response.content.decode()
    outcomes = {
        f"action_{dental.pk}_status": "done",
        f"action_{dental.pk}_outcome": "Seen by the dentist.",
        f"action_{passport.pk}_status": "open",
    }
    check = _walk(client, second, iro=iro, held_on=today, outcomes=outcomes)
    assert "Seen by the dentist" in check.content.decode()
    assert client.post(reverse("reviews:journey_check", args=[second.public_id])).status_code == 302
    dental.refresh_from_db()
    passport.refresh_from_db()
    assert (dental.status, dental.outcome_on, dental.outcome_review_id) == ("done", today, second.pk)
    assert passport.status == ReviewAction.Status.OPEN


def test_the_draft_is_kept_and_resumed_where_it_was_left(client, iro, child, today):
    review = _waiting(child)
    login(client, iro)
    client.post(
        _journey(review, "the-review"),
        {**date_fields("held_on", today), "chair": iro.pk, "participation": "PN1"},
    )
    client.logout()
    login(client, iro)
    start = client.get(reverse("reviews:journey_start", args=[review.public_id]))
    assert start.url == _journey(review, "the-child"), "resumes at the first page not yet saved"
    page = client.get(_journey(review, "the-review")).content.decode()
    assert f'value="{today.year}"' in page
    assert (
        "Continue the draft record" in client.get(reverse("children:detail", args=[child.public_id])).content.decode()
    )
    check = client.get(reverse("reviews:journey_check", args=[review.public_id])).content.decode()
    assert "Some pages are not finished yet" in check and "Record the review</button>" not in check


def test_a_meeting_after_the_due_date_says_the_review_will_be_late(client, iro, child, today):
    review = _waiting(child)  # due 12 days ago
    login(client, iro)
    url = reverse("reviews:book_meeting", args=[review.public_id])
    response = client.post(url, {**date_fields("planned_on", today + timedelta(days=2)), "mode": "virtual"})
    assert "means the review will be late. Select why it is expected to be late" in response.content.decode()
    response = client.post(
        url,
        {
            **date_fields("planned_on", today + timedelta(days=2)),
            "mode": "virtual",
            "expected_late_reason": "social_worker",
            "starts_at": "14:30",
        },
    )
    assert response.status_code == 302
    meeting = review.meetings.get()
    assert (meeting.mode, meeting.expected_late_reason, f"{meeting.starts_at:%H:%M}") == (
        "virtual",
        "social_worker",
        "14:30",
    )
    assert "the review will be late" in client.get(reverse("children:detail", args=[child.public_id])).content.decode()


def test_the_review_page_documents_and_marking_them_sent(client, iro, child, today):
    review = _waiting(child)
    login(client, iro)
    _walk(
        client,
        review,
        iro=iro,
        held_on=today - timedelta(days=14),
        actions=[_action("Book a PEP", today + timedelta(days=10), role="school", name="Ms Head")],
    )
    client.post(reverse("reviews:journey_check", args=[review.public_id]))
    review.refresh_from_db()
    page = client.get(reverse("reviews:detail", args=[review.public_id])).content.decode()
    assert "Book a PEP" in page and "Long-term fostering" in page and "app-no-print" in page

    for document in ("decisions", "record", "letter"):
        pdf = client.get(reverse("reviews:document", args=[review.public_id, document, "pdf"]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert child.first_name not in pdf["Content-Disposition"] and child.last_name not in pdf["Content-Disposition"]
        word = client.get(reverse("reviews:document", args=[review.public_id, document, "docx"]))
        text = zipfile.ZipFile(io.BytesIO(word.content)).read("word/document.xml").decode()
        assert "Book a PEP" in text
    assert AuditEntry.objects.filter(action="review_document_downloaded", object_id=review.pk).count() == 6
    letter = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("reviews:document", args=[review.public_id, "letter", "docx"])).content)
    )
    assert "These are the things people agreed to do" in letter.read("word/document.xml").decode(), (
        "aged 10: the 8-12 words"
    )

    url = reverse("reviews:document_sent", args=[review.public_id, "decisions"])
    response = client.post(url, date_fields("sent_on", today - timedelta(days=15)))
    assert "cannot be before the review was held" in response.content.decode()
    assert client.post(url, date_fields("sent_on", today)).status_code == 302
    review.refresh_from_db()
    assert review.decisions_sent_on == today


def test_another_iro_cannot_reach_the_review_or_its_documents(client, iro, child, today):
    review = _waiting(child)
    login(client, iro)
    _walk(client, review, iro=iro, held_on=today - timedelta(days=14))
    client.post(reverse("reviews:journey_check", args=[review.public_id]))
    outsider = IROFactory()
    login(client, outsider)
    for url in (
        reverse("reviews:detail", args=[review.public_id]),
        reverse("reviews:document", args=[review.public_id, "record", "pdf"]),
        reverse("reviews:prepare", args=[_waiting(child).public_id]),
        reverse("reviews:journey_start", args=[_waiting(child).public_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_an_action_added_is_removed_by_its_button_and_anything_else_sent_removes_nothing(client, iro, child, today):
    review = _waiting(child)
    login(client, iro)
    url = _journey(review, "actions")
    for what in ("Arrange a dental check", "Renew the passport"):
        assert client.post(url, _action(what, today + timedelta(days=30))).status_code == 302
    for nothing in ("²", "9" * 4301, "-1", "2"):
        assert client.post(url, {"remove": nothing}).status_code == 302
    assert [a["what"] for a in ReviewDraft.objects.get(review=review).data["actions"]["added"]] == [
        "Arrange a dental check",
        "Renew the passport",
    ]
    assert client.post(url, {"remove": "0"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Renew the passport" in page and "Arrange a dental check" not in page
