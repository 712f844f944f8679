"""What the child's record shows from the apps above this one (reviews, escalations, ...).

The record is three pages (CHILD_PAGES): the overview (what is due and open now), the details, the
people around the child and their care, and the reviews held with the timeline of the IRO's
involvement. Each of those apps registers, when it loads (in its apps.py), a function for a page
that returns its part of that page's context for one child, so the record can show everything about
the child while this app imports none of them. Every function is given a child the viewer may see.

A part may hold, under "timeline", events of the timeline of the IRO's involvement
(InvolvementEvent): the history page shows every app's together, newest first, with this app's own
(the IROs' allocations and handovers, registered below like any other part)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .models import Child
from .selectors import allocation_history

ChildPageContext = Callable[..., dict]

# Each page of the child's record: its URL name (children.urls) and its name in the sub-navigation.
CHILD_PAGES = {
    "overview": ("children:detail", "Overview"),
    "about": ("children:about", "Details, people and care"),
    "history": ("children:history", "Reviews and history"),
}

_providers: dict[str, list[ChildPageContext]] = {page: [] for page in CHILD_PAGES}


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


def register_child_page_context(page: str, provider: ChildPageContext) -> None:
    """`provider(child, today=...)` returns a dict added to the context of the record's `page`."""
    if provider not in _providers[page]:
        _providers[page].append(provider)


def child_page_context(child: Child, *, today: date, page: str) -> dict:
    """Every app's part of a page of the child's record, and the timeline of the IRO's involvement
    (`timeline`: the events the parts give, newest first; none but on the history page)."""
    context = {}
    events = []
    for provider in _providers[page]:
        part = provider(child, today=today)
        events += part.pop("timeline", [])
        context.update(part)
    context["timeline"] = sorted(events, key=lambda e: e.order, reverse=True)
    return context


def allocation_events(child: Child, *, today: date) -> dict:
    """This app's part of the history page: the IROs allocated to the child and handing over, as
    events of the timeline (from allocation_history)."""
    events = []
    # Oldest first, as the allocations are ordered, so that two on one day keep their order.
    for allocation in reversed(allocation_history(child)):
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
    return {"timeline": events}


register_child_page_context("history", allocation_events)
