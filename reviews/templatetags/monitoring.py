"""For the child's page: the midway check due and the timeline of the IRO's involvement."""

from django import template
from django.utils import timezone

from ..monitoring_selectors import involvement_timeline, midway_interval

register = template.Library()


@register.simple_tag
def child_monitoring(child) -> dict:
    """The child's interval between reviews (with its midway check) and the timeline of the IRO's
    involvement: eight queries, whatever the child's history. The page using this has already
    reached the child through child_for_user."""
    today = timezone.localdate()
    interval = midway_interval(child)
    return {
        "interval": interval,
        "midway_status": interval.status(today) if interval else None,
        "timeline": involvement_timeline(child),
        "today": today,
    }
