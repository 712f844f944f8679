"""The Director's reporting periods: two months, six to a collection year, none across 31 March."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.collection_years import CollectionYear
from escalations.periods import Period, periods_between

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@pytest.mark.parametrize(
    ("day", "start", "end", "label", "year"),
    [
        (date(2014, 4, 1), date(2014, 4, 1), date(2014, 5, 31), "April and May 2014", "2014-15"),
        (date(2014, 5, 31), date(2014, 4, 1), date(2014, 5, 31), "April and May 2014", "2014-15"),
        (date(2014, 12, 25), date(2014, 12, 1), date(2015, 1, 31), "December 2014 and January 2015", "2014-15"),
        (date(2015, 1, 31), date(2014, 12, 1), date(2015, 1, 31), "December 2014 and January 2015", "2014-15"),
        (date(2016, 2, 29), date(2016, 2, 1), date(2016, 3, 31), "February and March 2016", "2015-16"),
        (date(1999, 3, 31), date(1999, 2, 1), date(1999, 3, 31), "February and March 1999", "1998-99"),
    ],
)
def test_the_period_containing_a_day(day, start, end, label, year):
    period = Period.containing(day)
    assert (period.start, period.end, period.label, period.year_label) == (start, end, label, year)


def test_the_latest_period_ended_is_the_one_before_today():
    assert Period.latest_ended(date(2014, 6, 1)).start == date(2014, 4, 1)
    assert Period.latest_ended(date(2014, 5, 31)).start == date(2014, 2, 1)
    assert Period.latest_ended(date(2014, 4, 1)).start == date(2014, 2, 1)
    assert Period.latest_ended(date(2015, 2, 1)).start == date(2014, 12, 1)


def test_a_period_starts_on_the_first_of_april_june_august_october_december_or_february():
    for month in (5, 7, 9, 11, 1, 3):
        with pytest.raises(ValueError):
            Period(date(2014, month, 1))
    with pytest.raises(ValueError):
        Period(date(2014, 4, 2))


@pytest.mark.parametrize("key", ["2014-4", "14-04", "2014-05", "April", "2014-04-01", ""])
def test_bad_period_keys_are_refused(key):
    with pytest.raises(ValueError):
        Period.from_key(key)


@given(days)
def test_every_day_is_in_exactly_one_period_within_one_collection_year(day):
    period = Period.containing(day)
    assert period.start <= day <= period.end
    assert period.year == CollectionYear.containing(day) == CollectionYear.containing(period.end)
    assert period.year_start == period.year.start
    assert Period.from_key(period.key) == period
    assert Period.containing(period.end + timedelta(days=1)).start == period.end + timedelta(days=1)
    assert period.previous.end == period.start - timedelta(days=1)


@given(days)
def test_the_year_has_six_periods_and_the_last_ends_on_31_march(day):
    start = CollectionYear.containing(day).start
    periods = [Period(start)]
    while len(periods) < 6:
        periods.append(Period(periods[-1].end + timedelta(days=1)))
    assert periods[-1].end == date(start.year + 1, 3, 31)


def test_periods_between_lists_the_ended_periods_newest_first():
    periods = periods_between(date(2014, 3, 15), date(2014, 8, 1))
    assert [p.key for p in periods] == ["2014-06", "2014-04", "2014-02"]
    # A first day after the latest period ended still gives that one period.
    assert [p.key for p in periods_between(date(2014, 7, 1), date(2014, 7, 2))] == ["2014-04"]
