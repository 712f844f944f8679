"""Keeps, beside children_child.next_review_due_on (migration 0007), what a caseload's row shows
for each child: missing_now (a missing episode not ended), meeting_booked_late (a review not yet held
with a meeting booked after its due date), first_open_action_due_on (the earliest due date of an open
action of the child's reviews), midway_from (the day the review last held was held, if it is on the
clock of the review due next) and midway_checked (a midway check recorded after that review). One
function works them all out for a child (children_kept); statement-level triggers on every table
they are read from refresh the children whose rows a statement touched, once each, writing a child's
row only if something changed (the children locked first: two transactions writing one child's rows
at once leave both changes kept). A row trigger on the children works them out again whenever a
child is inserted or one of them is written (except by these triggers' own refresh), so a child
object saved with values it read earlier cannot put them back.

A bulk write (the 903 import, the demo's copy) sets `iro.children_kept_later` for a while
(children.models.kept_columns_put_off): the triggers then leave the children alone, and it refreshes
the children it wrote once at the end. PostgreSQL only: on SQLite (the quick start) the caseload
reads the rows instead."""

import importlib

from django.db import migrations

SQL = """
-- The rules, for one child. The review due next: the one not held with the latest clock; the
-- review last held: the latest held.
CREATE OR REPLACE FUNCTION children_kept(child bigint, OUT next_review_due_on date, OUT missing_now boolean,
        OUT meeting_booked_late boolean, OUT first_open_action_due_on date, OUT midway_from date,
        OUT midway_checked boolean) LANGUAGE sql STABLE AS $$
    WITH waiting AS (
        SELECT due_on, period_start FROM reviews_review WHERE child_id = child AND held_on IS NULL
        ORDER BY period_start DESC LIMIT 1
    ), held AS (
        SELECT id, held_on, period_start FROM reviews_review WHERE child_id = child AND held_on IS NOT NULL
        ORDER BY held_on DESC LIMIT 1
    )
    SELECT
        (SELECT due_on FROM waiting),
        EXISTS (SELECT FROM children_missingepisode WHERE child_id = child AND end_on IS NULL),
        EXISTS (SELECT FROM reviews_review r JOIN reviews_meeting m ON m.review_id = r.id
            WHERE r.child_id = child AND r.held_on IS NULL AND m.status = 'booked' AND m.planned_on > r.due_on),
        (SELECT min(a.due_on) FROM reviews_review r JOIN reviews_reviewaction a ON a.review_id = r.id
            WHERE r.child_id = child AND a.status = 'open'),
        (SELECT h.held_on FROM held h JOIN waiting w ON w.period_start = h.period_start),
        EXISTS (SELECT FROM held h JOIN reviews_midwaycheck m ON m.after_review_id = h.id WHERE m.child_id = child)
$$;

CREATE OR REPLACE FUNCTION children_kept_later() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('iro.children_kept_later', true), '') = 'on'
$$;

-- The children given, each once; a child's row is written only if something changed. They are
-- locked first, in the order of their ids (two refreshes of the same children never wait for each
-- other in a circle), and worked out after, by a statement of its own: one that waited for another
-- transaction's lock sees what that transaction committed (a statement worked out before the wait
-- would not). The row trigger below leaves the rows a trigger's refresh writes as it wrote them.
CREATE OR REPLACE FUNCTION children_kept_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM children_child WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE children_child c SET next_review_due_on = k.next_review_due_on, missing_now = k.missing_now,
        meeting_booked_late = k.meeting_booked_late, first_open_action_due_on = k.first_open_action_due_on,
        midway_from = k.midway_from, midway_checked = k.midway_checked
    FROM (SELECT DISTINCT id FROM unnest(ids) AS id) changed, LATERAL children_kept(changed.id) k
    WHERE c.id = changed.id
        AND (c.next_review_due_on, c.missing_now, c.meeting_booked_late, c.first_open_action_due_on,
            c.midway_from, c.midway_checked)
        IS DISTINCT FROM (k.next_review_due_on, k.missing_now, k.meeting_booked_late, k.first_open_action_due_on,
            k.midway_from, k.midway_checked);
END $$;

-- Rows inserted, updated or deleted: their children, before and after. TG_ARGV[0] says how a row
-- names its child: 'child' (child_id) or 'review' (review_id, the review's child); the others name
-- the columns the rules read, so that an update changing none of them (a review's record edited, an
-- action's outcome written) leaves its child alone.
CREATE OR REPLACE FUNCTION children_kept_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := '{}';
    changed bigint[];
BEGIN
    IF children_kept_later() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        changed := ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id,
                LATERAL (SELECT to_jsonb(n) AS after, to_jsonb(o) AS before) pair
            WHERE EXISTS (
                SELECT FROM unnest(TG_ARGV[1:]) AS name WHERE pair.after -> name IS DISTINCT FROM pair.before -> name
            )
        );
        IF changed = '{}' THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_ARGV[0] = 'review' THEN
        IF TG_OP <> 'DELETE' THEN
            ids := ids || ARRAY(SELECT r.child_id FROM new_rows n JOIN reviews_review r ON r.id = n.review_id
                WHERE TG_OP = 'INSERT' OR n.id = ANY(changed));
        END IF;
        IF TG_OP <> 'INSERT' THEN
            ids := ids || ARRAY(SELECT r.child_id FROM old_rows o JOIN reviews_review r ON r.id = o.review_id
                WHERE TG_OP = 'DELETE' OR o.id = ANY(changed));
        END IF;
    ELSE
        IF TG_OP <> 'DELETE' THEN
            ids := ids || ARRAY(SELECT child_id FROM new_rows WHERE TG_OP = 'INSERT' OR id = ANY(changed));
        END IF;
        IF TG_OP <> 'INSERT' THEN
            ids := ids || ARRAY(SELECT child_id FROM old_rows WHERE TG_OP = 'DELETE' OR id = ANY(changed));
        END IF;
    END IF;
    PERFORM children_kept_refresh(ids);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION children_kept_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT children_kept_later() THEN
        PERFORM children_kept_refresh(ARRAY(SELECT id FROM children_child));
    END IF;
    RETURN NULL;
END $$;

-- A child inserted, or saved with values it read: the values as the rows give them now.
CREATE OR REPLACE FUNCTION children_kept_worked_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT children_kept_later() THEN
        SELECT * INTO NEW.next_review_due_on, NEW.missing_now, NEW.meeting_booked_late, NEW.first_open_action_due_on,
            NEW.midway_from, NEW.midway_checked
        FROM children_kept(NEW.id);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER children_kept_worked_out BEFORE INSERT OR UPDATE OF next_review_due_on, missing_now,
    meeting_booked_late, first_open_action_due_on, midway_from, midway_checked ON children_child
    FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION children_kept_worked_out();
"""

# Each table the rules read: how its rows name their child, and the columns the rules read.
TABLES = [
    ("reviews_review", "child", "child_id", "due_on", "held_on", "period_start"),
    ("reviews_meeting", "review", "review_id", "planned_on", "status"),
    ("reviews_reviewaction", "review", "review_id", "due_on", "status"),
    ("children_missingepisode", "child", "child_id", "end_on"),
    ("reviews_midwaycheck", "child", "child_id", "after_review_id"),
]
TRIGGERS = """
CREATE TRIGGER children_kept_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION children_kept_rows({arguments});
CREATE TRIGGER children_kept_update AFTER UPDATE ON {table}
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION children_kept_rows({arguments});
CREATE TRIGGER children_kept_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION children_kept_rows({arguments});
CREATE TRIGGER children_kept_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION children_kept_truncated();
"""
REFRESH_ALL = "SELECT children_kept_refresh(ARRAY(SELECT id FROM children_child));"

REMOVE = "".join(
    f"""
DROP TRIGGER IF EXISTS children_kept_insert ON {table};
DROP TRIGGER IF EXISTS children_kept_update ON {table};
DROP TRIGGER IF EXISTS children_kept_delete ON {table};
DROP TRIGGER IF EXISTS children_kept_truncate ON {table};"""
    for table, *_how in TABLES
) + """
DROP TRIGGER IF EXISTS children_kept_worked_out ON children_child;
DROP FUNCTION IF EXISTS children_kept_rows();
DROP FUNCTION IF EXISTS children_kept_truncated();
DROP FUNCTION IF EXISTS children_kept_worked_out();
DROP FUNCTION IF EXISTS children_kept_refresh(bigint[]);
DROP FUNCTION IF EXISTS children_kept_later();
DROP FUNCTION IF EXISTS children_kept(bigint);
"""

# Migration 0007's triggers, which kept the next due date alone: replaced by the above.
next_due = importlib.import_module("reviews.migrations.0007_child_next_review_due")


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(next_due.REMOVE)
        triggers = "".join(
            TRIGGERS.format(table=table, arguments=", ".join(f"'{a}'" for a in how)) for table, *how in TABLES
        )
        schema_editor.execute(SQL + triggers + REFRESH_ALL)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)
        schema_editor.execute(next_due.SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0014_child_kept_caseload_details"),
        ("reviews", "0009_short_break_review_index"),
    ]

    operations = [migrations.RunPython(install, remove)]
