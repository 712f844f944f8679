"""The working-day calendar of the UK nations: weekends and bank holidays.

Pure: no Django, no database. Review timescales, reminders and escalation deadlines count working days here.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

# The UK subdivisions of the `holidays` package; England and Wales share bank holidays today but are
# kept apart because the package (and the law) may not always agree.
NATIONS = frozenset({"ENG", "WLS", "SCT", "NIR"})


@lru_cache(maxsize=512)
def _bank_holidays(nation: str, year: int) -> frozenset[date]:
    # Built once per (nation, year): due dates are recomputed for whole caseloads, thousands of calls.
    if nation not in NATIONS:
        raise ValueError(f"unknown UK nation {nation!r}: expected one of {', '.join(sorted(NATIONS))}")
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year))


def is_working_day(day: date, *, nation: str = "ENG") -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(nation, day.year)


# Kept per (start, n, nation): the reports judge each review held in a year against its paperwork
# deadlines, thousands of calls over a few hundred distinct days.
@lru_cache(maxsize=4096)
def add_working_days(start: date, n: int, *, nation: str = "ENG") -> date:
    """The day n working days after start (start itself is not counted; n=0 gives start)."""
    if n < 0:
        raise ValueError("n must be 0 or more")
    day = start
    while n:
        day += timedelta(days=1)
        if is_working_day(day, nation=nation):
            n -= 1
    return day


def working_days_between(start: date, end: date, *, nation: str = "ENG") -> int:
    """Working days after start up to and including end (0 if end <= start)."""
    if end <= start:
        return 0
    # Weekdays by arithmetic rather than a day-by-day walk: KPI sweeps call this across whole years.
    first = start + timedelta(days=1)
    days = (end - first).days + 1
    full_weeks, rest = divmod(days, 7)
    weekdays = full_weeks * 5 + sum(1 for i in range(rest) if (first.weekday() + i) % 7 < 5)
    holidays_on_weekdays = sum(
        1
        for year in range(first.year, end.year + 1)
        for day in _bank_holidays(nation, year)
        if first <= day <= end and day.weekday() < 5
    )
    return weekdays - holidays_on_weekdays
