"""Raising an escalation and taking it through the dispute resolution process: the rules, the
deadlines in working days, and that every step is kept."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import AuditEntry
from escalations.models import Escalation, EscalationStage, EscalationStatusChange
from escalations.services import (
    escalation_raise,
    escalation_resolve,
    escalation_stage_add,
    escalation_stage_respond,
    escalation_withdraw,
)
from reviews.services import review_record
from tests.factories import make_child

from .conftest import raise_escalation

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> dict[str, list[str]]:
    return error.value.message_dict


def test_raising_starts_the_first_stage_with_its_response_due_in_5_working_days(iro, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))  # a Tuesday
    assert (escalation.status, escalation.stage, escalation.raised_by, escalation.source) == (
        "open",
        "informal",
        iro,
        "raised",
    )
    stage = escalation.current_stage
    assert (stage.stage, stage.sent_to, stage.sent_on) == ("informal", "Jo Bloggs, social worker", date(2014, 4, 1))
    assert stage.respond_by == date(2014, 4, 8)
    assert stage.response_working_days == 5
    # Informal is not the formal process: its 20-working-day clock has not started.
    assert escalation.formal_by is None
    assert AuditEntry.objects.filter(action="escalation_raised", actor=iro, object_id=escalation.pk).exists()


def test_respond_by_skips_weekends_and_bank_holidays(iro, child):
    # Monday 14 April 2014: Good Friday (18th) and Easter Monday (21st) are not working days.
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 14))
    assert escalation.current_stage.respond_by == date(2014, 4, 23)


def test_the_working_days_of_each_stage_come_from_the_settings(iro, child, settings):
    settings.ESCALATION_RESPONSE_WORKING_DAYS = {**settings.ESCALATION_RESPONSE_WORKING_DAYS, "team_manager": 10}
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1), stage="informal")
    stage = escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="team_manager",
        sent_to="Sam Patel, team manager",
        sent_on=date(2014, 4, 9),
        today=date(2014, 4, 9),
    )
    # 10 working days from Wednesday 9 April, past Good Friday and Easter Monday: Friday 25 April.
    assert (stage.respond_by, stage.response_working_days) == (date(2014, 4, 25), 10)
    settings.ESCALATION_RESPONSE_WORKING_DAYS = {**settings.ESCALATION_RESPONSE_WORKING_DAYS, "team_manager": 5}
    stage.refresh_from_db()
    assert stage.respond_by == date(2014, 4, 25), "a deadline already set is not moved by a later setting"


def test_the_formal_process_is_due_to_end_20_working_days_after_its_first_stage(iro, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))
    escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="team_manager",
        sent_to="Sam Patel, team manager",
        sent_on=date(2014, 4, 9),
        today=date(2014, 4, 9),
    )
    escalation.refresh_from_db()
    # 20 working days from 9 April 2014, past Good Friday, Easter Monday and the early May bank
    # holiday (5 May): Monday 12 May.
    assert escalation.formal_by == date(2014, 5, 12)
    escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="service_manager",
        sent_to="Lee Chan, service manager",
        sent_on=date(2014, 4, 17),
        today=date(2014, 4, 17),
    )
    escalation.refresh_from_db()
    assert escalation.formal_by == date(2014, 5, 12), "the clock runs from the first formal stage"


def test_the_iro_can_move_up_skip_stages_and_refer_to_cafcass_at_any_point(iro, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))
    escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="head_of_service",  # past the team manager and the service manager
        sent_to="Ruth Obi, head of service",
        sent_on=date(2014, 4, 2),
        today=date(2014, 4, 2),
    )
    escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="cafcass",
        sent_to="Cafcass duty team",
        sent_on=date(2014, 4, 3),
        today=date(2014, 4, 3),
    )
    escalation.refresh_from_db()
    assert escalation.stage == "cafcass"
    assert list(escalation.stages.values_list("stage", flat=True)) == ["informal", "head_of_service", "cafcass"]
    # Straight from the informal stage to Cafcass, too.
    other = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1), theme="safety")
    escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=other,
        stage="cafcass",
        sent_to="Cafcass",
        sent_on=date(2014, 4, 1),
        today=date(2014, 4, 1),
    )


@pytest.mark.parametrize("stage", ["informal", "team_manager", "service_manager"])
def test_a_stage_already_passed_or_reached_is_refused(iro, child, stage):
    escalation = raise_escalation(iro=iro, child=child, stage="service_manager")
    with pytest.raises(ValidationError) as error:
        escalation_stage_add(
            asked="Agree the plan by the next panel",
            actor=iro,
            escalation=escalation,
            stage=stage,
            sent_to="X",
            sent_on=date(2014, 4, 2),
            today=date(2014, 4, 2),
        )
    assert messages(error)["stage"] == [
        "The escalation has already reached the service manager stage: it can only move to a later stage"
    ]


def test_nothing_comes_after_cafcass(iro, child):
    escalation = raise_escalation(iro=iro, child=child, stage="cafcass")
    with pytest.raises(ValidationError) as error:
        escalation_stage_add(
            asked="Agree the plan by the next panel",
            actor=iro,
            escalation=escalation,
            stage="director",
            sent_to="X",
            sent_on=date(2014, 4, 2),
            today=date(2014, 4, 2),
        )
    assert "already reached the referral to cafcass stage" in messages(error)["stage"][0]


def test_stage_dates_must_follow_the_stage_before_and_not_be_in_the_future(iro, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 10))
    for sent_on, message in [
        (date(2014, 4, 9), "The date it was sent cannot be before the date the concern was raised (10/04/2014)"),
        (date(2014, 4, 12), "The date it was sent cannot be in the future"),
        (None, "Enter the date it was sent"),
    ]:
        with pytest.raises(ValidationError) as error:
            escalation_stage_add(
                asked="Agree the plan by the next panel",
                actor=iro,
                escalation=escalation,
                stage="team_manager",
                sent_to="Sam Patel",
                sent_on=sent_on,
                today=date(2014, 4, 11),
            )
        assert messages(error)["sent_on"] == [message]
    with pytest.raises(ValidationError) as error:
        escalation_stage_add(
            asked="Agree the plan by the next panel",
            actor=iro,
            escalation=escalation,
            stage="nowhere",
            sent_to=" ",
            sent_on=date(2014, 4, 11),
            today=date(2014, 4, 11),
        )
    assert messages(error) == {
        "stage": ["Select the stage to take the concern to"],
        "sent_to": ["Enter the name and role of the person it went to"],
    }
    assert escalation.stages.count() == 1


def test_a_response_is_recorded_once_and_its_lateness_follows_from_its_deadline(iro, qa_manager, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))
    stage = escalation.current_stage
    with pytest.raises(ValidationError) as error:
        escalation_stage_respond(
            actor=iro, stage=stage, response="", responded_on=date(2014, 3, 31), today=date(2014, 4, 9)
        )
    assert messages(error) == {
        "responded_on": ["The date of the response cannot be before the date the stage was sent (01/04/2014)"],
        "response": ["Enter the response"],
    }
    stage = escalation_stage_respond(
        actor=qa_manager,
        stage=stage,
        response="Plan to panel on 20 May.",
        responded_on=date(2014, 4, 9),
        today=date(2014, 4, 9),
    )
    assert (stage.answered_late, stage.response_recorded_by) == (True, qa_manager)  # due by 8 April
    with pytest.raises(ValidationError, match="recorded on 09/04/2014: it cannot be changed"):
        escalation_stage_respond(
            actor=iro, stage=stage, response="Something else", responded_on=date(2014, 4, 9), today=date(2014, 4, 9)
        )
    stage.refresh_from_db()
    assert stage.response == "Plan to panel on 20 May."


def test_a_stage_the_concern_has_moved_on_from_takes_no_response(iro, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))
    informal = escalation.current_stage
    escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="team_manager",
        sent_to="Sam Patel",
        sent_on=date(2014, 4, 10),
        today=date(2014, 4, 10),
    )
    with pytest.raises(ValidationError) as refused:
        escalation_stage_respond(
            actor=iro,
            stage=informal,
            response="Sorry, on leave.",
            responded_on=date(2014, 4, 11),
            today=date(2014, 4, 11),
        )
    assert "moved on to the team manager stage" in refused.value.messages[0]
    informal.refresh_from_db()
    assert informal.responded_on is None


def test_escalating_says_what_is_asked_of_the_next_person(iro, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))
    with pytest.raises(ValidationError) as refused:
        escalation_stage_add(
            asked=" ",
            actor=iro,
            escalation=escalation,
            stage="team_manager",
            sent_to="Sam Patel",
            sent_on=date(2014, 4, 10),
            today=date(2014, 4, 10),
        )
    assert refused.value.message_dict["asked"] == ["Enter what you are asking them to do"]


def test_resolving_keeps_every_step_and_closes_the_escalation_for_good(iro, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))
    escalation_stage_respond(
        actor=iro, stage=escalation.current_stage, response="No.", responded_on=date(2014, 4, 3), today=date(2014, 4, 3)
    )
    team = escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="team_manager",
        sent_to="Sam",
        sent_on=date(2014, 4, 4),
        today=date(2014, 4, 4),
    )
    with pytest.raises(ValidationError) as error:
        escalation_resolve(
            actor=iro, escalation=escalation, resolved_on=date(2014, 4, 3), outcome=" ", today=date(2014, 4, 7)
        )
    assert messages(error) == {
        "resolved_on": ["The date it was resolved cannot be before the date of its latest stage (04/04/2014)"],
        "outcome": ["Enter the outcome"],
    }
    escalation_resolve(
        actor=iro,
        escalation=escalation,
        resolved_on=date(2014, 4, 7),
        outcome="Panel date set.",
        today=date(2014, 4, 7),
    )
    escalation.refresh_from_db()
    assert (escalation.status, escalation.closed_on) == ("resolved", date(2014, 4, 7))
    change = EscalationStatusChange.objects.get(escalation=escalation)
    assert (change.status, change.note, change.changed_by) == ("resolved", "Panel date set.", iro)

    # Closed is closed: nothing more can be added.
    closed = "was resolved on 07/04/2014: it cannot be changed"
    with pytest.raises(ValidationError, match=closed):
        escalation_stage_add(
            asked="Agree the plan by the next panel",
            actor=iro,
            escalation=escalation,
            stage="cafcass",
            sent_to="C",
            sent_on=date(2014, 4, 8),
            today=date(2014, 4, 8),
        )
    with pytest.raises(ValidationError, match=closed):
        escalation_stage_respond(
            actor=iro, stage=team, response="Late", responded_on=date(2014, 4, 8), today=date(2014, 4, 8)
        )
    with pytest.raises(ValidationError, match=closed):
        escalation_withdraw(
            actor=iro, escalation=escalation, withdrawn_on=date(2014, 4, 8), reason="x", today=date(2014, 4, 8)
        )

    # Every step is there, as it was recorded.
    stages = list(escalation.stages.order_by("sent_on").values_list("stage", "sent_on", "response", "responded_on"))
    assert stages == [
        ("informal", date(2014, 4, 1), "No.", date(2014, 4, 3)),
        ("team_manager", date(2014, 4, 4), "", None),
    ]
    assert list(
        AuditEntry.objects.filter(object_id=escalation.pk).order_by("at", "pk").values_list("action", flat=True)
    ) == [
        "escalation_raised",
        "escalation_response_recorded",
        "escalation_stage_added",
        "escalation_resolved",
    ]


def test_withdrawing_needs_a_reason(iro, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))
    with pytest.raises(ValidationError) as error:
        escalation_withdraw(actor=iro, escalation=escalation, withdrawn_on=None, reason="", today=date(2014, 4, 2))
    assert messages(error) == {
        "withdrawn_on": ["Enter the date it was withdrawn"],
        "reason": ["Enter why the escalation is being withdrawn"],
    }
    escalation_withdraw(
        actor=iro,
        escalation=escalation,
        withdrawn_on=date(2014, 4, 2),
        reason="Raised in error",
        today=date(2014, 4, 2),
    )
    escalation.refresh_from_db()
    assert (escalation.status, escalation.closed_on) == ("withdrawn", date(2014, 4, 2))


def test_what_is_raised_is_checked_field_by_field(iro, qa_manager, child):
    with pytest.raises(ValidationError) as error:
        escalation_raise(
            actor=iro,
            child=child,
            raised_on=date(2014, 4, 2),
            theme="bad",
            summary=" ",
            stage="nowhere",
            sent_to="",
            today=date(2014, 4, 1),
        )
    assert messages(error) == {
        "raised_on": ["The date the concern was raised cannot be in the future"],
        "theme": ["Select the theme of the concern"],
        "summary": ["Enter a summary of the concern"],
        "stage": ["Select who the concern was raised with first"],
        "sent_to": ["Enter the name and role of the person the concern was raised with"],
    }
    with pytest.raises(ValidationError) as error:
        raise_escalation(iro=iro, child=child, raised_on=date(2000, 1, 1), today=date(2014, 4, 1))
    assert messages(error)["raised_on"] == [
        "The date the concern was raised cannot be before the child's date of birth (17/05/2006)"
    ]
    with pytest.raises(ValidationError) as error:
        raise_escalation(iro=iro, child=child, summary="x" * 4001)
    assert messages(error)["summary"] == ["The summary must be 4,000 characters or fewer"]
    with pytest.raises(ValidationError, match="Only an IRO can raise an escalation"):
        raise_escalation(iro=qa_manager, child=child)
    assert not Escalation.objects.exists()


def test_raised_from_a_review_of_the_same_child_held_before(iro, child):
    review = review_record(
        actor=iro, child=child, held_on=date(2014, 3, 28), chair=iro, participation="PN1", today=date(2014, 3, 28)
    )
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 3, 31), review=review)
    assert escalation.review == review
    with pytest.raises(ValidationError) as error:
        raise_escalation(iro=iro, child=child, raised_on=date(2014, 3, 27), review=review)
    assert messages(error)["raised_on"] == [
        "The date the concern was raised cannot be before the review it came from (28/03/2014)"
    ]
    other = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    with pytest.raises(ValidationError, match="same child"):
        raise_escalation(iro=iro, child=other, raised_on=date(2014, 3, 31), review=review)


def test_the_database_refuses_a_stage_reached_twice(iro, child):
    escalation = raise_escalation(iro=iro, child=child)
    stage = escalation.current_stage
    with pytest.raises(IntegrityError):
        EscalationStage.objects.create(
            escalation=escalation,
            stage=stage.stage,
            sent_to="again",
            sent_on=stage.sent_on,
            respond_by=stage.respond_by,
            response_working_days=5,
            recorded_by=iro,
        )
