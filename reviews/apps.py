from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        # Imported here: models can be imported only once every app is loaded. The settings hold the
        # policy and nation as plain strings; the rules that give them meaning live in these modules.
        from children.pages import register_child_page_context
        from children.signals import episodes_changed
        from core.calendar import NATIONS
        from reviews.selectors import child_history_reviews, child_page_reviews
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
        register_child_page_context("overview", child_page_reviews)
        register_child_page_context("history", child_history_reviews)
        episodes_changed.connect(_refresh_review_schedule, dispatch_uid="review_schedule_refresh")


def _refresh_review_schedule(sender, *, child, **kwargs) -> None:
    """Due dates follow the episodes, in the transaction that changed them."""
    from reviews.schedule_services import review_schedule_refresh

    review_schedule_refresh(child=child)
