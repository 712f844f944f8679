"""What the benchmark measures inside the service's own process: the pages it times (and their SQL
query counts, through the test client), the management commands and the periodic sweeps.

The web pages themselves are timed over HTTP against gunicorn by `manage.py bench`
(demo/management/commands/bench.py); tests/test_query_counts.py uses the same targets and counters
to check that the number of queries does not grow with the number of children.

Every sweep runs inside a transaction that is rolled back, so each run (and the next benchmark on the
same database) finds the same work to do: the notifications a first run of the day writes.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.test import Client
from django.urls import reverse

from accounts.models import Notification, User
from accounts.tasks import send_notifications
from children.models import Child
from children.pages import CHILD_PAGES
from consultations.tasks import send_consultation_emails, sweep_consultation_reminders
from core import changes
from core.calendar import is_working_day
from core.collection_years import CollectionYear
from escalations.tasks import send_director_report, sweep_stages_overdue
from reports import kpis
from reports.services import budget_set
from reports.tasks import prepare_figures
from reviews.models import Review
from reviews.tasks import SWEEPS, sweep
from security.tasks import clear_expired_sessions

# The goals: each page within this many times the bare page.
PAGE_GOAL, DASHBOARD_GOAL, ANNUAL_PAGE_GOAL, ANNUAL_FILE_GOAL, EXPORT_GOAL = 3, 5, 25, 60, 20


class QueryCounter:
    """Counts the SQL statements run on the default connection (an executemany counts once). Unlike
    CaptureQueriesContext it keeps no list, so it counts a million queries as well as ten."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> QueryCounter:
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._wrapper.__exit__(*exc)


class _Rollback(Exception):
    pass


def in_rollback(fn: Callable[[], object]) -> None:
    """Run `fn` in a transaction that is then rolled back (its on_commit callbacks never run)."""
    try:
        with transaction.atomic():
            fn()
            raise _Rollback
    except _Rollback:
        pass


@dataclass
class Measure:
    """One line of the benchmark: a page or a command, its times (ms) and its query count."""

    key: str
    label: str
    kind: str  # "page", "command" or "sweep"
    goal: float | None = None  # ratio to the bare page
    times: list[float] = field(default_factory=list)
    queries: int | None = None
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


def timed(fn: Callable[[], object], runs: int) -> tuple[list[float], int]:
    """Times of `runs` calls (ms) and the query count of the last one."""
    times, queries = [], 0
    for _ in range(runs):
        with QueryCounter() as counter:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        queries = counter.count
    return times, queries


# --- Pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    username: str
    path: str
    goal: float | None


def report_year(today: date) -> int:
    """The year the annual report page opens on (the last complete collection year)."""
    return CollectionYear.last_complete(today).year


def longest_history_child() -> Child:
    """Of the children with a review due (whose overview shows the most: the review, its meeting,
    the views asked for, the midway check), the one with the most reviews (of all, if none has)."""
    waiting = Exists(Review.objects.filter(child=OuterRef("pk"), held_on__isnull=True))
    return Child.objects.annotate(waiting=waiting, n=Count("reviews")).order_by("-waiting", "-n", "pk").first()


def bare_user() -> User:
    """A signed-in user with no notifications, for the bare page: the Director's account unless the
    Director has some, then any user without."""
    users = User.objects.filter(is_active=True).exclude(notifications__isnull=False)
    return users.filter(role=User.Role.DIRECTOR).order_by("pk").first() or users.order_by("pk").first()


def bare_page() -> Page:
    return Page("bare", "bare page (notifications, none)", bare_user().username, reverse("notifications"), None)


def pages(today: date) -> list[Page]:
    """The pages measured, each as the user who would open it."""
    year = report_year(today)
    child = longest_history_child()
    # The child's record's pages in their order: overview, details, history.
    record = [reverse(name, args=[child.public_id]) for name, _ in CHILD_PAGES.values()]
    annual = reverse("reports:annual_download")
    return [
        Page("iro_caseload", "IRO caseload", "iro", reverse("children:caseload"), PAGE_GOAL),
        Page("qa_caseload", "QA caseload, first page", "qa", reverse("children:caseload"), PAGE_GOAL),
        Page("child", "child's record: overview (longest history)", "qa", record[0], PAGE_GOAL),
        Page("child_about", "child's record: details, people, care", "qa", record[1], PAGE_GOAL),
        Page("child_history", "child's record: reviews and history", "qa", record[2], PAGE_GOAL),
        # Its audit reads a log that gains an entry with every page anybody opens, this benchmark's too.
        Page(
            "child_audit",
            "child's record: its audit",
            "qa",
            reverse("children:audit", args=[child.public_id]),
            PAGE_GOAL,
        ),
        Page("dashboard_qa", "dashboard (QA)", "qa", reverse("reports:dashboard"), DASHBOARD_GOAL),
        Page("dashboard_director", "dashboard (Director)", "director", reverse("reports:dashboard"), DASHBOARD_GOAL),
        Page("annual_page", "annual report page", "qa", reverse("reports:annual"), ANNUAL_PAGE_GOAL),
        Page("annual_pdf", "annual report PDF", "qa", f"{annual}?year={year}&format=pdf", ANNUAL_FILE_GOAL),
        Page("annual_docx", "annual report Word", "qa", f"{annual}?year={year}&format=docx", ANNUAL_FILE_GOAL),
        Page("export_903", "903 export zip", "qa", f"{reverse('ssda903:download')}?year={year}", EXPORT_GOAL),
    ]


# The pages whose figures are kept until the data change (core.changes), timed again on the first
# request after a change, which computes them; the Director's dashboard reads the same figures as the QA's.
KEPT_PAGES = ("qa_caseload", "dashboard_qa", "annual_page")
# The changes: a budget set for a collection year that no report shows. One before every report's year
# moves every stamp, so every kept figure is computed again; one after it, like the everyday work dated
# later than today, leaves the figures of the days up to today kept (core.changes.SINCE): a past year's
# annual report, the dashboard's figures of the year.
EARLIER_YEAR, LATER_YEAR = 2000, 2100
KEPT_THROUGH_LATER_CHANGES = ("dashboard_qa", "annual_page")  # the dashboard's caseloads are computed again


def change_the_data(run: int | None, year: int = EARLIER_YEAR) -> None:
    """A real change, through a service, as any recorded by a user: a budget set for `year` (its
    amount the run's number); None removes it."""
    qa = User.objects.filter(role=User.Role.QA_MANAGER).order_by("pk").first()
    budget_set(actor=qa, year=year, amount=None if run is None else Decimal(run + 1))


def page_query_counts(targets: list[Page]) -> dict[str, int]:
    """The queries each page runs, through the test client in this process: the second request of a
    signed-in session (the first also creates the session)."""
    counts = {}
    clients: dict[str, Client] = {}
    for page in targets:
        client = clients.get(page.username)
        if client is None:
            client = clients[page.username] = Client(HTTP_HOST="localhost")  # an allowed host in production
            client.force_login(User.objects.get(username=page.username))
        # secure: the settings of a production run redirect plain HTTP to HTTPS.
        first = client.get(page.path, secure=True)
        if first.status_code != 200:
            raise RuntimeError(f"{page.label}: {page.path} answered {first.status_code} for {page.username}")
        with QueryCounter() as counter:
            client.get(page.path, secure=True)
        counts[page.key] = counter.count
    return counts


# --- Sweeps -----------------------------------------------------------------------------------


def working_day(today: date) -> date:
    """`today`, or the last working day before it: a sweep does nothing on other days."""
    while not is_working_day(today, nation=settings.BANK_HOLIDAY_NATION):
        today -= timedelta(days=1)
    return today


def _daily_sweeps(day: str) -> None:
    for name in SWEEPS:
        sweep(name, day)
    sweep_stages_overdue(day)
    sweep_consultation_reminders(day)


@dataclass(frozen=True)
class Task:
    key: str
    label: str
    call: Callable[[], object]
    prepare: Callable[[], object] | None = None  # run first, neither timed nor counted


def periodic_tasks(today: date) -> list[Task]:
    """Every periodic task in the beat schedule, run on the last working day. The senders run after
    every daily sweep (not timed), so they have that day's outbox to send."""
    day = working_day(today).isoformat()
    outbox = partial(_daily_sweeps, day)
    return [
        *(Task(f"sweep_{name}", f"sweep: {name}", lambda name=name: sweep(name, day)) for name in SWEEPS),
        Task("sweep_stages_overdue", "sweep: escalation stages overdue", lambda: sweep_stages_overdue(day)),
        Task("sweep_consultation_reminders", "sweep: consultations", lambda: sweep_consultation_reminders(day)),
        Task("send_notifications", "send a day's notifications", send_notifications, outbox),
        Task("send_consultation_emails", "send a day's consultation emails", send_consultation_emails, outbox),
        Task("send_director_report", "send the Director's report", lambda: send_director_report(day)),
        Task("clear_expired_sessions", "clear expired sessions", clear_expired_sessions),
        # After the housekeeping's prune, as at night: every figure computed.
        Task("prepare_figures", "prepare the day's figures", prepare_figures, changes.prune),
    ]


def run_task(task: Task) -> tuple[float, int, int]:
    """(ms, queries, notifications written) of one run of `task`, rolled back afterwards."""
    result = []

    def run():
        if task.prepare:
            task.prepare()
        before = Notification.objects.count()
        with QueryCounter() as counter:
            started = time.perf_counter()
            task.call()
            elapsed = (time.perf_counter() - started) * 1000
        result.append((elapsed, counter.count, Notification.objects.count() - before))

    in_rollback(run)
    return result[0]


def sweep_query_counts(today: date) -> dict[str, tuple[int, int]]:
    """(queries, notifications written) of one run of each periodic task, rolled back."""
    return {task.key: run_task(task)[1:] for task in periodic_tasks(today)}


def measure_sweeps(today: date, runs: int) -> list[Measure]:
    measures = []
    for task in periodic_tasks(today):
        results = [run_task(task) for _ in range(runs)]
        written = results[-1][2]
        note = f"{written} notifications written" if written else ""
        measures.append(Measure(task.key, task.label, "sweep", None, [r[0] for r in results], results[-1][1], note))
    return measures


# --- Commands ---------------------------------------------------------------------------------


def measure_commands(today: date, runs: int, workdir) -> list[Measure]:
    """The annual report as JSON, PDF and Word, and a year's 903 return, through their commands. The
    report's figures are computed at each run (the cache emptied first); the JSON once more with the
    figures kept for the data (core.changes), as every page but the first after a change has them."""
    year = report_year(today)

    def annual_report(fmt: str, out: Path) -> None:
        call_command("annual_report", year=year, format=fmt, out=str(out), stdout=_Null(), stderr=_Null())

    measures = []
    for fmt in ("json", "pdf", "docx"):
        out = workdir / f"annual.{fmt}"
        times, queries = timed(lambda fmt=fmt, out=out: (cache.clear(), annual_report(fmt, out)), runs)
        label = f"annual_report --format {fmt}, figures computed"
        measures.append(Measure(f"cmd_annual_{fmt}", label, "command", None, times, queries))
    annual_report("json", workdir / "annual.json")
    times, queries = timed(lambda: annual_report("json", workdir / "annual.json"), runs)
    label = "annual_report --format json, figures kept"
    measures.append(Measure("cmd_annual_json_kept", label, "command", None, times, queries))
    times, queries = timed(
        lambda: call_command("export_ssda903", year=year, out=str(workdir / "903"), stdout=_Null(), stderr=_Null()),
        runs,
    )
    measures.append(Measure("cmd_export_903", "export_ssda903 --year", "command", None, times, queries))
    return measures


def measure_lower_bound(today: date, runs: int) -> Measure:
    """reports.lower_bound.headline_figures(CollectionYear): the annual report's headline figures in
    hand-written SQL, the least the report could cost. Not every version of the service has it."""
    measure = Measure("lower_bound", "annual report lower bound (hand-written SQL)", "command")
    try:
        from reports.lower_bound import headline_figures
    except ImportError:
        measure.note = "n/a: reports.lower_bound.headline_figures does not exist"
        return measure
    year = CollectionYear.last_complete(today)
    measure.times, measure.queries = timed(lambda: headline_figures(year), runs)
    return measure


def headline_figures_by_kpis(year: CollectionYear) -> dict:
    """The lower bound's figures (reports.lower_bound.headline_figures) as the service computes them,
    through reports.kpis, in the same form: the report's cost for the same figures."""
    window = kpis.year_window(year)
    participation = kpis.participation(window)
    ni66, c63 = kpis.ni66(window), kpis.c63(window)
    return {
        "reviews_held": kpis.reviews_held(window).count(),
        "late_reviews": kpis.late_reviews(window).count(),
        "participation": {code: n for code, n in participation.items() if code != "total"},
        "ni66": {"numerator": ni66.numerator, "denominator": ni66.denominator},
        "c63": {"numerator": c63.numerator, "denominator": c63.denominator},
        "looked_after_at_31_march": kpis.looked_after(window).count(),
    }


def measure_headline_figures(today: date, runs: int) -> Measure:
    """The lower bound's figures computed by the service (headline_figures_by_kpis)."""
    measure = Measure("headline_kpis", "the same headline figures through reports.kpis", "command")
    year = CollectionYear.last_complete(today)
    measure.times, measure.queries = timed(lambda: headline_figures_by_kpis(year), runs)
    return measure


class _Null:
    """A stdout for commands whose output the benchmark does not show."""

    def write(self, *args) -> None:
        pass

    def flush(self) -> None:
        pass
