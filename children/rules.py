"""The DfE's SSDA903 rules that concern a child's whole record: the order of their episodes, their
missing episodes within their care, and which years' reviews the return leaves out. Pure (no
database): the import checks a whole history with them before writing anything, the services check
one change with them, and the export applies them.

Each check returns `RuleBreak`s: the field at fault, a message, and the DfE rule's number where one
applies ("" where the rule is this service's own). Rule numbers are those of the DfE's validator
package (`csc-validator-be-903`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from core.collection_years import CollectionYear
from core.dates import uk_date
from core.periods import CONTINUES, SHORT_BREAK_LEGAL_STATUSES, STARTED_TO_BE_LOOKED_AFTER, period_containing

# Where a placement change needs a reason (DfE rules 225, 226): here and in the episode service.
PLACEMENT_CHANGES = frozenset({"P", "B", "T", "U"})
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
# REC codes after which the child cannot have another episode (DfE rule 437: died, assessed as 18+).
FINAL_REASONS_CEASED = frozenset({"E2", "E15"})
# What RNE says changed: (legal status, placement). DfE rules 434 (L), 435 (P, T), 436 (B, U).
RNE_CHANGES = {"L": (True, False), "P": (False, True), "T": (False, True), "B": (True, True), "U": (True, True)}
RNE_RULES = {"L": "434", "P": "435", "T": "435", "B": "436", "U": "436"}


@dataclass(frozen=True)
class RuleBreak:
    field: str  # the model field at fault
    message: str  # a sentence, without the rule number
    rule: str = ""  # the DfE rule's number, "" for the service's own rules

    @property
    def text(self) -> str:
        return f"{self.message} (DfE rule {self.rule})" if self.rule else self.message


class Episode903(Protocol):
    start_on: date
    end_on: date | None
    reason_new: str
    reason_ceased: str
    reason_place_change: str
    legal_status: str
    placement: str
    placement_provider: str
    placement_postcode: str
    urn: str


# --- Episodes --------------------------------------------------------------------------------------


def episode_sequence_breaks(episodes: Sequence[Episode903]) -> list[tuple[int, RuleBreak]]:
    """What is wrong with a child's episodes as a sequence, as (index in `episodes`, break) pairs.
    `episodes` must be sorted by start date, each start date once."""
    breaks: list[tuple[int, RuleBreak]] = []
    if not episodes:
        return breaks
    for i, episode in enumerate(episodes):
        previous = episodes[i - 1] if i else None
        breaks += [(i - 1 + which, b) for which, b in episode_follows_breaks(previous, episode)]
    last = episodes[-1]
    if last.reason_ceased == CONTINUES:
        breaks.append(
            (
                len(episodes) - 1,
                RuleBreak(
                    "reason_ceased",
                    f"The episode ended on {uk_date(last.end_on)} with X1, but no episode starts that day",
                    "388",
                ),
            )
        )
    if last.end_on is None and last.reason_place_change:
        breaks.append(
            (
                len(episodes) - 1,
                RuleBreak(
                    "reason_place_change", "An episode that has not ended has no reason for placement change", "233"
                ),
            )
        )
    return breaks


def episode_follows_breaks(previous: Episode903 | None, episode: Episode903) -> list[tuple[int, RuleBreak]]:
    """The rules on an episode given the one before it (None: it is the child's first), as (0: a break
    on the previous episode, 1: on this one, break) pairs. The one home of these rules: the import
    checks each pair of a child's episodes with it, the episode service each new episode."""
    if previous is None:
        if episode.reason_new == STARTED_TO_BE_LOOKED_AFTER:
            return []
        return [
            (
                1,
                RuleBreak(
                    "reason_new",
                    "The child's earliest episode must start a period of care (RNE S): give their episodes from the "
                    "day their period of care began, which their reviews' due dates count from",
                    "357",
                ),
            )
        ]
    return [(1, b) for b in _follows(previous, episode)] + [(0, b) for b in _place_change_reason(previous, episode)]


def _follows(previous: Episode903, episode: Episode903) -> list[RuleBreak]:
    """The rules on an episode given the one before it."""
    if previous.end_on is None:
        return [
            RuleBreak(
                "start_on",
                f"A new episode starts on {uk_date(episode.start_on)}, "
                f"but the one from {uk_date(previous.start_on)} has not "
                "ended",
                "142",
            )
        ]
    if episode.start_on < previous.end_on:
        return [
            RuleBreak(
                "start_on",
                f"The episode starts before the previous one ended ({uk_date(previous.end_on)})",
                "501",
            )
        ]
    starts_period = episode.reason_new == STARTED_TO_BE_LOOKED_AFTER
    if previous.reason_ceased == CONTINUES:
        if episode.start_on != previous.end_on:
            return [
                RuleBreak(
                    "start_on",
                    f"The previous episode ended on {uk_date(previous.end_on)} with X1, "
                    "so the next must start that day",
                    "388",
                )
            ]
        if starts_period:
            return [
                RuleBreak(
                    "reason_new",
                    f"The previous episode ended on {uk_date(previous.end_on)} with X1 (a new episode the same day), "
                    "so this one continues the period of care and cannot have RNE S",
                    "431",
                )
            ]
        changes = RNE_CHANGES.get(episode.reason_new)
        if changes is None:
            return []
        legal_changed = episode.legal_status != previous.legal_status
        placement_changed = (
            episode.placement,
            episode.placement_provider,
            episode.placement_postcode,
            episode.urn,
        ) != (previous.placement, previous.placement_provider, previous.placement_postcode, previous.urn)
        if (legal_changed, placement_changed) != changes:
            return [RuleBreak("reason_new", _rne_mismatch(episode.reason_new, *changes), RNE_RULES[episode.reason_new])]
        return []
    if episode.start_on == previous.end_on:
        return [
            RuleBreak(
                "start_on",
                f"The previous episode ended on {uk_date(previous.end_on)} with {previous.reason_ceased}, "
                "when the child "
                "ceased to be looked after: a new period of care cannot start the same day (use REC X1 if the care "
                "continued)",
                "431" if starts_period else "388",
            )
        ]
    if not starts_period:
        return [
            RuleBreak(
                "reason_new",
                f"The child ceased to be looked after on {uk_date(previous.end_on)} ({previous.reason_ceased}), so the "
                "next episode starts a new period of care and must have RNE S",
                "432",
            )
        ]
    if previous.reason_ceased in FINAL_REASONS_CEASED:
        return [
            RuleBreak(
                "start_on",
                f"The previous episode ended with {previous.reason_ceased}, after which there can be no further "
                "episode",
                "437",
            )
        ]
    return []


def _rne_mismatch(rne: str, legal: bool, placement: bool) -> str:
    said = {
        (True, False): "the legal status changed and the placement did not",
        (False, True): "the placement changed and the legal status did not",
        (True, True): "both the legal status and the placement changed",
    }[(legal, placement)]
    return (
        f"RNE {rne} says {said}, but the episode's LS, PLACE, PLACE_PROVIDER, PL_POST and URN compared with the "
        "previous episode do not show that"
    )


def _place_change_reason(previous: Episode903, episode: Episode903) -> list[RuleBreak]:
    """REASON_PLACE_CHANGE on the episode that ends with X1 for a change of placement (DfE rules 225,
    226)."""
    if previous.reason_ceased != CONTINUES:
        if previous.reason_place_change:
            return [
                RuleBreak(
                    "reason_place_change",
                    "Only an episode that ends with X1 for a change of placement has a reason for the change",
                )
            ]
        return []
    temporary = {previous.placement, episode.placement} & TEMPORARY_PLACEMENTS
    needed = episode.reason_new in PLACEMENT_CHANGES and not temporary
    if needed and not previous.reason_place_change:
        return [
            RuleBreak(
                "reason_place_change",
                f"The placement changed on {uk_date(episode.start_on)} (RNE {episode.reason_new}): give the reason",
                "225",
            )
        ]
    if previous.reason_place_change and not needed:
        if temporary:
            return [
                RuleBreak(
                    "reason_place_change",
                    "There is no reason for placement change when either placement is a temporary one (T0 to T4)",
                    "226",
                )
            ]
        return [
            RuleBreak(
                "reason_place_change",
                "A reason for placement change is given only when the placement changes (RNE P, B, T or U), "
                f"not with RNE {episode.reason_new}",
            )
        ]
    return []


def short_breaks_only_in_year(episodes: Sequence[Episode903], year: int) -> bool:
    """Every episode of the child open during the collection year is a short break (LS V3/V4): the
    child is left out of the year's reviews table (DfE rule 399) and of its indicators."""
    start, end = CollectionYear(year).start, CollectionYear(year).end
    in_year = [e for e in episodes if e.start_on <= end and (e.end_on is None or e.end_on >= start)]
    return bool(in_year) and all(e.legal_status in SHORT_BREAK_LEGAL_STATUSES for e in in_year)


# --- Missing episodes ------------------------------------------------------------------------------


class Missing903(Protocol):
    start_on: date
    end_on: date | None


def missing_episode_breaks(
    missing: Missing903,
    *,
    date_of_birth: date,
    episodes: Sequence[Episode903],
    periods: Sequence,
    others: Sequence[Missing903],
    today: date,
) -> list[RuleBreak]:
    """Why a missing (or away without authorisation) episode cannot be recorded as it is. `others`
    are the child's other missing episodes; `periods` the child's periods of care."""
    start, end = missing.start_on, missing.end_on
    breaks: list[RuleBreak] = []
    if start > today:
        breaks.append(RuleBreak("start_on", "The date the child went missing cannot be in the future"))
    if end is not None and end > today:
        breaks.append(RuleBreak("end_on", "The date the child came back cannot be in the future"))
    if end is not None and end < start:
        breaks.append(
            RuleBreak(
                "end_on",
                f"The date the child came back must be on or after the day they went ({uk_date(start)})",
                "567",
            )
        )
    if start < date_of_birth:
        breaks.append(RuleBreak("start_on", "The date the child went missing is before their date of birth", "586"))
    if breaks:
        return breaks

    period = period_containing(periods, start)
    if period is None:
        return [
            RuleBreak(
                "start_on",
                f"The child was not looked after on {uk_date(start)}: record missing episodes within a period of care",
                "581" if not any(p.start <= start for p in periods) else "578",
            )
        ]
    if period.end is not None and (end is None or end > period.end):
        breaks.append(
            RuleBreak(
                "end_on",
                f"The child ceased to be looked after on {uk_date(period.end)}: "
                "the missing episode must end on or before "
                "that day",
                "577",
            )
        )
    # The placement the child went missing from: once it has ended, the return must show the missing
    # episode ended too, and a return shows an end only if it falls in its year.
    for episode in episodes:
        if episode.start_on <= start and episode.end_on is not None and start <= episode.end_on:
            latest_end = CollectionYear.containing(episode.end_on).end
            if end is None or end > latest_end:
                breaks.append(
                    RuleBreak(
                        "end_on",
                        f"The child went missing during an episode that ended on {uk_date(episode.end_on)}: "
                        "the missing "
                        f"episode must end by {uk_date(latest_end)}, the end of that collection year",
                        "575",
                    )
                )
                break
    for other in others:
        if other.start_on == start:
            breaks.append(RuleBreak("start_on", f"A missing episode from {uk_date(start)} is already recorded", "574"))
            continue
        first, second = (other, missing) if other.start_on < start else (missing, other)
        if first.end_on is None or second.start_on < first.end_on:
            until = f"to {uk_date(other.end_on)}" if other.end_on else "with no end date"
            breaks.append(
                RuleBreak(
                    "start_on",
                    f"It overlaps the missing episode from {uk_date(other.start_on)} {until}: one must end before the "
                    "next starts",
                    "574",
                )
            )
    return breaks
