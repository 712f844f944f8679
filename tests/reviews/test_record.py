"""The review record through its services and rules, on fixed dates: actions and their outcomes,
the overdue-actions sweep (never twice), the pure rules computed from episodes, the letter's words
by age, and the old decisions text kept as the summary."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import AuditEntry, Notification
from reviews import documents, reminders
from reviews.models import Meeting, Review
from reviews.record import age_band, legal_status_on, placements_in_year_to, report_due_by
from reviews.services import action_update, meeting_book, review_record
from reviews.tasks import sweep

from ..factories import make_child

pytestmark = pytest.mark.django_db


def _record(child, iro, held_on, *, participation="PN1", **extra):
    return review_record(
        actor=iro, child=child, held_on=held_on, chair=iro, participation=participation, today=held_on, **extra
    )


def _action(what, due_on):
    return {"what": what, "responsible_role": "social_worker", "responsible_name": "Sam Jones", "due_on": due_on}


def test_recording_keeps_the_actions_and_settles_the_booked_meeting(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))  # first review due 31/03/2014
    meeting_book(actor=iro, review=child.reviews.get(), planned_on=date(2014, 3, 27), today=date(2014, 3, 10))
    review = _record(child, iro, date(2014, 3, 28), actions=[_action("Arrange a PEP", date(2014, 4, 30))])
    meeting = review.meetings.get()
    assert (meeting.status, meeting.reason) == (
        Meeting.Status.RESCHEDULED,
        "The review was held on 28/03/2014 instead.",
    )
    action = review.actions.get()
    assert (action.status, action.responsible) == ("open", "Sam Jones (Social worker)")
    with pytest.raises(ValidationError) as error:
        _record(child, iro, date(2014, 6, 20), actions=[_action("Backdated", date(2014, 6, 1))])
    assert "cannot be before the review that agreed it" in str(error.value)
    assert child.reviews.filter(held_on=date(2014, 6, 20)).count() == 0, "nothing of a refused record is kept"


def test_the_next_review_records_the_outcome_of_the_open_actions(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    first = _record(
        child, iro, date(2014, 3, 28), actions=[_action("A", date(2014, 4, 30)), _action("B", date(2014, 5, 30))]
    )
    a, b = first.actions.order_by("what")
    second = _record(
        child,
        iro,
        date(2014, 6, 20),
        outcomes={a.pk: {"status": "not_done", "outcome": "Carer moved."}, b.pk: {"status": "open", "outcome": ""}},
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.outcome, a.outcome_on, a.outcome_review) == (
        "not_done",
        "Carer moved.",
        date(2014, 6, 20),
        second,
    )
    assert (b.status, b.outcome_on) == ("open", None)


def test_an_action_is_closed_between_reviews_with_a_dated_outcome(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    action = _record(child, iro, date(2014, 3, 28), actions=[_action("A", date(2014, 4, 30))]).actions.get()
    with pytest.raises(ValidationError) as error:
        action_update(actor=iro, action=action, status="done", outcome="Done", outcome_on=None, today=date(2014, 4, 2))
    assert error.value.message_dict == {"outcome_on": ["Enter the date of the outcome."]}
    with pytest.raises(ValidationError) as error:
        action_update(actor=iro, action=action, status="done", outcome_on=date(2014, 3, 1), today=date(2014, 4, 2))
    assert "before the review that agreed the action (28/03/2014)" in str(error.value)
    action = action_update(
        actor=iro, action=action, status="done", outcome="Booked", outcome_on=date(2014, 4, 1), today=date(2014, 4, 2)
    )
    assert (action.status, action.outcome_on) == ("done", date(2014, 4, 1))
    assert AuditEntry.objects.filter(action="review_action_updated", object_id=action.pk).exists()


def test_the_iro_hears_once_of_each_action_past_its_date_on_a_working_day(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review = _record(
        child, iro, date(2014, 3, 28), actions=[_action("A", date(2014, 4, 30)), _action("B", date(2014, 6, 30))]
    )
    reminders.alert_actions_overdue(today=date(2014, 4, 30))  # due today: not overdue yet
    assert Notification.objects.count() == 0
    for day in ("2014-05-01", "2014-05-01", "2014-05-02"):
        assert sweep("actions_overdue", day) is True
    assert sweep("actions_overdue", "2014-05-03") is False, "a Saturday: nothing runs"
    rows = list(Notification.objects.values_list("kind", "recipient", "subject_type", "deadline"))
    assert rows == [(Notification.Kind.ACTION_OVERDUE, iro.pk, "review_action", date(2014, 4, 30))]
    action = review.actions.get(what="A")
    action_update(
        actor=iro, action=action, status="done", outcome="Done", outcome_on=date(2014, 5, 2), today=date(2014, 5, 2)
    )
    reminders.alert_actions_overdue(today=date(2014, 7, 1))
    assert Notification.objects.filter(deadline=date(2014, 6, 30)).count() == 1
    assert Notification.objects.count() == 2, "a closed action is not chased"


@dataclass
class E:
    start_on: date
    end_on: date | None
    reason_new: str
    legal_status: str = "C2"


def test_placements_in_the_year_count_the_one_at_its_start_and_each_begun_since():
    episodes = [
        E(date(2012, 1, 1), date(2013, 6, 1), "S"),  # in place when the year to 1/1/2014 began
        E(date(2013, 6, 1), date(2013, 9, 1), "P", "C2"),  # a new placement
        E(date(2013, 9, 1), None, "L", "E1"),  # a legal status change only: same placement
    ]
    assert placements_in_year_to(episodes, date(2014, 1, 1)) == 2
    assert placements_in_year_to(episodes, date(2013, 5, 31)) == 1
    assert placements_in_year_to(episodes, date(2011, 12, 31)) == 0
    assert legal_status_on(episodes, date(2013, 9, 1)) == "E1", "on a hand-over day the new episode is in force"
    assert legal_status_on(episodes, date(2011, 1, 1)) == ""


def test_the_report_is_due_3_working_days_before_the_meeting():
    assert report_due_by(date(2014, 3, 13), nation="ENG") == date(2014, 3, 10)  # a Thursday: the Monday
    assert report_due_by(date(2014, 4, 23), nation="ENG") == date(2014, 4, 16)  # past Easter Monday and Good Friday


@pytest.mark.parametrize(
    ("age", "band", "words"),
    [
        (7, "under_8", "safe and happy"),
        (8, "8_to_12", "how things are going"),
        (12, "8_to_12", "how things"),
        (13, "13_plus", "your care plan"),
    ],
)
def test_the_letter_is_written_for_the_childs_age(iro, age, band, words):
    held_on = date(2014, 3, 28)
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3), date_of_birth=date(2014 - age, 1, 1))
    review = _record(child, iro, held_on, participation="PN1" if age >= 4 else "PN0")
    assert age_band(age).key == band
    letter = documents.build("letter", review, today=held_on)
    text = " ".join(p for s in letter.sections for p in s.paragraphs)
    assert words in text and f"Dear {child.first_name}," in text


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_old_decisions_text_is_kept_as_the_summary(iro):
    child = make_child(iro=None, looked_after_from=None)
    executor = MigrationExecutor(connection)
    executor.migrate([("reviews", "0001_initial")])
    old = executor.loader.project_state([("reviews", "0001_initial")]).apps
    old.get_model("reviews", "Review").objects.create(
        child_id=child.pk,
        period_start=date(2014, 3, 3),
        sequence=1,
        due_on=date(2014, 3, 31),
        policy="days-28-90-180",
        due_explanation="x",
        held_on=date(2014, 3, 28),
        participation="PN1",
        decisions="Stay in placement; PEP by May.",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    review = Review.objects.get(child=child)
    assert review.summary == "Stay in placement; PEP by May."
    assert review.actions.count() == 0
