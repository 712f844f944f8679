"""The annual report as one self-contained HTML document (styles and charts inline): the file that
`--format html` writes, and what WeasyPrint lays out as the PDF."""

from django.template.loader import render_to_string

from .. import charts
from ..annual import AnnualReport, definitions


def context(report: AnnualReport, **extra) -> dict:
    """What the report's templates need: the tables by slug, the charts as data URIs, the appendix."""
    return {
        "report": report,
        "tables": {table.slug: table for table in report.tables()},
        "charts": {chart["slug"]: {**chart, "uri": charts.data_uri(chart["png"])} for chart in charts.charts(report)},
        "definitions": definitions(),
        **extra,
    }


def render_html(report: AnnualReport) -> str:
    return render_to_string("reports/annual_document.html", context(report))
