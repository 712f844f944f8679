"""The hand-written SQL of the benchmark's lower bound gives the annual report's headline figures,
exactly as reports.kpis computes them, on the hand-built authority of conftest.py."""

import pytest

from core.collection_years import CollectionYear
from demo.benchmark import headline_figures_by_kpis
from reports import annual
from reports.lower_bound import headline_figures

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", [2014, 2015])
def test_the_lower_bound_gives_the_report_s_headline_figures(authority, year):
    report = annual.build(year).as_json()
    figures = headline_figures(CollectionYear(year))
    assert figures == {
        "reviews_held": report["reviews_held"],
        "late_reviews": report["late_reviews"]["total"],
        "participation": {code: n for code, n in report["participation"].items() if code != "total"},
        "ni66": {key: report["ni66"][key] for key in ("numerator", "denominator")},
        "c63": {key: report["c63"][key] for key in ("numerator", "denominator")},
        "looked_after_at_31_march": report["looked_after_at_31_march"],
    }
    # The service's own computation of the same figures, which the benchmark times beside it.
    assert headline_figures_by_kpis(CollectionYear(year)) == figures
    # The authority's years are not empty: the comparison is of figures, not of zeros.
    assert figures["reviews_held"] and figures["ni66"]["denominator"] and figures["c63"]["denominator"]


def test_a_year_with_no_records_has_nothing_counted(db):
    figures = headline_figures(CollectionYear(2020))
    assert figures["reviews_held"] == 0 and figures["ni66"] == {"numerator": 0, "denominator": 0}
