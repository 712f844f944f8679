from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        # The settings hold these as plain strings; the rules that give them meaning live here.
        from core.calendar import NATIONS
        from reviews.timescales import Policy

        if settings.REVIEW_TIMESCALE_POLICY not in set(Policy):
            raise ImproperlyConfigured(
                f"REVIEW_TIMESCALE_POLICY must be one of {', '.join(Policy)}, not {settings.REVIEW_TIMESCALE_POLICY!r}."
            )
        if settings.BANK_HOLIDAY_NATION not in NATIONS:
            raise ImproperlyConfigured(
                f"BANK_HOLIDAY_NATION must be one of {', '.join(sorted(NATIONS))}, "
                f"not {settings.BANK_HOLIDAY_NATION!r}."
            )
        if not 1 <= settings.SHORT_BREAK_GAP_MONTHS <= 24:
            raise ImproperlyConfigured(
                "SHORT_BREAK_GAP_MONTHS must be a number of months from 1 to 24, "
                f"not {settings.SHORT_BREAK_GAP_MONTHS!r}."
            )
