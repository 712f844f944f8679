"""The charts and the PDF, which cost more to make than the figures, are kept under exactly what
they are made from: the same report is not drawn or laid out twice, and any change to a figure (or
to anything else the document shows) makes them anew, so they are never stale."""

import dataclasses
import io
from datetime import date

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from core import changes
from reports import annual, charts, selectors
from reports.models import ServiceBudget
from reports.renderers import pdf as pdf_renderer

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # the hand-built authority, and PDF layout


def test_a_chart_is_drawn_once_for_the_same_figures_and_again_when_they_change(authority):
    charts._participation_png.cache_clear()
    report = annual.build(2014)
    first = charts.participation_chart(report)
    assert charts.participation_chart(annual.build(2014)) == first
    assert charts._participation_png.cache_info().misses == 1
    changed = dataclasses.replace(
        report, participation={**report.participation, "PN1": report.participation["PN1"] + 1}
    )
    assert charts.participation_chart(changed) != first
    assert charts._participation_png.cache_info().misses == 2


def test_the_pdf_is_laid_out_once_for_the_same_report_and_again_when_it_changes(authority, monkeypatch):
    cache.clear()
    laid_out = []
    real = pdf_renderer.html_to_pdf

    def counted(html: str) -> bytes:
        laid_out.append(html)
        return real(html)

    monkeypatch.setattr(pdf_renderer, "html_to_pdf", counted)
    first = pdf_renderer.render_pdf(annual.build(2014))
    assert pdf_renderer.render_pdf(annual.build(2014)) == first
    assert len(laid_out) == 1
    ServiceBudget.objects.filter(year=2014).update(amount=4500)
    changed = pdf_renderer.render_pdf(annual.build(2014))
    assert len(laid_out) == 2
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(changed)).pages)
    assert "£4,500.00" in text


def test_the_figures_read_no_table_whose_changes_the_stamp_leaves_out(authority):
    """The figures are kept until the data's stamp moves (core.changes), and the stamp leaves out the
    tables written as a side effect of reading: so the figures must never read those."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        selectors.dashboard(today=date(2014, 3, 31))
        annual.build(2014, today=date(2014, 6, 1))
    read = " ".join(query["sql"] for query in captured)
    unwatched = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower in changes.UNWATCHED
    }
    assert '"reviews_review"' in read and '"escalations_escalation"' in read  # the figures' queries
    assert {table for table in unwatched if f'"{table}"' in read} == set()


def test_the_figures_of_past_days_read_no_column_of_the_state_now(authority):
    """The annual report and the dashboard's year figures are kept under the stamp of the changes
    that can alter the days up to their last (core.changes.SINCE), and a change to a child's state
    now (NOW_ONLY_COLUMNS) is not among them: so they must never read it. The caseloads do."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        selectors._year_to_date(date(2014, 3, 31))
        annual.build(2014, today=date(2014, 6, 1))
    read = " ".join(query["sql"] for query in captured)
    now_only = {column for columns in changes.NOW_ONLY_COLUMNS.values() for column in columns}
    assert '"reviews_review"' in read and '"children_child"' in read  # the figures' queries
    assert {column for column in now_only if f'"{column}"' in read} == set()
    with CaptureQueriesContext(connection) as captured:
        selectors._now(date(2014, 3, 31))
    assert '"next_review_due_on"' in " ".join(query["sql"] for query in captured)


def test_the_nights_task_computes_the_figures_the_days_first_pages_read(authority, settings):
    """After the housekeeping has emptied the change log (every stamp moves), the dashboard, the QA
    caseload's counts and the last complete year's report are computed by the task, and the day's
    first pages read them kept: one query for each stamp."""
    from children.selectors import caseload_summary, due_soon_by
    from core.collection_years import CollectionYear
    from reports.tasks import prepare_figures

    assert settings.CELERY_BEAT_SCHEDULE["prepare-figures"]["task"] == "reports.tasks.prepare_figures"
    cache.clear()
    changes.prune()
    prepare_figures.apply().get()
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        selectors.dashboard(today=today)
        caseload_summary(today=today, soon=due_soon_by(today))
        annual.build(CollectionYear.last_complete(today).year, today=today)
    assert [query["sql"].count("core_change") > 0 for query in captured] == [True] * 4
