"""Reads about the IRO's monitoring between reviews: the midway check each child is due, and the
timeline of the IRO's involvement with a child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from children.models import Child
from children.pages import InvolvementEvent
from core.dates import long_date
from core.links import link_for_each
from core.midway import midway_due, midway_status

from .models import MidwayCheck, Review


@dataclass(frozen=True)
class MidwayInterval:
    """The interval a child is in now: from the review last held in their current period of care to
    the next review due in it, with the midway check due halfway and the check, once recorded."""

    last_held_id: int
    last_held_on: date
    next_due_on: date
    check: MidwayCheck | None = None

    @property
    def due_on(self) -> date:
        return midway_due(self.last_held_on, self.next_due_on)

    def status(self, today: date) -> str:
        return midway_status(due_on=self.due_on, done=self.check is not None, today=today)


def midway_interval(child: Child) -> MidwayInterval | None:
    """The child's interval now (interval_among), read from their reviews and midway checks: two
    queries."""
    reviews = child.reviews.only("pk", "period_start", "held_on", "due_on")
    return interval_among(list(reviews), list(child.midway_checks.select_related("recorded_by")))


def interval_among(reviews: list[Review], checks: list[MidwayCheck]) -> MidwayInterval | None:
    """The interval a child is in now, from all their reviews and midway checks, or None when no
    midway check falls due (no review due, or none held yet on the clock of the one due: its period
    of care or short-break arrangement)."""
    # The review due next: the one not yet held on the latest clock.
    waiting = max((r for r in reviews if r.held_on is None), key=lambda r: r.period_start, default=None)
    if waiting is None:
        return None
    same_clock = [r for r in reviews if r.held_on is not None and r.period_start == waiting.period_start]
    last_held = max(same_clock, key=lambda r: r.held_on, default=None)
    if last_held is None:
        return None
    check = next((c for c in checks if c.after_review_id == last_held.pk), None)
    return MidwayInterval(last_held.pk, last_held.held_on, waiting.due_on, check)


# --- The timeline of the IRO's involvement ---------------------------------------------------------


def review_events(child: Child, *, reviews: list[Review], checks: list[MidwayCheck]) -> list[InvolvementEvent]:
    """This app's events of the child's timeline (children.pages): the reviews held (from `reviews`,
    with their chairs), the midway checks (`checks`, with who recorded them) and the case notes (one
    query)."""
    events: list[InvolvementEvent] = []
    review_page = link_for_each("reviews:detail")
    for review in (r for r in reviews if r.held_on is not None):
        clock = "short-break arrangement" if review.short_breaks else "period of care"
        details = [f"Review {review.sequence} of the {clock} from {long_date(review.period_start)}"]
        details.append(f"Participation: {review.get_participation_display()}")
        if review.held_late:
            details.append(f"Held late (due {long_date(review.due_on)})")
        events.append(
            InvolvementEvent(
                "review",
                review.held_on,
                "Review held",
                details=details,
                by=str(review.chair or ""),
                url=review_page(review.public_id),
            )
        )
    for check in checks:
        details = [f"Actions on track: {check.get_actions_on_track_display().lower()}"]
        if check.escalate:
            details.append("To be escalated")
        events.append(
            InvolvementEvent(
                "midway_check",
                check.checked_on,
                "Midway check",
                text=check.concerns,
                details=details,
                by=str(check.recorded_by),
            )
        )
    for note in child.case_notes.select_related("recorded_by"):
        who = note.get_contact_with_display() + (f" ({note.contact_name})" if note.contact_name else "")
        events.append(
            InvolvementEvent(
                "case_note",
                note.contact_on,
                # "the child", "social worker"; an initialism such as "IRO" keeps its capitals.
                f"Case note: contact with {who[:1].lower() if who[1:2].islower() else who[:1]}{who[1:]}",
                text=note.summary,
                details=[note.get_method_display()],
                by=str(note.recorded_by),
            )
        )
    return events


def monitoring_of_child(child: Child, *, reviews: list[Review], today: date) -> dict:
    """The overview's part from the monitoring between reviews (`monitoring`), given all the child's
    reviews: the interval the child is in now with its midway check. One query."""
    interval = interval_among(reviews, list(child.midway_checks.select_related("recorded_by")))
    return {"monitoring": {"interval": interval, "midway_status": interval.status(today) if interval else None}}
