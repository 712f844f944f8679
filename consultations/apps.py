from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class ConsultationsConfig(AppConfig):
    name = "consultations"

    def ready(self):
        from children.pages import register_child_page_context
        from consultations.selectors import child_page_consultations

        for name in ("CONSULTATION_LINK_DAYS", "CONSULTATION_REMINDER_WORKING_DAYS"):
            if getattr(settings, name) < 1:
                raise ImproperlyConfigured(f"{name} must be 1 or more.")
        register_child_page_context("overview", child_page_consultations)
