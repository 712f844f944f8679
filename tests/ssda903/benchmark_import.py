"""How long the SSDA903 import takes for a few thousand children (not a test: timings vary by machine).

    DATABASE_URL=postgres://... .venv/bin/python -m tests.ssda903.benchmark_import [N ...]

Imports N generated children (tests/ssda903/generator.py) into the database named by
DATABASE_URL, inside a transaction that is rolled back: it must hold no children with the generated
ids (G000000...). Prints the time of the first import and of a second import of the same files
(which changes nothing), the number of queries of each, and the process's peak memory so far (the
import holds one batch of children at a time, so it should not grow with N).
"""

import os
import resource
import sys
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iro_service.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from ssda903.importer import ssda903_import  # noqa: E402
from tests.ssda903.generator import generate  # noqa: E402


class Rollback(Exception):
    pass


def run(n: int) -> None:
    files = generate(n, seed=7)
    rows = {name: content.count(b"\n") - 1 for name, content in files.items()}
    try:
        with transaction.atomic():
            for attempt in ("first import", "same files again"):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    result = ssda903_import(actor=None, files=files, today=date(2026, 11, 25))
                seconds = time.perf_counter() - started
                assert result.ok, result.problems[:5]
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
                print(
                    f"{n:>6} children ({rows}): {attempt}: {seconds:.1f} s, {len(queries)} queries, peak {peak:.0f} MB"
                )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    for n in [int(a) for a in sys.argv[1:]] or [3000]:
        run(n)
