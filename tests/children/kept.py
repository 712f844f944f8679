"""The children's kept columns (Child.next_review_due_on and the caseload's details) against what
their rows give, by the rules the quick start's SQLite reads them with."""

from django.db.models import QuerySet

from children.models import Child
from children.selectors import CASELOAD_DETAILS, caseload_details_read_from_rows, next_review_due_read_from_rows

READ_FROM_ROWS = {"read_next_due_on": "next_review_due_on", **CASELOAD_DETAILS}  # annotation: kept column


def kept_unlike_rows(children: QuerySet[Child]) -> list[tuple]:
    """(LA child id, column, kept, read from the rows) for each kept column of these children that
    differs from what their rows give: none when the triggers keep them right."""
    rows = caseload_details_read_from_rows(children.annotate(read_next_due_on=next_review_due_read_from_rows()))
    return [
        (child.la_child_id, column, getattr(child, column), getattr(child, name))
        for child in rows
        for name, column in READ_FROM_ROWS.items()
        if getattr(child, column) != getattr(child, name)
    ]
