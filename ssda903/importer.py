"""Import an SSDA903 return: how a local authority moves onto the service with its children's history.

    ssda903_import(actor=user, files={"header.csv": b"...", "episodes.csv": b"...", ...})

The files are the DfE's CSV layout (ssda903/layout.py), each recognised by its columns, so a full
return can be given as it is: the tables the service does not hold (UASC, OC2, AD1, ...) are left
out and said so. A history may be one file per table covering many years, one folder per year, or a
zip of either. Several files of one table are read as one (a history as one return per year): a
child's header row, an episode open at one year's end and closed in the next, or a missing episode
carried over, may appear once in each year and are taken as one record; rows that repeat a record
with different values are refused. Each child's episodes must go back to the start of their period
of care (RNE S, DfE rule 357 "first episode ever"): the due dates of their reviews count from it, so
one year's return alone is refused for children who were already looked after before it began.

Everything is checked before anything is written: each value against the DfE's formats and code
lists, a code against the lists of every collection year whose return holds its record (an episode
is in the return of each year it overlaps: children/codes.py), each child's whole record (the file's
rows merged with what the service already holds) against the DfE's rules on episodes, reviews and
missing episodes (children/rules.py) and ours. One problem anywhere refuses the whole import, with
every problem found listed by file, row, column and value. Otherwise the import writes in one
transaction, in bulk: children, episodes, reviews held (with their participation code; no chair,
late reason or distribution dates, which the return does not hold) and missing episodes are created
or updated, the due date of every review is computed by the service's timescale policy (and
confirmed by reviews.schedule_services.review_schedule_refresh), and each child created or changed gets one
audit entry. Nothing is ever deleted, and importing the same files again changes nothing.

The steps, each in its module: reading.py reads the files as tables, row by row, into staging.py,
which gives them back a batch of children at a time (a child's rows are spread through every file);
for each batch, checking.py checks each cell and turns the rows into records, which records.py merges
into each child's record (with what the service holds), for checking.py to check whole; writing.py
writes them. So the memory an import takes is that of one batch, whatever the history's size. Every
rule is about one child's record, so each batch is checked on its own; the batches are written as
they pass, in the one transaction, which is rolled back if a problem is found in any of them.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .checking import Checker, read_rows
from .problems import ImportResult, Problem, Report
from .reading import FileData, Limits, Table, read_tables
from .records import child_records, load_stored, merge_stored
from .staging import StagedRows
from .writing import analyze_written, write

# Children checked and written together: their records are what an import holds in memory.
CHILDREN_PER_BATCH = 1000


class _Refused(Exception):
    """A problem was found: what the batches before it wrote is rolled back."""


def ssda903_import(
    *,
    actor: User | None,
    files: Mapping[str, FileData],
    today: date | None = None,
    limits: Limits | None = None,
    progress: Callable[[str], None] = lambda stage: None,
    batch_size: int = CHILDREN_PER_BATCH,
) -> ImportResult:
    """Check the files whole and, if nothing is wrong, write them (see the module's docstring).
    `progress` is told each stage as it starts (for an import run as a job); `batch_size` is how many
    children's records are held at once."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    report = Report()
    result = ImportResult()
    if not files:
        report.problems.append(Problem("", 0, "", "", "No CSV files were given"))
    progress(f"Reading {len(files)} file{'s' if len(files) != 1 else ''}")
    with StagedRows() as staged:
        tables = read_tables(files, report, staged, limits or Limits())
        staged.sort()
        rows = sum(tables.values())
        progress(f"Checking {rows:,} rows against the DfE's rules, then saving them if every one passes")
        # Each child's whole record is checked once every file could be read as its table, so that a
        # missing file or column does not show as a problem with every child.
        check_whole = not report.files_unreadable
        try:
            with transaction.atomic():
                unchecked = 0
                for batch in staged.batches(batch_size):
                    unchecked += _import_batch(batch, actor, report, result, today=today, check_whole=check_whole)
                    # A batch's records and model instances refer to each other in cycles (a child and
                    # its episodes, through Django's caches), which the collector would otherwise free
                    # only after many batches: freed now, an import holds one batch at a time.
                    gc.collect()
                if unchecked:
                    report.notes.append(
                        f"The records of {unchecked} child{'ren' if unchecked != 1 else ''} could not be checked "
                        "as a whole (the order of their episodes, their reviews and missing episodes within their "
                        "care) because some of their rows cannot be read: correct those rows and upload the files "
                        "again."
                    )
                if report.problems:
                    raise _Refused
                if result.changed:
                    analyze_written()
        except _Refused:
            result.counts.clear()  # what the batches before the problem wrote was rolled back
    result.problems = sorted(set(report.problems), key=_problem_order)
    result.notes = report.notes
    result.seconds = time.perf_counter() - started
    return result


def _import_batch(
    batch: dict[str, Table], actor: User | None, report: Report, result: ImportResult, *, today: date, check_whole: bool
) -> int:
    """Check one batch of children's rows and, while no problem has been found, write them. Returns the
    number of children whose records could not be checked whole."""
    parsed, unreadable = read_rows(batch, report, today)
    header_children = {cells["CHILD"] for _src, cells in batch.get("Header", Table()).rows}
    records = child_records(parsed, unreadable, header_children, report)
    result.children_in_files += len(records)
    unchecked = 0
    if check_whole:
        load_stored(records)
        merge_stored(records)
        checker = Checker(report, today)
        for record in records.values():
            if record.readable:
                checker.child(record)
        unchecked = sum(not r.readable for r in records.values())
    if not report.problems:
        write(records, actor, result, today=today)
    return unchecked


def _problem_order(p: Problem):
    return (p.file, p.row, p.position, p.message)
