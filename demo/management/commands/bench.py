"""bench: how fast the service is at the size of the largest authority, or of a whole nation.

    make bench [BENCH_ARGS="--children 2000 --iros 80 --runs 30"]
    python manage.py bench [--children 2000] [--iros N] [--runs 30] [--command-runs 3] [--base 2000]
                           [--no-import] [--pages-only] [--rebuild]

Runs against the database of DATABASE_URL (PostgreSQL), which it empties (every table of the
service's apps) and fills with the demo authority (seed_demo) unless it holds that authority
already, built today with the same arguments (var/bench/data-DATABASE.json says what was built).
Beyond --base children, the demo authority of --base children is built once and copied in set-based
SQL (demo/replicate.py): --children 80000 is 40 copies of the 2,000-children authority, in minutes.

Then it starts gunicorn (2 workers, DEBUG off, its own gunicorn.conf.py), signs in, and times each
page interleaved with a bare page (the notifications page of a user with none): the median of
--runs, and its ratio to the bare page's median in the same run, beside its goal; then the pages
whose figures are kept until the data change, each on the first request after a change (a budget
set through its service for a year before any report's), --command-runs times, and the dashboard
and the annual report page after a change of a later year, which leaves their figures of the year
kept. In this
process it counts each page's SQL queries (the test client), and times the commands (the annual
report as JSON, PDF and Word, a year's 903 return, the whole history's export), the periodic tasks
of the beat schedule (each in a transaction rolled back, so each run writes the same
notifications), the hand-written SQL lower bound of the annual report (reports.lower_bound, when it
exists) and the import of the whole 903 history into a new, empty database (one run, in a separate
process, with its peak memory). The table is printed and written as JSON under var/bench/.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from accounts.models import User
from children.models import Child
from demo import benchmark
from demo.bench_http import Session, gunicorn
from demo.benchmark import Measure
from demo.data import DEMO_PASSWORD
from demo.replicate import empty, replicate
from ssda903.export import ssda903_history
from ssda903.importer import ssda903_import
from ssda903.reading import UNLIMITED, files_in_directory

BENCH_DIR = settings.BASE_DIR / "var" / "bench"
# The largest English authority has some 2,000 children looked after and 80 IROs: 25 each.
CHILDREN_PER_IRO = 25


class Command(BaseCommand):
    help = "Time the pages, commands and periodic tasks on a demo authority of a given size."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=2000, help="children looked after (default 2000)")
        parser.add_argument("--iros", type=int, help=f"IROs (default: one per {CHILDREN_PER_IRO} children)")
        parser.add_argument("--runs", type=int, default=30, help="timed requests of each page (default 30)")
        parser.add_argument("--command-runs", type=int, default=3, help="timed runs of each command (default 3)")
        parser.add_argument("--seed", type=int, default=2014, help="seed_demo's random seed")
        parser.add_argument(
            "--base",
            type=int,
            default=2000,
            help="beyond this many children, build an authority of this size and copy it (default 2000)",
        )
        parser.add_argument("--no-import", action="store_true", help="leave out the import of the whole history")
        parser.add_argument(
            "--pages-only", action="store_true", help="time the pages only: no commands, import or periodic tasks"
        )
        parser.add_argument("--rebuild", action="store_true", help="build the data even if it matches")
        parser.add_argument("--build-only", action="store_true", help="build (or find) the data, then stop")
        parser.add_argument("--probe-import", help=argparse.SUPPRESS)  # the import, in its own process

    def handle(self, *args, **options):
        if options["probe_import"]:
            return self._probe_import(Path(options["probe_import"]))
        if connection.vendor != "postgresql" or "DATABASE_URL" not in os.environ:
            raise CommandError("bench runs on PostgreSQL: set DATABASE_URL (make bench sets BENCH_DATABASE_URL).")
        today = timezone.localdate()
        children = options["children"]
        iros = options["iros"] or max(1, round(children / CHILDREN_PER_IRO))
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # else whitenoise warns at each start
        built = self._data(children, iros, options["seed"], options["base"], today, options["rebuild"])
        if options["build_only"]:
            return

        with tempfile.TemporaryDirectory(prefix="iro-bench-") as work:
            workdir = Path(work)
            bare, measures = self._pages(today, options["runs"], options["command_runs"], workdir)
            if not options["pages_only"]:
                self.stdout.write("Commands...")
                measures += benchmark.measure_commands(today, options["command_runs"], workdir)
                lower = benchmark.measure_lower_bound(today, options["command_runs"])
                measures += [lower, benchmark.measure_headline_figures(today, options["command_runs"])]
                if not options["no_import"]:
                    measures += self._history(workdir, today)
                self.stdout.write("Periodic tasks...")
                measures += benchmark.measure_sweeps(today, options["command_runs"])

        result = self._result(built, bare, measures, options)
        self._print(result)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        # latest-N.json holds a whole run's figures: a run of the pages alone does not replace them.
        names = [f"bench-{children}-{stamp}.json"] + ([] if options["pages_only"] else [f"latest-{children}.json"])
        for name in names:
            (BENCH_DIR / name).write_text(json.dumps(result, indent=2) + "\n")
        self.stdout.write(f"\nWritten to {BENCH_DIR / f'bench-{children}-{stamp}.json'}")

    # --- The data ---------------------------------------------------------------------------

    def _data(self, children: int, iros: int, seed: int, base: int, today: date, rebuild: bool) -> dict:
        """Build the authority unless the database holds it already; what was built."""
        copies = 1
        if children > base:
            if children % base:
                raise CommandError(f"Beyond --base {base}, --children must be a multiple of it.")
            copies = children // base
            if iros % copies:
                raise CommandError(f"--iros must be a multiple of the {copies} copies of the authority.")
        wanted = {"children": children, "iros": iros, "seed": seed, "base": base, "today": today.isoformat()}
        marker = BENCH_DIR / f"data-{connection.settings_dict['NAME']}.json"
        if marker.exists() and not rebuild:
            held = json.loads(marker.read_text())
            if {k: held.get(k) for k in wanted} == wanted and held.get("history_children") == Child.objects.count():
                self.stdout.write(f"Reusing the authority in the database ({children} children, {iros} IROs).")
                return held
        started = time.perf_counter()
        if User.objects.exists():
            self.stdout.write("Emptying the database...")
            empty()
        self.stdout.write(f"Building the demo authority: {children // copies} children, {iros // copies} IROs...")
        call_command(
            "seed_demo",
            children=children // copies,
            iros=iros // copies,
            seed=seed,
            today=today.isoformat(),
            reset=True,
            not_production=True,
            stdout=self.stdout if copies == 1 else benchmark._Null(),
        )
        if copies > 1:
            self.stdout.write(f"Copying it {copies - 1} times...")
            copying = time.perf_counter()
            replicate(copies)
            self.stdout.write(f"Copied in {time.perf_counter() - copying:.1f} s.")
        held = {
            **wanted,
            "history_children": Child.objects.count(),
            "users": User.objects.count(),
            "build_seconds": round(time.perf_counter() - started, 1),
        }
        marker.write_text(json.dumps(held, indent=2) + "\n")
        self.stdout.write(f"Built in {held['build_seconds']} s.")
        return held

    # --- Pages ------------------------------------------------------------------------------

    def _pages(self, today: date, runs: int, change_runs: int, workdir: Path) -> tuple[Measure, list[Measure]]:
        bare_page, pages = benchmark.bare_page(), benchmark.pages(today)
        self.stdout.write("Counting each page's queries...")
        counts = benchmark.page_query_counts([bare_page, *pages])
        bare = Measure("bare", bare_page.label, "page", None, queries=counts["bare"])
        measures = [Measure(p.key, p.label, "page", p.goal, queries=counts[p.key]) for p in pages]
        self.stdout.write(f"Timing {len(pages)} pages, {runs} times each, against the bare page...")
        with gunicorn(os.environ["DATABASE_URL"], workdir / "gunicorn.log") as port:
            sessions = {}
            for username in sorted({bare_page.username, *(p.username for p in pages)}):
                sessions[username] = Session(port)
                sessions[username].sign_in(username, DEMO_PASSWORD)
            # Each of the two workers imports and warms up on its first requests: not timed.
            for page in [bare_page, *pages] * 2:
                sessions[page.username].time(page.path)
            for _ in range(runs):
                for page, measure in zip(pages, measures, strict=True):
                    bare.times.append(sessions[bare_page.username].time(bare_page.path))
                    measure.times.append(sessions[page.username].time(page.path))
            measures += self._after_a_change([p for p in pages if p.key in benchmark.KEPT_PAGES], change_runs, sessions)
        return bare, [bare, *measures]

    def _after_a_change(self, pages: list, runs: int, sessions: dict) -> list[Measure]:
        """The pages whose figures are kept, each requested `runs` times just after a change of the
        data that they read (the rows above read them kept); and those whose figures of the year are kept
        through a change of a later year, after one."""
        measures = []
        # A new amount at each change (a budget set to the amount it has changes nothing), from none:
        # an earlier run stopped midway may have left one.
        years = (benchmark.EARLIER_YEAR, benchmark.LATER_YEAR)
        for year in years:
            benchmark.change_the_data(None, year)
        changes = itertools.count()
        timed = [(page, benchmark.EARLIER_YEAR, "", "figures computed") for page in pages]
        later = [page for page in pages if page.key in benchmark.KEPT_THROUGH_LATER_CHANGES]
        timed += [(page, benchmark.LATER_YEAR, "_later", "the year's figures kept") for page in later]
        self.stdout.write(f"Timing {len(timed)} pages on the first request after a change, {runs} times each...")
        try:
            for page, year, suffix, note in timed:
                label = f"{page.label}, after a change" + (" of a later year" if suffix else "")
                measure = Measure(f"{page.key}_changed{suffix}", label, "page", note=note)
                for _ in range(runs):
                    benchmark.change_the_data(next(changes), year)
                    measure.times.append(sessions[page.username].time(page.path))
                measures.append(measure)
        finally:
            for year in years:
                benchmark.change_the_data(None, year)
        return measures

    # --- The whole history, exported and imported -----------------------------------------------

    def _history(self, workdir: Path, today: date) -> list[Measure]:
        self.stdout.write("Exporting the whole history...")
        out = workdir / "history"
        times, queries = benchmark.timed(lambda: ssda903_history().write(out), 1)
        export = Measure("cmd_export_history", "export_ssda903 --history", "command", None, times, queries)
        self.stdout.write("Importing it into an empty database...")
        url = urlsplit(os.environ["DATABASE_URL"])
        scratch = f"{connection.settings_dict['NAME']}_import"
        scratch_url = urlunsplit(url._replace(path=f"/{scratch}"))
        env = {**os.environ, "DATABASE_URL": scratch_url}
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        quoted = connection.ops.quote_name(scratch)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quoted}")
        try:
            subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
            probe = subprocess.run(
                [*manage, "bench", "--probe-import", str(out)], env=env, check=True, capture_output=True, text=True
            )
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        found = json.loads(probe.stdout.strip().splitlines()[-1])
        imported = Measure(
            "cmd_import_history",
            "import_ssda903 (whole history, empty database)",
            "command",
            None,
            [found["ms"]],
            found["queries"],
            f"peak memory {found['peak_mb']} MB, {found['children']} children",
        )
        return [export, imported]

    def _probe_import(self, path: Path) -> None:
        """In the separate process: import the history as import_ssda903 does (each file streamed, no
        limit on rows), then say how long, how many queries, how much memory at the peak, as one line
        of JSON."""
        files = files_in_directory(path)
        with benchmark.QueryCounter() as counter:
            started = time.perf_counter()
            result = ssda903_import(actor=None, files=files, limits=UNLIMITED)
            ms = (time.perf_counter() - started) * 1000
        if not result.ok:
            raise CommandError("; ".join(str(p) for p in result.problems[:5]))
        line = {"ms": ms, "queries": counter.count, "peak_mb": _peak_mb(), "children": result.children_in_files}
        self.stdout.write(json.dumps(line))

    # --- The result -------------------------------------------------------------------------

    def _result(self, built: dict, bare: Measure, measures: list[Measure], options) -> dict:
        bare_ms = bare.median
        lower = next((m.median for m in measures if m.key == "lower_bound"), None)
        rows = []
        for m in measures:
            row = {
                "key": m.key,
                "label": m.label,
                "kind": m.kind,
                "median_ms": round(m.median, 1) if m.median is not None else None,
                "runs": len(m.times),
                "ratio_to_bare": round(m.median / bare_ms, 1) if m.median is not None and bare_ms else None,
                "goal": m.goal,
                "queries": m.queries,
                "note": m.note,
            }
            if m.key in ("cmd_annual_json", "cmd_annual_json_kept", "headline_kpis") and lower and m.median is not None:
                row["ratio_to_lower_bound"] = round(m.median / lower, 1)
                row["note"] = f"{row['ratio_to_lower_bound']}x the lower bound (goal <= 3x at 80,000)"
            rows.append(row)
        return {
            "date": timezone.now().isoformat(timespec="seconds"),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
            "data": built,
            "runs": options["runs"],
            "command_runs": None if options["pages_only"] else options["command_runs"],
            "change_runs": options["command_runs"],  # the pages on the first request after a change
            "bare_ms": round(bare_ms, 1),
            "rows": rows,
        }

    def _print(self, result: dict) -> None:
        data = result["data"]
        self.stdout.write(
            f"\n{data['children']} children looked after ({data['history_children']} in the history), "
            f"{data['iros']} IROs; {result['machine']['cores']} cores; {result['date']}; bare page "
            f"{result['bare_ms']} ms (median of {result['runs']} pages"
            + (f", {result['command_runs']} commands)\n" if result["command_runs"] else ", the pages only)\n")
        )
        width = max(len(row["label"]) for row in result["rows"])
        self.stdout.write(f"{'':<{width}} {'median ms':>10} {'x bare':>7} {'goal':>6} {'':>5} {'queries':>8}  note")
        for row in result["rows"]:
            ms = f"{row['median_ms']:.1f}" if row["median_ms"] is not None else "n/a"
            ratio = f"{row['ratio_to_bare']:.1f}" if row["ratio_to_bare"] is not None else ""
            goal = f"<={row['goal']:g}" if row["goal"] else ""
            verdict = ""
            if row["goal"] and row["ratio_to_bare"] is not None:
                verdict = "ok" if row["ratio_to_bare"] <= row["goal"] else "OVER"
            queries = "" if row["queries"] is None else str(row["queries"])
            self.stdout.write(
                f"{row['label']:<{width}} {ms:>10} {ratio:>7} {goal:>6} {verdict:>5} {queries:>8}  {row['note']}"
            )


def _peak_mb() -> int:
    """This process's peak memory. Linux keeps getrusage's ru_maxrss across exec, so a process started
    by one that held the whole history (the export, just before) would report that one's peak: the
    address space's own high-water mark (VmHWM) is this program's alone."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kib) // 1024
