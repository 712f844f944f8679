"""The three documents made from a review's record: the decisions (sent within 5 working days),
the full record (within 15) and a letter to the child in plain words for their age. Each is built
once as plain sections, then laid out as a PDF (WeasyPrint, from HTML) or a Word file (python-docx),
so the two formats always say the same thing."""

import io
from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string

from core.dates import uk_date
from core.pdf import html_to_pdf

from .models import Review
from .record import EIGHT_TO_12, THIRTEEN_PLUS, UNDER_8, age_band, legal_status_on, placements_in_year_to

KINDS = {"decisions": "Decisions", "record": "Full record", "letter": "Letter to the child"}
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    # Label/value pairs, shown as a two-column table.
    facts: list[tuple[str, str]] = field(default_factory=list)
    # A table with a header row.
    table: list[list[str]] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]


def deadlines(review: Review) -> dict[str, date]:
    """When the decisions and the full record are due out (the letter goes with the decisions)."""
    return {"decisions": review.decisions_due_on, "record": review.record_due_on, "letter": review.decisions_due_on}


def _date(day: date | None) -> str:
    return uk_date(day) if day else "Not recorded"


def _yes_no(value: bool | None) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not recorded")


def _actions_table(actions) -> list[list[str]]:
    rows = [["What", "Who is responsible", "By when", "Status"]]
    for action in actions:
        status = action.get_status_display()
        if action.outcome_on:
            status += f" ({uk_date(action.outcome_on)}): {action.outcome}"
        rows.append([action.what, action.responsible, uk_date(action.due_on), status])
    return rows


def _heading(review: Review) -> str:
    child = review.child
    return f"{child.full_name} ({child.la_child_id}), review held on {uk_date(review.held_on)}"


def _decisions(review: Review) -> Document:
    actions = list(review.actions.all())
    sections = [
        Section(
            "The review",
            facts=[
                ("Date held", uk_date(review.held_on)),
                ("Chaired by", str(review.chair or "Not recorded")),
                ("The plan meets the child's needs", review.get_plan_meets_needs_display() or "Not recorded"),
            ],
        ),
        Section(
            "Decisions",
            paragraphs=[] if actions else ["The review made no decisions needing action."],
            table=_actions_table(actions) if actions else [],
        ),
    ]
    followed = list(review.actions_followed_up.all())
    if followed:
        sections.append(Section("Actions from earlier reviews", table=_actions_table(followed)))
    return Document("Review decisions", _heading(review), sections)


def _record(review: Review) -> Document:
    episodes = list(review.child.episodes.all())
    legal_status = legal_status_on(episodes, review.held_on)
    participants = [["Name", "Role", "Invited", "Attended", "Sent views", "Sent a report"]] + [
        [
            p.name,
            p.get_role_display(),
            _yes_no(p.invited),
            _yes_no(p.attended),
            _yes_no(p.sent_views),
            _yes_no(p.sent_report),
        ]
        for p in review.participants.all()
    ]
    views = [["Whose", "How", "When", "What they said"]] + [
        [f"{v.get_role_display()} {v.name}".strip(), v.get_method_display(), uk_date(v.gathered_on), v.text]
        for v in review.views_gathered.all()
        if not v.only_for_iro  # said for the IRO alone: never in a document sent to others
    ]
    sections = [
        Section(
            "The review",
            facts=[
                ("Date held", uk_date(review.held_on)),
                ("Date due", uk_date(review.due_on)),
                ("Why it was late", review.get_late_reason_display() if review.held_late else "It was held in time"),
                ("Chaired by", str(review.chair or "Not recorded")),
                ("How the child took part", review.get_participation_display()),
                ("IRO saw the child alone before the review", _yes_no(review.spoke_alone)),
                ("Advocate offered", _yes_no(review.advocate_offered)),
                ("Advocate used", _yes_no(review.advocate_used)),
                ("Social worker's report shared", _date(review.report_shared_on)),
            ],
        ),
        Section(
            "Who took part",
            table=participants if len(participants) > 1 else [],
            paragraphs=[] if len(participants) > 1 else ["No one was recorded."],
        ),
        Section(
            "Views given before the review",
            table=views if len(views) > 1 else [],
            paragraphs=[] if len(views) > 1 else ["No views were recorded."],
        ),
        Section("The child's wishes and feelings", paragraphs=[review.wishes_and_feelings or "Not recorded"]),
        Section(
            "The care plan",
            paragraphs=[review.care_plan or "Not recorded"],
            facts=[
                ("Permanence plan", review.get_permanence_plan_display() or "Not recorded"),
                ("Target date", _date(review.permanence_target_on)),
                ("Progress", review.get_permanence_progress_display() or "Not recorded"),
            ],
        ),
        Section(
            "Placement, legal status, health and education",
            facts=[
                ("Placements in the 12 months to the review", str(placements_in_year_to(episodes, review.held_on))),
                ("Legal status", legal_status or "Not looked after on this date"),
                ("Last health assessment", _date(review.health_assessment_on)),
                ("Last dental check", _date(review.dental_check_on)),
                ("Last personal education plan (PEP)", _date(review.pep_on)),
                ("PEP reviewed at the review", _yes_no(review.pep_reviewed)),
            ],
        ),
        Section("Family time and contact", paragraphs=[review.family_time or "Not recorded"]),
        Section(
            "The IRO's judgement",
            facts=[("The plan meets the child's needs", review.get_plan_meets_needs_display() or "Not recorded")],
            paragraphs=[review.plan_meets_needs_why] if review.plan_meets_needs_why else [],
        ),
    ]
    if review.summary:
        sections.append(Section("Summary", paragraphs=[review.summary]))
    sections += _decisions(review).sections[1:]
    return Document("Review record", _heading(review), sections)


# What the letter says about the review, by the child's age band: short words for the youngest.
LETTER_WORDS = {
    UNDER_8: {
        "opening": "We had a meeting about you on {held}. It was to check that you are safe and happy.",
        "listened": "I listened to what you told me: {wishes}",
        "actions": "Here is what the grown-ups are going to do:",
        "no_actions": "Everyone agreed things should carry on as they are.",
        "closing": "If you want to tell me anything, ask your carer or social worker to call me.",
    },
    EIGHT_TO_12: {
        "opening": "Your review meeting was on {held}. We talked about how things are going for you and the plans "
        "for you.",
        "listened": "You told us: {wishes}",
        "actions": "These are the things people agreed to do, and when by:",
        "no_actions": "Everyone agreed that things should carry on as they are for now.",
        "closing": "If you are unhappy about anything, or want to talk to me before your next review, you can "
        "ask your carer or social worker to get in touch with me. You can also ask for an advocate.",
    },
    THIRTEEN_PLUS: {
        "opening": "This letter is about your review on {held}, where we looked at your care plan and whether it is "
        "working for you.",
        "listened": "Your views: {wishes}",
        "actions": "These are the decisions made at the review, who is doing each one and by when:",
        "no_actions": "No new actions were agreed: the plan carries on as it is.",
        "closing": "You have the right to be involved in every decision about you. If you disagree with anything "
        "here, or something changes, contact me: you can also have an advocate to help you.",
    },
}


def _letter(review: Review) -> Document:
    child = review.child
    words = LETTER_WORDS[age_band(child.age_on(review.held_on))]
    paragraphs = [f"Dear {child.first_name},", words["opening"].format(held=uk_date(review.held_on))]
    if review.wishes_and_feelings:
        paragraphs.append(words["listened"].format(wishes=review.wishes_and_feelings))
    actions = list(review.actions.all())
    if actions:
        paragraphs.append(words["actions"])
        paragraphs += [f"• {a.what} ({a.responsible}, by {uk_date(a.due_on)})" for a in actions]
    else:
        paragraphs.append(words["no_actions"])
    paragraphs += [words["closing"], "From", str(review.chair or "your Independent Reviewing Officer"), "Your IRO"]
    return Document("A letter about your review", "", [Section("", paragraphs=paragraphs)])


BUILDERS = {"decisions": _decisions, "record": _record, "letter": _letter}


def build(kind: str, review: Review, *, today: date) -> Document:
    document = BUILDERS[kind](review)
    document.subtitle = document.subtitle or f"Written {uk_date(today)}"
    return document


def render_html(document: Document) -> str:
    return render_to_string("reviews/document.html", {"document": document})


def render_pdf(document: Document) -> bytes:
    return html_to_pdf(render_html(document))


def render_docx(document: Document) -> bytes:
    from docx import Document as WordDocument

    word = WordDocument()
    word.add_heading(document.title, level=0)
    if document.subtitle:
        word.add_paragraph(document.subtitle)
    for section in document.sections:
        if section.heading:
            word.add_heading(section.heading, level=1)
        for text in section.paragraphs:
            word.add_paragraph(text)
        for rows in (section.facts and [list(f) for f in section.facts], section.table):
            if not rows:
                continue
            grid = word.add_table(rows=0, cols=len(rows[0]))
            grid.style = "Table Grid"
            for i, values in enumerate(rows):
                cells = grid.add_row().cells
                for cell, value in zip(cells, values, strict=True):
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(value)
                    run.bold = (rows is section.table and i == 0) or (rows is not section.table and cell is cells[0])
            word.add_paragraph()
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
