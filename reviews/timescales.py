"""When each statutory review of a looked-after child is due.

Pure date arithmetic: no Django, no database. `child_review_schedule` is the one scheduler: given a
child's episodes, the dates reviews were held and the short-break agreement dates, it gives every
review's due date on its clock (a period of full-time care, or a short-break arrangement) with why,
and the review due next. The service, the 903 import and the demo all call it. `review_schedule` is
the arithmetic for one clock. Rules and worked examples: docs/domain.md, "Review timescales".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from core.calendar import add_working_days
from core.dates import uk_date
from core.periods import (
    EpisodeLike,
    PeriodOfCare,
    ShortBreakArrangement,
    breaks_and_full_time_care,
    short_break_arrangements,
)


class Policy(StrEnum):
    # The seed's para 11: what the service brief asks for, so the default.
    DAYS_28_90_180 = "days-28-90-180"
    # Care Planning, Placement and Case Review (England) Regulations 2010, reg 33, with the special
    # schedules for adoption (Adoption Agencies Regulations 2005, reg 36) and short breaks (reg 48).
    ENGLAND_2010 = "england-2010"


POLICY_LABELS: dict[Policy, str] = {
    Policy.DAYS_28_90_180: "28 days, then 90 days, then every 180 days",
    Policy.ENGLAND_2010: (
        "Care Planning Regulations 2010: 20 working days, then 3 months, then every 6 months "
        "(with the adoption and short-break schedules)"
    ),
}

# --- Review schedule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReview:
    sequence: int  # 1 = first review of the period of care, 2 = second, ...
    due_on: date
    counted_from: date  # the period start, the placement date or the previous review held
    policy: Policy
    explanation: str  # "due 31/03/2014: 28 days after the period of care began on 03/03/2014"


@dataclass(frozen=True)
class _Due:
    due_on: date
    counted_from: date
    reason: str  # "28 days after the period of care began on 03/03/2014"


def _after(counted_from: date, interval: timedelta | relativedelta, reason: str) -> _Due:
    return _Due(counted_from + interval, counted_from, f"{reason} on {uk_date(counted_from)}")


_DAY = timedelta(days=1)
# dateutil months: 3 months after 31 August is 30 November, never 1 December.
_3_MONTHS = relativedelta(months=3)
_6_MONTHS = relativedelta(months=6)


def _general(period: PeriodOfCare, sequence: int, previous: date | None, policy: Policy, nation: str) -> _Due:
    """The due date when no special schedule applies. `previous` is the review held before this one."""
    if period.short_breaks_only:
        # Short breaks (reg 48 as amended 2013): within 3 months of the first short break, then
        # 6-monthly. Under both policies: the seed's 28/90/180 days speak of children who stay, and the
        # law still requires short-break reviews (docs/domain.md, "Review timescales").
        if previous is None:
            return _after(period.start, _3_MONTHS, "3 months after the first short break")
        return _after(previous, _6_MONTHS, "6 months after the previous review")

    if policy is Policy.DAYS_28_90_180:
        # The seed, para 11: the same three intervals for every period of care, nothing more.
        if previous is None:
            return _after(period.start, 28 * _DAY, "28 days after the period of care began")
        if sequence == 2:
            return _after(previous, 90 * _DAY, "90 days after the first review")
        return _after(previous, 180 * _DAY, "180 days after the previous review")

    # Reg 33: within 20 working days of becoming looked after, then 3 months, then every 6 months.
    if previous is None:
        return _Due(
            add_working_days(period.start, 20, nation=nation),
            period.start,
            f"20 working days after the period of care began on {uk_date(period.start)}",
        )
    if sequence == 2:
        return _after(previous, _3_MONTHS, "3 months after the first review")
    return _after(previous, _6_MONTHS, "6 months after the previous review")


def _due(
    period: PeriodOfCare,
    sequence: int,
    previous: date | None,
    first_since_adoption: int | None,
    policy: Policy,
    nation: str,
) -> _Due:
    placed = period.placed_for_adoption_on
    if placed is None or first_since_adoption is None or sequence < first_since_adoption:
        return _general(period, sequence, previous, policy, nation)
    if sequence == first_since_adoption:
        # Adoption Agencies Regulations 2005, reg 36(1)(a): not more than 4 weeks after the placement.
        # The review already pending when the child was placed keeps its own date if that comes first.
        general = _general(period, sequence, previous, policy, nation)
        adoption = _after(placed, 28 * _DAY, "4 weeks after the child was placed for adoption")
        if general.due_on < adoption.due_on:
            return _Due(
                general.due_on,
                general.counted_from,
                f"{general.reason}, which is earlier than {adoption.reason}",
            )
        return adoption
    assert previous is not None  # sequence > first_since_adoption >= 1
    if sequence == first_since_adoption + 1:
        # Reg 36(1)(b): not more than 3 months after the first review since the placement.
        return _Due(
            previous + _3_MONTHS,
            previous,
            f"3 months after the review on {uk_date(previous)}, the first since the child was placed for adoption",
        )
    # Reg 36(1)(c): thereafter not more than 6 months after the previous review.
    return _after(previous, _6_MONTHS, "6 months after the previous review")


def review_schedule(
    period: PeriodOfCare,
    held: Sequence[date],
    *,
    policy: Policy = Policy.DAYS_28_90_180,
    nation: str = "ENG",
) -> list[DueReview]:
    """The due date of each held review, in order of date held, followed by the next review due if it
    falls due while the child is still looked after (period open, or due_on <= period.end).
    `held` are the dates of the reviews held in this period (start <= d <= end)."""
    policy = Policy(policy)  # accept the stored string value too
    held = sorted(held)

    # Which review is the first since the placement for adoption: the one pending on the placement
    # day. A review held on the placement day itself came before it (the review that agreed the
    # match), so the 4-week clock governs the one after. `days-28-90-180` has no special schedules.
    first_since_adoption: int | None = None
    if policy is Policy.ENGLAND_2010 and period.placed_for_adoption_on is not None:
        first_since_adoption = 1 + sum(1 for day in held if day <= period.placed_for_adoption_on)

    schedule: list[DueReview] = []
    for sequence in range(1, len(held) + 2):
        previous = held[sequence - 2] if sequence >= 2 else None
        due = _due(period, sequence, previous, first_since_adoption, policy, nation)
        if sequence > len(held) and period.end is not None and due.due_on > period.end:
            break  # no review is due after the child ceases to be looked after
        schedule.append(
            DueReview(sequence, due.due_on, due.counted_from, policy, f"due {uk_date(due.due_on)}: {due.reason}")
        )
    return schedule


# --- A child's whole schedule ----------------------------------------------------------------------
# The one review scheduler: the service, the 903 import and the demo all call child_review_schedule.

# A short-break arrangement lapses when no break starts within this of the last one ending (a setting:
# settings.SHORT_BREAK_GAP_MONTHS).
SHORT_BREAK_GAP = relativedelta(months=6)


@dataclass(frozen=True)
class Clock:
    """What a child's reviews are counted on: a period of full-time care, or a short-break arrangement."""

    short_breaks: bool
    period: PeriodOfCare  # for an arrangement: its first and last day, on the short-break schedule

    @property
    def start(self) -> date:  # stored as the review's period_start
        return self.period.start

    def covers(self, day: date) -> bool:
        return self.period.start <= day and (self.period.end is None or day <= self.period.end)


@dataclass(frozen=True)
class ScheduledReview:
    clock: Clock
    due: DueReview
    held_on: date | None  # None: the review due next on this clock

    @property
    def review_fields(self) -> dict:
        """The stored Review's fields that this schedule decides: the service, the 903 import and
        the demo all write these, and nothing else, from the one scheduler."""
        return {
            "period_start": self.clock.start,
            "short_breaks": self.clock.short_breaks,
            "sequence": self.due.sequence,
            "due_on": self.due.due_on,
            "policy": str(self.due.policy),
            "due_explanation": self.due.explanation,
        }


@dataclass(frozen=True)
class ChildSchedule:
    clocks: tuple[Clock, ...]  # oldest first
    reviews: tuple[ScheduledReview, ...]  # by clock, then sequence
    arrangements: tuple[ShortBreakArrangement, ...]

    def clock_on(self, day: date) -> Clock | None:
        """The clock a review held on `day` counts on (the later, if one ended and another began that day)."""
        return max((c for c in self.clocks if c.covers(day)), key=lambda c: c.start, default=None)

    @property
    def waiting(self) -> tuple[ScheduledReview, ...]:
        return tuple(r for r in self.reviews if r.held_on is None)

    @property
    def next_due(self) -> ScheduledReview | None:
        """The review due next on the latest clock (reviews missed on a clock that has ended stay listed)."""
        return max(self.waiting, key=lambda r: r.clock.start, default=None)


def child_review_schedule(
    episodes: Iterable[EpisodeLike],
    held: Iterable[date],
    *,
    today: date,
    policy: Policy = Policy.DAYS_28_90_180,
    nation: str = "ENG",
    short_break_gap: relativedelta = SHORT_BREAK_GAP,
    agreed_starts: Iterable[date] = (),
    agreed_ends: Iterable[date] = (),
) -> ChildSchedule:
    """Every review of a child, held or due next, with its due date and why.

    The child's episodes give the periods of full-time care (each its own clock, from its first
    episode that is not a short break) and the short-break arrangements (each its own clock from its
    first break, under both policies). `held` are the dates reviews were held; each counts on the clock
    running that day, and a date on no clock is left out. `today` decides only whether an arrangement
    whose gap has not yet run out is still open. `agreed_starts` / `agreed_ends`: the short-break
    agreement dates recorded by the QA manager or IRO."""
    policy = Policy(policy)
    breaks, full_time = breaks_and_full_time_care(list(episodes))
    arrangements = short_break_arrangements(
        breaks, full_time, gap=short_break_gap, today=today, agreed_starts=agreed_starts, agreed_ends=agreed_ends
    )
    clocks = sorted(
        [Clock(False, period) for period in full_time]
        + [Clock(True, PeriodOfCare(a.start, a.end, short_breaks_only=True)) for a in arrangements],
        key=lambda c: (c.start, c.short_breaks),
    )
    schedule = ChildSchedule(tuple(clocks), (), tuple(arrangements))
    held_on: dict[Clock, list[date]] = {clock: [] for clock in clocks}
    for day in sorted(set(held)):
        clock = schedule.clock_on(day)
        if clock is not None:
            held_on[clock].append(day)
    reviews = []
    for clock in clocks:
        days = held_on[clock]
        for i, due in enumerate(review_schedule(clock.period, days, policy=policy, nation=nation)):
            reviews.append(ScheduledReview(clock, due, days[i] if i < len(days) else None))
    return ChildSchedule(tuple(clocks), tuple(reviews), tuple(arrangements))


# --- Participation codes --------------------------------------------------------------------------

PARTICIPATION_CODES = frozenset(f"PN{i}" for i in range(8))


def _age_phrase(years: int) -> str:
    return "under 1" if years == 0 else str(years)


def pn_code_fits_age(code: str, *, date_of_birth: date, review_on: date) -> str | None:
    """None if the participation code fits the child's age on the review date, else why not."""
    if code not in PARTICIPATION_CODES:
        return f"{code!r} is not a participation code: use PN0 to PN7 (DfE rule 167)"
    if review_on < date_of_birth:
        return "The review date is before the child's date of birth"
    # relativedelta puts the 4th birthday of a 29 February child on 28 February in a non-leap year;
    # `years` below uses the same convention, so the two never disagree.
    fourth_birthday = date_of_birth + relativedelta(years=4)
    age = relativedelta(review_on, date_of_birth).years
    # DfE rules 440/441 accept either code on the 4th birthday itself.
    if code == "PN0" and review_on > fourth_birthday:
        return (
            f"PN0 is only for a child under 4 on the date of the review; "
            f"this child was {_age_phrase(age)} (DfE rule 440)"
        )
    if code != "PN0" and review_on < fourth_birthday:
        return (
            f"{code} is only for a child aged 4 or over on the date of the review; "
            f"this child was {_age_phrase(age)} (DfE rule 441)"
        )
    return None
