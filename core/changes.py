"""Figures derived from the stored data, kept until the data change and never after.

The dashboard and the annual report read every child's reviews of a year; a large authority's take a
quarter of a second or more to compute, and they change only when somebody records something. So
`derived(name, *key, compute=...)` keeps what `compute` returns in Django's cache under the data's
*stamp*, and computes it again once the stamp has moved.

The stamp (PostgreSQL): every watched table has statement-level triggers that add a row to
`core_change`, an insert-only log, whenever a statement changes a row (so concurrent writers never
wait on each other, and an UPDATE that changes nothing, or only an ignored column, adds nothing).
The stamp is the log's (number of rows, largest id, that row's token) as the reader's snapshot sees it. It cannot
repeat for different data:
- between two prunes rows are only added, and every committed change adds one, so two snapshots
  that see as many rows see the same rows;
- ids come from a sequence and are never reused, so a rolled-back change (whose rows no snapshot
  outside it sees) cannot bring back an earlier stamp;
- `prune` empties the log holding a lock that waits for every transaction writing to it, then adds
  one row whose id is above every id given out, so no stamp after it equals one before.
The stamp and the figures are read in one REPEATABLE READ snapshot, so a value kept under a stamp is
exactly the data it names.

Each log row also says from which day the figures can differ because of its change (`since`, worked
out by the trigger from the rows' dates: SINCE). A value of the days up to `as_of`, such as a past
year's annual report, is kept under the stamp of the rows whose `since` is that day or earlier (or
unknown), so it outlives the everyday work of the year under way; the dashboard and the caseloads,
which read the state of today, take every row.

Tables written as a side effect of reading or signing in (audit entries, notifications, sessions,
sign-in attempts, one-time-password devices, form keys, drafts, import progress) are not watched:
the figures never read them (tests/core/test_changes.py holds that), and watching them would throw
the figures away at every page view. A user's `last_login` is ignored for the same reason.

A value is computed by one process at a time: the others that ask for it meanwhile (many people
opening the dashboard just after a change) wait for it in the shared cache rather than each loading
the database with the same work.

Keys also carry the database's address and the code's fingerprint (its source, settings and
packages), and each log row a random token, so a cache shared by several databases, or kept across a
release, a change of settings or a restore from a backup, never answers for another. On SQLite (the
quick start) there is no stamp and nothing is kept.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import re
import time
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import OperationalError, connection, connections, transaction
from django.utils.functional import LazyObject, empty
from redis.exceptions import RedisError

from .collection_years import FIRST_MONTH

T = TypeVar("T")
logger = logging.getLogger(__name__)

# Model labels (lower case) whose tables carry no trigger; see the module's docstring.
UNWATCHED = frozenset(
    {
        "admin.logentry",
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accessfailurelog",
        "axes.accesslog",
        "consultations.ratecount",
        "core.change",
        "core.formsubmission",
        "iro_service.auditentry",
        "iro_service.auditlisting",
        "iro_service.notification",
        "otp_static.staticdevice",
        "otp_static.statictoken",
        "otp_totp.totpdevice",
        "reviews.reviewdraft",
        "sessions.session",
        "ssda903.importjob",
    }
)
# Columns whose change alone is not a change of the data the figures read.
IGNORED_COLUMNS = {"iro_service.user": ("last_login",)}

# From which day the figures can differ because of a change to a table: an SQL expression over a row
# `c` of it, before or after the change (the trigger takes the least over the rows; NULL, or a table
# not named here: any day). A figure of a window reads a review due or held in it, an episode, an
# allocation or a missing episode that started by its end, an escalation raised in it (and its
# stages), an action due in it, a consultation sent in it, the budget and narrative of its year; the
# midway check after a review counts for the next review, held later. So a value of the days up to
# `as_of` (a past year's annual report) is kept through every change whose `since` is after it: the
# everyday work of the year under way. A related row's dates are read as the writer's statement sees
# them, before a change another transaction has not committed yet: so a row a figure reads is dated
# by its own dates where they bound the figure's (the child's views count for a review held on or after
# the day they were given), and by its review's only where those cannot move meanwhile (a midway check
# follows a review already held), or where no figure reads it (meetings, participants).
_OF_REVIEW = "(SELECT LEAST(r.due_on, r.held_on) FROM reviews_review r WHERE r.id = c.{})"
_OF_ESCALATION = "(SELECT e.raised_on FROM escalations_escalation e WHERE e.id = c.escalation_id)"
_SENT = "(({}.created_at AT TIME ZONE 'UTC')::date - 1)"  # the day before: in any time zone, the day or earlier
# As core.collection_years.CollectionYear.start; no year before 2 (make_date has no year 0).
_YEAR_STARTS = f"make_date(GREATEST(c.year, 2) - 1, {FIRST_MONTH}, 1)"
SINCE: dict[str, str] = {
    "children.episode": "c.start_on",
    "children.iroallocation": "c.start_on",
    "children.missingepisode": "c.start_on",
    "consultations.consultation": _SENT.format("c"),
    "consultations.consultationemail": (
        f"(SELECT {_SENT.format('k')} FROM consultations_consultation k WHERE k.id = c.consultation_id)"
    ),
    "escalations.escalation": "c.raised_on",
    "escalations.escalationstage": _OF_ESCALATION,
    "escalations.escalationstatuschange": _OF_ESCALATION,
    "reports.reportnarrative": _YEAR_STARTS,
    "reports.servicebudget": _YEAR_STARTS,
    "reviews.casenote": "c.contact_on",
    "reviews.meeting": _OF_REVIEW.format("review_id"),
    "reviews.midwaycheck": _OF_REVIEW.format("after_review_id"),
    "reviews.review": "LEAST(c.due_on, c.held_on)",
    "reviews.reviewaction": "c.due_on",
    "reviews.reviewparticipant": _OF_REVIEW.format("review_id"),
    "reviews.reviewviews": "c.gathered_on",
}
# Columns that hold a row's state now, read only by values of today (the caseloads, the dashboard):
# a change of these alone leaves every value of an earlier `as_of` as it was. The child's are kept by
# triggers at every review recorded (children.models.Child).
NOW_ONLY_COLUMNS = {
    "children.child": (
        "next_review_due_on",
        "missing_now",
        "meeting_booked_late",
        "first_open_action_due_on",
        "midway_from",
        "midway_checked",
    )
}
# Tables whose rows every figure reaches only through rows of other tables, each dated by its own (a
# child is counted through their episodes, reviews, allocations...): a row added, with none yet, or
# removed, with none left, alters no day's figures. Only an update to one can (a date of birth: ages).
READ_THROUGH_OTHERS = frozenset({"children.child"})
TODAY_ONLY = "'infinity'::date"  # the `since` of a change that only values of today read

TRIGGER = "core_change_logged"
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout
KEPT_FOR = 24 * 60 * 60  # seconds: a day's figures are asked for again within it, or not at all
COMPUTING_FOR = 120  # seconds: far longer than any computation, even a national service's annual report
WAIT_STEP = 0.05  # seconds between two looks for a value another process is computing
RETRY_CACHE_AFTER = 10  # seconds without the cache after it failed (KeptCache)


def watched_tables() -> dict[str, str]:
    """Every table of a model but the unwatched, with its model's label."""
    return {
        model._meta.db_table: model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in UNWATCHED
    }


def trigger_arguments(label: str, event: str) -> tuple[str, ...]:
    """What a table's trigger passes its function: the `since` expression (inserts, deletes and
    updates), then the ignored and the now-only columns (updates)."""
    if event == "truncate":
        return ()
    since = SINCE.get(label, "")
    if event != "update":
        return (TODAY_ONLY if label in READ_THROUGH_OTHERS else since,)
    return (since, ",".join(IGNORED_COLUMNS.get(label, ())), ",".join(NOW_ONLY_COLUMNS.get(label, ())))


# The triggers each watched table has, and the function each calls (created by core's migrations).
EVENTS = {
    "insert": ("INSERT", "REFERENCING NEW TABLE AS changed", "core_change_rows"),
    "delete": ("DELETE", "REFERENCING OLD TABLE AS changed", "core_change_rows"),
    "update": ("UPDATE", "REFERENCING OLD TABLE AS before NEW TABLE AS changed", "core_change_update"),
    "truncate": ("TRUNCATE", "", "core_change_truncate"),
}


def install_triggers(using: str = "default") -> None:
    """Give every watched table the triggers it lacks (a table added by a later migration is watched
    too), make again a trigger whose arguments have changed (ignored columns, `since`), and take the triggers
    from a table no longer watched, so the triggers are always what this code says. Runs after every
    `migrate` (and every test's flush: two queries when nothing is to do), in one transaction, so no
    write between dropping a trigger and making it again goes unlogged."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return
    q = conn.ops.quote_name
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute("SELECT to_regproc('core_change_rows') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # core's migrations are not applied (or were reversed): nothing to call yet
        cursor.execute(
            "SELECT c.relname, t.tgname, t.tgargs FROM pg_class c "
            "LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND starts_with(t.tgname, %s) "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'",
            [f"{TRIGGER}_"],
        )
        tables, found = set(), {}
        for table, trigger, arguments in cursor.fetchall():
            tables.add(table)
            if trigger:
                # pg_trigger.tgargs: each argument ends with a zero byte.
                found[table, trigger] = tuple(a.decode() for a in bytes(arguments).split(b"\0")[:-1])
        wanted = {
            (table, f"{TRIGGER}_{event}"): (trigger_arguments(label, event), event)
            for table, label in watched_tables().items()
            if table in tables
            for event in EVENTS
        }
        for table, name in found.keys() - wanted.keys():
            cursor.execute(f"DROP TRIGGER {q(name)} ON {q(table)}")
        for (table, name), (wanted_arguments, event) in wanted.items():
            if found.get((table, name)) == wanted_arguments:
                continue
            if (table, name) in found:
                cursor.execute(f"DROP TRIGGER {q(name)} ON {q(table)}")
            sql_event, referencing, function = EVENTS[event]
            arguments = ", ".join("'" + argument.replace("'", "''") + "'" for argument in wanted_arguments)
            cursor.execute(
                f"CREATE TRIGGER {q(name)} AFTER {sql_event} ON {q(table)} {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}({arguments})"
            )


def stamp(as_of: date | None = None) -> str | None:
    """The data's stamp as this connection sees it now, or None where there is none (SQLite). With
    the random token of the row of the largest id, no other database's stamp, nor this one's after
    its log's sequence was reset or restored from a backup, can equal it. With `as_of`, the stamp of
    the changes that can alter figures of that day or earlier (SINCE): the same argument holds of
    the rows it counts, as they are only added too."""
    if connection.vendor != "postgresql":
        return None
    where, params = ("", []) if as_of is None else ("WHERE since IS NULL OR since <= %s", [as_of] * 2)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), max(id), (SELECT token FROM core_change {where} ORDER BY id DESC LIMIT 1) "
            f"FROM core_change {where}",
            params,
        )
        count, largest, token = cursor.fetchone()
    return f"{count}.{largest or 0}.{token}"


@cache
def code_fingerprint() -> str:
    """A hash of the project's Python source, its settings' values and the versions of the packages
    installed: a release or a setting that changes how a figure is computed (the bank holidays'
    nation, the working days that count as "due soon", the time zone) changes every key."""
    base = Path(settings.BASE_DIR).resolve()
    digest = hashlib.blake2b(digest_size=8)
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.relative_to(base).parts:
            for source in sorted(path.rglob("*.py")):
                digest.update(source.read_bytes())
    # Each setting as it reads, less any object's address, which differs from one process to the next,
    # and lazy ones evaluated: a lazy setting reads as its function until something first uses it (axes
    # at a sign-in), and a process that had signed someone in would otherwise never share a key.
    names = sorted(name for name in dir(settings) if name.isupper())
    values = [(name, re.sub(r" at 0x[0-9a-f]+", "", repr(_evaluated(getattr(settings, name))))) for name in names]
    digest.update(repr(values).encode())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update(repr(packages).encode())
    return digest.hexdigest()


def _evaluated(value):
    if isinstance(value, LazyObject) and value._wrapped is empty:
        value._setup()
    return value


class KeptCache:
    """Django's cache, save that a cache out of reach (Redis down or restarting) reads as empty and
    keeps nothing: everything kept in it can be computed again, so while Redis is away the pages
    that read it are slower, not broken. Once a call has failed, the cache is left alone for
    RETRY_CACHE_AFTER seconds, so a page waits for it once, not at every call, and the log says so
    once."""

    def __init__(self) -> None:
        self.out_until = 0.0  # time.monotonic() until which the cache is not asked

    def get(self, key: str):
        return self._or(None, django_cache.get, key)

    def add(self, key: str, value, timeout: int) -> bool:
        # Out of reach, every process computes for itself rather than waiting for another.
        return self._or(True, django_cache.add, key, value, timeout)

    def set(self, key: str, value, timeout: int) -> None:
        self._or(None, django_cache.set, key, value, timeout)

    def delete(self, key: str) -> None:
        self._or(None, django_cache.delete, key)

    def _or(self, fallback, call, *args):
        if time.monotonic() < self.out_until:
            return fallback
        try:
            return call(*args)
        except RedisError as error:
            self.out_until = time.monotonic() + RETRY_CACHE_AFTER
            logger.warning(
                "The cache is out of reach (%s): figures are computed without it for %d s",
                type(error).__name__,
                RETRY_CACHE_AFTER,
            )
            return fallback


kept = KeptCache()


def derived(name: str, *key, compute: Callable[[], T], as_of: date | None = None) -> T:
    """What `compute()` returns for these data: kept under the stamp and `key` (which must name
    everything else the value depends on, such as the day), computed again once the data change.
    A value that reads only what the days up to `as_of` hold (dated rows, by SINCE, and the undated
    ones) is computed again only once a change that can alter those days is made."""
    if connection.vendor != "postgresql":
        return compute()
    # A value is kept only under the stamp of the snapshot it was computed in, so one kept already is
    # read under the stamp as it is now, with no snapshot of its own: one query.
    value = kept.get(_cache_key(name, key, as_of))
    if value is not None:
        return value
    if connection.in_atomic_block:
        return _derived(name, key, as_of, compute)
    # One snapshot for the stamp and every query of `compute`: otherwise each query sees the data
    # as of its own start, and a change committed meanwhile would be half in the value kept.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _derived(name, key, as_of, compute)


def _cache_key(name: str, key: tuple, as_of: date | None) -> str:
    db = connection.settings_dict
    parts = (db["HOST"], db["PORT"], db["NAME"], code_fingerprint(), as_of, stamp(as_of), *key)
    return f"derived:{name}:{hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"


def _derived(name: str, key: tuple, as_of: date | None, compute: Callable[[], T]) -> T:
    # The stamp again, as the snapshot that compute() reads sees it.
    cache_key = _cache_key(name, key, as_of)
    value = kept.get(cache_key)
    if value is not None:
        return value
    # One computation of a value at a time, across processes through the shared cache: when many
    # people open the dashboard just after a change (at a national service, seconds of work each),
    # one computes it and the others wait for its value instead of each loading the database.
    computing = f"{cache_key}:computing"
    mine = kept.add(computing, True, COMPUTING_FOR)
    if not mine:
        value = _computed_elsewhere(cache_key, computing)
        if value is not None:
            return value
    try:
        value = compute()
        kept.set(cache_key, value, KEPT_FOR)
    finally:
        if mine:
            kept.delete(computing)
    return value


def _computed_elsewhere(cache_key: str, computing: str):
    """The value another process is computing, once it keeps it; None if that process gave up (an
    error) or took longer than COMPUTING_FOR, and this one must compute it."""
    deadline = time.monotonic() + COMPUTING_FOR
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP)
        value = kept.get(cache_key)
        if value is not None:
            return value
        if not kept.get(computing):
            return kept.get(cache_key)  # kept just before it let go, or None: it gave up
    return None


def prune(wait: str = "5s") -> bool:
    """Empty the log (it grows by a row per changing statement). Gives up, changing nothing, if a
    long transaction (an import) keeps it waiting longer than `wait`: the next run prunes. Returns
    whether it pruned."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [wait])
            # EXCLUSIVE waits for every transaction that has written to the log to end, and keeps
            # new writers out until this one commits: see the module's docstring.
            cursor.execute("LOCK TABLE core_change IN EXCLUSIVE MODE")
            cursor.execute("DELETE FROM core_change")
            cursor.execute("INSERT INTO core_change DEFAULT VALUES")
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            return False
        raise
    return True
