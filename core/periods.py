"""Periods of care from SSDA903 episodes.

Pure: works on anything with an episode's attributes (the Django model or a dataclass in tests).
A period of care is a run of episodes with no gap; it starts with RNE "S" and ends with a REC other
than "X1" (docs/domain.md, "Periods of care and episodes"). The review clock restarts with each period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class PeriodOfCare:
    start: date  # DECOM of the period's first episode
    end: date | None = None  # date the child ceased to be looked after; None while looked after
    short_breaks_only: bool = False  # every episode has legal status V3/V4
    placed_for_adoption_on: date | None = None  # first day of a placement for adoption (PLACE A3-A6)


SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
# REC X1: "episode ends and a new one starts on the same day", the only reason that keeps a period open.
CONTINUES = "X1"
STARTED_TO_BE_LOOKED_AFTER = "S"


class EpisodeLike(Protocol):
    start_on: date  # DECOM
    end_on: date | None  # DEC
    reason_new: str  # RNE: S, L, P, T, B, U
    reason_ceased: str  # REC ("" while open)
    legal_status: str  # LS
    placement: str  # PLACE


def _sort_key(episode: EpisodeLike) -> tuple[date, bool, date]:
    # Same-day starts: the episode that also ended that day (an X1 hand-over) comes first.
    return (episode.start_on, episode.end_on is None, episode.end_on or date.max)


def _period(episodes: list[EpisodeLike], end: date | None) -> PeriodOfCare:
    adoption = next((e.start_on for e in episodes if e.placement in ADOPTION_PLACEMENTS), None)
    return PeriodOfCare(
        start=episodes[0].start_on,
        end=end,
        short_breaks_only=all(e.legal_status in SHORT_BREAK_LEGAL_STATUSES for e in episodes),
        placed_for_adoption_on=adoption,
    )


def _continues(previous: EpisodeLike, episode: EpisodeLike) -> bool:
    if episode.reason_new == STARTED_TO_BE_LOOKED_AFTER:
        return False
    if previous.end_on is None:
        # Only the last episode may be open; a later non-S episode means the DEC was never entered.
        return True
    return previous.reason_ceased == CONTINUES and episode.start_on <= previous.end_on


def _runs(episodes: Iterable[EpisodeLike]) -> list[tuple[list[EpisodeLike], date | None]]:
    """The episodes of each period of care, oldest first, with the day the period ended."""
    runs: list[tuple[list[EpisodeLike], date | None]] = []
    run: list[EpisodeLike] = []
    for episode in sorted(episodes, key=_sort_key):
        if run and not _continues(run[-1], episode):
            last = run[-1]
            # Records that run on with X1 into a gap, or stay open under a new S episode, are faulty
            # data; the period still ends, at its last DEC or else where the next one starts, so a
            # child is never in two periods at once and reviews are not due after it ended.
            runs.append((run, last.end_on if last.end_on is not None else episode.start_on))
            run = []
        run.append(episode)
    if run:
        last = run[-1]
        ended = last.end_on is not None and last.reason_ceased != CONTINUES
        # An X1 with no successor yet: the next episode has not been keyed in, so the child is still
        # looked after.
        runs.append((run, last.end_on if ended else None))
    return runs


def periods_of_care(episodes: Iterable[EpisodeLike]) -> list[PeriodOfCare]:
    """The child's periods of care, oldest first."""
    return [_period(run, end) for run, end in _runs(episodes)]


def period_containing(periods: Iterable[PeriodOfCare], day: date) -> PeriodOfCare | None:
    """The period of care the child was in on `day` (the latest, if one ended and another began that day)."""
    containing = [p for p in periods if p.start <= day and (p.end is None or day <= p.end)]
    return max(containing, key=lambda p: p.start, default=None)


# --- Short breaks ---------------------------------------------------------------------------------
# A series of planned short breaks (LS V3/V4) is one arrangement (Care Planning Regulations 2010,
# reg 48), although each break is its own episode and its own period of care: docs/domain.md,
# "Review timescales". Its reviews run on the arrangement's clock, not the periods'.


@dataclass(frozen=True)
class ShortBreak:
    start: date
    end: date | None  # None while the child is on the break


class ArrangementEnd(StrEnum):
    AGREEMENT = "agreement"  # recorded by the QA manager or the IRO
    NO_BREAK = "no_break"  # no break started within the gap
    FULL_TIME_CARE = "full_time_care"  # the child came into full-time care


ARRANGEMENT_END_LABELS = {
    ArrangementEnd.AGREEMENT: "The short-break agreement ended",
    ArrangementEnd.NO_BREAK: "No short break started within the gap",
    ArrangementEnd.FULL_TIME_CARE: "The child came into full-time care",
}


@dataclass(frozen=True)
class ShortBreakArrangement:
    start: date  # the first break, or the day the agreement began if that was recorded earlier
    end: date | None  # None while the arrangement lasts
    breaks: tuple[ShortBreak, ...]
    ended_by: ArrangementEnd | None
    # The day it ends if no break starts before then: the last break's end plus the gap.
    lapses_on: date | None


def breaks_and_full_time_care(episodes: Iterable[EpisodeLike]) -> tuple[list[ShortBreak], list[PeriodOfCare]]:
    """The child's short breaks and periods of full-time care, oldest first.

    A period of care whose episodes all have LS V3/V4 is one break. A period that begins with
    short-break episodes and goes on into another legal status is a break up to the day full-time care
    begins, and full-time care from then: its review clock starts with the first other episode."""
    breaks: list[ShortBreak] = []
    full_time: list[PeriodOfCare] = []
    for run, end in _runs(episodes):
        first_full_time = next((i for i, e in enumerate(run) if e.legal_status not in SHORT_BREAK_LEGAL_STATUSES), None)
        if first_full_time is None:
            breaks.append(ShortBreak(run[0].start_on, end))
            continue
        if first_full_time:
            breaks.append(ShortBreak(run[0].start_on, run[first_full_time].start_on))
        full_time.append(_period(run[first_full_time:], end))
    return breaks, full_time


def short_break_arrangements(
    breaks: Sequence[ShortBreak],
    full_time: Sequence[PeriodOfCare],
    *,
    gap: relativedelta,
    today: date,
    agreed_starts: Iterable[date] = (),
    agreed_ends: Iterable[date] = (),
) -> list[ShortBreakArrangement]:
    """The short-break arrangements the breaks make, oldest first.

    The first break starts one. It continues while the next break starts no later than `gap` after the
    previous one ended, until the agreement ends (a date recorded by the QA manager or the IRO) or the
    child comes into full-time care. An arrangement whose gap runs out after `today` with no break yet
    is still open: a break may yet start. `agreed_starts` are days an agreement began before the first
    break the service knows of."""
    care_starts = sorted(p.start for p in full_time)
    ends = sorted(set(agreed_ends))
    starts = sorted(set(agreed_starts))
    arrangements: list[ShortBreakArrangement] = []
    run: list[ShortBreak] = []
    ordered = sorted(breaks, key=lambda b: b.start)
    for i, current in enumerate(ordered):
        run.append(current)
        following = ordered[i + 1] if i + 1 < len(ordered) else None
        first = run[0].start
        care = next((d for d in care_starts if d > first), None)
        agreed_end = next((d for d in ends if d >= first), None)
        lapses_on = current.end + gap if current.end is not None else None
        if (
            following is not None
            and lapses_on is not None
            and following.start <= lapses_on
            and (care is None or following.start < care)
            and (agreed_end is None or following.start <= agreed_end)
        ):
            continue
        # The arrangement ends here: at the first of the gap running out (if it has: a later break
        # started after it, or the day has passed), full-time care beginning, or the agreement ending.
        lapsed = lapses_on is not None and (following is not None or lapses_on < today)
        candidates = [
            (day, why)
            for day, why in (
                (agreed_end, ArrangementEnd.AGREEMENT),
                (care, ArrangementEnd.FULL_TIME_CARE),
                (lapses_on if lapsed else None, ArrangementEnd.NO_BREAK),
            )
            if day is not None
        ]
        end, ended_by = min(candidates, key=lambda c: c[0]) if candidates else (None, None)
        previous_end = arrangements[-1].end if arrangements else None
        earlier = [
            d
            for d in starts
            if d < first and (previous_end is None or d > previous_end) and not any(d <= c < first for c in care_starts)
        ]
        arrangements.append(ShortBreakArrangement(min(earlier, default=first), end, tuple(run), ended_by, lapses_on))
        run = []
    return arrangements
