"""Filters for the report templates: each figure shown the same way on every page and in the PDF."""

from django import template

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
