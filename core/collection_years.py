"""Collection years: 1 April to 31 March, named by the year they end, as the DfE names them (2014 is
1 April 2013 to 31 March 2014, written 2013-14). The SSDA903 return, the annual report, the
dashboard's year to date and the Director's reporting periods all count in these years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

FIRST_MONTH = 4  # April


@dataclass(frozen=True, order=True)
class CollectionYear:
    year: int  # the year it ends

    @classmethod
    def containing(cls, day: date) -> CollectionYear:
        return cls(day.year + 1 if day.month >= FIRST_MONTH else day.year)

    @classmethod
    def last_complete(cls, today: date) -> CollectionYear:
        return cls.containing(today).previous()

    @property
    def start(self) -> date:
        return date(self.year - 1, FIRST_MONTH, 1)

    @property
    def end(self) -> date:
        return date(self.year, FIRST_MONTH - 1, 31)

    @property
    def label(self) -> str:
        return f"{self.year - 1}-{self.year % 100:02d}"

    def is_complete(self, today: date) -> bool:
        return today > self.end

    def previous(self, n: int = 1) -> CollectionYear:
        return CollectionYear(self.year - n)

    def __str__(self) -> str:
        return self.label


def years_between(start: date, end: date) -> range:
    """The collection years (by the year each ends) from the one holding `start` to the one holding `end`."""
    return range(CollectionYear.containing(start).year, CollectionYear.containing(max(start, end)).year + 1)
