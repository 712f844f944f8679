"""Dates as users and the 903 return read them."""

from __future__ import annotations

from datetime import date

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def uk_date(day: date) -> str:
    """dd/mm/yyyy: the 903 return's format, and what users here read."""
    return day.strftime("%d/%m/%Y")


def long_date(day: date) -> str:
    """ "1 December 2026", as the `date` filter's "j F Y" gives, without its format parser: for lists
    that show a date on each of many rows. The month's name from this table, not strftime's %B,
    which follows the process's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
