"""Dates in templates as users here read them (core.dates): a plain strftime, several times cheaper
than the `date` filter's format parser, which counts on pages showing dates on each of many rows."""

from django import template

from core.dates import uk_date as _uk_date

register = template.Library()


@register.filter
def uk_date(day) -> str:
    """dd/mm/yyyy, or nothing for no date (as `date` gives, so `default` can follow)."""
    return _uk_date(day) if day else ""
