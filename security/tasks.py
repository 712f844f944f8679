from datetime import timedelta
from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core import changes
from core.models import FormSubmission

# A form's one-time key is kept this long: a retry of the same sending comes within minutes.
FORM_KEYS_KEPT = timedelta(days=2)


@shared_task
def clear_expired_sessions() -> None:
    """The night's housekeeping: deletes sessions past their expiry, so nothing kept in them (search
    terms) outlives them, and the one-time keys of forms sent long ago; empties the log of changes
    behind the figures' stamp (core.changes), which grows by a row per changing statement."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    FormSubmission.objects.filter(created_at__lt=timezone.now() - FORM_KEYS_KEPT).delete()
    changes.prune()
