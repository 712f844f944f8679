"""Dates as users and the 903 return read them."""

from __future__ import annotations

from datetime import date


def uk_date(day: date) -> str:
    """dd/mm/yyyy: the 903 return's format, and what users here read."""
    return day.strftime("%d/%m/%Y")
