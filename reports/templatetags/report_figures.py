"""Filters for the report templates: each figure shown the same way on every page and in the PDF."""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html

from reports.annual import Money, Percent, display

register = template.Library()


@register.filter
def figure(value) -> str:
    """A figure as the report shows it: 1,548 / 96.5% / £300.00 / – for nothing counted."""
    return display(value)


@register.filter
def pct(value) -> str:
    """A percentage to one decimal place, or – when nothing was counted."""
    return str(Percent(value))


@register.filter
def money(value) -> str:
    return str(Money(value))


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def linked_figure(context, **given) -> str:
    """A figure, linked to the list behind it for those who may see that list (`links`), with words
    for screen readers (`hidden`); `attr` names it for tests and scripts (data-kpi unless given). Each
    of key, n, href, hidden, links and attr is taken from the context unless given. A tag rather than
    an included template: the dashboard shows five a row for a hundred rows."""

    def arg(name):
        return given[name] if name in given else context.get(name)

    figure = format_html('<span {}="{}">{}</span>', arg("attr") or "data-kpi", arg("key"), localize(arg("n")))
    href = arg("href")
    if not (arg("links") and href):
        return figure
    hidden = arg("hidden")
    words = format_html('<span class="govuk-visually-hidden"> {}</span>', hidden) if hidden else ""
    return format_html('<a class="govuk-link" href="{}">{}{}</a>', href, figure, words)
