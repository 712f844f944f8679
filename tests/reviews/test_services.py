"""Recording and editing reviews through the services: due dates move, bad input is refused with a
message naming the rule, and nothing already saved is lost."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from accounts.models import AuditEntry
from children.services import episode_end, episode_start
from reviews.models import Review
from reviews.services import review_record, review_update

from ..factories import make_child

TODAY = date(2014, 12, 1)
pytestmark = pytest.mark.django_db


def record(child, held_on, *, chair, participation="PN1", **extra):
    return review_record(
        actor=chair, child=child, today=TODAY, held_on=held_on, chair=chair, participation=participation, **extra
    )


def waiting(child) -> Review:
    return child.reviews.get(held_on__isnull=True)


def test_a_child_looked_after_has_a_first_review_due_28_days_later(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review = waiting(child)
    assert (review.sequence, review.due_on, review.policy) == (1, date(2014, 3, 31), "days-28-90-180")
    assert review.due_explanation == "due 31/03/2014: 28 days after the period of care began on 03/03/2014"


def test_recording_a_review_moves_the_next_due_date(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    first = waiting(child)
    held = record(child, date(2014, 3, 31), chair=iro)
    assert held.pk == first.pk, "the waiting review is the one recorded"
    assert not held.held_late
    nxt = waiting(child)
    assert (nxt.sequence, nxt.due_on) == (2, date(2014, 6, 29))
    assert nxt.due_explanation == "due 29/06/2014: 90 days after the first review on 31/03/2014"


def test_an_early_review_moves_the_clock(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    record(child, date(2014, 3, 20), chair=iro)
    assert waiting(child).due_on == date(2014, 6, 18)


@override_settings(REVIEW_TIMESCALE_POLICY="england-2010")
def test_england_2010_counts_working_days_past_bank_holidays(iro):
    # 20 working days from 3 April 2014 skip Good Friday, Easter Monday and the May Day holiday.
    child = make_child(iro=iro, looked_after_from=date(2014, 4, 3))
    review = waiting(child)
    assert review.due_on == date(2014, 5, 6)
    assert review.policy == "england-2010"
    assert "20 working days" in review.due_explanation


def test_a_late_review_needs_its_reason(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    with pytest.raises(ValidationError) as caught:
        record(child, date(2014, 4, 2), chair=iro)
    assert caught.value.message_dict["late_reason"] == [
        "This review was due on 31/03/2014 and held on 02/04/2014: select why it was late."
    ]
    # Nothing was saved: the review is still waiting, with its due date.
    assert list(child.reviews.values_list("held_on", "due_on")) == [(None, date(2014, 3, 31))]
    held = record(child, date(2014, 4, 2), chair=iro, late_reason="social_worker")
    assert held.held_late and held.late_reason == "social_worker"
    assert waiting(child).due_on == date(2014, 7, 1)


def test_a_late_reason_on_a_review_in_time_is_dropped(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    held = record(child, date(2014, 3, 30), chair=iro, late_reason="other", late_reason_detail="The family moved house")
    assert held.late_reason == ""


@pytest.mark.parametrize(
    ("dob", "code", "message"),
    [
        (
            date(2008, 1, 1),
            "PN0",
            "PN0 is only for a child under 4 on the date of the review; this child was 6 (DfE rule 440)",
        ),
        (
            date(2012, 1, 1),
            "PN1",
            "PN1 is only for a child aged 4 or over on the date of the review; this child was 2 (DfE rule 441)",
        ),
    ],
)
def test_a_participation_code_that_does_not_fit_the_age_is_refused(iro, dob, code, message):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3), date_of_birth=dob)
    with pytest.raises(ValidationError) as caught:
        record(child, date(2014, 3, 28), chair=iro, participation=code)
    assert caught.value.message_dict["participation"] == [message]


def test_on_the_fourth_birthday_either_code_is_accepted(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3), date_of_birth=date(2010, 3, 28))
    assert record(child, date(2014, 3, 28), chair=iro, participation="PN0").participation == "PN0"
    other = make_child(iro=iro, looked_after_from=date(2014, 3, 3), date_of_birth=date(2010, 3, 28))
    assert record(other, date(2014, 3, 28), chair=iro, participation="PN5").participation == "PN5"


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (date(2014, 3, 2), "C{n} was not looked after on 02/03/2014: a review must be held within a period of care"),
        (date(2014, 12, 2), "The date the review was held cannot be in the future."),
    ],
)
def test_a_review_outside_the_period_of_care_or_in_the_future_is_refused(iro, held_on, message):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    with pytest.raises(ValidationError) as caught:
        record(child, held_on, chair=iro)
    assert caught.value.message_dict["held_on"][0].startswith(message.format(n=child.la_child_id[1:]))


def test_no_review_after_the_child_left_care(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    episode_end(actor=None, episode=child.episodes.get(), end_on=date(2014, 3, 20), reason_ceased="E4A")
    # Left before the first review fell due: none is due, and none may be held after leaving.
    assert not child.reviews.exists()
    with pytest.raises(ValidationError) as caught:
        record(child, date(2014, 3, 25), chair=iro)
    assert "was not looked after on 25/03/2014" in caught.value.message_dict["held_on"][0]
    assert not child.allocations.filter(end_on__isnull=True).exists(), "the IRO allocation ends with care"


def test_a_review_missed_before_the_child_left_stays_due_and_unheld(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    episode_end(actor=None, episode=child.episodes.get(), end_on=date(2014, 4, 10), reason_ceased="E4A")
    missed = waiting(child)
    assert missed.due_on == date(2014, 3, 31)


def test_a_second_period_of_care_restarts_the_clock(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 1, 6))
    record(child, date(2014, 2, 1), chair=iro)
    episode_end(actor=None, episode=child.episodes.get(), end_on=date(2014, 3, 1), reason_ceased="E4B")
    episode_start(
        actor=None,
        child=child,
        start_on=date(2014, 6, 2),
        reason_new="S",
        legal_status="V2",
        category_of_need="N4",
        placement="U6",
        placement_provider="PR1",
    )
    nxt = waiting(child)
    assert (nxt.period_start, nxt.sequence, nxt.due_on) == (date(2014, 6, 2), 1, date(2014, 6, 30))


def test_editing_the_date_held_recomputes_the_following_due_dates(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    first = record(child, date(2014, 3, 31), chair=iro)
    second = record(child, date(2014, 6, 20), chair=iro)
    assert waiting(child).due_on == date(2014, 12, 17)
    review_update(actor=iro, review=first, today=TODAY, held_on=date(2014, 3, 25))
    second.refresh_from_db()
    assert second.due_on == date(2014, 6, 23)
    assert waiting(child).due_on == date(2014, 12, 17)


def test_an_edit_that_makes_a_review_late_is_refused_and_changes_nothing(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    first = record(child, date(2014, 3, 31), chair=iro)
    with pytest.raises(ValidationError) as caught:
        review_update(actor=iro, review=first, today=TODAY, held_on=date(2014, 4, 4))
    assert "late_reason" in caught.value.message_dict
    first.refresh_from_db()
    assert first.held_on == date(2014, 3, 31)
    assert waiting(child).due_on == date(2014, 6, 29)


def test_two_reviews_on_one_day_are_refused(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    record(child, date(2014, 3, 31), chair=iro)
    with pytest.raises(ValidationError) as caught:
        record(child, date(2014, 3, 31), chair=iro)
    assert caught.value.message_dict["held_on"] == ["A review held on 31/03/2014 is already recorded for this child."]


def test_sent_dates_cannot_precede_the_review(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    with pytest.raises(ValidationError) as caught:
        record(child, date(2014, 3, 31), chair=iro, decisions_sent_on=date(2014, 3, 30))
    assert caught.value.message_dict["decisions_sent_on"] == [
        "The date the decisions were sent out cannot be before the review was held (31/03/2014)."
    ]


def test_every_change_is_audited_with_its_actor(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review = record(child, date(2014, 3, 31), chair=iro)
    entry = AuditEntry.objects.get(action="review_recorded")
    assert (entry.actor, entry.object_type, entry.object_id) == (iro, "reviews.review", review.pk)
    assert "held_on" in entry.detail["fields"]


def test_a_refused_review_leaves_no_audit_entry(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    with pytest.raises(ValidationError):
        record(child, date(2014, 4, 2), chair=iro)
    assert not AuditEntry.objects.filter(action="review_recorded").exists()
