"""The review forms as an IRO or QA manager meets them: the chair chosen already, the late-reason
question only for a late review (with the due date, and detail for "Other"), deadlines as dates,
every error at once and no DfE rule numbers; sign-in errors that say what to do."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews.services import review_record

from ..factories import hold_review, login, make_child
from ..test_views import date_fields

pytestmark = pytest.mark.django_db


def _held_page(review):
    return reverse("reviews:journey", args=[review.public_id, "the-review"])


def test_the_chair_is_the_childs_iro_for_a_qa_manager_and_the_list_has_no_dashes(client, iro, qa_manager, today):
    child = make_child(iro=iro, looked_after_from=today - timedelta(days=10))
    page = login(client, qa_manager).get(_held_page(child.reviews.get())).content.decode()
    assert "---------" not in page
    assert f'<option value="{iro.pk}" selected>' in page


def test_the_late_reason_is_asked_only_when_the_review_can_be_late(client, iro, today):
    on_time = make_child(iro=iro, looked_after_from=today - timedelta(days=10))  # due in 18 days
    page = login(client, iro).get(_held_page(on_time.reviews.get())).content.decode()
    assert "why was it late" not in page
    late = make_child(iro=iro, looked_after_from=today - timedelta(days=40))  # due 12 days ago
    due = late.reviews.get().due_on
    page = client.get(_held_page(late.reviews.get())).content.decode()
    assert f"The review was due on {due:%-d %B %Y}. If it was held after then, why was it late?" in page
    assert "If other, why was it late?" in page


def test_other_asks_why(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))  # due 31/03/2014
    held = {"held_on": date(2014, 4, 4), "chair": iro, "participation": "PN1", "late_reason": "other"}
    with pytest.raises(ValidationError) as refused:
        review_record(actor=iro, child=child, today=date(2014, 4, 7), **held)
    assert refused.value.message_dict == {"late_reason_detail": ["Say why the review was late."]}
    review = review_record(
        actor=iro, child=child, today=date(2014, 4, 7), late_reason_detail="The family moved house.", **held
    )
    assert review.late_reason_detail == "The family moved house."


def test_every_error_shows_at_once_without_rule_numbers(client, iro, other_iro, today):
    child = make_child(
        iro=iro, looked_after_from=today - timedelta(days=10), date_of_birth=today - timedelta(days=3700)
    )
    response = login(client, iro).post(
        _held_page(child.reviews.get()),
        {**date_fields("held_on", today), "chair": other_iro.pk, "participation": "PN0", "spoke_alone": ""},
    )
    page = response.content.decode()
    assert "nor covering for them" in page, "the chair's rule, with the participation's"
    assert "PN0" in page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert "DfE rule" not in page
    # A form error and a rule at once: no participation given, and the wrong chair.
    page = client.post(
        _held_page(child.reviews.get()), {**date_fields("held_on", today), "chair": other_iro.pk}
    ).content.decode()
    assert "Select how the child took part in the review" in page and "nor covering for them" in page


def test_editing_a_review_gives_its_paperwork_deadlines_as_dates(client, iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review = hold_review(child, date(2014, 3, 28), chair=iro)
    page = login(client, iro).get(reverse("reviews:edit", args=[review.public_id])).content.decode()
    assert "Due by 4 April 2014." in page and "Due by 22 April 2014." in page  # 5 and 15 working days (Easter)
    assert "why was it late" not in page, "held in time"


def test_sign_in_errors_say_what_to_do(client):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "Enter your username" in page and "Enter your password" in page
    page = client.post(reverse("login"), {"username": "nobody", "password": "wrong"}).content.decode()
    assert "Enter a correct username and password" in page and "Please enter" not in page
