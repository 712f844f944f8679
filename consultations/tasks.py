"""The consultations' Celery tasks: the reminder sweep and the sender of their emails."""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.tasks import MAIL_RETRY
from core.calendar import is_working_day

from .ratelimit import forget_old_counts
from .services import consultation_emails_send_pending, remind_consultations


@shared_task(**MAIL_RETRY)
def send_consultation_emails() -> int:
    forget_old_counts()
    return consultation_emails_send_pending()


@shared_task
def sweep_consultation_reminders(day: str | None = None) -> bool:
    """Write the reminders due (not on a bank holiday: the next working day's run finds them), then
    ask for them to be sent."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    if not is_working_day(today, nation=settings.BANK_HOLIDAY_NATION):
        return False
    with transaction.atomic():
        remind_consultations(today=today)
        transaction.on_commit(send_consultation_emails.delay)
    return True
