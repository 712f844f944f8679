"""Everything the service holds about one child, as data: the subject-access export.

`child_record(child)` gathers it in a fixed number of queries, whatever the child's history, as a
dict of sections with snake_case keys and ISO 8601 dates (`render_json`); `render_pdf` lays the same
out for reading. Every field of each row is exported (apart from the database's own ids), so a
field added to a model later is exported without anyone remembering to add it here. People who use
the service are given by name.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.db import models, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from children.models import Child
from core.pdf import html_to_pdf
from escalations.models import Escalation, EscalationStage, EscalationStatusChange
from reviews.models import Meeting, MidwayCheck, ReviewAction

# The sections, in the order they are exported.
SECTIONS = (
    "child",
    "episodes",
    "iro_allocations",
    "short_break_agreements",
    "short_break_arrangements",
    "reviews",
    "case_notes",
    "midway_checks",
    "escalations",
    "missing_episodes",
)


def _value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def _row(obj: models.Model, *, leave_out: tuple[str, ...] = ()) -> dict:
    """Every field of the row by name, dates as ISO 8601; a person who uses the service by name. The
    database ids and the foreign keys given by the row's place in the record are left out."""
    row = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in leave_out:
            continue
        if field.is_relation:
            if field.related_model is User:
                user = getattr(obj, field.name)
                row[field.name] = user.get_full_name() or user.username if user else None
            continue
        row[field.name] = _value(getattr(obj, field.attname))
    return row


def _reviews(child: Child) -> list[dict]:
    reviews = child.reviews.select_related("chair").prefetch_related(
        Prefetch("meetings", queryset=Meeting.objects.order_by("planned_on", "pk")),
        "participants",
        "views_gathered",
        Prefetch("actions", queryset=ReviewAction.objects.select_related("responsible_user", "outcome_review")),
    )
    result = []
    for review in reviews.order_by("period_start", "sequence"):
        row = _row(review, leave_out=("child",))
        row["meetings"] = [_row(m, leave_out=("review",)) for m in review.meetings.all()]
        row["participants"] = [_row(p, leave_out=("review",)) for p in review.participants.all()]
        row["views"] = [_row(v, leave_out=("review",)) for v in review.views_gathered.all()]
        row["actions"] = [
            {
                **_row(a, leave_out=("review",)),
                "outcome_review_held_on": _value(a.outcome_review.held_on) if a.outcome_review else None,
            }
            for a in review.actions.all()
        ]
        result.append(row)
    return result


def _escalations(child: Child) -> list[dict]:
    escalations = (
        Escalation.objects.filter(child=child)
        .select_related("raised_by", "review")
        .prefetch_related(
            Prefetch(
                "stages",
                queryset=EscalationStage.objects.select_related("recorded_by", "response_recorded_by").order_by(
                    "sent_on", "pk"
                ),
            ),
            Prefetch("status_changes", queryset=EscalationStatusChange.objects.select_related("changed_by")),
        )
        .order_by("raised_on", "pk")
    )
    return [
        {
            **_row(e, leave_out=("child", "review", "current_stage")),
            "review_held_on": _value(e.review.held_on) if e.review else None,
            "stages": [_row(s, leave_out=("escalation",)) for s in e.stages.all()],
            "status_changes": [_row(c, leave_out=("escalation",)) for c in e.status_changes.all()],
        }
        for e in escalations
    ]


def child_record(child: Child) -> dict:
    """Every section of the child's record (SECTIONS), oldest first within each. About 20 queries,
    however long the child's history."""
    midway_checks = MidwayCheck.objects.filter(child=child).select_related("recorded_by", "after_review")
    return {
        "child": _row(child),
        "episodes": [_row(e, leave_out=("child",)) for e in child.episodes.order_by("start_on")],
        "iro_allocations": [
            _row(a, leave_out=("child",)) for a in child.allocations.select_related("iro").order_by("start_on", "pk")
        ],
        "short_break_agreements": [
            _row(a, leave_out=("child",))
            for a in child.short_break_agreements.select_related("recorded_by").order_by("on", "pk")
        ],
        "short_break_arrangements": [
            _row(a, leave_out=("child",)) for a in child.short_break_arrangements.order_by("start_on")
        ],
        "reviews": _reviews(child),
        "case_notes": [
            _row(n, leave_out=("child",))
            for n in child.case_notes.select_related("recorded_by").order_by("contact_on", "pk")
        ],
        "midway_checks": [
            {**_row(m, leave_out=("child", "after_review")), "after_review_held_on": _value(m.after_review.held_on)}
            for m in midway_checks.order_by("checked_on", "pk")
        ],
        "escalations": _escalations(child),
        "missing_episodes": [_row(m, leave_out=("child",)) for m in child.missing_episodes.order_by("start_on")],
    }


def export_document(child: Child, *, exported_on: date) -> dict:
    """The record with what it is and when it was made."""
    return {
        "export": {"kind": "subject_access", "la_child_id": child.la_child_id, "exported_on": exported_on.isoformat()},
        **child_record(child),
    }


def render_json(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_pdf(document: dict) -> bytes:
    """The same record as a PDF to read. Raises core.pdf.PdfUnavailable where WeasyPrint cannot run."""
    return html_to_pdf(
        render_to_string("reports/child_record.html", {"record": document, "sections": _readable(document)})
    )


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _readable(document: dict) -> list[tuple[str, list]]:
    """The sections as (title, rows), each row a list of (label, value) with nested lists flattened
    into sub-rows, for the PDF's plain tables."""

    def rows(value) -> list:
        items = value if isinstance(value, list) else [value]
        result = []
        for item in items:
            fields, children = [], []
            for key, v in item.items():
                if isinstance(v, list):
                    children.append((_label(key), rows(v)))
                else:
                    fields.append((_label(key), "" if v is None else v))
            result.append({"fields": fields, "children": children})
        return result

    return [(_label(section), rows(document[section])) for section in ("export", *SECTIONS)]


FORMATS = {"json": "application/json", "pdf": "application/pdf"}


def child_record_export(*, actor: User | None, child: Child, format: str, today: date | None = None) -> bytes:
    """The child's whole record as a file (JSON or PDF), with an audit entry saying who exported it
    and when (a command run from the server has no actor)."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    today = today or timezone.localdate()
    document = export_document(child, exported_on=today)
    body = render_json(document).encode() if format == "json" else render_pdf(document)
    with transaction.atomic():
        audit_record(actor=actor, action="child_record_exported", obj=child, format=format)
    return body


def export_filename(format: str, today: date) -> str:
    # No child's id or name: the file name shows in browser histories and download folders.
    return f"child-record-{today.isoformat()}.{format}"
