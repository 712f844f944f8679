from smtplib import SMTPException

from celery import shared_task

from .notifications import notifications_send_pending

# Every task that sends email: mail-server trouble is retried with growing, jittered delays (30 s up
# to 10 minutes: always well inside the broker's visibility timeout); rows left unsent are also
# picked up by the task's next beat run.
MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**MAIL_RETRY)
def send_notifications() -> int:
    return notifications_send_pending()
