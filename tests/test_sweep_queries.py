"""Every periodic sweep costs the same number of queries whatever the number of rows it writes (or
finds written already, on a repeat run): 3 children's worth and 15 children's worth of deadlines."""

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification, User
from consultations.models import ConsultationEmail
from consultations.services import consultation_send, remind_consultations
from escalations.deadlines import alert_stages_overdue
from escalations.delivery import director_report_send
from escalations.models import DirectorReport
from escalations.services import escalation_raise
from reviews import reminders
from reviews.services import review_record

from .factories import UserFactory, make_child

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds an authority per case

Sweep = Callable[[], object]


def _hold(child, iro, held_on, **extra):
    return review_record(
        actor=iro, child=child, held_on=held_on, chair=iro, participation="PN1", today=held_on, **extra
    )


def _notifications() -> int:
    return Notification.objects.count()


# Each case makes `n` children whose deadlines the sweep acts on, and returns the sweep and a count of
# what it writes.


def reviews_due(n, iro):
    for _ in range(n):
        make_child(iro=iro, looked_after_from=date(2014, 3, 3))  # due 31 March: 20 working days ahead
    return lambda: reminders.remind_reviews_due(today=date(2014, 3, 3)), _notifications


def reviews_overdue(n, iro):
    for _ in range(n):
        make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    return lambda: reminders.alert_reviews_overdue(today=date(2014, 4, 1)), _notifications


def distribution_late(n, iro):
    for _ in range(n):
        _hold(make_child(iro=iro, looked_after_from=date(2014, 3, 3)), iro, date(2014, 3, 31))
    return lambda: reminders.alert_distribution_late(today=date(2014, 4, 24)), _notifications


def unallocated_children(n, iro):
    for _ in range(n):
        make_child(iro=None, looked_after_from=date(2014, 3, 3))
    return lambda: reminders.alert_unallocated_children(today=date(2014, 4, 1)), _notifications


def actions_overdue(n, iro):
    action = {"what": "PEP", "responsible_role": "social_worker", "responsible_name": "Sam Jones"}
    for _ in range(n):
        child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
        _hold(child, iro, date(2014, 3, 28), actions=[{**action, "due_on": date(2014, 4, 30)}])
    return lambda: reminders.alert_actions_overdue(today=date(2014, 5, 1)), _notifications


def midway_checks(n, iro):
    for _ in range(n):
        _hold(make_child(iro=iro, looked_after_from=date(2014, 3, 3)), iro, date(2014, 3, 28))
    return lambda: reminders.remind_midway_checks(today=date(2014, 5, 2)), _notifications


def _escalate(n, iro):
    for _ in range(n):
        escalation_raise(
            actor=iro,
            child=make_child(iro=iro, looked_after_from=date(2014, 3, 3)),
            raised_on=date(2014, 4, 1),
            theme="drift_delay",
            summary="Permanence plan not progressed since the last review",
            stage="informal",
            sent_to="Jo Bloggs, social worker",
            today=date(2014, 4, 1),
        )


def escalation_stages_overdue(n, iro):
    _escalate(n, iro)
    return lambda: alert_stages_overdue(today=date(2014, 6, 2)), _notifications


def director_report(n, iro):
    _escalate(n, iro)
    UserFactory(role=User.Role.DIRECTOR)
    # April and May 2014: the report counts the escalations raised, and goes to the Director once.
    return (
        lambda: director_report_send(today=date(2014, 6, 2)),
        lambda: DirectorReport.objects.get().figures["period_figures"]["raised"] * len(mail.outbox),
    )


LONDON = ZoneInfo("Europe/London")


def consultation_reminders(n, iro):
    with time_machine.travel(datetime.combine(date(2026, 6, 10), time(10), tzinfo=LONDON)):
        for _ in range(n):
            child = make_child(iro=iro, looked_after_from=date(2026, 6, 1), date_of_birth=date(2016, 5, 1))
            review = child.reviews.get(held_on__isnull=True)  # due 29 June 2026
            consultation_send(actor=iro, review=review, respondent="carer", name="Pat", email="pat@example.org")
    reminder = ConsultationEmail.Kind.REMINDER
    return (
        lambda: remind_consultations(today=date(2026, 6, 24)),
        lambda: ConsultationEmail.objects.filter(kind=reminder).count(),
    )


def _measure(case, n, iro) -> tuple[int, int, int]:
    """Queries of the sweep's first run, of a repeat run, and what it wrote; then all is undone."""
    with transaction.atomic():
        run, written = case(n, iro)
        with CaptureQueriesContext(connection) as first:
            run()
        after_first = written()
        with CaptureQueriesContext(connection) as again:
            run()
        assert written() == after_first, "a repeat run wrote again"
        result = len(first), len(again), after_first
        transaction.set_rollback(True)
    mail.outbox.clear()
    return result


@pytest.mark.parametrize(
    "case",
    [
        reviews_due,
        reviews_overdue,
        distribution_late,
        unallocated_children,
        actions_overdue,
        midway_checks,
        escalation_stages_overdue,
        director_report,
        consultation_reminders,
    ],
)
def test_a_sweep_costs_the_same_queries_for_3_or_15_children(case, iro, qa_manager):
    few, few_again, few_written = _measure(case, 3, iro)
    many, many_again, many_written = _measure(case, 15, iro)
    assert 0 < few_written < many_written
    assert (many, many_again) == (few, few_again)
