"""The dashboard's figures in one read: every figure from reports/kpis.py, a fixed number of queries
whatever the number of children."""

from dataclasses import dataclass
from datetime import date

from children.selectors import due_soon_by
from core.collection_years import CollectionYear
from reviews.selectors import overdue_actions_by_iro

from . import kpis


@dataclass(frozen=True)
class Dashboard:
    today: date
    soon: date  # the last due date that counts as "due soon"
    caseloads: list[kpis.IROCaseload]  # each IRO's caseload now
    unallocated: kpis.IROCaseload  # the children with no IRO
    year: CollectionYear  # the year to date
    window: kpis.Window
    participation: dict[str, int]  # reviews held by PN code, and `total`
    late: dict[str, int]  # reviews held late by reason
    paperwork_late: dict[str, list[int]]  # reviews whose decisions or full record are late, by document
    ni66: kpis.Ratio
    c63: kpis.Ratio
    short_breaks: kpis.ShortBreakReviews  # counted apart from every figure above
    escalations: dict[str, int]
    actions_overdue: dict[int | None, int]  # open actions of reviews past their date, by the child's IRO

    @property
    def now(self) -> dict[str, int]:
        """Service-wide: children looked after, reviews overdue and due soon, children without an IRO."""
        everyone = [*self.caseloads, self.unallocated]
        return {
            "looked_after": sum(r.children for r in everyone),
            "overdue": sum(r.overdue for r in everyone),
            "due_soon": sum(r.due_soon for r in everyone),
            "unallocated": self.unallocated.children,
        }


def dashboard(*, today: date) -> Dashboard:
    soon = due_soon_by(today)
    caseloads, unallocated = kpis.caseloads(today=today, soon=soon)
    year = CollectionYear.containing(today)
    window = kpis.year_window(year, today)
    return Dashboard(
        today=today,
        soon=soon,
        caseloads=caseloads,
        unallocated=unallocated,
        year=year,
        window=window,
        participation=kpis.participation(window),
        late=kpis.late_reviews_by_reason(window),
        paperwork_late=kpis.late_paperwork(window),
        ni66=kpis.ni66(window),
        c63=kpis.c63(window),
        short_breaks=kpis.short_break_reviews(window),
        escalations=kpis.escalations_open(today),
        actions_overdue=overdue_actions_by_iro(today=today),
    )
