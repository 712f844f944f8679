"""The dashboard's caseload table comes in pages when a service has more IROs than one page holds
(a shared or national service); the figures of the service as a whole count every IRO's children."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import IROFactory, login, make_child

pytestmark = pytest.mark.django_db


def iro_rows(page: str) -> list[str]:
    return re.findall(r'data-iro="(\d+)"', page)


def test_the_caseload_table_is_paged_and_the_totals_count_every_iro(client, qa_manager, monkeypatch):
    monkeypatch.setattr("reports.views.IROS_PER_PAGE", 2)
    iros = [IROFactory(first_name=name) for name in ("Ada", "Bea", "Cy")]
    for iro in iros:
        make_child(iro=iro, looked_after_from=timezone.localdate() - timedelta(days=40))
    login(client, qa_manager)
    url = reverse("reports:dashboard")
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert iro_rows(first) == [str(iros[0].pk), str(iros[1].pk)]
    assert iro_rows(second) == [str(iros[2].pk)]
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    for page in (first, second):
        assert 'data-figure="looked_after">3<' in page
