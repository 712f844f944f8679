"""The daily sweeps as Celery tasks: each takes the date, runs one sweep, then asks for the outbox to
be sent. Beat runs them on working days (settings.CELERY_BEAT_SCHEDULE)."""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.tasks import send_notifications
from core.calendar import is_working_day

from . import reminders, schedule_services

SWEEPS = {
    "short_break_lapses": schedule_services.short_break_lapses,
    "reviews_due": reminders.remind_reviews_due,
    "reviews_overdue": reminders.alert_reviews_overdue,
    "distribution_late": reminders.alert_distribution_late,
    "unallocated_children": reminders.alert_unallocated_children,
    "actions_overdue": reminders.alert_actions_overdue,
    "midway_checks": reminders.remind_midway_checks,
}


@shared_task
def sweep(name: str, day: str | None = None) -> bool:
    """Run one sweep for `day` (ISO date; today by default). Nothing is done on a bank holiday: the
    next working day's run finds the same deadlines, since each sweep looks at a window, not a day."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    if not is_working_day(today, nation=settings.BANK_HOLIDAY_NATION):
        return False
    with transaction.atomic():
        SWEEPS[name](today=today)
        transaction.on_commit(send_notifications.delay)
    return True
