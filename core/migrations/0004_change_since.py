"""Each row of the change log says from which day the figures can differ because of it (`since`;
NULL: any day), so that figures of a day before it, such as a past year's annual report, are kept
through the everyday changes of the year under way (core.changes). The trigger functions work it
out from the rows changed, by an expression each table's triggers pass as their first argument."""

import importlib

from django.db import migrations

FUNCTIONS = """
-- The first day whose figures the rows `c` of the changed rows can alter: the expression given
-- (TG_ARGV[0]) at its least over the rows, or NULL (any day) where it is NULL for any row or none
-- is given. Each function repeats it: a transition table is seen only by its trigger's function.

-- INSERT or DELETE: a row was added or removed (a statement matching no row adds nothing).
CREATE OR REPLACE FUNCTION core_change_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    since date;
BEGIN
    IF EXISTS (SELECT FROM changed) THEN
        IF coalesce(TG_ARGV[0], '') <> '' THEN
            EXECUTE 'SELECT CASE WHEN bool_and(s IS NOT NULL) THEN min(s) END FROM (SELECT '
                || TG_ARGV[0] || ' AS s FROM changed c) x' INTO since;
        END IF;
        INSERT INTO core_change (since) VALUES (since);
    END IF;
    RETURN NULL;
END $$;

-- UPDATE: some row's values differ, leaving out the columns listed in TG_ARGV[1] (comma-separated).
-- Where only columns listed in TG_ARGV[2] differ (a row's state now, that no past day's figure reads),
-- the figures of today alone can differ: since is 'infinity', which only the values of today read.
CREATE OR REPLACE FUNCTION core_change_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ignored text[] := string_to_array(coalesce(TG_ARGV[1], ''), ',');
    now_only text[] := string_to_array(coalesce(TG_ARGV[2], ''), ',');
    since date;
BEGIN
    IF NOT EXISTS (
        SELECT to_jsonb(c) - ignored FROM changed c
        EXCEPT ALL
        SELECT to_jsonb(b) - ignored FROM before b
    ) THEN
        RETURN NULL;
    END IF;
    IF cardinality(now_only) > 0 AND NOT EXISTS (
        SELECT to_jsonb(c) - ignored - now_only FROM changed c
        EXCEPT ALL
        SELECT to_jsonb(b) - ignored - now_only FROM before b
    ) THEN
        since := 'infinity';
    ELSIF coalesce(TG_ARGV[0], '') <> '' THEN
        -- The rows before and after: moving a review out of a year changes that year's figures too.
        EXECUTE 'SELECT CASE WHEN bool_and(s IS NOT NULL) THEN min(s) END FROM (SELECT '
            || TG_ARGV[0] || ' AS s FROM changed c UNION ALL SELECT ' || TG_ARGV[0] || ' FROM before c) x'
            INTO since;
    END IF;
    INSERT INTO core_change (since) VALUES (since);
    RETURN NULL;
END $$;
"""

# The functions as core 0002 made them, for going back.
PREVIOUS_FUNCTIONS = importlib.import_module("core.migrations.0002_change_log").FUNCTIONS


# An update trigger made before passes its ignored columns first, where the function now reads the
# expression: it is made again passing none (NULL: any day, until core.apps gives each table its own
# after this migrate) and the same ignored columns, so that no write in between goes unlogged.
OLD_UPDATE_TRIGGERS = r"""
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.relname,
               array_to_string(array_remove(string_to_array(encode(g.tgargs, 'escape'), '\000'), ''), ',') AS ignored
        FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
        WHERE g.tgname = 'core_change_logged_update' AND g.tgnargs > 0
    LOOP
        EXECUTE 'DROP TRIGGER core_change_logged_update ON ' || quote_ident(t.relname);
        EXECUTE 'CREATE TRIGGER core_change_logged_update AFTER UPDATE ON ' || quote_ident(t.relname)
            || ' REFERENCING OLD TABLE AS before NEW TABLE AS changed FOR EACH STATEMENT'
            || ' EXECUTE FUNCTION core_change_update('
            || quote_literal('') || ', ' || quote_literal(t.ignored) || ', ' || quote_literal('') || ')';
    END LOOP;
END $$;
"""


def add_since(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_change ADD COLUMN since date")
        schema_editor.execute(FUNCTIONS)
        schema_editor.execute(OLD_UPDATE_TRIGGERS)


def drop_since(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS_FUNCTIONS)
        schema_editor.execute("ALTER TABLE core_change DROP COLUMN since")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_change_token")]

    # The triggers pass the new arguments once core.apps makes them again, after this migrate.
    operations = [migrations.RunPython(add_since, drop_since)]
