"""The GOV.UK tags of a review's status and of a midway check's, as filters: the caseload shows two
on each of its rows, and a filter costs a small part of an included template rendered per row."""

from django import template
from django.utils.html import format_html

from core.midway import MidwayStatus

from ..selectors import DueStatus

register = template.Library()

DUE_STATUS_COLOURS = {
    DueStatus.OVERDUE: "red",
    DueStatus.DUE_SOON: "yellow",
    DueStatus.ON_TRACK: "green",
    DueStatus.NONE: "grey",
}
MIDWAY_STATUS_COLOURS = {MidwayStatus.DONE: "green", MidwayStatus.NOT_DONE: "red", MidwayStatus.DUE: "blue"}


@register.filter
def due_status_tag(status: str) -> str:
    """The review's status (a DueStatus; anything else reads as no review due)."""
    if status not in DUE_STATUS_COLOURS:
        status = DueStatus.NONE
    return _tag(DUE_STATUS_COLOURS[status], DueStatus.LABELS[status])


@register.filter
def midway_status_tag(status: str) -> str:
    """The midway check's status (a MidwayStatus; anything else reads as due)."""
    if status not in MIDWAY_STATUS_COLOURS:
        status = MidwayStatus.DUE
    return _tag(MIDWAY_STATUS_COLOURS[status], MidwayStatus.LABELS[status])


def _tag(colour: str, label: str) -> str:
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)
