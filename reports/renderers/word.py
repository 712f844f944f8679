"""The annual report as a Word document (python-docx): committee clerks work in Word. The same
sections, tables, charts and appendix as the HTML and the PDF, in Word's own headings and table
styles, so the clerk can restyle it to the committee's template."""

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from .. import charts
from ..annual import AnnualReport, Block, Percent, Table, definitions, display, plural

GREY = RGBColor(0x50, 0x5A, 0x5F)


def _narrative(document, blocks: list[Block]) -> None:
    for block in blocks:
        if block.kind == "list":
            for line in block.lines:
                document.add_paragraph(line, style="List Bullet")
        else:
            document.add_paragraph(block.text)


def _table(document, table: Table) -> None:
    caption = document.add_paragraph()
    caption.add_run(table.title).bold = True
    caption.paragraph_format.keep_with_next = True
    numeric = table.numeric_columns
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    for i, heading in enumerate(table.header):
        cell = grid.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(heading)
        run.bold = True
        if i in numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # The header row repeats on each page the table runs onto.
    grid.rows[0]._tr.get_or_add_trPr().append(_repeat_header())
    for row in table.rows:
        _row(grid, row, numeric, bold=False)
    if table.total:
        _row(grid, table.total, numeric, bold=True)
    if table.note:
        note = document.add_paragraph()
        note.add_run(table.note).italic = True
    document.add_paragraph()


def _row(grid, values: list, numeric: set[int], *, bold: bool) -> None:
    cells = grid.add_row().cells
    for i, value in enumerate(values):
        cells[i].text = ""
        run = cells[i].paragraphs[0].add_run("" if value == "" else display(value))
        run.bold = bold
        if i in numeric:
            cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _repeat_header():
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    return element


def _chart(document, chart: dict) -> None:
    document.add_picture(io.BytesIO(chart["png"]), width=Cm(15.5))
    picture = document.inline_shapes[-1]
    # Word reads the picture's description as its alternative text.
    picture._inline.docPr.set("descr", chart["description"])
    picture._inline.docPr.set("title", chart["title"])
    caption = document.add_paragraph()
    run = caption.add_run(chart["title"])
    run.font.size, run.font.color.rgb = Pt(9), GREY


def render_docx(report: AnnualReport) -> bytes:
    y, f = report.year, report.figures
    tables = {table.slug: table for table in report.tables()}
    drawn = {chart["slug"]: chart for chart in charts.charts(report)}

    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(11)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    properties = document.core_properties
    properties.title = f"Independent Reviewing Officer service: annual report {y.label}"
    properties.subject = "Annual report to the Corporate Parenting Committee"
    properties.author = "IRO service"

    document.add_heading(f"Independent Reviewing Officer service: annual report {y.label}", level=0)
    if report.partial:
        document.add_paragraph(report.partial_label)
    meta = document.add_paragraph(
        f"To the Corporate Parenting Committee. The work of the IRO service from {y.start:%-d %B %Y} "
        f"to {y.end:%-d %B %Y}."
    )
    meta.runs[0].font.color.rgb = GREY

    if report.narrative.introduction:
        document.add_heading("Introduction", level=1)
        _narrative(document, report.narrative.introduction)

    document.add_heading("Performance", level=1)
    document.add_paragraph(
        f"During {y.label} the IRO service chaired {plural(f.reviews_held, 'review', 'reviews')} of children "
        "looked after."
    )
    document.add_paragraph(
        f"NI66, reviews in timescale: {display(f.ni66.numerator)} of "
        f"{plural(f.ni66.denominator, 'child', 'children')} with a review due in the year had every review due held "
        f"in time ({Percent(f.ni66.percent)}). C63, participation: {display(f.c63.numerator)} of "
        f"{plural(f.c63.denominator, 'child', 'children')} aged 4 or over contributed to every review they had "
        f"({Percent(f.c63.percent)}). There {'was' if f.looked_after_at_31_march == 1 else 'were'} "
        f"{plural(f.looked_after_at_31_march, 'child', 'children')} looked after on {y.end:%-d %B %Y}."
    )
    _table(document, tables["performance"])
    _chart(document, drawn["trend"])

    document.add_heading("Reviews held late", level=1)
    document.add_paragraph(
        f"{plural(report.late_total, 'review was', 'reviews were')} held late out of {display(f.reviews_held)} "
        "held during the year."
    )
    _table(document, tables["late_reviews"])

    document.add_heading("Reviews of short-break arrangements", level=1)
    sb = report.short_breaks
    document.add_paragraph(
        "Children on a series of short breaks are reviewed on the arrangement's own clock; their reviews are "
        f"counted apart from the figures above: {display(sb.held)} held in {y.label}, {display(sb.held_late)} of "
        f"them late, and {display(sb.overdue)} due and not held by 31 March."
    )
    _table(document, tables["short_break_reviews"])

    document.add_heading("Participation", level=1)
    document.add_paragraph(
        "The indicator for participation counts children who did not contribute to one of their reviews in the "
        "year: a child who took part in 2 of 3 reviews does not meet it. In total "
        f"{plural(report.children_not_contributing, 'child', 'children')} did not contribute to one or more of their "
        f"reviews in {y.label}."
    )
    _table(document, tables["participation"])
    _chart(document, drawn["participation"])
    _table(document, tables["consultations"])

    document.add_heading("Representations and escalations", level=1)
    e = report.escalations
    document.add_paragraph(
        f"During {y.label} IROs raised {plural(e['total'], 'escalation', 'escalations')} concerning "
        f"{plural(e['children'], 'child', 'children')}. {display(report.senior_escalations)} reached senior managers "
        "(the head of service or the director)."
    )
    _table(document, tables["escalations_by_theme"])
    _table(document, tables["escalations_by_stage"])

    document.add_heading("Children missing from care", level=1)
    document.add_paragraph(
        f"During {y.label} there {'was' if report.missing['episodes'] == 1 else 'were'} "
        f"{plural(report.missing['episodes'], 'recorded episode', 'recorded episodes')} of children in care going "
        "missing or away from placement without authorisation, concerning "
        f"{plural(report.missing['young_people'], 'young person', 'young people')}."
    )
    _table(document, tables["missing"])

    document.add_heading("The review record and monitoring between reviews", level=1)
    drifting = report.record["permanence_drifting"]
    document.add_paragraph(
        f"What the reviews of {y.label} recorded, and how the IROs followed the plans between them. "
        f"{plural(drifting, 'child', 'children')} had a permanence plan drifting at their latest review of the year."
    )
    _table(document, tables["review_record"])

    document.add_heading("Staffing", level=1)
    s = report.staffing
    text = (
        f"In {y.label} the service had {s.permanent} permanent IRO{'s' if s.permanent != 1 else ''} making up "
        f"{s.permanent_fte} full-time equivalent, and {s.sessional} sessional "
        f"IRO{'s' if s.sessional != 1 else ''}."
    )
    if s.caseload_low is not None:
        text += f" Caseloads on {y.end:%-d %B %Y} ranged from {s.caseload_low} to {s.caseload_high} children."
    document.add_paragraph(text)
    _table(document, tables["staffing"])

    document.add_heading("Unit cost", level=1)
    u = report.unit_cost
    if u.per_review is not None:
        document.add_paragraph(
            f"Given the service's budget of £{u.budget:,.2f} and the {display(u.reviews_held)} reviews held, the "
            f"unit cost is £{u.per_review:,.2f} per review, including professional and administrative costs."
        )
    _table(document, tables["unit_cost"])

    if report.narrative.priorities:
        document.add_heading("Priorities for the service", level=1)
        _narrative(document, report.narrative.priorities)
    if report.narrative.summary:
        document.add_heading("Summary", level=1)
        _narrative(document, report.narrative.summary)

    document.add_page_break()
    document.add_heading("Appendix: how each figure is computed", level=1)
    for term, definition in definitions():
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{term}. ").bold = True
        paragraph.add_run(definition)
    closing = document.add_paragraph(
        f"Made on {report.generated_on:%-d %B %Y} from the IRO service's records. Children are not identified in "
        "this report."
    )
    closing.runs[0].font.size = Pt(9)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
