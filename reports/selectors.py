"""The dashboard's figures in two reads, its year's figures and the state now: every figure from
reports/kpis.py, a fixed number of queries whatever the number of children, each kept until the data
it reads change (core.changes)."""

from dataclasses import dataclass
from datetime import date, timedelta

from accounts.models import User
from children.models import Child
from children.selectors import due_soon_by
from consultations.selectors import consultation_figures
from core.changes import derived
from core.collection_years import CollectionYear
from reviews.models import CaseNote, MidwayCheck, Review
from reviews.selectors import open_actions_of_iro, overdue_actions_by_iro

from . import kpis


@dataclass(frozen=True)
class Dashboard:
    today: date
    soon: date  # the last due date that counts as "due soon"
    caseload_rows: list[tuple]  # each IRO's caseload now, as kpis.IROCaseload.as_row gives it
    unallocated: kpis.IROCaseload  # the children with no IRO
    year: CollectionYear  # the year to date
    window: kpis.Window
    participation: dict[str, int]  # reviews held by PN code, and `total`
    late: dict[str, int]  # reviews held late by reason
    paperwork_late: dict[str, int]  # reviews whose decisions or full record are late, by document
    ni66: kpis.Ratio
    c63: kpis.Ratio
    short_breaks: kpis.ShortBreakReviews  # counted apart from every figure above
    escalations: dict[str, int]
    actions_overdue: dict[int | None, int]  # open actions of reviews past their date, by the child's IRO
    record: dict  # kpis.record_figures: the review record and the monitoring between reviews
    consultations: list[dict]  # views asked for before reviews, by respondent

    now: dict[str, int]  # service-wide: children looked after, reviews overdue and due soon, without an IRO


def dashboard(*, today: date) -> Dashboard:
    """Every figure of the dashboard on `today`: computed once for each state of the data. The year's
    figures read only what the days up to today hold, so they are kept through the changes dated later
    (the next review scheduled, a meeting booked or an action set for a later day), which the
    caseloads, read from the state of today, are computed again for."""
    now = derived("dashboard_now", today, compute=lambda: _now(today))
    year = derived("dashboard_year", today, as_of=today, compute=lambda: _year_to_date(today))
    return Dashboard(today=today, **now, **year)


def _now(today: date) -> dict:
    soon = due_soon_by(today)
    caseloads, unallocated = kpis.caseloads(today=today, soon=soon)
    everyone = [*caseloads, unallocated]
    return {
        "soon": soon,
        "caseload_rows": [caseload.as_row() for caseload in caseloads],
        "unallocated": unallocated,
        "now": {
            "looked_after": sum(r.children for r in everyone),
            "overdue": sum(r.overdue for r in everyone),
            "due_soon": sum(r.due_soon for r in everyone),
            "unallocated": unallocated.children,
        },
        "escalations": kpis.escalations_open(today),
        "actions_overdue": overdue_actions_by_iro(today=today),
    }


def _year_to_date(today: date) -> dict:
    year = CollectionYear.containing(today)
    window = kpis.year_window(year, today)
    return {
        "year": year,
        "window": window,
        "participation": kpis.participation(window),
        "late": kpis.late_reviews_by_reason(window),
        # Counts, not the reviews' ids: what is kept for the data stays small at any size.
        "paperwork_late": {document: len(ids) for document, ids in kpis.late_paperwork(window).items()},
        "ni66": kpis.ni66(window),
        "c63": kpis.c63(window),
        "short_breaks": kpis.short_break_reviews(window),
        "record": kpis.record_figures(window),
        "consultations": consultation_figures(window.start, window.end),
    }


@dataclass(frozen=True)
class IROTimeliness:
    """One IRO's own figures for the year to date, as discussed in supervision."""

    iro: User
    year: CollectionYear
    window: kpis.Window
    reviews_held: int  # reviews they chaired
    ni66: kpis.Ratio  # over the reviews they chaired
    c63: kpis.Ratio
    paperwork_late: dict[str, int]  # of the reviews they chaired: decisions and full record late
    actions: dict[str, int]  # open actions of the children allocated to them today, and those overdue


def iro_timeliness(*, iro: User, today: date) -> IROTimeliness:
    """The dashboard's figures for the reviews one IRO chaired. Five queries, whatever their caseload."""
    year = CollectionYear.containing(today)
    window = kpis.year_window(year, today)
    late = kpis.late_paperwork(window, chair=iro)
    return IROTimeliness(
        iro=iro,
        year=year,
        window=window,
        reviews_held=kpis.reviews_held(window, chair=iro).count(),
        ni66=kpis.ni66(window, chair=iro),
        c63=kpis.c63(window, chair=iro),
        paperwork_late={document: len(ids) for document, ids in late.items()},
        actions=open_actions_of_iro(iro=iro, today=today),
    )


# --- Sessional IROs' work for payment -----------------------------------------------------------------


@dataclass(frozen=True)
class SessionalItem:
    on: date
    kind: str  # one of SESSIONAL_KINDS
    child: Child  # only its id and LA child id are loaded: payment needs no more


SESSIONAL_KINDS = {"review": "Review chaired", "midway_check": "Midway check", "case_note": "Case note"}


def sessional_work(*, iro: User, month: date) -> list[SessionalItem]:
    """What a sessional IRO is paid for in the month starting `month`: the reviews they chaired held
    in it, and the midway checks and case notes they recorded dated in it, by date. Three queries."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    child = ("child__pk", "child__la_child_id")
    reviews = Review.objects.filter(chair=iro, held_on__gte=month, held_on__lt=end).values_list("held_on", *child)
    checks = MidwayCheck.objects.filter(recorded_by=iro, checked_on__gte=month, checked_on__lt=end).values_list(
        "checked_on", *child
    )
    notes = CaseNote.objects.filter(recorded_by=iro, contact_on__gte=month, contact_on__lt=end).values_list(
        "contact_on", *child
    )
    items = [
        SessionalItem(on, kind, Child(pk=pk, la_child_id=la_child_id))
        for kind, rows in (("review", reviews), ("midway_check", checks), ("case_note", notes))
        for on, pk, la_child_id in rows
    ]
    return sorted(items, key=lambda item: (item.on, list(SESSIONAL_KINDS).index(item.kind), item.child.la_child_id))
