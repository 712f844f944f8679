"""The caseload page's repeated parts, as filters: the GOV.UK tags of a review's status and of a
midway check's (two on each row), and the IRO filter's options (one for each IRO: thousands in a
national service). A filter costs a small part of a template loop or an include rendered per item."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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
    """An <option> for each IRO of `selectors.caseload_counts_and_iros` (id, name, caseload size),
    the `chosen` one selected."""
    # Built as one string with each name escaped, not by format_html for each option: a national
    # service has thousands of IROs, and format_html escapes and wraps every value, the numbers too.
    chosen_pk = chosen.pk if chosen else None
    return mark_safe(
        "".join(
            f'<option value="{pk:d}"{" selected" if pk == chosen_pk else ""}>{escape(name)} ({size:d})</option>'
            for pk, name, size in iros
        )
    )
