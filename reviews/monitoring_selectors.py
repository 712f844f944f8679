"""Reads about the IRO's monitoring between reviews: the midway check each child is due, and the
timeline of the IRO's involvement with a child."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone

from children.models import Child
from children.selectors import allocation_history
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


@dataclass
class InvolvementEvent:
    kind: str  # allocated, allocation_ended, review, midway_check, case_note, escalation
    on: date
    title: str
    text: str = ""
    details: list[str] = field(default_factory=list)
    by: str = ""
    url: str = ""

    # Events of one day: a handover (the old IRO's allocation ends the day the new one's starts)
    # comes first, then a review before what follows from it.
    RANK = {"allocation_ended": 0, "allocated": 1, "review": 2, "midway_check": 3, "case_note": 4, "escalation": 5}

    @property
    def order(self) -> tuple:
        return (self.on, self.RANK[self.kind])


def involvement_timeline(
    child: Child, *, reviews: list[Review] | None = None, checks: list[MidwayCheck] | None = None
) -> list[InvolvementEvent]:
    """Everything the IRO service did on the child's case, newest first: IROs allocated and handing
    over, reviews held, midway checks, case notes and escalations. Five queries, however long the
    child's history; fewer where the child's page has read the reviews (with their chairs), the
    midway checks (with who recorded them) or the allocations (allocation_history) already."""
    if reviews is None:
        reviews = list(child.reviews.filter(held_on__isnull=False).select_related("chair"))
    if checks is None:
        checks = list(child.midway_checks.select_related("recorded_by"))
    events: list[InvolvementEvent] = []
    # Oldest first, as the allocations are ordered, so that two on one day keep their order.
    for allocation in reversed(allocation_history(child, today=timezone.localdate())):
        events.append(
            InvolvementEvent(
                "allocated",
                allocation.start_on,
                f"{allocation.iro} allocated as IRO",
                text=allocation.note,
                details=[allocation.get_reason_display()],
            )
        )
        if allocation.end_on:
            events.append(
                InvolvementEvent("allocation_ended", allocation.end_on, f"{allocation.iro} no longer the IRO")
            )
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
    for escalation in child.escalations.select_related("raised_by"):
        details = [f"Stage reached: {escalation.get_stage_display().lower()}", escalation.get_status_display()]
        events.append(
            InvolvementEvent(
                "escalation",
                escalation.raised_on,
                f"Escalation raised: {escalation.get_theme_display().lower()}",
                details=details,
                by=str(escalation.raised_by or ""),
                url=reverse("escalations:detail", args=[escalation.public_id]),
            )
        )
    return sorted(events, key=lambda e: e.order, reverse=True)


def monitoring_of_child(child: Child, *, reviews: list[Review], today: date) -> dict:
    """The child's page's part from the monitoring between reviews (`monitoring`), given all the
    child's reviews (with their chairs): the interval the child is in now with its midway check, and
    the timeline of the IRO's involvement. Four queries, whatever the child's history."""
    checks = list(child.midway_checks.select_related("recorded_by"))
    interval = interval_among(reviews, checks)
    return {
        "monitoring": {
            "interval": interval,
            "midway_status": interval.status(today) if interval else None,
            "timeline": involvement_timeline(child, reviews=reviews, checks=checks),
        }
    }
