"""Collection years of the SSDA903 return, by the year each ends."""

from datetime import date

# A collection year runs from 1 April to 31 March and is named by the year it ends: 2014 is 2013-14.


def year_start(year: int) -> date:
    return date(year - 1, 4, 1)


def year_end(year: int) -> date:
    return date(year, 3, 31)


def collection_year_of(day: date) -> int:
    return day.year + 1 if day.month >= 4 else day.year


def year_label(year: int) -> str:
    return f"{year - 1}-{year % 100:02d}"
