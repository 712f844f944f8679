"""Reading an earlier escalation log (CSV) and checking every row before anything is imported.

Columns: child,raised_on,theme,highest_stage,resolved_on,summary. `child` is the LA's child id,
dates are dd/mm/yyyy, `resolved_on` is blank while the escalation is open. Rows are numbered as a
spreadsheet shows them: the header is row 1.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from children.models import Child

from .codes import STAGE_ORDER, Theme
from .models import Escalation
from .services import SUMMARY_MAX_LENGTH, ImportedEscalation

COLUMNS = ("child", "raised_on", "theme", "highest_stage", "resolved_on", "summary")
DATE_PATTERN = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


@dataclass(frozen=True, order=True)
class RowError:
    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.problem}"


class RefusedFile(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors)
        rows = len({e.row for e in self.errors})
        super().__init__(
            f"{len(self.errors)} problem{'s' if len(self.errors) != 1 else ''} in {rows} row{'s' if rows != 1 else ''}"
        )


def _date(value: str) -> tuple[date | None, str]:
    if not DATE_PATTERN.match(value):
        return None, f"{value!r} is not a date written as dd/mm/yyyy"
    try:
        return datetime.strptime(value, "%d/%m/%Y").date(), ""
    except ValueError:
        return None, f"{value} is not a real date"


def read_escalation_log(data: bytes, *, today: date) -> list[ImportedEscalation]:
    """Every row of the file, checked; RefusedFile with every problem found if any row has one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RefusedFile(
            [RowError(1, "", "the file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8")]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    errors = [
        *(RowError(1, name, f"the file has no {name} column") for name in COLUMNS if name not in header),
        *(
            RowError(1, name or f"{position}", f"not a column of the escalation log (expected {', '.join(COLUMNS)})")
            for position, name in enumerate(header, start=1)
            if name not in COLUMNS
        ),
        *(RowError(1, name, "the column appears twice") for name in sorted({n for n in header if header.count(n) > 1})),
    ]
    if errors:
        raise RefusedFile(errors)

    records = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue  # spreadsheets often save empty rows at the end
        if len(values) != len(header):
            errors.append(RowError(number, "", f"the row has {len(values)} values, not {len(header)}"))
            continue
        records.append((number, {name: value.strip() for name, value in zip(header, values, strict=True)}))
    if not records and not errors:
        raise RefusedFile([RowError(2, "", "the file has no escalations in it")])

    children = Child.objects.in_bulk({r["child"] for _, r in records}, field_name="la_child_id")
    existing = set(
        Escalation.objects.filter(child__in=children.values()).values_list(
            "child__la_child_id", "raised_on", "theme", "summary"
        )
    )
    seen: dict[tuple, int] = {}
    rows = []
    for number, record in records:
        row_errors = []

        def problem(column: str, text: str, errors=row_errors, number=number) -> None:
            errors.append(RowError(number, column, text))

        child = children.get(record["child"])
        if not record["child"]:
            problem("child", "enter the LA child id")
        elif child is None:
            problem("child", f"no child with LA child id {record['child']} is in the service")

        raised_on, message = _date(record["raised_on"]) if record["raised_on"] else (None, "enter the date raised")
        if message:
            problem("raised_on", message)
        elif raised_on > today:
            problem("raised_on", f"{record['raised_on']} is in the future")
        elif child is not None and raised_on < child.date_of_birth:
            problem("raised_on", f"{record['raised_on']} is before the child's date of birth")

        theme = record["theme"].lower()
        if theme not in Theme.values:
            problem("theme", f"{record['theme']!r} is not a theme: use one of {', '.join(Theme.values)}")
        stage = record["highest_stage"].lower()
        if stage not in STAGE_ORDER:
            problem("highest_stage", f"{record['highest_stage']!r} is not a stage: use one of {', '.join(STAGE_ORDER)}")

        resolved_on = None
        if record["resolved_on"]:
            resolved_on, message = _date(record["resolved_on"])
            if message:
                problem("resolved_on", message)
            elif resolved_on > today:
                problem("resolved_on", f"{record['resolved_on']} is in the future")
            elif raised_on is not None and resolved_on < raised_on:
                problem("resolved_on", f"{record['resolved_on']} is before the date raised, {record['raised_on']}")

        summary = record["summary"]
        if not summary:
            problem("summary", "enter a summary of the concern")
        elif len(summary) > SUMMARY_MAX_LENGTH:
            problem(
                "summary", f"the summary is {len(summary):,} characters: it must be {SUMMARY_MAX_LENGTH:,} or fewer"
            )

        key = (record["child"], raised_on, theme, summary)
        if not row_errors:
            if key in seen:
                problem("", f"the same escalation as row {seen[key]} (child, date raised, theme and summary)")
            elif key in existing:
                problem("", "this escalation is already in the service (child, date raised, theme and summary)")
            seen.setdefault(key, number)
        errors.extend(row_errors)
        if not row_errors:
            rows.append(
                ImportedEscalation(
                    child=child,
                    raised_on=raised_on,
                    theme=theme,
                    highest_stage=stage,
                    resolved_on=resolved_on,
                    summary=summary,
                )
            )
    if errors:
        raise RefusedFile(errors)
    return rows
