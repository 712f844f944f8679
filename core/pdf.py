"""PDFs laid out by WeasyPrint from HTML, for every document the service makes (the annual report,
a review's documents, a child's whole record).

WeasyPrint needs Pango and HarfBuzz from the operating system (Debian: libpango-1.0-0
libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; `make test` installs them). Without them
importing it fails; the service then says the PDF is unavailable instead of failing the page."""

from functools import lru_cache


class PdfUnavailable(RuntimeError):
    pass


@lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """None if PDFs can be made here, else why not (in words for the page)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return f"the PDF library cannot run on this server ({type(error).__name__}: {str(error)[:200]})"
    return None


def html_to_pdf(html: str) -> bytes:
    """The page as a PDF; raises PdfUnavailable where WeasyPrint cannot run."""
    reason = unavailable_reason()
    if reason:
        raise PdfUnavailable(reason)
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()
