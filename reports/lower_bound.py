"""The annual report's headline figures in one hand-written SQL statement: what the figures cost at
the least, against which the benchmark measures the report (`reports.kpis` stays the one source of
the figures the service shows; a test holds the two equal).

Each figure is defined as in docs/domain.md and reports/kpis.py, for a whole collection year: children
whose every episode in the year was a short break are left out, and so are the reviews of short-break
arrangements. The SQL runs on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from django.db import connection

from children.models import Child, Episode
from core.collection_years import CollectionYear
from core.periods import SHORT_BREAK_LEGAL_STATUSES
from reviews.models import Review

from .kpis import AGED_4_OR_OVER_CODES, NOT_CONTRIBUTING_CODES, PARTICIPATION_CODES, year_window


def _values(name: str, values, params: dict) -> str:
    """Named placeholders for a list of values (name0, name1, ...), added to `params`."""
    params |= {f"{name}{i}": value for i, value in enumerate(values)}
    return ", ".join(f"%({name}{i})s" for i in range(len(values)))


def _sql(params: dict) -> str:
    short_breaks = _values("short_break", SHORT_BREAK_LEGAL_STATUSES, params)
    not_contributing = _values("not_contributing", NOT_CONTRIBUTING_CODES, params)
    aged_4_or_over = _values("aged_4_or_over", AGED_4_OR_OVER_CODES, params)
    participation = ",\n        ".join(
        f"COUNT(*) FILTER (WHERE held AND participation = {_values(code, [code], params)}) AS {code.lower()}"
        for code in PARTICIPATION_CODES
    )
    return f"""
    WITH left_out AS (
        -- Children with episodes in the year, every one a short break.
        SELECT child_id FROM {Episode._meta.db_table}
        WHERE start_on <= %(end)s AND (end_on IS NULL OR end_on >= %(start)s)
        GROUP BY child_id
        HAVING COUNT(*) FILTER (WHERE legal_status NOT IN ({short_breaks})) = 0
    ),
    reviews AS (
        SELECT child_id, participation,
               held_on BETWEEN %(start)s AND %(end)s AS held,
               due_on BETWEEN %(start)s AND %(end)s AS due,
               held_on > due_on OR (held_on IS NULL AND due_on < %(overdue_from)s) AS late
        FROM {Review._meta.db_table}
        WHERE NOT short_breaks
          AND (held_on BETWEEN %(start)s AND %(end)s OR due_on BETWEEN %(start)s AND %(end)s)
          AND child_id NOT IN (SELECT child_id FROM left_out)
    ),
    ni66 AS (
        SELECT child_id, COUNT(*) FILTER (WHERE late) AS late FROM reviews WHERE due GROUP BY child_id
    ),
    c63 AS (
        SELECT child_id, COUNT(*) FILTER (WHERE participation IN ({not_contributing})) AS missed
        FROM reviews WHERE held AND participation IN ({aged_4_or_over})
        GROUP BY child_id
    ),
    held AS (
        SELECT
        COUNT(*) FILTER (WHERE held) AS reviews_held,
        COUNT(*) FILTER (WHERE held AND late) AS late_reviews,
        {participation}
        FROM reviews
    )
    SELECT held.*,
        (SELECT COUNT(*) FILTER (WHERE late = 0) FROM ni66) AS ni66_numerator,
        (SELECT COUNT(*) FROM ni66) AS ni66_denominator,
        (SELECT COUNT(*) FILTER (WHERE missed = 0) FROM c63) AS c63_numerator,
        (SELECT COUNT(*) FROM c63) AS c63_denominator,
        (SELECT COUNT(*) FROM {Child._meta.db_table}
         WHERE id IN (SELECT child_id FROM {Episode._meta.db_table}
                      WHERE start_on <= %(end)s AND (end_on IS NULL OR end_on >= %(end)s))
           AND id NOT IN (SELECT child_id FROM left_out)) AS looked_after
    FROM held
    """


def headline_figures(year: CollectionYear) -> dict:
    """Reviews held, held late and by participation code; NI66 and C63 (numerator and denominator);
    children looked after on 31 March: the whole collection year, in one statement."""
    window = year_window(year)
    params = {"start": window.start, "end": window.end, "overdue_from": window.overdue_from}
    sql = _sql(params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True))
    return {
        "reviews_held": row["reviews_held"],
        "late_reviews": row["late_reviews"],
        "participation": {code: row[code.lower()] for code in PARTICIPATION_CODES},
        "ni66": {"numerator": row["ni66_numerator"], "denominator": row["ni66_denominator"]},
        "c63": {"numerator": row["c63_numerator"], "denominator": row["c63_denominator"]},
        "looked_after_at_31_march": row["looked_after"],
    }
