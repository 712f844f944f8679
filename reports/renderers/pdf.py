"""The annual report as a PDF, laid out by WeasyPrint from the HTML document (core/pdf.py)."""

from core.pdf import PdfUnavailable, html_to_pdf, unavailable_reason

from ..annual import AnnualReport
from .html import render_html

__all__ = ["PdfUnavailable", "render_pdf", "unavailable_reason"]


def render_pdf(report: AnnualReport) -> bytes:
    # Asked here as well as in html_to_pdf, so that the pages can be shown what happens without it.
    reason = unavailable_reason()
    if reason:
        raise PdfUnavailable(reason)
    return html_to_pdf(render_html(report))
