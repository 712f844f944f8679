"""The annual report in every format, opened and read back: the PDF's text (pypdf), the Word
document's tables (python-docx), the CSV files, the HTML document and the command's JSON."""

import csv
import io
import json
import zipfile
from datetime import date

import docx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from reports import annual
from reports.renderers.csv_tables import render_csv
from reports.renderers.pdf import render_pdf, unavailable_reason
from reports.renderers.word import render_docx
from reports.services import narrative_save
from tests.factories import login

# Each lays out the whole annual report (PDF, Word, charts).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = date(2026, 11, 25)


@pytest.fixture
def report(authority):
    narrative_save(
        actor=authority.qa,
        year=2015,
        introduction="This report covers the work of the IRO service.",
        priorities="- Reduce delay in permanence planning\n- Hear every child",
        summary="The service continued to improve.",
    )
    return annual.build(2015, today=TODAY)


def test_the_pdf_holds_every_table(report):
    assert unavailable_reason() is None, "WeasyPrint's system libraries are missing: run `make test`"
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    # Table cells come out with or without a space between them: compare without spaces.
    squashed = "".join(text.split())
    assert "annual report 2014-15" in flat
    for heading in (
        "Performance",
        "Reviews held late",
        "Participation",
        "Representations and escalations",
        "Children missing from care",
        "Staffing",
        "Unit cost",
        "Priorities for the service",
        "Appendix: how each figure is computed",
    ):
        assert heading in flat, heading
    # The performance table, 2011-12 to 2014-15, and the participation table with its sum.
    assert "Measure2011-122012-132013-142014-15" in squashed
    assert "Reviewsheld011011" in squashed
    assert "NI66:childrenwhosereviewswereallintimescale–100.0%40.0%66.7%" in squashed
    assert "C63:childrenwhocontributedtoeveryreview–100.0%66.7%60.0%" in squashed
    assert "PN5Doesnotattend;briefsanadvocateortheIRO1" in squashed
    assert "Sum11" in squashed
    assert "Total2" in squashed
    assert "Reduce delay in permanence planning" in flat
    assert "NI66, reviews in timescale" in flat  # the appendix
    assert "days-28-90-180: 28 days, then 90 days, then every 180 days" in flat
    assert len(reader.pages) >= 3


def test_the_word_document_holds_every_table(report):
    document = docx.Document(io.BytesIO(render_docx(report)))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    assert len(tables) == len(report.tables()) == 11
    performance, late, short_breaks, participation, consulted, by_theme, by_stage, missing, record, staffing, cost = (
        tables
    )
    assert consulted[0] == ["Who was asked", "Asked", "Answered"]
    assert performance[0] == ["Measure", "2011-12", "2012-13", "2013-14", "2014-15"]
    assert performance[1] == ["Reviews held", "0", "1", "10", "11"]
    assert performance[2] == ["NI66: children whose reviews were all in timescale", "–", "100.0%", "40.0%", "66.7%"]
    assert performance[3] == ["C63: children who contributed to every review", "–", "100.0%", "66.7%", "60.0%"]
    assert performance[4] == ["Children looked after on 31 March", "0", "1", "5", "5"]
    assert late[-1] == ["Total", "2"] and ["Social worker unavailable", "1"] in late
    assert short_breaks[1:] == [["Held", "0"], ["Held late", "0"], ["Due and not held by 31 March", "0"]]
    assert participation[1] == ["PN0", "Child under 4 at the date of the review", "2"]
    assert participation[-1] == ["Sum", "", "11"]
    assert by_theme[-1] == ["Total", "2"] and by_stage[-1] == ["Total", "2"]
    assert ["Referral to Cafcass", "1"] in by_stage
    assert missing[1][1] == "3" and missing[2][1] == "2"
    # Reviews recorded before the review record had its parts: nobody recorded seen alone, and so on.
    assert record[0] == ["Measure", "Met", "Out of", "Percentage"]
    assert record[1] == ["Children seen alone before their review", "0", "9", "0.0%"]
    assert record[-1] == ["Children whose permanence plan is drifting", "0", "–", "–"]
    assert ["Caseloads on 31 March 2015 (children per IRO)", "1 to 3"] in staffing
    assert cost[1] == ["Service budget", "not entered"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Independent Reviewing Officer service: annual report 2014-15" in text
    assert "This report covers the work of the IRO service." in text
    assert "Hear every child" in text and "In total 2 children did not contribute" in text
    assert "concerning 1 child." in text and "concerning 2 young people." in text
    assert len(document.inline_shapes) == 2  # the two charts
    descriptions = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert descriptions[0].startswith("Line chart of NI66 and C63 by year") and "2014-15: NI66 66.7%" in descriptions[0]


def test_each_table_as_csv(report):
    rows = list(csv.reader(io.StringIO(render_csv(report.table("performance")))))
    assert rows == [
        ["Measure", "2011-12", "2012-13", "2013-14", "2014-15"],
        ["Reviews held", "0", "1", "10", "11"],
        ["NI66: children whose reviews were all in timescale", "", "100.0", "40.0", "66.7"],
        ["C63: children who contributed to every review", "", "100.0", "66.7", "60.0"],
        ["Children looked after on 31 March", "0", "1", "5", "5"],
    ]
    rows = list(csv.reader(io.StringIO(render_csv(report.table("participation")))))
    assert rows[-1] == ["Sum", "", "11"] and len(rows) == 10


def test_the_command_prints_the_json(authority, capsys):
    call_command("annual_report", "--year", "2015", "--format", "json", "--today", "2026-11-25")
    figures = json.loads(capsys.readouterr().out)
    assert figures == annual.build(2015, today=TODAY).as_json()
    assert list(figures) == [
        "year",
        "label",
        "partial",
        "reviews_held",
        "late_reviews",
        "ni66",
        "c63",
        "looked_after_at_31_march",
        "short_break_reviews",
        "participation",
        "consultations",
        "missing",
        "escalations",
        "review_record",
        "history",
    ]
    assert figures["ni66"] == {"numerator": 4, "denominator": 6, "percent": 66.7}
    assert [h["year"] for h in figures["history"]] == [2014, 2013, 2012]
    assert figures["review_record"]["seen_alone"] == {"numerator": 0, "denominator": 9, "percent": 0.0}
    assert figures["review_record"]["permanence_drifting"] == 0


def test_the_command_writes_each_format(authority, tmp_path):
    for fmt, name, magic in (("pdf", "r.pdf", b"%PDF"), ("docx", "r.docx", b"PK"), ("html", "r.html", b"<!DOCTYPE")):
        call_command("annual_report", "--year", "2014", "--format", fmt, "--out", str(tmp_path / name))
        assert (tmp_path / name).read_bytes().startswith(magic), fmt
    call_command("annual_report", "--year", "2014", "--format", "csv", "--out", str(tmp_path / "tables"))
    written = sorted(p.name for p in (tmp_path / "tables").iterdir())
    assert len(written) == 11 and "iro-annual-report-2013-14-short_break_reviews.csv" in written
    assert "iro-annual-report-2013-14-consultations.csv" in written
    assert "iro-annual-report-2013-14-review_record.csv" in written
    call_command("annual_report", "--year", "2014", "--format", "csv", "--out", str(tmp_path / "tables.zip"))
    assert len(zipfile.ZipFile(tmp_path / "tables.zip").namelist()) == 11
    html = (tmp_path / "r.html").read_text()
    assert "£300.00" in html and "<style>" in html and "data:image/png;base64," in html


def test_a_year_under_way_is_reported_so_far_and_marked_partial(db, capsys):
    with pytest.raises(CommandError, match="begins on 1 April 2027"):
        call_command("annual_report", "--year", "2028", "--format", "json", "--today", "2026-11-25")
    call_command("annual_report", "--year", "2027", "--format", "json", "--today", "2026-11-25")
    assert "to 25 November 2026 only" in json.loads(capsys.readouterr().out)["partial"]
    with pytest.raises(CommandError, match="needs --out"):
        call_command("annual_report", "--year", "2026", "--format", "pdf", "--today", "2026-11-25")


def test_the_downloads(client, authority):
    login(client, authority.qa)
    url = reverse("reports:annual_download")
    response = client.get(url, {"year": 2014, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="iro-annual-report-2013-14.pdf"'
    assert response.content.startswith(b"%PDF")
    response = client.get(url, {"year": 2014, "format": "docx"})
    assert docx.Document(io.BytesIO(response.content)).tables
    response = client.get(url, {"year": 2014, "format": "json"})
    assert json.loads(response.content)["reviews_held"] == 10
    response = client.get(url, {"year": 2014, "format": "csv", "table": "late_reviews"})
    assert response["Content-Disposition"] == 'attachment; filename="iro-annual-report-2013-14-late_reviews.csv"'
    assert response.content.decode().splitlines()[-1] == "Total,2"
    response = client.get(url, {"year": 2014, "format": "csv"})
    assert response["Content-Type"] == "application/zip"
