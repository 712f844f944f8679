"""The annual IRO report for a collection year, from the command line.

    python manage.py annual_report --year 2014 --format json           # the figures, on standard output
    python manage.py annual_report --year 2014 --format pdf --out report.pdf
    python manage.py annual_report --year 2014 --format docx --out report.docx
    python manage.py annual_report --year 2014 --format html --out report.html
    python manage.py annual_report --year 2014 --format csv --out tables/    # one CSV per table
    python manage.py annual_report --year 2014 --format csv --out tables.zip

The year is the one the collection year ends in: 2014 is 1 April 2013 to 31 March 2014.
"""

import argparse
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import annual
from reports.annual import ReportNotAvailable
from reports.renderers import FORMATS, filename
from reports.renderers import pdf as pdf_renderer
from reports.renderers.csv_tables import render_csv, render_zip
from reports.renderers.html import render_html
from reports.renderers.json_figures import render_json
from reports.renderers.word import render_docx


class Command(BaseCommand):
    help = "Make the annual IRO report for a collection year (JSON, PDF, Word, HTML or CSV)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, required=True, help="the year the collection year ends in: 2014 is 2013-14"
        )
        parser.add_argument("--format", choices=sorted(FORMATS), default="json", help="default: json")
        parser.add_argument(
            "--out",
            help="where to write the file (required for pdf and docx; for csv a folder, or a path ending .zip); "
            "json and html go to standard output without it",
        )
        # A made-up today, for tests and demos seeded with one; not in the help.
        parser.add_argument("--today", help=argparse.SUPPRESS)

    def handle(self, *args, year: int, format: str, out: str | None, today: str | None, **options):
        try:
            report = annual.build(year, today=date.fromisoformat(today) if today else None)
        except ReportNotAvailable as error:
            raise CommandError(str(error)) from None
        if format in ("pdf", "docx") and not out:
            raise CommandError(f"--format {format} needs --out PATH (for example {filename(report, format)}).")

        if format == "json":
            self._text(render_json(report), out)
        elif format == "html":
            self._text(render_html(report), out)
        elif format == "pdf":
            try:
                self._bytes(pdf_renderer.render_pdf(report), out)
            except pdf_renderer.PdfUnavailable as error:
                raise CommandError(f"The PDF cannot be made on this machine: {error}.") from None
        elif format == "docx":
            self._bytes(render_docx(report), out)
        else:
            self._csv(report, out)

    def _text(self, text: str, out: str | None) -> None:
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {out}")
        else:
            self.stdout.write(text, ending="")

    def _bytes(self, body: bytes, out: str) -> None:
        Path(out).write_bytes(body)
        self.stderr.write(f"Wrote {out} ({len(body):,} bytes)")

    def _csv(self, report, out: str | None) -> None:
        if not out:
            raise CommandError("--format csv needs --out: a folder for one file per table, or a path ending .zip.")
        if out.endswith(".zip"):
            self._bytes(render_zip(report), out)
            return
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for table in report.tables():
            path = folder / filename(report, "csv", table.slug)
            path.write_text(render_csv(table), encoding="utf-8", newline="")
            self.stderr.write(f"Wrote {path}")
