"""The benchmark's change of the data, before it times the pages whose figures are kept: a real
change, which each kept figure sees, and taken back at the end."""

import pytest

from core import changes
from demo import benchmark
from reports.models import ServiceBudget

pytestmark = pytest.mark.django_db


def test_each_change_moves_the_stamp_and_the_last_is_taken_back(qa_manager):
    stamps = [changes.stamp()]
    for run in range(2):
        benchmark.change_the_data(run)
        stamps.append(changes.stamp())
        assert ServiceBudget.objects.get(year=benchmark.CHANGED_YEAR).amount == run + 1
    benchmark.change_the_data(None)
    assert not ServiceBudget.objects.filter(year=benchmark.CHANGED_YEAR).exists()
    assert len(set(stamps)) == 3
