"""The benchmark's change of the data, before it times the pages whose figures are kept: a real
change, which each kept figure sees, and taken back at the end."""

from datetime import date

import pytest

from core import changes
from core.collection_years import CollectionYear
from demo import benchmark
from reports.models import ServiceBudget

pytestmark = pytest.mark.django_db


def test_each_change_moves_the_stamp_and_the_last_is_taken_back(qa_manager):
    stamps = [changes.stamp()]
    for run in range(2):
        benchmark.change_the_data(run)
        stamps.append(changes.stamp())
        assert ServiceBudget.objects.get(year=benchmark.EARLIER_YEAR).amount == run + 1
    benchmark.change_the_data(None)
    assert not ServiceBudget.objects.filter(year=benchmark.EARLIER_YEAR).exists()
    assert len(set(stamps)) == 3


def test_a_change_of_the_earlier_year_moves_every_stamp_and_of_the_later_one_only_todays(qa_manager):
    """The two changes the benchmark times the kept pages after: the annual report page of the last
    year is computed again after the first and read kept after the second."""
    last_year_ends = CollectionYear.last_complete(date(2026, 12, 1)).end
    before, before_now = changes.stamp(as_of=last_year_ends), changes.stamp()
    benchmark.change_the_data(0, benchmark.LATER_YEAR)
    assert (changes.stamp(as_of=last_year_ends), changes.stamp() != before_now) == (before, True)
    benchmark.change_the_data(0, benchmark.EARLIER_YEAR)
    assert changes.stamp(as_of=last_year_ends) != before
