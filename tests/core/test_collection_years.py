from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from core.collection_years import CollectionYear


def test_a_collection_year_is_named_by_the_year_it_ends():
    year = CollectionYear(2014)
    assert (year.start, year.end, year.label, str(year)) == (date(2013, 4, 1), date(2014, 3, 31), "2013-14", "2013-14")
    assert CollectionYear(2000).label == "1999-00"


def test_31_march_and_1_april_fall_in_different_years():
    assert CollectionYear.containing(date(2014, 3, 31)) == CollectionYear(2014)
    assert CollectionYear.containing(date(2014, 4, 1)) == CollectionYear(2015)
    assert CollectionYear.last_complete(date(2014, 4, 1)) == CollectionYear(2014)
    assert not CollectionYear(2014).is_complete(date(2014, 3, 31))
    assert CollectionYear(2014).is_complete(date(2014, 4, 1))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_day_is_in_exactly_one_year(day):
    year = CollectionYear.containing(day)
    assert year.start <= day <= year.end
    assert year.previous().end == year.start - timedelta(days=1)
    assert CollectionYear.containing(year.end + timedelta(days=1)) == CollectionYear(year.year + 1)
