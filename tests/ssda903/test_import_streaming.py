"""The SSDA903 import streams its files: it holds one batch of children's records at a time, whatever
the history's size, with a constant number of queries per batch, and stays all or nothing across its
batches."""

import tracemalloc
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from children.models import Child, Episode
from reviews.models import Review
from ssda903.importer import ssda903_import

from .generator import generate

TODAY = date(2026, 11, 25)


def children(n: int, prefix: str) -> dict[str, bytes]:
    """n valid children, their ids starting with `prefix` rather than G, so that several sets can be
    imported one after another."""
    return {name: content.replace(b"G0", prefix.encode() + b"0") for name, content in generate(n, seed=3).items()}


def imported(files: dict[str, bytes], batch_size: int):
    result = ssda903_import(actor=None, files=files, today=TODAY, batch_size=batch_size)
    assert result.ok, [str(p) for p in result.problems[:10]]
    return result


@pytest.mark.slow
@pytest.mark.django_db
def test_the_memory_an_import_takes_does_not_grow_with_the_number_of_children():
    imported(children(10, "W"), batch_size=10)  # the code lists and query compilers, loaded once
    peaks = {}
    for n, prefix in ((40, "A"), (160, "B")):
        files = children(n, prefix)
        tracemalloc.start()
        try:
            result = imported(files, batch_size=10)
            peaks[n] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert result.counts["children_created"] == n
    # Holding every child at once, four times the children took about three times the memory.
    assert peaks[160] < 1.5 * peaks[40], peaks


@pytest.mark.slow
@pytest.mark.django_db
def test_each_batch_of_children_takes_the_same_number_of_queries():
    counts = []
    for n, prefix in ((3, "A"), (6, "B"), (9, "C")):
        with CaptureQueriesContext(connection) as queries:
            result = imported(children(n, prefix), batch_size=3)
        assert result.counts["children_created"] == n
        counts.append(len(queries))
    assert counts[2] - counts[1] == counts[1] - counts[0] > 0, counts


@pytest.mark.slow
@pytest.mark.django_db
def test_a_problem_in_the_last_batch_leaves_the_batches_before_it_unwritten():
    files = children(6, "A")
    # The last child's sex is not a code: found in the third batch, after two were written.
    header = files["header.csv"].splitlines(keepends=True)
    header[-1] = header[-1].replace(b",M,", b",X,").replace(b",F,", b",X,")
    files["header.csv"] = b"".join(header)

    result = ssda903_import(actor=None, files=files, today=TODAY, batch_size=2)

    assert [(p.row, p.column, p.value) for p in result.problems] == [(7, "SEX", "X")]
    assert not result.changed  # what the first two batches wrote is not counted either
    assert not Child.objects.exists() and not Episode.objects.exists() and not Review.objects.exists()
    # The same files, corrected, import whole.
    assert imported(children(6, "A"), batch_size=2).counts["children_created"] == 6


@pytest.mark.django_db
def test_the_tables_written_are_analysed():
    imported(children(7, "A"), batch_size=3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname IN ('children_child', 'reviews_review')")
        tuples = dict(cursor.fetchall())
    assert tuples == {"children_child": 7, "reviews_review": Review.objects.count()}
