"""A DRP stage past its respond-by date with no response: the child's IRO and the QA managers
hear, once, through the notification outbox."""

from datetime import date

import pytest

from accounts.models import Notification
from accounts.notifications import wording
from escalations.deadlines import alert_stages_overdue
from escalations.services import escalation_resolve, escalation_stage_add, escalation_stage_respond
from escalations.tasks import sweep_stages_overdue
from tests.factories import make_child

from .conftest import raise_escalation

pytestmark = pytest.mark.django_db
KIND = Notification.Kind.ESCALATION_STAGE_OVERDUE


def sent() -> list[tuple[str, str, date]]:
    return sorted(Notification.objects.filter(kind=KIND).values_list("recipient__username", "subject_type", "deadline"))


def test_a_stage_past_its_deadline_alerts_the_iro_and_every_qa_manager_once(iro, qa_manager, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))  # response due by 8 April
    alert_stages_overdue(today=date(2014, 4, 8))  # due today: not overdue yet
    assert sent() == []
    for _ in range(3):
        alert_stages_overdue(today=date(2014, 4, 9))
    alert_stages_overdue(today=date(2014, 4, 15))
    assert sent() == sorted(
        [
            (iro.username, "escalation_stage", date(2014, 4, 8)),
            (qa_manager.username, "escalation_stage", date(2014, 4, 8)),
        ]
    )
    notification = Notification.objects.filter(kind=KIND).first()
    assert notification.subject_id == escalation.current_stage.pk and notification.child == child
    subject, text = wording(notification)
    assert child.la_child_id not in subject and child.first_name not in subject + text
    assert f"child {child.la_child_id} was due by 08/04/2014" in text


def test_the_next_stage_has_its_own_deadline_and_its_own_alert(iro, qa_manager, child):
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))
    alert_stages_overdue(today=date(2014, 4, 9))
    escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="team_manager",
        sent_to="Sam Patel",
        sent_on=date(2014, 4, 9),
        today=date(2014, 4, 9),
    )  # response due by 16 April
    alert_stages_overdue(today=date(2014, 4, 16))
    assert len(sent()) == 2, "the informal stage the concern moved on from is not chased again"
    alert_stages_overdue(today=date(2014, 4, 17))
    assert sorted(d for _, _, d in sent()) == [date(2014, 4, 8), date(2014, 4, 8), date(2014, 4, 16), date(2014, 4, 16)]


def test_no_alert_for_a_stage_answered_or_an_escalation_closed(iro, qa_manager, child):
    answered = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))
    escalation_stage_respond(
        actor=iro,
        stage=answered.current_stage,
        response="Agreed.",
        responded_on=date(2014, 4, 10),  # late, but answered
        today=date(2014, 4, 10),
    )
    resolved = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1), theme="safety")
    escalation_resolve(
        actor=iro, escalation=resolved, resolved_on=date(2014, 4, 2), outcome="Sorted.", today=date(2014, 4, 2)
    )
    alert_stages_overdue(today=date(2014, 4, 22))
    assert sent() == []


def test_without_an_iro_allocated_now_only_the_qa_managers_hear(iro, qa_manager):
    child = make_child(iro=None, looked_after_from=date(2014, 3, 3))
    raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1))
    alert_stages_overdue(today=date(2014, 4, 9))
    assert [u for u, _, _ in sent()] == [qa_manager.username]


def test_the_task_skips_weekends_and_bank_holidays(iro, qa_manager, child, django_capture_on_commit_callbacks):
    raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 14))  # due by 23 April, past Easter
    assert sweep_stages_overdue("2014-04-26") is False  # a Saturday
    assert sent() == []
    with django_capture_on_commit_callbacks() as callbacks:
        assert sweep_stages_overdue("2014-04-24") is True
    assert len(sent()) == 2
    assert len(callbacks) == 1, "the outbox is sent once the rows are committed"
