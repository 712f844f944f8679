"""The annual report as a PDF, laid out by WeasyPrint from the HTML document (core/pdf.py)."""

import hashlib

from core.changes import kept
from core.pdf import PdfUnavailable, html_to_pdf, unavailable_reason

from ..annual import AnnualReport
from .html import render_html

__all__ = ["PdfUnavailable", "render_pdf", "unavailable_reason"]

# Laying the report out takes several times longer than computing every figure in it, and the PDF is
# a pure function of the HTML document, which carries every figure, chart, word of narrative and the
# date it was made: the PDF is kept under the hash of that document, so a change to any of them
# makes a new one, and an unchanged report is not laid out twice.
PDF_KEPT_FOR = 24 * 60 * 60  # seconds


def render_pdf(report: AnnualReport) -> bytes:
    # Asked here as well as in html_to_pdf, so that the pages can be shown what happens without it.
    reason = unavailable_reason()
    if reason:
        raise PdfUnavailable(reason)
    html = render_html(report)
    key = "annual-report-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = kept.get(key)
    if pdf is None:
        pdf = html_to_pdf(html)
        kept.set(key, pdf, PDF_KEPT_FOR)
    return pdf
