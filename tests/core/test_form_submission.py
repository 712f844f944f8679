"""No lost updates and no double submits: edit forms carry the version they showed, create forms a
one-time key (core.forms.submit)."""

import threading
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.forms import date_field
from core.models import FormSubmission
from escalations.models import Escalation
from reviews.models import Review
from security.tasks import clear_expired_sessions
from tests.conftest import SignInClient
from tests.factories import login, make_child
from tests.forms import form_data

pytestmark = pytest.mark.django_db

HELD = date(2014, 3, 20)


@pytest.fixture
def review(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3), reviews_held=(HELD,))
    return child.reviews.get(held_on=HELD)


def test_the_second_of_two_edits_of_a_review_is_refused_with_the_first_ones_changes_shown(
    client, iro, qa_manager, review
):
    other = SignInClient()
    url = reverse("reviews:edit", args=[review.public_id])
    first = form_data(login(client, iro).get(url).content.decode())
    second = form_data(login(other, qa_manager).get(url).content.decode())
    assert first["submission_version"] and first["submission_key"] != second["submission_key"]

    response = client.post(url, {**first, "summary": "Decisions: contact with mother weekly"})
    assert response.status_code == 302
    response = other.post(
        url, {**second, "decisions_sent_on_0": "25", "decisions_sent_on_1": "3", "decisions_sent_on_2": "2014"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved changes to this while you were editing it" in page
    assert "Summary of the review is now “Decisions: contact with mother weekly”" in page
    review.refresh_from_db()
    assert review.summary == "Decisions: contact with mother weekly" and review.decisions_sent_on is None

    # The second person's input is still in the form, now carrying the saved version: they keep the
    # first person's summary and save their own change on top of it.
    again = form_data(page)
    assert again["decisions_sent_on_0"] == "25" and again["submission_version"] != second["submission_version"]
    response = other.post(url, {**again, "summary": "Decisions: contact with mother weekly"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.summary == "Decisions: contact with mother weekly" and review.decisions_sent_on == date(2014, 3, 25)


def test_an_edit_made_twice_from_the_same_page_is_saved_once_and_not_taken_for_someone_elses(client, iro, review):
    url = reverse("reviews:edit", args=[review.public_id])
    data = {**form_data(login(client, iro).get(url).content.decode()), "summary": "Met at school"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the double click: the same answer, nothing more
    assert Review.objects.get(pk=review.pk).summary == "Met at school"


def test_the_review_forms_carry_their_version_and_a_key(client, iro, review):
    login(client, iro)
    waiting = review.child.reviews.get(held_on__isnull=True)
    for url in [reverse("reviews:edit", args=[review.public_id]), reverse("reviews:prepare", args=[waiting.public_id])]:
        data = form_data(client.get(url).content.decode())
        assert data["submission_version"] and data["submission_key"], url


def _escalation_form(client, child) -> tuple[str, dict]:
    url = reverse("escalations:raise", args=[child.public_id])
    data = form_data(client.get(url).content.decode())
    data |= {
        "raised_on_0": "1",
        "raised_on_1": "4",
        "raised_on_2": "2014",
        "theme": "education",
        "summary": "No school place since the move",
        "stage": "informal",
        "sent_to": "Jo Bloggs, social worker",
    }
    return url, data


def test_the_same_escalation_submitted_twice_makes_one(client, iro, review):
    login(client, iro)
    url, data = _escalation_form(client, review.child)
    first = client.post(url, data)
    second = client.post(url, data)
    escalation = Escalation.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("escalations:detail", args=[escalation.public_id])
    # A new page gives a new key: raising a second concern on purpose still works.
    url, data = _escalation_form(client, review.child)
    client.post(url, data)
    assert Escalation.objects.count() == 2


def test_a_refused_form_keeps_its_key_for_the_corrected_sending(client, iro, review):
    login(client, iro)
    url, data = _escalation_form(client, review.child)
    refused = client.post(url, {**data, "raised_on_2": "2099"})
    assert "cannot be in the future" in refused.content.decode()
    assert form_data(refused.content.decode())["submission_key"] == data["submission_key"]
    assert client.post(url, data).status_code == 302
    assert Escalation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_the_same_moment_make_one_escalation(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    clients = [SignInClient() for _ in range(2)]
    for c in clients:
        login(c, iro)
    url, data = _escalation_form(clients[0], child)
    start, answers = threading.Barrier(2), []

    def send(c: SignInClient):
        try:
            start.wait()
            answers.append(c.post(url, data))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].url == answers[1].url
    assert Escalation.objects.count() == 1 and FormSubmission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_edits_at_the_same_moment_save_one_and_refuse_the_other(iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3), reviews_held=(HELD,))
    review = child.reviews.get(held_on=HELD)
    url = reverse("reviews:edit", args=[review.public_id])
    people = [login(SignInClient(), iro), login(SignInClient(), qa_manager)]
    pages = [form_data(c.get(url).content.decode()) for c in people]
    start, answers = threading.Barrier(2), {}

    def send(i: int):
        try:
            start.wait()
            answers[i] = people[i].post(url, {**pages[i], "summary": f"Summary by person {i}"})
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = [i for i, a in answers.items() if a.status_code == 302]
    refused = [i for i, a in answers.items() if a.status_code == 200]
    assert len(saved) == 1 and len(refused) == 1
    assert Review.objects.get(pk=review.pk).summary == f"Summary by person {saved[0]}"
    assert f"Summary of the review is now “Summary by person {saved[0]}”" in answers[refused[0]].content.decode()


def test_the_nightly_task_forgets_the_keys_of_forms_sent_long_ago(iro):
    old, recent = (FormSubmission.objects.create(user=iro, key=uuid.uuid4()) for _ in range(2))
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    clear_expired_sessions.apply().get()
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_date_with_a_year_too_large_for_a_number_is_not_a_real_date():
    with pytest.raises(ValidationError, match="Date held must be a real date"):
        date_field("Date held").clean(["2", "4", "99999999999999999999999"])


def test_a_date_of_spaces_only_is_a_date_not_given():
    with pytest.raises(ValidationError, match="Enter the meeting date, with a day, month and year"):
        date_field("Meeting date").clean([" ", " ", " "])
    assert date_field("Meeting date", required=False).clean([" ", "", " "]) is None
