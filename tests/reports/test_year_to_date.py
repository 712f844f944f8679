"""Figures for the year to date and on a review's due date, each on data of its own."""

from datetime import date, timedelta

import pytest

from core.collection_years import CollectionYear
from reports import kpis
from reports.kpis import Ratio, Window, year_window
from reviews.services import review_record
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def test_a_review_due_today_and_not_held_is_not_late_yet(iro, today):
    child = make_child(iro=iro, looked_after_from=today - timedelta(days=28))
    assert child.reviews.get(held_on__isnull=True).due_on == today
    window = year_window(CollectionYear.containing(today), today)
    assert kpis.ni66(window) == Ratio(1, 1)
    assert kpis.ni66(Window(window.start, today, today + timedelta(days=1))) == Ratio(0, 1)


def test_a_review_held_on_its_due_date_is_in_time(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review_record(actor=iro, child=child, held_on=date(2014, 3, 31), chair=iro, participation="PN1")
    assert kpis.ni66(year_window(CollectionYear(2014))) == Ratio(1, 1)
    assert kpis.late_reviews(year_window(CollectionYear(2014))).count() == 0
