"""Keeps children_child.next_review_due_on, the due date of the child's review due next (the one not
yet held on the latest clock, as children.selectors._waiting_review reads it), by statement-level
triggers on the reviews table: every path that writes reviews (the services, the 903 import, the
demo, a test's factory, SQL by hand) keeps it, and a bulk write updates each child it touched once.
A row trigger on the children works it out again whenever a child is inserted or the column is
written, so a child object saved with a date it read before its reviews changed cannot put that date
back. PostgreSQL only: on SQLite (the quick start) the caseload reads the reviews instead."""

from django.db import migrations

SQL = """
-- The rule: the due date of the review not held with the latest clock.
CREATE OR REPLACE FUNCTION child_next_review_due_on(child bigint) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT due_on FROM reviews_review WHERE child_id = child AND held_on IS NULL
    ORDER BY period_start DESC LIMIT 1
$$;

-- The children whose reviews changed, given by each trigger from the rows it has; a child's row is
-- written only if their date changed.
CREATE OR REPLACE FUNCTION reviews_next_due_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE children_child SET next_review_due_on = child_next_review_due_on(id)
    WHERE id IN (SELECT unnest(ids)) AND next_review_due_on IS DISTINCT FROM child_next_review_due_on(id)
$$;

-- Inserted or deleted reviews (each trigger names its rows changed_rows).
CREATE OR REPLACE FUNCTION reviews_next_due_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reviews_next_due_refresh(ARRAY(SELECT child_id FROM changed_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reviews_next_due_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the rows whose child, due date, date held or clock changed: editing a review's record
    -- leaves its child's next due date as it was.
    PERFORM reviews_next_due_refresh(ARRAY(
        SELECT unnest(ARRAY[n.child_id, o.child_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.child_id, n.due_on, n.held_on, n.period_start)
            IS DISTINCT FROM (o.child_id, o.due_on, o.held_on, o.period_start)
    ));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reviews_next_due_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE children_child SET next_review_due_on = NULL WHERE next_review_due_on IS NOT NULL;
    RETURN NULL;
END $$;

-- A child inserted, or saved with the date it read: the date as the reviews give it now.
CREATE OR REPLACE FUNCTION children_next_due_worked_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.next_review_due_on := child_next_review_due_on(NEW.id);
    RETURN NEW;
END $$;

CREATE TRIGGER children_next_due_worked_out BEFORE INSERT OR UPDATE OF next_review_due_on ON children_child
    FOR EACH ROW EXECUTE FUNCTION children_next_due_worked_out();
CREATE TRIGGER reviews_next_due_insert AFTER INSERT ON reviews_review
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION reviews_next_due_rows();
CREATE TRIGGER reviews_next_due_update AFTER UPDATE ON reviews_review
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reviews_next_due_updated();
CREATE TRIGGER reviews_next_due_delete AFTER DELETE ON reviews_review
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION reviews_next_due_rows();
CREATE TRIGGER reviews_next_due_truncate AFTER TRUNCATE ON reviews_review
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_next_due_truncated();

-- Every child's, from the reviews already stored (whatever an earlier application of this
-- migration, since reversed, left in the column).
SELECT reviews_next_due_refresh(ARRAY(SELECT id FROM children_child));
"""

REMOVE = """
DROP TRIGGER IF EXISTS reviews_next_due_insert ON reviews_review;
DROP TRIGGER IF EXISTS reviews_next_due_update ON reviews_review;
DROP TRIGGER IF EXISTS reviews_next_due_delete ON reviews_review;
DROP TRIGGER IF EXISTS reviews_next_due_truncate ON reviews_review;
DROP TRIGGER IF EXISTS children_next_due_worked_out ON children_child;
DROP FUNCTION IF EXISTS reviews_next_due_rows();
DROP FUNCTION IF EXISTS reviews_next_due_updated();
DROP FUNCTION IF EXISTS reviews_next_due_truncated();
DROP FUNCTION IF EXISTS children_next_due_worked_out();
DROP FUNCTION IF EXISTS reviews_next_due_refresh(bigint[]);
DROP FUNCTION IF EXISTS child_next_review_due_on(bigint);
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0012_child_next_review_due"),
        ("reviews", "0006_review_indexes_for_reports"),
    ]

    operations = [migrations.RunPython(install, remove)]
