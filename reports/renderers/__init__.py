"""The annual report in each of its formats. Each renderer takes an `AnnualReport` (reports.annual)
and returns the file's bytes or text; none of them computes a figure."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    content_type: str
    extension: str


FORMATS = {
    f.name: f
    for f in (
        Format("html", "Web page (HTML)", "text/html; charset=utf-8", "html"),
        Format("pdf", "PDF", "application/pdf", "pdf"),
        Format(
            "docx", "Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
        ),
        Format("json", "JSON", "application/json", "json"),
        Format("csv", "CSV", "text/csv; charset=utf-8", "csv"),
    )
}


def filename(report, fmt: str, table: str | None = None) -> str:
    stem = f"iro-annual-report-{report.year.label}"
    if report.partial:
        stem += f"-to-{report.window.end:%Y-%m-%d}-partial"
    return f"{stem}-{table}.csv" if table else f"{stem}.{FORMATS[fmt].extension}"
