"""The long lists of a child's page, in Python: the reviews held and the timeline of the IRO's
involvement, a row or an event for each review, check, note and handover (a child in care for years
has over a hundred). A template loop costs about 0.2 ms a row, most of the page's time; these cost a
few microseconds each. The HTML is what the templates' loops gave: every value escaped as the
template engine escapes it (conditional_escape: a safe string as it is)."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

from core.dates import long_date
from core.links import link_for_each
from core.templatetags.uk_dates import uk_date  # nothing for no date, as in the templates

register = template.Library()


@register.simple_tag(takes_context=True)
def held_review_rows(context, reviews) -> str:
    """A table row for each review held: when, on which clock, in time or late and why, how the child
    took part, the chair, the paperwork sent (and whether late), and links to view, edit and, for an
    IRO, escalate a concern from it."""
    links = [
        ("View", "the review held on", link_for_each("reviews:detail")),
        ("Edit", "the review held on", link_for_each("reviews:edit")),
    ]
    if context["user"].is_iro:
        links.append(("Escalate", "a concern from the review held on", link_for_each("escalations:raise_from_review")))
    # The page's day (the view's `today`), on which its due status and flags are judged too.
    today = context["today"]
    return mark_safe("".join(_held_review_row(review, links, today) for review in reviews))


def _held_review_row(review, links, today) -> str:
    held_on = uk_date(review.held_on)
    clock = "short breaks" if review.short_breaks else "period"
    if review.held_late:
        timing = f'<strong class="govuk-tag govuk-tag--red">Late</strong> {escape(review.get_late_reason_display())}'
    else:
        timing = '<strong class="govuk-tag govuk-tag--green">In time</strong>'
    decisions_late, record_late = review.paperwork_late(today=today)
    actions = "".join(
        f'<li><a class="govuk-link" href="{escape(link(review.public_id))}">{label}'
        f'<span class="govuk-visually-hidden"> {words} {held_on}</span></a></li>'
        for label, words, link in links
    )
    return (
        '<tr class="govuk-table__row">'
        f'<td class="govuk-table__cell">{held_on}<br><span class="govuk-hint govuk-!-font-size-16">'
        f"Review {review.sequence} of the {clock} from {uk_date(review.period_start)}</span></td>"
        f'<td class="govuk-table__cell">{uk_date(review.due_on)}<br>{timing}</td>'
        f'<td class="govuk-table__cell"><abbr title="{escape(review.get_participation_display())}">'
        f"{escape(review.participation)}</abbr></td>"
        f'<td class="govuk-table__cell">{escape(review.chair) if review.chair else "–"}</td>'
        f'<td class="govuk-table__cell">{_sent(review.decisions_sent_on, decisions_late, "decisions", review)}</td>'
        f'<td class="govuk-table__cell">{_sent(review.record_sent_on, record_late, "record", review)}</td>'
        f'<td class="govuk-table__cell"><ul class="govuk-list govuk-!-margin-bottom-0">{actions}</ul></td>'
        "</tr>"
    )


def _sent(sent_on, late: bool, paper: str, review) -> str:
    """When the decisions or the record went out, and a tag if late, with its deadline for screen
    readers."""
    text = uk_date(sent_on) or "Not yet"
    if late:
        due_on = uk_date(getattr(review, f"{paper}_due_on"))
        text += (
            f' <strong class="govuk-tag govuk-tag--red" data-paperwork-late="{paper}">Late'
            f'<span class="govuk-visually-hidden">: due by {due_on}</span></strong>'
        )
    return text


@register.simple_tag
def timeline_items(events) -> str:
    """An MOJ timeline item for each InvolvementEvent (children.pages: the child page's `timeline`)."""
    return mark_safe("".join(_timeline_item(event) for event in events))


def _timeline_item(event) -> str:
    title = escape(event.title)
    if event.url:
        title = f'<a class="govuk-link" href="{escape(event.url)}">{title}</a>'
    by = f'<p class="moj-timeline__byline">by {escape(event.by)}</p>' if event.by else ""
    description = ""
    if event.text or event.details:
        text = f'<p class="govuk-body">{linebreaksbr(event.text, autoescape=True)}</p>' if event.text else ""
        details = "".join(f"<li>{escape(line)}</li>" for line in event.details)
        if details:
            details = f'<ul class="govuk-list govuk-!-font-size-16">{details}</ul>'
        description = f'<div class="moj-timeline__description">{text}{details}</div>'
    return (
        f'<div class="moj-timeline__item" data-event="{escape(event.kind)}">'
        f'<div class="moj-timeline__header"><h3 class="moj-timeline__title">{title}</h3>{by}</div>'
        f'<p class="moj-timeline__date"><time datetime="{event.on.isoformat()}">{long_date(event.on)}</time></p>'
        f"{description}"
        "</div>"
    )
