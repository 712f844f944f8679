"""Escalation work on Celery beat (settings.CELERY_BEAT_SCHEDULE): the daily sweep of DRP deadlines
and the Director's bi-monthly report. Each takes the date (today by default) and calls a service."""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.tasks import MAIL_RETRY, send_notifications
from core.calendar import is_working_day

from .deadlines import alert_stages_overdue
from .delivery import director_report_send


def _day(day: str | None) -> date:
    return date.fromisoformat(day) if day else timezone.localdate()


@shared_task
def sweep_stages_overdue(day: str | None = None) -> bool:
    """Stages past their respond-by date. Nothing on a bank holiday: the next working day's run finds
    the same stages, since the sweep looks at every deadline passed, not at one day."""
    today = _day(day)
    if not is_working_day(today, nation=settings.BANK_HOLIDAY_NATION):
        return False
    with transaction.atomic():
        alert_stages_overdue(today=today)
        transaction.on_commit(send_notifications.delay)
    return True


# The next day's run also sends what is left unsent.
@shared_task(**MAIL_RETRY)
def send_director_report(day: str | None = None) -> str:
    report = director_report_send(today=_day(day))
    return report.period_start.isoformat()
