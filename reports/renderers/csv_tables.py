"""Each table of the annual report as a CSV file: figures as plain numbers (percentages without the
sign, money without the pound sign) so a spreadsheet reads them as numbers."""

import csv
import io
import zipfile

from ..annual import AnnualReport, Table, csv_value
from . import filename


def render_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.all_rows:
        writer.writerow([csv_value(cell) for cell in row])
    return buffer.getvalue()


def render_zip(report: AnnualReport) -> bytes:
    """Every table's CSV in one zip file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in report.tables():
            archive.writestr(filename(report, "csv", table.slug), render_csv(table))
    return buffer.getvalue()
