"""For the child's page: the midway check due and the timeline of the IRO's involvement."""

from django import template
from django.utils import timezone

from ..monitoring_selectors import child_page_monitoring

register = template.Library()


@register.simple_tag
def child_monitoring(child) -> dict:
    """The page using this has already reached the child through child_for_user."""
    return child_page_monitoring(child, today=timezone.localdate())["monitoring"]
