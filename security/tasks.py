from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def clear_expired_sessions() -> None:
    """Deletes sessions past their expiry, so nothing kept in them (search terms) outlives them."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
