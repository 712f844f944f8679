"""National scale in minutes: the demo authority copied many times over in set-based SQL.

seed_demo plans every child in Python, which takes minutes for a few thousand children; a national
service holds some 80,000 looked after. `replicate(copies)` turns the authority already in the
database into `copies` authorities side by side, with one INSERT ... SELECT per table: every row of
every child (episodes, allocations, reviews and all that hangs off them) and every member of staff
is copied copies - 1 times, with

- ids moved past the table's largest (copy k's id is id + k × that largest), foreign keys moved with
  the table they point to, so copy k's review belongs to copy k's child and is chaired by copy k's IRO;
- public ids (UUIDs) derived from the original's and k, LA child ids R001…, R002… (then the
  original's six digits), usernames and email addresses with ".k" added;
- everything else as it was: the same dates, so each copy is the same authority again.

The audit log, notifications and the service's own figures (budgets, narratives, the Director's
reports, import jobs) are not copied: they belong to the service, not to an authority. PostgreSQL
only.

Filling a table forty times over row by row is what makes a copy slow, not the copying: each
foreign key checked by a trigger per row (queued to the commit), each index grown one row at a time.
So, inside the one transaction, the copied tables' foreign keys and non-unique indexes are dropped
first and made again from their own definitions afterwards: an index is then built in one sort, and
a foreign key added back is checked in one join over the whole table (the copy fails if a row breaks
it, as it would have at commit). Unique indexes stay, and check every row as it is written.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models, transaction

from accounts.models import User
from children.models import Child, kept_columns_put_off

from .authority import analyze

SERVICE_APPS = {"iro_service", "core", "children", "reviews", "escalations", "consultations", "ssda903", "reports"}
NOT_COPIED = {
    "iro_service.auditentry",
    "iro_service.auditlisting",
    "iro_service.notification",
    "core.formsubmission",
    "escalations.directorreport",
    "escalations.directorreportdelivery",
    "reports.servicebudget",
    "reports.reportnarrative",
    "ssda903.importjob",
    "consultations.ratecount",
}


def empty() -> None:
    """Empty every table of the service's apps, and what refers to them, in one TRUNCATE: for the
    benchmark's own database before it is built again. seed_demo's reset deletes through the ORM,
    which loads every row it deletes: longer than building the data, at national scale."""
    if connection.vendor != "postgresql":
        raise ValueError("empty runs on PostgreSQL only")
    q = connection.ops.quote_name
    tables = sorted(
        m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.app_label in SERVICE_APPS
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a table with checks pending cannot be emptied
        cursor.execute(f"TRUNCATE {', '.join(q(t) for t in tables)} RESTART IDENTITY CASCADE")


def copied_models() -> list[type[models.Model]]:
    """Users, children, and every model with a foreign key to one copied (many-to-many tables too)."""
    chosen = {User, Child}
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in SERVICE_APPS and m._meta.label_lower not in NOT_COPIED
    ]
    grown = True
    while grown:
        grown = False
        for model in candidates:
            if model not in chosen and any(
                f.is_relation and f.related_model in chosen for f in model._meta.concrete_fields
            ):
                chosen.add(model)
                grown = True
    return sorted(chosen, key=lambda m: m._meta.db_table)


def _expression(field: models.Field, model, offsets: dict) -> str:
    """The SQL giving copy k's value of `field` from the original row `t`."""
    q = connection.ops.quote_name
    column = f"t.{q(field.column)}"
    if field.primary_key:
        return f"{column} + k * {offsets[model]}"
    if field.is_relation:
        target = field.related_model
        return f"{column} + k * {offsets[target]}" if target in offsets else column
    if not field.unique:
        return column
    if isinstance(field, models.UUIDField):
        return f"md5({column}::text || ':' || k)::uuid"
    if model is Child and field.name == "la_child_id":
        return f"'R' || lpad(k::text, 3, '0') || right({column}, 6)"
    if model is User and field.name == "username":
        return f"{column} || '.' || k"
    if field.name == "token_hash":
        return f"encode(sha256(({column} || ':' || k)::bytea), 'hex')"
    raise ValueError(f"replicate does not know how to copy the unique field {model._meta.label}.{field.name}")


def replicate(copies: int) -> None:
    """Make the authority in the database `copies` authorities (the original is the first)."""
    if connection.vendor != "postgresql":
        raise ValueError("replicate runs on PostgreSQL only")
    if not 2 <= copies <= 999:
        raise ValueError("copies must be between 2 and 999 (LA child ids have room for three digits)")
    with transaction.atomic(), connection.cursor() as cursor:
        # Rows written earlier in the transaction (seed_demo's, in a test) are checked now: a table
        # with checks still pending cannot lose its keys.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Room for the sorts that build the indexes again (the server's default is 64 MB).
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # The children's kept columns are worked out once at the end, their indexes made again, not
        # by each table's copy reading rows whose indexes are gone.
        with kept_columns_put_off(every_child=True):
            _copy(cursor, copied_models(), copies)
    analyze()


def _copy(cursor, chosen: list[type[models.Model]], copies: int) -> None:
    q = connection.ops.quote_name
    rebuild = _drop_keys_and_indexes(cursor, [m._meta.db_table for m in chosen])
    offsets = {}
    for model in chosen:
        cursor.execute(f"SELECT coalesce(max({q(model._meta.pk.column)}), 0) FROM {q(model._meta.db_table)}")
        offsets[model] = cursor.fetchone()[0]
    for model in chosen:
        fields = model._meta.concrete_fields
        columns = ", ".join(q(f.column) for f in fields)
        values = ", ".join(_expression(f, model, offsets) for f in fields)
        where = f"t.{q(model._meta.pk.column)} <= {offsets[model]}"
        if model is User:
            where += " AND NOT t.is_superuser"  # superusers are the service's, not an authority's
        cursor.execute(
            f"INSERT INTO {q(model._meta.db_table)} ({columns}) SELECT {values} "
            f"FROM {q(model._meta.db_table)} t CROSS JOIN generate_series(1, %s) AS k WHERE {where}",
            [copies - 1],
        )
    for model in chosen:
        table, pk = model._meta.db_table, model._meta.pk.column
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), max({q(pk)})) FROM {q(table)} HAVING count(*) > 0",
            [table, pk],
        )
    for statement in rebuild:
        cursor.execute(statement)


def _drop_keys_and_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the foreign keys and the non-unique indexes of `tables`; the statements that make them
    again, indexes first (their definitions as PostgreSQL gives them, so nothing is left out)."""
    cursor.execute(
        """
        SELECT format('DROP INDEX %%s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid), 1 AS kind
        FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique
        UNION ALL
        SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', c.conrelid::regclass, c.conname),
               format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', c.conrelid::regclass, c.conname,
                      pg_get_constraintdef(c.oid)), 2
        FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
        ORDER BY kind
        """,
        [tables, tables],
    )
    dropped = cursor.fetchall()
    for drop, _make, _kind in dropped:
        cursor.execute(drop)
    return [make for _drop, make, _kind in dropped]
