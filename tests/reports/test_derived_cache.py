"""The charts and the PDF, which cost more to make than the figures, are kept under exactly what
they are made from: the same report is not drawn or laid out twice, and any change to a figure (or
to anything else the document shows) makes them anew, so they are never stale."""

import dataclasses
import io

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from reports import annual, charts
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
