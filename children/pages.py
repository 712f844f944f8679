"""What the child's page shows from the apps above this one (reviews, escalations, ...).

Each of those apps registers a function when it loads (in its apps.py) that returns its part of
the page's context for one child, so the child's page can show everything about the child while
this app imports none of them. Every function is given a child the viewer may see.

A part may hold, under "timeline", events of the timeline of the IRO's involvement (InvolvementEvent):
the page shows every app's together, newest first, with the IROs' allocations and handovers."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .models import Child
from .selectors import allocation_history

ChildPageContext = Callable[..., dict]

_providers: list[ChildPageContext] = []


@dataclass
class InvolvementEvent:
    """Something the IRO service did on the child's case."""

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


def register_child_page_context(provider: ChildPageContext) -> None:
    """`provider(child, today=...)` returns a dict added to the child's page context."""
    if provider not in _providers:
        _providers.append(provider)


def child_page_context(child: Child, *, today: date) -> dict:
    """Every app's part of the child's page, and the timeline of the IRO's involvement (`timeline`)."""
    context = {}
    events = allocation_events(child, today=today)
    for provider in _providers:
        part = provider(child, today=today)
        events += part.pop("timeline", [])
        context.update(part)
    context["timeline"] = sorted(events, key=lambda e: e.order, reverse=True)
    return context


def allocation_events(child: Child, *, today: date) -> list[InvolvementEvent]:
    """The IROs allocated to the child and handing over (from allocation_history, which the page has
    read already)."""
    events = []
    # Oldest first, as the allocations are ordered, so that two on one day keep their order.
    for allocation in reversed(allocation_history(child, today=today)):
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
    return events
