"""Periods of care from SSDA903 episodes.

Pure: works on anything with an episode's attributes (the Django model or a dataclass in tests).
A period of care is a run of episodes with no gap; it starts with RNE "S" and ends with a REC other
than "X1" (docs/domain.md, "Periods of care and episodes"). The review clock restarts with each period.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from reviews.timescales import PeriodOfCare

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


def periods_of_care(episodes: Iterable[EpisodeLike]) -> list[PeriodOfCare]:
    """The child's periods of care, oldest first."""
    periods: list[PeriodOfCare] = []
    run: list[EpisodeLike] = []
    for episode in sorted(episodes, key=_sort_key):
        if run and not _continues(run[-1], episode):
            last = run[-1]
            # Records that run on with X1 into a gap, or stay open under a new S episode, are faulty
            # data; the period still ends, at its last DEC or else where the next one starts, so a
            # child is never in two periods at once and reviews are not due after it ended.
            periods.append(_period(run, last.end_on if last.end_on is not None else episode.start_on))
            run = []
        run.append(episode)
    if run:
        last = run[-1]
        ended = last.end_on is not None and last.reason_ceased != CONTINUES
        # An X1 with no successor yet: the next episode has not been keyed in, so the child is still
        # looked after.
        periods.append(_period(run, last.end_on if ended else None))
    return periods


def period_containing(periods: Iterable[PeriodOfCare], day: date) -> PeriodOfCare | None:
    """The period of care the child was in on `day` (the latest, if one ended and another began that day)."""
    containing = [p for p in periods if p.start <= day and (p.end is None or day <= p.end)]
    return max(containing, key=lambda p: p.start, default=None)
