"""The annual report (page and files) and an IRO's own figures cost the same number of queries
whatever the number of children and reviews: every figure is one set-based query, never one per
child. (The dashboard's own test is in test_views.py.)"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.services import review_record
from tests.factories import IROFactory, login, make_child

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = date(2026, 11, 30)
YEAR_START = date(2025, 4, 1)  # the report is of 2025-26, the last complete year


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.combine(TODAY, time(10), tzinfo=ZoneInfo("Europe/London")), tick=True):
        yield


def add_children(iros, n: int, first: int) -> None:
    """`n` more children in care since before the year, each with reviews held in it (some late,
    some coded as not contributing) and one waiting."""
    for i in range(first, first + n):
        iro = iros[i % len(iros)]
        child = make_child(iro=iro, looked_after_from=YEAR_START - timedelta(days=60 + i))
        for held_on, code in (
            (YEAR_START + timedelta(days=20 + i), "PN1"),
            (date(2025, 12, 1) + timedelta(days=i), "PN4" if i % 2 else "PN6"),
        ):
            review_record(
                actor=iro,
                child=child,
                held_on=held_on,
                chair=iro,
                participation=code,
                late_reason="other",
                late_reason_detail="The family moved house",
            )


def test_the_annual_report_costs_the_same_queries_whatever_the_number_of_children(client, qa_manager, iro, other_iro):
    login(client, qa_manager)
    iros = [iro, other_iro, IROFactory()]
    pages = {
        "page": (reverse("reports:annual"), {"year": 2026}),
        "word": (reverse("reports:annual_download"), {"year": 2026, "format": "docx"}),
        "json": (reverse("reports:annual_download"), {"year": 2026, "format": "json"}),
        "timeliness": (reverse("reports:iro_timeliness"), {"iro": iro.pk}),
    }

    def queries() -> dict[str, int]:
        counts = {}
        for name, (url, query) in pages.items():
            cache.clear()  # computed each time, not the figures kept for these data (core.changes)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, query).status_code == 200
            counts[name] = len(captured)
        return counts

    add_children(iros, 3, first=0)
    few = queries()
    figures = client.get(*pages["json"]).json()
    add_children(iros, 9, first=3)
    more = client.get(*pages["json"]).json()
    # The children were counted: the figures grew with them, the queries did not.
    assert (figures["reviews_held"], more["reviews_held"]) == (6, 24)
    assert (figures["c63"]["denominator"], more["c63"]["denominator"]) == (3, 12)
    assert queries() == few
