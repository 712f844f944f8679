"""The caseload page's repeated parts, as filters: the GOV.UK tags of a review's status and of a
midway check's (two on each row), and the IRO filter's options (one for each IRO: thousands in a
national service). A filter costs a small part of a template loop or an include rendered per item."""

from django import template
from django.utils.html import format_html, format_html_join

from core.midway import MidwayStatus

from ..selectors import DueStatus

register = template.Library()


def _tag(colour: str, label: str) -> str:
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


# Each status's tag, made once: the labels and colours are fixed.
DUE_STATUS_TAGS = {
    status: _tag(colour, DueStatus.LABELS[status])
    for status, colour in [
        (DueStatus.OVERDUE, "red"),
        (DueStatus.DUE_SOON, "yellow"),
        (DueStatus.ON_TRACK, "green"),
        (DueStatus.NONE, "grey"),
    ]
}
MIDWAY_STATUS_TAGS = {
    status: _tag(colour, MidwayStatus.LABELS[status])
    for status, colour in [(MidwayStatus.DONE, "green"), (MidwayStatus.NOT_DONE, "red"), (MidwayStatus.DUE, "blue")]
}


@register.filter
def due_status_tag(status: str) -> str:
    """The review's status (a DueStatus; anything else reads as no review due)."""
    return DUE_STATUS_TAGS.get(status, DUE_STATUS_TAGS[DueStatus.NONE])


@register.filter
def midway_status_tag(status: str) -> str:
    """The midway check's status (a MidwayStatus; anything else reads as due)."""
    return MIDWAY_STATUS_TAGS.get(status, MIDWAY_STATUS_TAGS[MidwayStatus.DUE])


@register.filter
def iro_options(iros, chosen) -> str:
    """An <option> for each IRO (with `caseload_size`), the `chosen` one selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{} ({})</option>',
        ((iro.pk, " selected" if iro == chosen else "", iro, iro.caseload_size) for iro in iros),
    )
