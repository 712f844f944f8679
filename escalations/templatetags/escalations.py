"""For pages outside this app that show a child's escalations (the child's page)."""

from django import template
from django.utils import timezone

from ..selectors import escalations_of_child

register = template.Library()


@register.simple_tag
def child_escalations(child) -> list:
    """The child's escalations, newest first, each with `overdue`: one query. The page using this has
    already reached the child through child_for_user."""
    return escalations_of_child(child, today=timezone.localdate())
