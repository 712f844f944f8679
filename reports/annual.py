"""The annual IRO report to the Corporate Parenting Committee for one collection year, assembled from
the indicator selectors in `reports.kpis` (the same ones the QA dashboard uses).

`build(year)` gathers every figure; the report then gives them as the JSON of `annual_report
--format json` (`as_json`), as tables (`tables`, shared by the HTML page, the PDF, the Word document
and the CSV files), and with the definition of each figure (`definitions()`, the appendix). No child
is identified anywhere in the report.

The module follows the report section by section, so its length is the report's: splitting it
would part each table from its definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from children.selectors import first_collection_year
from consultations.selectors import CONSULTATIONS_DEFINITION, consultation_figures
from core.changes import derived
from core.collection_years import CollectionYear
from escalations.codes import Stage, Theme
from reviews.models import ParticipationCode
from reviews.timescales import POLICY_LABELS, Policy

from . import kpis
from .kpis import Ratio, Staffing, UnitCost, year_window
from .models import ReportNarrative

HISTORY_YEARS = 3  # the performance table shows the year and the three before it


class ReportNotAvailable(ValueError):
    """The year asked for has no annual report (not over yet, or before the service's records)."""


# --- Values with a meaning, so each format shows them its own way -----------------------------------


@dataclass(frozen=True)
class Percent:
    value: Decimal | None  # to one decimal place; None when nothing was counted

    def __str__(self) -> str:
        return "–" if self.value is None else f"{self.value}%"

    @property
    def csv(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Money:
    value: Decimal | None

    def __str__(self) -> str:
        return "not entered" if self.value is None else f"£{self.value:,.2f}"

    @property
    def csv(self) -> str:
        return "" if self.value is None else f"{self.value:.2f}"


@dataclass(frozen=True)
class Range:
    low: int
    high: int

    def __str__(self) -> str:
        return f"{self.low:,} to {self.high:,}"

    @property
    def csv(self) -> str:
        return str(self)


def meaning(label: str) -> str:
    """ "PN1: attends and speaks for themselves" -> "Attends and speaks for themselves"."""
    text = label.split(": ", 1)[-1]
    return text[:1].upper() + text[1:]


def plural(n: int, singular: str, plural: str) -> str:
    """ "1 child", "2 children", with the number as the report shows it."""
    return f"{display(n)} {singular if n == 1 else plural}"


def display(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent | Money | Range):
        return value.csv
    return str(value)


@dataclass(frozen=True)
class Table:
    slug: str  # the CSV file name
    title: str
    header: list[str]
    rows: list[list]
    total: list | None = None  # a last row, shown apart (the sum)
    note: str = ""

    @property
    def numeric_columns(self) -> set[int]:
        """The columns (after the first) whose every cell is a figure: right-aligned."""
        return {
            i
            for i in range(1, len(self.header))
            if all(row[i] is None or not isinstance(row[i], str) for row in self.rows)
        }

    @property
    def all_rows(self) -> list[list]:
        return [*self.rows, *([self.total] if self.total else [])]


# --- Narrative text -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph" or "list"
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


_BULLET = re.compile(r"^\s*(?:[-*•])\s+")


def blocks(text: str) -> list[Block]:
    """Paragraphs separated by blank lines; a paragraph whose lines all start with "- ", "* " or "• "
    is a bulleted list."""
    result = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            result.append(Block("list", tuple(_BULLET.sub("", line) for line in lines)))
        else:
            result.append(Block("paragraph", tuple(lines)))
    return result


@dataclass(frozen=True)
class Narrative:
    introduction: list[Block]
    priorities: list[Block]
    summary: list[Block]
    updated_by: str = ""
    updated_at: object = None

    @classmethod
    def for_year(cls, year: CollectionYear) -> Narrative:
        row = ReportNarrative.objects.filter(year=year.year).select_related("updated_by").first()
        if row is None:
            return cls([], [], [])
        return cls(
            blocks(row.introduction),
            blocks(row.priorities),
            blocks(row.summary),
            str(row.updated_by or ""),
            row.updated_at,
        )


# --- The figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    """One column of the performance table."""

    year: CollectionYear
    reviews_held: int
    ni66: Ratio
    c63: Ratio
    looked_after_at_31_march: int

    @classmethod
    def for_year(cls, year: CollectionYear, window: kpis.Window | None = None) -> YearFigures:
        window = window or year_window(year)
        return cls(
            year=year,
            reviews_held=kpis.reviews_held(window).count(),
            ni66=kpis.ni66(window),
            c63=kpis.c63(window),
            looked_after_at_31_march=kpis.looked_after(window).count(),
        )


@dataclass(frozen=True)
class AnnualReport:
    year: CollectionYear
    generated_on: date
    figures: YearFigures
    history: list[YearFigures]  # the three years before, newest first
    late_by_reason: dict[str, int]
    participation: dict[str, int]
    missing: dict[str, int]
    escalations: dict
    staffing: Staffing
    unit_cost: UnitCost
    short_breaks: kpis.ShortBreakReviews
    narrative: Narrative = field(default_factory=lambda: Narrative([], [], []))
    # kpis.record_figures: the review record and the monitoring between reviews.
    record: dict = field(default_factory=dict)
    # Views asked for before reviews by a link, and answered, by respondent (the last row: all).
    consultations: list[dict] = field(default_factory=list)
    # A report of part of the year (the year so far, or its first half) says so everywhere it shows.
    window: kpis.Window | None = None

    @property
    def partial(self) -> bool:
        return self.window is not None and self.window.end < self.year.end

    @property
    def partial_label(self) -> str:
        """ "" for the whole year, else what part of it the figures cover."""
        if not self.partial:
            return ""
        return (
            f"Partial: {self.year.label} from {self.window.start:%-d %B %Y} to {self.window.end:%-d %B %Y} only. "
            "Figures for part of a year are not comparable with a whole year's; children looked after are "
            f"counted on {self.window.end:%-d %B %Y}, not 31 March."
        )

    # -- The numbers the text quotes

    @property
    def late_total(self) -> int:
        return sum(self.late_by_reason.values())

    @property
    def children_not_contributing(self) -> int:
        return self.figures.c63.denominator - self.figures.c63.numerator

    @property
    def senior_escalations(self) -> int:
        return sum(self.escalations["by_highest_stage"][s] for s in (Stage.HEAD_OF_SERVICE, Stage.DIRECTOR))

    @property
    def years(self) -> list[YearFigures]:
        """The performance table's columns, oldest first (as the committee has always read it)."""
        return [*reversed(self.history), self.figures]

    # -- JSON

    def as_json(self) -> dict:
        f = self.figures
        return {
            "year": self.year.year,
            "label": self.year.label,
            "partial": self.partial_label or False,
            "reviews_held": f.reviews_held,
            "late_reviews": {"total": self.late_total, "by_reason": dict(self.late_by_reason)},
            "ni66": _ratio_json(f.ni66),
            "c63": _ratio_json(f.c63),
            "looked_after_at_31_march": f.looked_after_at_31_march,
            "short_break_reviews": {
                "held": self.short_breaks.held,
                "held_late": self.short_breaks.held_late,
                "overdue": self.short_breaks.overdue,
            },
            "participation": dict(self.participation),
            "consultations": [dict(row) for row in self.consultations],
            "missing": {"episodes": self.missing["episodes"], "young_people": self.missing["young_people"]},
            "escalations": {
                "total": self.escalations["total"],
                "children": self.escalations["children"],
                "by_theme": dict(self.escalations["by_theme"]),
                "by_highest_stage": dict(self.escalations["by_highest_stage"]),
            },
            "review_record": {
                **{key: _ratio_json(self.record[key]) for key in kpis.RECORD_FIGURES},
                "permanence_drifting": self.record["permanence_drifting"],
            },
            "history": [
                {
                    "year": h.year.year,
                    "reviews_held": h.reviews_held,
                    "ni66_percent": _float(h.ni66.percent),
                    "c63_percent": _float(h.c63.percent),
                    "looked_after_at_31_march": h.looked_after_at_31_march,
                }
                for h in self.history
            ],
        }

    # -- Tables

    def tables(self) -> list[Table]:
        return [
            self.performance_table(),
            self.late_reviews_table(),
            self.participation_table(),
            self.consultations_table(),
            self.escalations_by_theme_table(),
            self.escalations_by_stage_table(),
            self.missing_table(),
            self.review_record_table(),
            self.staffing_table(),
            self.unit_cost_table(),
            self.short_break_reviews_table(),
        ]

    def table(self, slug: str) -> Table:
        for table in self.tables():
            if table.slug == slug:
                return table
        raise KeyError(slug)

    def performance_table(self) -> Table:
        years = self.years
        return Table(
            "performance",
            f"Performance {years[0].year.label} to {years[-1].year.label}",
            ["Measure", *(y.year.label for y in years)],
            [
                ["Reviews held", *(y.reviews_held for y in years)],
                ["NI66: children whose reviews were all in timescale", *(Percent(y.ni66.percent) for y in years)],
                ["C63: children who contributed to every review", *(Percent(y.c63.percent) for y in years)],
                ["Children looked after on 31 March", *(y.looked_after_at_31_march for y in years)],
            ],
        )

    def short_break_reviews_table(self) -> Table:
        return Table(
            "short_break_reviews",
            f"Reviews of short-break arrangements, {self.year.label} (counted apart)",
            ["Measure", "Reviews"],
            [
                ["Held", self.short_breaks.held],
                ["Held late", self.short_breaks.held_late],
                ["Due and not held by 31 March", self.short_breaks.overdue],
            ],
        )

    def late_reviews_table(self) -> Table:
        return Table(
            "late_reviews",
            f"Reviews held late in {self.year.label}, by reason",
            ["Reason", "Reviews"],
            [[kpis.LATE_REASONS[reason], n] for reason, n in self.late_by_reason.items()],
            total=["Total", self.late_total],
        )

    def participation_table(self) -> Table:
        labels = dict(ParticipationCode.choices)
        return Table(
            "participation",
            f"Participation of children in their reviews, {self.year.label}",
            ["Code", "How the child took part", "Reviews"],
            [[code, meaning(labels[code]), self.participation[code]] for code in kpis.PARTICIPATION_CODES],
            total=["Sum", "", self.participation["total"]],
        )

    def consultations_table(self) -> Table:
        *rows, total = self.consultations or [{"respondent": "All", "sent": 0, "answered": 0}]
        return Table(
            "consultations",
            f"Views asked for before reviews by a link, {self.year.label}",
            ["Who was asked", "Asked", "Answered"],
            [[r["respondent"], r["sent"], r["answered"]] for r in rows],
            total=["Total", total["sent"], total["answered"]],
        )

    def escalations_by_theme_table(self) -> Table:
        labels = dict(Theme.choices)
        return Table(
            "escalations_by_theme",
            f"Escalations raised in {self.year.label}, by theme",
            ["Theme", "Escalations"],
            [[labels[theme], n] for theme, n in self.escalations["by_theme"].items()],
            total=["Total", self.escalations["total"]],
        )

    def escalations_by_stage_table(self) -> Table:
        labels = dict(Stage.choices)
        return Table(
            "escalations_by_stage",
            f"Escalations raised in {self.year.label}, by the highest stage reached",
            ["Highest stage reached", "Escalations"],
            [[labels[stage], n] for stage, n in self.escalations["by_highest_stage"].items()],
            total=["Total", self.escalations["total"]],
        )

    def missing_table(self) -> Table:
        return Table(
            "missing",
            f"Children missing or away from placement, {self.year.label}",
            ["Measure", "Number"],
            [
                ["Episodes missing or away without authorisation that started in the year", self.missing["episodes"]],
                ["Young people they concern", self.missing["young_people"]],
            ],
        )

    def review_record_table(self) -> Table:
        rows = [
            [label, self.record[key].numerator, self.record[key].denominator, Percent(self.record[key].percent)]
            for key, label in kpis.RECORD_FIGURES.items()
        ]
        rows.append(["Children whose permanence plan is drifting", self.record["permanence_drifting"], None, None])
        return Table(
            "review_record",
            f"The review record and monitoring between reviews, {self.year.label}",
            ["Measure", "Met", "Out of", "Percentage"],
            rows,
        )

    def staffing_table(self) -> Table:
        s = self.staffing
        rows = [
            ["IROs in the service", s.total],
            ["Permanent staff", s.permanent],
            ["Permanent staff, full-time equivalent", s.permanent_fte],
            ["Sessional (freelance) IROs", s.sessional],
            ["Sessional IROs, full-time equivalent", s.sessional_fte],
        ]
        if s.no_profile:
            rows.append(["IROs with no staff profile recorded", s.no_profile])
        rows += [[f"Gender: {label.lower()}", n] for label, n in s.by_gender.items()]
        rows += [[f"Ethnic group: {label}", n] for label, n in s.by_ethnic_group.items()]
        caseload = Range(s.caseload_low, s.caseload_high) if s.caseload_low is not None else None
        rows.append([f"Caseloads on {self.year.end:%-d %B %Y} (children per IRO)", caseload])
        return Table("staffing", f"Staffing, {self.year.label}", ["Measure", "Number"], rows)

    def unit_cost_table(self) -> Table:
        u = self.unit_cost
        return Table(
            "unit_cost",
            f"Unit cost per review, {self.year.label}",
            ["Measure", "Value"],
            [
                ["Service budget", Money(u.budget)],
                ["Reviews held", u.reviews_held],
                ["Cost per review", Money(u.per_review) if u.per_review is not None else None],
            ],
            note="" if u.budget is not None else "No budget has been entered for this year, so there is no unit cost.",
        )

    # -- Chart descriptions (the alternative text of each chart, and its caption)

    def trend_description(self) -> str:
        parts = [f"{y.year.label}: NI66 {Percent(y.ni66.percent)}, C63 {Percent(y.c63.percent)}" for y in self.years]
        return "Line chart of NI66 and C63 by year. " + "; ".join(parts) + "."

    def participation_description(self) -> str:
        parts = [f"{code} {self.participation[code]}" for code in kpis.PARTICIPATION_CODES]
        return "Bar chart of reviews by participation code: " + ", ".join(parts) + "."


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _ratio_json(ratio: Ratio) -> dict:
    return {"numerator": ratio.numerator, "denominator": ratio.denominator, "percent": _float(ratio.percent)}


# --- Which years have a report ----------------------------------------------------------------------


def available_years(today: date) -> list[CollectionYear]:
    """The complete collection years since the first episode on record, newest first (at least the
    last complete year, so an empty service still has a report to show)."""
    last = CollectionYear.last_complete(today)
    first = first_collection_year() or last
    return [CollectionYear(y) for y in range(last.year, min(first.year, last.year) - 1, -1)]


def check_year(year: int, today: date) -> CollectionYear:
    """A collection year that is over, or under way (its report then covers the year so far)."""
    collection_year = CollectionYear(year)
    if not 2000 <= year <= 2100:
        raise ReportNotAvailable(f"{year} is not a collection year the service reports on.")
    if today < collection_year.start:
        raise ReportNotAvailable(f"{collection_year.label} begins on {collection_year.start:%-d %B %Y}.")
    return collection_year


HALF_YEAR = "half"


def report_window(year: CollectionYear, *, today: date, part: str = "") -> kpis.Window:
    """The days a report covers: the whole year, the year so far while it is under way, or (`part`
    "half") its first six months, 1 April to 30 September, or to today if that is earlier."""
    window = year_window(year, today)
    if part == HALF_YEAR:
        half_end = date(year.start.year, 9, 30)
        if window.end > half_end:
            return kpis.Window(year.start, half_end, half_end + timedelta(days=1))
    return window


def build(year: int, *, today: date | None = None, part: str = "") -> AnnualReport:
    """Every figure of the annual report for the collection year ending in `year` (about 30 queries,
    once for each state of the data: core.changes): the whole year, the year so far, or its first
    half (`part` "half"), marked partial."""
    today = today or timezone.localdate()
    collection_year = check_year(year, today)
    window = report_window(collection_year, today=today, part=part)
    # Every figure is of the window or the years before it: a past year's report is kept through the
    # changes of the year under way.
    return derived(
        "annual_report", year, today, part, as_of=window.end, compute=lambda: _build(collection_year, window, today)
    )


def _build(collection_year: CollectionYear, window: kpis.Window, today: date) -> AnnualReport:
    figures = YearFigures.for_year(collection_year, window)
    return AnnualReport(
        window=window,
        year=collection_year,
        generated_on=today,
        figures=figures,
        history=[YearFigures.for_year(collection_year.previous(n)) for n in range(1, HISTORY_YEARS + 1)],
        late_by_reason=kpis.late_reviews_by_reason(window),
        participation=kpis.participation(window),
        missing=kpis.missing(window),
        escalations=kpis.escalations(window),
        staffing=kpis.staffing(window),
        unit_cost=kpis.unit_cost(collection_year, figures.reviews_held),
        short_breaks=kpis.short_break_reviews(window),
        narrative=Narrative.for_year(collection_year),
        record=kpis.record_figures(window),
        consultations=consultation_figures(window.start, window.end),
    )


# --- The appendix: how each figure is computed -------------------------------------------------------

DEFINITIONS: list[tuple[str, str]] = [
    (
        "Collection year",
        "1 April to 31 March, named by the year it ends, as the Department for Education names it: 2014 is "
        "1 April 2013 to 31 March 2014 (2013-14).",
    ),
    (
        "Children left out",
        "Children whose every episode of care in the year was a short break (legal status V3 or V4) are left out "
        "of every figure in this report, as they are from the national indicators. So are the reviews of "
        "short-break arrangements, which are counted apart (below).",
    ),
    ("Reviews held", "Statutory reviews whose date held falls in the year."),
    (
        "Reviews held late",
        "Reviews held in the year after the date they were due, by the reason the IRO recorded (not recorded: no "
        "reason was given, for example for reviews imported from an earlier system). A review is due by a date "
        "that depends on its place in the child's period of care; an early review moves the clock, and a new "
        "period of care starts it again.",
    ),
    (
        "NI66, reviews in timescale",
        "Counts children, not reviews. Of the children with at least one review due in the year, the percentage "
        "for whom every review due in the year was held on or before its due date. A review due in the year and "
        "not held by 31 March is late.",
    ),
    (
        "C63, participation in reviews",
        "Counts children, not reviews. Of the children with at least one review held in the year coded PN1 to PN7 "
        "(aged 4 or over on the day), the percentage whose every such review was coded PN1, PN2, PN3, PN5 or PN6 "
        "(the child contributed). Reviews coded PN0 (under 4) are not counted.",
    ),
    (
        "Children looked after on 31 March",
        "Children with an episode of care that started on or before 31 March and had not ended before it.",
    ),
    (
        "Participation",
        "Reviews held in the year by the child's participation code (SSDA903 REVIEW_CODE PN0 to PN7), with their sum.",
    ),
    ("Views asked for before reviews", CONSULTATIONS_DEFINITION),
    (
        "Escalations",
        "Concerns an IRO raised in the year, the number of children they concern, by theme and by the highest "
        "stage of the dispute resolution process each had reached when this report was made. Senior managers "
        "means the head of service or the director.",
    ),
    (
        "Missing from care",
        "Episodes of a child missing, or away from placement without authorisation, that started in the year, and "
        "the number of young people they concern.",
    ),
    (
        "Staffing",
        "IROs who were allocated a child for any part of the year or chaired a review held in it, by their staff "
        "profile (employment, full-time equivalent, gender, ethnic group as the DfE groups the SSDA903 codes). "
        "Caseloads are the children looked after on 31 March allocated to each IRO that day, lowest and highest, "
        "among IROs with any.",
    ),
    (
        "Unit cost per review",
        "The service budget recorded for the year, divided by the reviews held in the year, to the nearest penny.",
    ),
    ("Reviews of short-break arrangements", kpis.SHORT_BREAK_DEFINITION),
    (
        "Children seen alone before their review",
        "Of the reviews held in the year of children aged 4 or over (coded PN1 to PN7), the percentage at which the "
        "IRO recorded speaking to the child alone before the review. A review with nothing recorded counts as the "
        "child not seen alone.",
    ),
    (
        "PEPs reviewed",
        "Of the reviews held in the year of children of school age on the day (aged 5 to 15), the percentage that "
        "recorded reviewing the child's personal education plan.",
    ),
    (
        "Actions completed by their date",
        "Counts the actions (decisions) of reviews that were due in the year, leaving out those recorded as no "
        "longer needed and, for the year to date, those not yet due: the percentage recorded as done on or before "
        "the date they were due. An action still open after its date counts as not done by it.",
    ),
    (
        "Midway checks done",
        "Of the reviews held in the year that followed an earlier review in the same period of care, the "
        "percentage for which the IRO recorded a midway check between the two. A midway check is due halfway "
        "between the review held and the date the next is due.",
    ),
    (
        "The child's views gathered before the review",
        "Of the reviews held in the year of children aged 4 or over, the percentage for which the child's own "
        "views were gathered (by form, app, phone, in person or in writing) on or before the day of the review.",
    ),
    (
        "Permanence plans drifting",
        "Children whose latest review held in the year recorded their permanence plan as drifting rather than on "
        "track.",
    ),
    ("Percentages", "Shown to one decimal place, halves rounded up; a dash where nothing was counted."),
]


def definitions() -> list[tuple[str, str]]:
    """The appendix: each figure's definition, and the review timescale the due dates follow."""
    policy = Policy(settings.REVIEW_TIMESCALE_POLICY)
    timescale = (
        "Review timescale",
        f"Due dates follow the service's timescale policy, {policy}: {POLICY_LABELS[policy]}. Each review's due "
        "date is stored with the reason for it.",
    )
    return [*DEFINITIONS[:3], timescale, *DEFINITIONS[3:]]
