"""The Director's reporting periods: two calendar months, aligned with the collection year.

Pure date arithmetic. A collection year runs from 1 April to 31 March and is named by the year it
ends (docs/domain.md), so the six periods of a year are April-May, June-July, August-September,
October-November, December-January and February-March: none straddles 31 March, and the last one's
year to date is the whole collection year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from core.collection_years import FIRST_MONTH, CollectionYear


@dataclass(frozen=True, order=True)
class Period:
    start: date

    def __post_init__(self):
        if self.start.day != 1 or (self.start.month - FIRST_MONTH) % 2:
            raise ValueError(f"a reporting period starts on the 1st of April, June, August, …, not {self.start}")

    @classmethod
    def containing(cls, day: date) -> Period:
        months_into_year = (day.month - FIRST_MONTH) % 12
        return cls(date(day.year, day.month, 1) - relativedelta(months=months_into_year % 2))

    @classmethod
    def latest_ended(cls, today: date) -> Period:
        """The last period that ended before `today`."""
        return cls.containing(today).previous

    @classmethod
    def from_key(cls, key: str) -> Period:
        """From "2014-04", as in the report page's address; ValueError for anything else."""
        year, month = key.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(key)
        return cls(date(int(year), int(month), 1))

    @property
    def end(self) -> date:
        return self.start + relativedelta(months=2) - timedelta(days=1)

    @property
    def previous(self) -> Period:
        return Period(self.start - relativedelta(months=2))

    @property
    def year(self) -> CollectionYear:
        return CollectionYear.containing(self.start)

    @property
    def year_start(self) -> date:
        return self.year.start

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        second = self.start + relativedelta(months=1)
        if second.year == self.start.year:
            return f"{self.start:%B} and {second:%B %Y}"
        return f"{self.start:%B %Y} and {second:%B %Y}"

    @property
    def year_label(self) -> str:
        """The collection year, as the DfE writes it: 2014-15 for 1 April 2014 to 31 March 2015."""
        return self.year.label


def periods_between(first_day: date, today: date) -> list[Period]:
    """Every period that has ended before `today`, from the one containing `first_day`, newest first;
    at least the latest one ended."""
    periods, period = [], Period.latest_ended(today)
    earliest = min(Period.containing(first_day), period)
    while period >= earliest:
        periods.append(period)
        period = period.previous
    return periods
