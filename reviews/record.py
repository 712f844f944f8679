"""Pure rules of the review record: what is computed from the episodes rather than typed, and the
deadlines around a review meeting. No database: anything with an episode's attributes will do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from core.calendar import is_working_day

# The social worker's report is shared with the child and family at least 3 working days before
# the meeting (DOMAIN.md, "The review itself").
REPORT_WORKING_DAYS_BEFORE = 3
# REASON_NEW_EPISODE codes that begin a new placement (all but "L", a legal status change only).
NEW_PLACEMENT = frozenset({"S", "P", "T", "B", "U"})


def working_days_before(day: date, n: int, *, nation: str) -> date:
    """The day n working days before `day` (`day` itself not counted)."""
    while n:
        day -= timedelta(days=1)
        if is_working_day(day, nation=nation):
            n -= 1
    return day


def report_due_by(meeting_on: date, *, nation: str) -> date:
    return working_days_before(meeting_on, REPORT_WORKING_DAYS_BEFORE, nation=nation)


def _covering(episodes: Iterable, day: date):
    covering = [e for e in episodes if e.start_on <= day and (e.end_on is None or e.end_on >= day)]
    # On an X1 hand-over day the episode that starts that day is the one in force.
    return max(covering, key=lambda e: e.start_on, default=None)


def legal_status_on(episodes: Iterable, day: date) -> str:
    """The LS code in force on `day`, or "" if the child was not looked after then."""
    episode = _covering(list(episodes), day)
    return episode.legal_status if episode else ""


def placements_in_year_to(episodes: Iterable, day: date) -> int:
    """How many placements the child had in the 12 months up to and including `day`: the one they
    were in when the 12 months began (if any), and each placement begun since (an episode starting
    with anything but a legal status change alone)."""
    since = day - relativedelta(years=1)
    in_window = sorted(
        (e for e in episodes if e.start_on <= day and (e.end_on is None or e.end_on >= since)),
        key=lambda e: e.start_on,
    )
    if not in_window:
        return 0
    return 1 + sum(1 for e in in_window[1:] if e.reason_new in NEW_PLACEMENT)


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: str


UNDER_8 = AgeBand("under_8", "under 8")
EIGHT_TO_12 = AgeBand("8_to_12", "8 to 12")
THIRTEEN_PLUS = AgeBand("13_plus", "13 and over")


def age_band(age: int) -> AgeBand:
    """The band the letter to the child is written for."""
    if age < 8:
        return UNDER_8
    if age <= 12:
        return EIGHT_TO_12
    return THIRTEEN_PLUS
