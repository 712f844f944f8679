"""The caseload page's repeated parts, in Python: the GOV.UK tags of a review's status and of a
midway check's, the table's rows (fifty a page), and the IRO filter's options (one for each IRO:
thousands in a national service). A template loop costs about 0.2 ms a row, more than the rest of
the page's rows together; these cost a few microseconds each. Values are escaped as the template
engine escapes them (conditional_escape: a safe string as it is)."""

from django import template
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.links import link_for_each
from core.midway import MidwayStatus
from core.templatetags.uk_dates import uk_date  # nothing for no date, as in the templates

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
    """An <option> for each IRO of `selectors.caseload_summary` (id, name, caseload size),
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


@register.simple_tag(takes_context=True)
def caseload_rows(context, children, covering_list=False) -> str:
    """The table rows of a caseload (`selectors.caseload_page`: each child with `sibling_list`,
    `flags`, `actions_overdue` and `midway`): the IRO column for those who see every child, or
    `covering_list`'s "Covering for" column, the IRO the child's record belongs to."""
    with_iro = covering_list or context["user"].sees_every_child
    link = link_for_each("children:detail")
    return mark_safe("".join(_caseload_row(child, link, with_iro, covering_list) for child in children))


def _caseload_row(child, link, with_iro: bool, covering_list: bool) -> str:
    name = f'<a class="govuk-link" href="{escape(link(child.public_id))}">{escape(child.display_name)}</a>'
    if child.sibling_list:
        names = ", ".join(escape(sibling.full_name) for sibling in child.sibling_list)
        name += f'<br><span class="govuk-body-s" data-siblings>Siblings: {names}</span>'
    iro = ""
    if with_iro:
        # Absent, not None, on a row of the children without an IRO (filtered on the relation).
        allocation = getattr(child, "current_allocation", None)
        iro_name = escape(allocation.iro) if allocation and allocation.iro else "Not allocated"
        iro = f'<td class="govuk-table__cell"{" data-covering-for" if covering_list else ""}>{iro_name}</td>'
    status = due_status_tag(child.due_status)
    if child.actions_overdue:
        status += ' <strong class="govuk-tag govuk-tag--orange" data-actions-overdue>Actions overdue</strong>'
    status += "".join(f' <strong class="govuk-tag govuk-tag--red" data-flag>{escape(f)}</strong>' for f in child.flags)
    midway = f"{uk_date(child.midway[1])} {midway_status_tag(child.midway[0])}" if child.midway else "–"
    return (
        '<tr class="govuk-table__row">'
        f'<td class="govuk-table__cell">{escape(child.la_child_id)}</td>'
        f'<td class="govuk-table__cell">{name}</td>'
        f'<td class="govuk-table__cell">{uk_date(child.date_of_birth)}</td>'
        f"{iro}"
        f'<td class="govuk-table__cell">{uk_date(child.next_due_on) or "–"}</td>'
        f'<td class="govuk-table__cell">{status}</td>'
        f'<td class="govuk-table__cell" data-midway>{midway}</td>'
        "</tr>"
    )
