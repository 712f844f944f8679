"""The Director's bi-monthly escalation report: its figures, built from the data in a few queries.

The figures are a plain dict (stored as JSON on DirectorReport), so the email and the page show the
same report, and a report sent is shown later exactly as it was sent. No child is named: children
with repeated escalations appear by LA child id only.
"""

from datetime import date
from statistics import median

from django.db.models import Count, Exists, F, OuterRef, Q

from .codes import SENIOR_STAGES, STAGE_ORDER, Stage, Theme
from .models import Escalation, EscalationStage
from .periods import Period

VERSION = 1
Status = Escalation.Status

# How each figure is counted, shown with the report (docs/domain.md: each report says how it computed each figure).
METHOD = [
    "Raised: escalations whose date raised falls in the period, or in the collection year up to the end of the "
    "period (the year to date).",
    "Resolved and withdrawn: escalations whose date resolved or withdrawn falls in the period or the year to date, "
    "whenever they were raised.",
    "Open: escalations raised on or before the last day of the period and not resolved or withdrawn by then.",
    "By theme, by highest stage reached, senior managers and Cafcass: escalations raised in the period or the year "
    "to date, at the highest stage they had reached when the report was built. Senior managers means the head of "
    "service or the director stage.",
    "Stage responses: DRP stages whose response was due in the period or the year to date; late means the response "
    "came after its respond-by date, not answered means none is recorded (including stages the concern moved on "
    "from without a response).",
    "Median days to resolution: calendar days from the date raised to the date resolved, for the escalations "
    "resolved in the period or the year to date.",
    "Children with repeated escalations: children about whom two or more escalations were raised in the year to date.",
    "Escalations imported from an earlier log have a highest stage but no stage dates, so they count in every "
    "figure except stage responses.",
]


def _raised_between(start: date, end: date):
    return Escalation.objects.filter(raised_on__gte=start, raised_on__lte=end)


def escalation_figures(start: date, end: date) -> dict:
    """Every figure of the report for the dates from `start` to `end` (see METHOD), in a few
    aggregate queries whatever the number of escalations. The annual report's escalation table is
    `escalation_figures(year_start, year_end)["themes"]` and `["stages"]`."""
    raised = _raised_between(start, end)
    reached_senior = Exists(EscalationStage.objects.filter(escalation=OuterRef("pk"), stage__in=SENIOR_STAGES))
    counts = raised.aggregate(
        raised=Count("pk"),
        children=Count("child", distinct=True),
        senior=Count("pk", filter=Q(stage__in=SENIOR_STAGES) | Q(reached_senior)),
        cafcass=Count("pk", filter=Q(stage=Stage.CAFCASS)),
    )
    closed = Escalation.objects.filter(closed_on__gte=start, closed_on__lte=end)
    counts |= closed.aggregate(
        resolved=Count("pk", filter=Q(status=Status.RESOLVED)),
        withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
    )
    counts["open_at_end"] = (
        Escalation.objects.filter(raised_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end)).count()
    )
    themes = dict(raised.values_list("theme").annotate(n=Count("pk")).values_list("theme", "n"))
    stages = dict(raised.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    counts["themes"] = {code: themes.get(code, 0) for code in Theme.values}
    counts["stages"] = {code: stages.get(code, 0) for code in STAGE_ORDER}

    due = EscalationStage.objects.filter(respond_by__gte=start, respond_by__lte=end)
    counts |= due.aggregate(
        stages_due=Count("pk"),
        stages_in_time=Count("pk", filter=Q(responded_on__lte=F("respond_by"))),
        stages_late=Count("pk", filter=Q(responded_on__gt=F("respond_by"))),
        stages_unanswered=Count("pk", filter=Q(responded_on__isnull=True)),
    )

    days = [
        (closed_on - raised_on).days
        for raised_on, closed_on in closed.filter(status=Status.RESOLVED).values_list("raised_on", "closed_on")
    ]
    counts["median_days_to_resolution"] = float(median(days)) if days else None
    return counts


def _repeated_children(start: date, end: date) -> list[dict]:
    rows = (
        _raised_between(start, end)
        .values("child__la_child_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("-n", "child__la_child_id")
    )
    themes: dict[str, list[str]] = {}
    repeated = [r["child__la_child_id"] for r in rows]
    for child_id, theme in (
        _raised_between(start, end)
        .filter(child__la_child_id__in=repeated)
        .order_by("raised_on", "pk")
        .values_list("child__la_child_id", "theme")
    ):
        themes.setdefault(child_id, []).append(theme)
    return [
        {"child": r["child__la_child_id"], "count": r["n"], "themes": themes[r["child__la_child_id"]]} for r in rows
    ]


def build_director_report(period: Period) -> dict:
    """The figures for `period` and for its collection year to date, as a JSON-ready dict."""
    year = escalation_figures(period.year_start, period.end)
    this = escalation_figures(period.start, period.end)
    return {
        "version": VERSION,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
        "year": {"start": period.year_start.isoformat(), "label": period.year_label},
        "period_figures": this,
        "year_figures": year,
        "repeated_children": _repeated_children(period.year_start, period.end),
    }


# --- Presenting the figures (the page and the email share these rows) ----------------------------

HEADLINES = [
    ("raised", "Escalations raised"),
    ("children", "Children they concern"),
    ("resolved", "Resolved"),
    ("withdrawn", "Withdrawn"),
    ("senior", "Reached senior managers (head of service or director)"),
    ("cafcass", "Referred to Cafcass"),
    ("stages_due", "Stage responses due"),
    ("stages_in_time", "Answered by the respond-by date"),
    ("stages_late", "Answered late"),
    ("stages_unanswered", "Not answered"),
    ("median_days_to_resolution", "Median days from raised to resolved"),
]


def _show(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def report_tables(figures: dict) -> dict:
    """Rows of (label, period, year to date) for each table of the report, ready to print."""
    this, year = figures["period_figures"], figures["year_figures"]

    headline = [(label, _show(this[key]), _show(year[key])) for key, label in HEADLINES]
    themes = [(Theme(code).label, this["themes"][code], year["themes"][code]) for code in Theme.values]
    themes.append(("Total", sum(this["themes"].values()), sum(year["themes"].values())))
    stages = [(Stage(code).label, this["stages"][code], year["stages"][code]) for code in STAGE_ORDER]
    stages.append(("Total", sum(this["stages"].values()), sum(year["stages"].values())))
    return {
        "headline": headline,
        "themes": themes,
        "stages": stages,
        "open_at_end": this["open_at_end"],
        "repeated_children": [
            (r["child"], r["count"], ", ".join(Theme(t).label for t in r["themes"]))
            for r in figures["repeated_children"]
        ],
        "period_label": figures["period"]["label"],
        "period_end": date.fromisoformat(figures["period"]["end"]),
        "year_label": figures["year"]["label"],
        "method": METHOD,
    }
