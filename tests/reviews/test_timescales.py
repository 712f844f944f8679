"""The review due-date engine: worked cases for both policies, then properties.

Expected dates are worked out by hand from docs/domain.md ("Review timescales") and the calendar, not
copied from the code's output.
"""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from core.calendar import NATIONS, add_working_days, is_working_day, working_days_between
from core.periods import PeriodOfCare
from reviews.timescales import POLICY_LABELS, DueReview, Policy, pn_code_fits_age, review_schedule

DAYS = Policy.DAYS_28_90_180
ENGLAND = Policy.ENGLAND_2010
D = date  # tables read better with short constructors


def due_dates(period: PeriodOfCare, held: list[date], policy: Policy = DAYS, nation: str = "ENG") -> list[date]:
    return [r.due_on for r in review_schedule(period, held, policy=policy, nation=nation)]


# --- Policies ---------------------------------------------------------------------------------------


def test_policy_values_are_the_stored_setting_strings():
    assert [p.value for p in Policy] == ["days-28-90-180", "england-2010"]
    assert Policy("england-2010") is ENGLAND


def test_every_policy_has_a_label():
    assert set(POLICY_LABELS) == set(Policy)
    assert all(label.strip() for label in POLICY_LABELS.values())


def test_default_policy_is_days_28_90_180():
    [first] = review_schedule(PeriodOfCare(start=D(2014, 3, 3)), [])
    assert first.policy is DAYS


def test_policy_may_be_given_as_its_stored_string():
    [first] = review_schedule(PeriodOfCare(start=D(2014, 3, 3)), [], policy="england-2010")  # type: ignore[arg-type]
    assert first.policy is ENGLAND
    assert first.due_on == D(2014, 3, 31)


# --- Working days -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "nation", "working"),
    [
        (D(2014, 3, 7), "ENG", True),  # a Friday
        (D(2014, 3, 8), "ENG", False),  # Saturday
        (D(2014, 3, 9), "ENG", False),  # Sunday
        (D(2014, 12, 25), "ENG", False),  # Christmas Day
        (D(2014, 12, 26), "ENG", False),  # Boxing Day
        (D(2014, 12, 29), "ENG", True),
        (D(2014, 4, 18), "ENG", False),  # Good Friday
        (D(2014, 4, 21), "ENG", False),  # Easter Monday
        (D(2014, 4, 21), "WLS", False),
        (D(2014, 4, 21), "NIR", False),
        (D(2014, 4, 21), "SCT", True),  # not a bank holiday in Scotland
        (D(2014, 12, 1), "SCT", False),  # St Andrew's Day (30 Nov, a Sunday) observed
        (D(2014, 12, 1), "ENG", True),
        (D(2015, 1, 2), "SCT", False),  # 2 January
        (D(2015, 1, 2), "ENG", True),
        (D(2014, 3, 17), "NIR", False),  # St Patrick's Day
        (D(2014, 3, 17), "ENG", True),
        (D(2014, 7, 14), "NIR", False),  # Battle of the Boyne (12th, a Saturday) observed
        (D(2015, 12, 28), "ENG", False),  # Boxing Day (a Saturday) observed
        (D(2023, 5, 8), "ENG", False),  # one-off: the Coronation
    ],
)
def test_is_working_day(day, nation, working):
    assert is_working_day(day, nation=nation) is working


@pytest.mark.parametrize(
    ("start", "n", "nation", "expected"),
    [
        (D(2014, 3, 7), 0, "ENG", D(2014, 3, 7)),
        (D(2014, 3, 8), 0, "ENG", D(2014, 3, 8)),  # n=0 is start, even on a weekend
        (D(2014, 3, 7), 1, "ENG", D(2014, 3, 10)),  # Friday -> Monday
        (D(2014, 3, 8), 1, "ENG", D(2014, 3, 10)),  # Saturday -> Monday
        (D(2014, 3, 3), 5, "ENG", D(2014, 3, 10)),  # a week
        (D(2014, 3, 3), 20, "ENG", D(2014, 3, 31)),  # four weeks
        (D(2014, 3, 3), 20, "NIR", D(2014, 4, 1)),  # St Patrick's Day pushes it a day
        (D(2014, 12, 24), 1, "ENG", D(2014, 12, 29)),  # over Christmas and Boxing Day
        (D(2015, 12, 24), 1, "ENG", D(2015, 12, 29)),  # Boxing Day observed on Monday 28th
        (D(2014, 4, 17), 1, "ENG", D(2014, 4, 22)),  # over Good Friday and Easter Monday
        (D(2014, 4, 17), 1, "SCT", D(2014, 4, 21)),  # Scotland works Easter Monday
        (D(2014, 3, 14), 1, "ENG", D(2014, 3, 17)),
        (D(2014, 3, 14), 1, "NIR", D(2014, 3, 18)),
        (D(2014, 11, 28), 1, "SCT", D(2014, 12, 2)),
        (D(2014, 12, 31), 1, "ENG", D(2015, 1, 2)),
        (D(2014, 12, 31), 1, "SCT", D(2015, 1, 5)),  # 1 and 2 January
    ],
)
def test_add_working_days(start, n, nation, expected):
    assert add_working_days(start, n, nation=nation) == expected


def test_add_working_days_rejects_negative_n():
    with pytest.raises(ValueError):
        add_working_days(D(2014, 3, 3), -1)


def test_unknown_nation_is_refused():
    with pytest.raises(ValueError, match="ENG"):
        is_working_day(D(2014, 3, 3), nation="GB")


@pytest.mark.parametrize(
    ("start", "end", "nation", "expected"),
    [
        (D(2014, 3, 3), D(2014, 3, 3), "ENG", 0),
        (D(2014, 3, 3), D(2014, 3, 1), "ENG", 0),  # end before start
        (D(2014, 3, 7), D(2014, 3, 9), "ENG", 0),  # Friday to Sunday: start not counted
        (D(2014, 3, 7), D(2014, 3, 10), "ENG", 1),
        (D(2014, 3, 3), D(2014, 3, 31), "ENG", 20),
        (D(2014, 3, 3), D(2014, 3, 31), "NIR", 19),
        (D(2014, 12, 24), D(2014, 12, 29), "ENG", 1),
        (D(2013, 12, 31), D(2014, 12, 31), "ENG", 261 - 8),  # 261 weekdays in 2014, 8 bank holidays
        (D(2013, 12, 31), D(2014, 12, 31), "SCT", 261 - 9),  # 10 holidays, St Andrew's on a Sunday
        (D(2014, 12, 31), D(2015, 1, 5), "SCT", 1),  # across the new year
    ],
)
def test_working_days_between(start, end, nation, expected):
    assert working_days_between(start, end, nation=nation) == expected


# --- days-28-90-180 ---------------------------------------------------------------------------------

OPEN_3_MARCH = PeriodOfCare(start=D(2014, 3, 3))


@pytest.mark.parametrize(
    ("period", "held", "expected"),
    [
        # "28 days after 3 March is 31 March"
        (OPEN_3_MARCH, [], [D(2014, 3, 31)]),
        # on time: 90 days after 31 March is 29 June, 180 days after 29 June is 26 December
        (OPEN_3_MARCH, [D(2014, 3, 31)], [D(2014, 3, 31), D(2014, 6, 29)]),
        (OPEN_3_MARCH, [D(2014, 3, 31), D(2014, 6, 29)], [D(2014, 3, 31), D(2014, 6, 29), D(2014, 12, 26)]),
        (
            OPEN_3_MARCH,
            [D(2014, 3, 31), D(2014, 6, 29), D(2014, 12, 26)],
            [D(2014, 3, 31), D(2014, 6, 29), D(2014, 12, 26), D(2015, 6, 24)],
        ),
        # early first review: the clock runs from 20 March, not from the 31 March due date
        (OPEN_3_MARCH, [D(2014, 3, 20)], [D(2014, 3, 31), D(2014, 6, 18)]),
        # late first review: the next counts from when it was actually held
        (OPEN_3_MARCH, [D(2014, 4, 10)], [D(2014, 3, 31), D(2014, 7, 9)]),
        # reviews given out of order are sorted by date held
        (OPEN_3_MARCH, [D(2014, 6, 29), D(2014, 3, 31)], [D(2014, 3, 31), D(2014, 6, 29), D(2014, 12, 26)]),
        # leap years: 28 days after 1 February
        (PeriodOfCare(start=D(2016, 2, 1)), [], [D(2016, 2, 29)]),
        (PeriodOfCare(start=D(2015, 2, 1)), [], [D(2015, 3, 1)]),
        # calendar days: weekends and bank holidays do not move the date
        (PeriodOfCare(start=D(2014, 11, 27)), [], [D(2014, 12, 25)]),
        # short breaks keep their own schedule under this policy too (3 months, reg 48); adoption changes nothing
        (PeriodOfCare(start=D(2014, 8, 31), short_breaks_only=True), [], [D(2014, 11, 30)]),
        (
            PeriodOfCare(start=D(2014, 3, 3), placed_for_adoption_on=D(2014, 8, 1)),
            [D(2014, 3, 31), D(2014, 6, 30)],
            [D(2014, 3, 31), D(2014, 6, 29), D(2014, 12, 27)],
        ),
    ],
)
def test_days_policy_due_dates(period, held, expected):
    assert due_dates(period, held, DAYS) == expected


def test_days_policy_explanations():
    schedule = review_schedule(OPEN_3_MARCH, [D(2014, 3, 31), D(2014, 6, 29)], policy=DAYS)
    assert [r.explanation for r in schedule] == [
        "due 31/03/2014: 28 days after the period of care began on 03/03/2014",
        "due 29/06/2014: 90 days after the first review on 31/03/2014",
        "due 26/12/2014: 180 days after the previous review on 29/06/2014",
    ]


def test_days_policy_records_sequence_counted_from_and_policy():
    schedule = review_schedule(OPEN_3_MARCH, [D(2014, 3, 31), D(2014, 6, 29)])
    assert schedule == [
        DueReview(
            1,
            D(2014, 3, 31),
            D(2014, 3, 3),
            DAYS,
            "due 31/03/2014: 28 days after the period of care began on 03/03/2014",
        ),
        DueReview(
            2,
            D(2014, 6, 29),
            D(2014, 3, 31),
            DAYS,
            "due 29/06/2014: 90 days after the first review on 31/03/2014",
        ),
        DueReview(
            3,
            D(2014, 12, 26),
            D(2014, 6, 29),
            DAYS,
            "due 26/12/2014: 180 days after the previous review on 29/06/2014",
        ),
    ]


# --- england-2010 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "held", "nation", "expected"),
    [
        # 20 working days after Monday 3 March 2014: four weeks, no bank holidays in England...
        (OPEN_3_MARCH, [], "ENG", [D(2014, 3, 31)]),
        (OPEN_3_MARCH, [], "WLS", [D(2014, 3, 31)]),
        (OPEN_3_MARCH, [], "SCT", [D(2014, 3, 31)]),
        # ...but St Patrick's Day in Northern Ireland
        (OPEN_3_MARCH, [], "NIR", [D(2014, 4, 1)]),
        # Christmas and Boxing Day 2014
        (PeriodOfCare(start=D(2014, 12, 1)), [], "ENG", [D(2014, 12, 31)]),
        # Good Friday and Easter Monday 2014 in England; Scotland only has Good Friday
        (PeriodOfCare(start=D(2014, 3, 24)), [], "ENG", [D(2014, 4, 23)]),
        (PeriodOfCare(start=D(2014, 3, 24)), [], "SCT", [D(2014, 4, 22)]),
        # St Andrew's Day observed on Monday 1 December 2014
        (PeriodOfCare(start=D(2014, 11, 28)), [], "ENG", [D(2014, 12, 30)]),
        (PeriodOfCare(start=D(2014, 11, 28)), [], "SCT", [D(2014, 12, 31)]),
        # 2 January in Scotland
        (PeriodOfCare(start=D(2014, 12, 16)), [], "ENG", [D(2015, 1, 16)]),
        (PeriodOfCare(start=D(2014, 12, 16)), [], "SCT", [D(2015, 1, 19)]),
        # starting on a Saturday: the weekend does not count
        (PeriodOfCare(start=D(2014, 3, 8)), [], "ENG", [D(2014, 4, 4)]),
        # months: "3 months after 31 August is 30 November" (the first over the late summer bank holiday)
        (PeriodOfCare(start=D(2014, 8, 1)), [D(2014, 8, 31)], "ENG", [D(2014, 9, 1), D(2014, 11, 30)]),
        # 3 months after 30 November: 28 February, or 29 in a leap year
        (PeriodOfCare(start=D(2013, 11, 1)), [D(2013, 11, 30)], "ENG", [D(2013, 11, 29), D(2014, 2, 28)]),
        (PeriodOfCare(start=D(2015, 11, 1)), [D(2015, 11, 30)], "ENG", [D(2015, 11, 27), D(2016, 2, 29)]),
        # 3 months after 31 January 2016 is 30 April; 6 months after 31 August 2015 is 29 February 2016
        (PeriodOfCare(start=D(2016, 1, 4)), [D(2016, 1, 31)], "ENG", [D(2016, 2, 1), D(2016, 4, 30)]),
        (
            PeriodOfCare(start=D(2015, 5, 1)),
            [D(2015, 5, 29), D(2015, 8, 31)],
            "ENG",
            [D(2015, 6, 2), D(2015, 8, 29), D(2016, 2, 29)],  # May bank holidays,
        ),
        (
            PeriodOfCare(start=D(2014, 5, 1)),
            [D(2014, 5, 29), D(2014, 8, 31)],
            "ENG",
            [D(2014, 6, 2), D(2014, 8, 29), D(2015, 2, 28)],
        ),
        # on time, on time, a day late (6 months after 30 June is 30 December), then 6 months on
        (
            OPEN_3_MARCH,
            [D(2014, 3, 31), D(2014, 6, 30), D(2014, 12, 31)],
            "ENG",
            [D(2014, 3, 31), D(2014, 6, 30), D(2014, 12, 30), D(2015, 6, 30)],
        ),
        # an early second review brings the third forward
        (
            OPEN_3_MARCH,
            [D(2014, 3, 31), D(2014, 5, 15)],
            "ENG",
            [D(2014, 3, 31), D(2014, 6, 30), D(2014, 11, 15)],
        ),
    ],
)
def test_england_2010_due_dates(period, held, nation, expected):
    assert due_dates(period, held, ENGLAND, nation) == expected


def test_england_2010_explanations():
    schedule = review_schedule(OPEN_3_MARCH, [D(2014, 3, 31), D(2014, 6, 30)], policy=ENGLAND)
    assert [r.explanation for r in schedule] == [
        "due 31/03/2014: 20 working days after the period of care began on 03/03/2014",
        "due 30/06/2014: 3 months after the first review on 31/03/2014",
        "due 30/12/2014: 6 months after the previous review on 30/06/2014",
    ]
    assert [r.counted_from for r in schedule] == [D(2014, 3, 3), D(2014, 3, 31), D(2014, 6, 30)]


# --- short breaks (both policies) ---------------------------------------------------------------------

SHORT_BREAKS = PeriodOfCare(start=D(2014, 8, 31), short_breaks_only=True)


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        ([], [D(2014, 11, 30)]),  # within 3 months of the first short break
        ([D(2014, 11, 20)], [D(2014, 11, 30), D(2015, 5, 20)]),  # then every 6 months, from the held date
        ([D(2014, 11, 20), D(2015, 5, 31)], [D(2014, 11, 30), D(2015, 5, 20), D(2015, 11, 30)]),
    ],
)
@pytest.mark.parametrize("policy", list(Policy))
def test_short_breaks_schedule(held, expected, policy):
    assert due_dates(SHORT_BREAKS, held, policy) == expected


def test_short_breaks_explanations():
    schedule = review_schedule(SHORT_BREAKS, [D(2014, 11, 20)], policy=ENGLAND)
    assert [(r.explanation, r.counted_from) for r in schedule] == [
        ("due 30/11/2014: 3 months after the first short break on 31/08/2014", D(2014, 8, 31)),
        ("due 20/05/2015: 6 months after the previous review on 20/11/2014", D(2014, 11, 20)),
    ]


def test_a_single_short_break_ends_before_a_review_is_due():
    period = PeriodOfCare(start=D(2014, 9, 5), end=D(2014, 9, 7), short_breaks_only=True)
    assert review_schedule(period, [], policy=ENGLAND) == []


# --- england-2010: placed for adoption --------------------------------------------------------------


def test_adoption_four_weeks_then_three_months_then_six():
    period = PeriodOfCare(start=D(2014, 3, 3), placed_for_adoption_on=D(2014, 8, 1))
    held = [D(2014, 3, 31), D(2014, 6, 30), D(2014, 8, 29), D(2014, 11, 29)]
    schedule = review_schedule(period, held, policy=ENGLAND)
    assert [(r.sequence, r.due_on, r.counted_from, r.explanation) for r in schedule] == [
        (
            1,
            D(2014, 3, 31),
            D(2014, 3, 3),
            "due 31/03/2014: 20 working days after the period of care began on 03/03/2014",
        ),
        (2, D(2014, 6, 30), D(2014, 3, 31), "due 30/06/2014: 3 months after the first review on 31/03/2014"),
        # the general date would be 30 December; the placement brings it forward
        (
            3,
            D(2014, 8, 29),
            D(2014, 8, 1),
            "due 29/08/2014: 4 weeks after the child was placed for adoption on 01/08/2014",
        ),
        (
            4,
            D(2014, 11, 29),
            D(2014, 8, 29),
            "due 29/11/2014: 3 months after the review on 29/08/2014, "
            "the first since the child was placed for adoption",
        ),
        (
            5,
            D(2015, 5, 29),
            D(2014, 11, 29),
            "due 29/05/2015: 6 months after the previous review on 29/11/2014",
        ),
    ]


def test_adoption_keeps_the_general_date_when_it_is_earlier():
    period = PeriodOfCare(start=D(2014, 3, 3), placed_for_adoption_on=D(2014, 6, 20))
    schedule = review_schedule(period, [D(2014, 3, 31), D(2014, 6, 30)], policy=ENGLAND)
    second, third = schedule[1], schedule[2]
    assert second.due_on == D(2014, 6, 30)  # not 18 July, 4 weeks after the placement
    assert second.counted_from == D(2014, 3, 31)
    assert second.explanation == (
        "due 30/06/2014: 3 months after the first review on 31/03/2014, "
        "which is earlier than 4 weeks after the child was placed for adoption on 20/06/2014"
    )
    # that review was the first since the placement: the next is 3 months on, not 6
    assert third.due_on == D(2014, 9, 30)


def test_adoption_review_on_the_placement_day_comes_before_the_placement():
    period = PeriodOfCare(start=D(2014, 3, 3), placed_for_adoption_on=D(2014, 3, 31))
    assert due_dates(period, [D(2014, 3, 31)], ENGLAND) == [D(2014, 3, 31), D(2014, 4, 28)]


@pytest.mark.parametrize(
    ("start", "expected", "explanation"),
    [
        # placed from the start: 4 weeks and 20 working days agree, the adoption reason is given
        (
            D(2014, 3, 3),
            D(2014, 3, 31),
            "due 31/03/2014: 4 weeks after the child was placed for adoption on 03/03/2014",
        ),
        # over Christmas 20 working days run to 31 December; 4 weeks is 29 December
        (
            D(2014, 12, 1),
            D(2014, 12, 29),
            "due 29/12/2014: 4 weeks after the child was placed for adoption on 01/12/2014",
        ),
    ],
)
def test_adoption_from_the_start_of_the_period(start, expected, explanation):
    period = PeriodOfCare(start=start, placed_for_adoption_on=start)
    [first] = review_schedule(period, [], policy=ENGLAND)
    assert (first.due_on, first.explanation) == (expected, explanation)


def test_adoption_after_an_overdue_review_keeps_the_overdue_date():
    # the second review was due on 30 June and had not been held when the child was placed in July
    period = PeriodOfCare(start=D(2014, 3, 3), placed_for_adoption_on=D(2014, 7, 10))
    assert due_dates(period, [D(2014, 3, 31), D(2014, 7, 20)], ENGLAND) == [
        D(2014, 3, 31),
        D(2014, 6, 30),
        D(2014, 10, 20),
    ]


# --- when the child leaves care; new periods ---------------------------------------------------------


@pytest.mark.parametrize("policy", list(Policy))
def test_child_leaves_care_before_the_first_review_is_due(policy):
    period = PeriodOfCare(start=D(2014, 3, 3), end=D(2014, 3, 20))
    assert review_schedule(period, [], policy=policy) == []


@pytest.mark.parametrize("policy", list(Policy))
def test_child_leaves_care_after_a_review_was_due_it_is_still_returned(policy):
    period = PeriodOfCare(start=D(2014, 3, 3), end=D(2014, 4, 15))
    [overdue] = review_schedule(period, [], policy=policy)
    assert overdue.due_on == D(2014, 3, 31)


def test_a_review_due_on_the_day_the_child_leaves_is_returned():
    assert due_dates(PeriodOfCare(start=D(2014, 3, 3), end=D(2014, 3, 31)), []) == [D(2014, 3, 31)]


def test_held_reviews_are_always_returned_but_no_next_one_after_care_ends():
    period = PeriodOfCare(start=D(2014, 3, 3), end=D(2014, 5, 1))
    assert due_dates(period, [D(2014, 3, 28)]) == [D(2014, 3, 31)]


def test_a_new_period_of_care_starts_the_sequence_again():
    first = PeriodOfCare(start=D(2014, 3, 3), end=D(2014, 7, 1))
    second = PeriodOfCare(start=D(2014, 9, 1))
    assert due_dates(first, [D(2014, 3, 31)]) == [D(2014, 3, 31), D(2014, 6, 29)]
    [restart] = review_schedule(second, [])
    assert (restart.sequence, restart.due_on, restart.counted_from) == (1, D(2014, 9, 29), D(2014, 9, 1))


# --- Participation codes ----------------------------------------------------------------------------


TOO_OLD = "PN0 is only for a child under 4 on the date of the review; this child was {} (DfE rule 440)"
TOO_YOUNG = "{} is only for a child aged 4 or over on the date of the review; this child was {} (DfE rule 441)"


def test_pn_code_messages_name_the_rule_and_the_age():
    assert pn_code_fits_age("PN0", date_of_birth=D(2007, 6, 15), review_on=D(2013, 7, 1)) == (
        "PN0 is only for a child under 4 on the date of the review; this child was 6 (DfE rule 440)"
    )
    assert pn_code_fits_age("PN5", date_of_birth=D(2010, 1, 1), review_on=D(2013, 12, 31)) == (
        "PN5 is only for a child aged 4 or over on the date of the review; this child was 3 (DfE rule 441)"
    )


@pytest.mark.parametrize(
    ("code", "dob", "review_on", "error"),
    [
        ("PN0", D(2010, 1, 1), D(2013, 12, 31), None),  # 3
        ("PN0", D(2010, 1, 1), D(2014, 1, 1), None),  # 4th birthday: either code
        ("PN1", D(2010, 1, 1), D(2014, 1, 1), None),
        ("PN7", D(2010, 1, 1), D(2014, 1, 2), None),
        ("PN0", D(2010, 1, 1), D(2014, 1, 2), TOO_OLD.format(4)),
        ("PN0", D(2007, 6, 15), D(2013, 7, 1), TOO_OLD.format(6)),
        ("PN0", D(1996, 4, 1), D(2014, 3, 31), TOO_OLD.format(17)),
        ("PN1", D(2010, 1, 1), D(2013, 12, 31), TOO_YOUNG.format("PN1", 3)),
        ("PN4", D(2011, 5, 5), D(2013, 5, 4), TOO_YOUNG.format("PN4", 1)),
        ("PN7", D(2013, 6, 1), D(2013, 12, 1), TOO_YOUNG.format("PN7", "under 1")),
        ("PN0", D(2013, 6, 1), D(2013, 6, 1), None),  # a review on the day of birth
        # 29 February: the 4th birthday in a leap year is 29 February...
        ("PN1", D(2012, 2, 29), D(2016, 2, 29), None),
        ("PN0", D(2012, 2, 29), D(2016, 2, 29), None),
        ("PN1", D(2012, 2, 29), D(2016, 2, 28), TOO_YOUNG.format("PN1", 3)),
        ("PN0", D(2012, 2, 29), D(2016, 3, 1), TOO_OLD.format(4)),
        # ...and in a non-leap year (2100) 28 February, the dateutil and DfE-validator convention
        ("PN0", D(2096, 2, 29), D(2100, 2, 28), None),
        ("PN1", D(2096, 2, 29), D(2100, 2, 28), None),
        ("PN1", D(2096, 2, 29), D(2100, 2, 27), TOO_YOUNG.format("PN1", 3)),
        ("PN0", D(2096, 2, 29), D(2100, 3, 1), TOO_OLD.format(4)),
    ],
)
def test_pn_code_fits_age(code, dob, review_on, error):
    assert pn_code_fits_age(code, date_of_birth=dob, review_on=review_on) == error


@pytest.mark.parametrize("code", ["PN8", "pn1", "", "PN", "PN01", " PN1", "N1"])
def test_pn_code_outside_pn0_to_pn7_is_rejected(code):
    error = pn_code_fits_age(code, date_of_birth=D(2005, 1, 1), review_on=D(2014, 1, 1))
    assert error is not None
    assert "PN0 to PN7" in error


def test_pn_code_review_before_birth_is_rejected():
    assert pn_code_fits_age("PN0", date_of_birth=D(2014, 1, 2), review_on=D(2014, 1, 1)) is not None


# --- Properties -------------------------------------------------------------------------------------

dates = st.dates(min_value=D(2005, 1, 1), max_value=D(2035, 12, 31))
nations = st.sampled_from(sorted(NATIONS))
policies = st.sampled_from(list(Policy))


@st.composite
def open_periods(draw) -> PeriodOfCare:
    start = draw(dates)
    adoption = draw(st.none() | st.integers(min_value=0, max_value=900).map(lambda n: start + timedelta(days=n)))
    return PeriodOfCare(start=start, short_breaks_only=draw(st.booleans()), placed_for_adoption_on=adoption)


@st.composite
def held_dates(draw, start: date) -> list[date]:
    gaps = draw(st.lists(st.integers(min_value=0, max_value=250), max_size=6))
    held, day = [], start
    for gap in gaps:
        day += timedelta(days=gap)
        held.append(day)
    return held


@settings(deadline=None)
@given(period=open_periods(), policy=policies, nation=nations, count=st.integers(min_value=1, max_value=6))
def test_reviews_held_on_their_due_dates_are_in_time_and_the_next_is_later(period, policy, nation, count):
    held: list[date] = []
    for _ in range(count):
        held.append(review_schedule(period, held, policy=policy, nation=nation)[-1].due_on)
    schedule = review_schedule(period, held, policy=policy, nation=nation)
    assert len(schedule) == count + 1  # the period is open: the next review is always due
    for review, held_on in zip(schedule, held, strict=False):
        assert held_on <= review.due_on  # in time
    for held_on, following in zip(held, schedule[1:], strict=True):
        assert following.due_on > held_on


@settings(deadline=None)
@given(data=st.data(), period=open_periods(), policy=policies, nation=nations)
def test_holding_a_review_earlier_never_makes_a_later_due_date_later(data, period, policy, nation):
    held = data.draw(held_dates(period.start))
    assume(held)
    i = data.draw(st.integers(min_value=0, max_value=len(held) - 1))
    floor = held[i - 1] if i else period.start
    earlier = data.draw(st.dates(min_value=floor, max_value=held[i]))
    moved = [*held[:i], earlier, *held[i + 1 :]]
    before = review_schedule(period, held, policy=policy, nation=nation)
    after = review_schedule(period, moved, policy=policy, nation=nation)
    for b, a in zip(before[i + 1 :], after[i + 1 :], strict=True):
        assert a.due_on <= b.due_on


@settings(deadline=None)
@given(data=st.data(), period=open_periods(), policy=policies, nation=nations)
def test_due_dates_are_strictly_after_what_they_count_from(data, period, policy, nation):
    held = data.draw(held_dates(period.start))
    schedule = review_schedule(period, held, policy=policy, nation=nation)
    assert [r.sequence for r in schedule] == list(range(1, len(held) + 2))
    allowed = {period.start, period.placed_for_adoption_on, *held}
    for review in schedule:
        assert review.due_on > review.counted_from
        assert review.counted_from in allowed
        assert review.policy is policy
        assert review.explanation.startswith(f"due {review.due_on:%d/%m/%Y}: ")
        assert f"{review.counted_from:%d/%m/%Y}" in review.explanation


@settings(deadline=None)
@given(
    data=st.data(),
    period=open_periods(),
    policy=policies,
    ends_after=st.integers(min_value=0, max_value=1200),
)
def test_no_review_falls_due_after_the_child_leaves_care(data, period, policy, ends_after):
    end = period.start + timedelta(days=ends_after)
    held = [d for d in data.draw(held_dates(period.start)) if d <= end]
    closed = PeriodOfCare(
        period.start,
        end,
        period.short_breaks_only,
        period.placed_for_adoption_on
        if period.placed_for_adoption_on and period.placed_for_adoption_on <= end
        else None,
    )
    schedule = review_schedule(closed, held, policy=policy)
    open_schedule = review_schedule(
        PeriodOfCare(closed.start, None, closed.short_breaks_only, closed.placed_for_adoption_on),
        held,
        policy=policy,
    )
    assert schedule[: len(held)] == open_schedule[: len(held)]
    next_due = open_schedule[-1]
    assert schedule == (open_schedule if next_due.due_on <= end else open_schedule[:-1])


@settings(deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=400), nation=nations)
def test_add_working_days_lands_on_a_working_day_n_working_days_on(start, n, nation):
    end = add_working_days(start, n, nation=nation)
    assert is_working_day(end, nation=nation)
    assert working_days_between(start, end, nation=nation) == n
    assert working_days_between(start, end - timedelta(days=1), nation=nation) == n - 1


@settings(deadline=None)
@given(start=dates, length=st.integers(min_value=-10, max_value=800), nation=nations)
def test_working_days_between_agrees_with_counting_day_by_day(start, length, nation):
    end = start + timedelta(days=length)
    walked = sum(is_working_day(start + timedelta(days=i), nation=nation) for i in range(1, length + 1))
    assert working_days_between(start, end, nation=nation) == walked


birthdays = st.dates(min_value=D(1995, 1, 1), max_value=D(2098, 12, 31))


@given(dob=birthdays, age_in_days=st.integers(min_value=0, max_value=18 * 366))
@example(dob=D(2096, 2, 29), age_in_days=(D(2100, 2, 28) - D(2096, 2, 29)).days)
@example(dob=D(2096, 2, 29), age_in_days=(D(2100, 3, 1) - D(2096, 2, 29)).days)
@example(dob=D(2012, 2, 29), age_in_days=(D(2016, 2, 29) - D(2012, 2, 29)).days)
def test_exactly_one_of_pn0_and_pn1_fits_except_on_the_4th_birthday(dob, age_in_days):
    review_on = dob + timedelta(days=age_in_days)
    pn0 = pn_code_fits_age("PN0", date_of_birth=dob, review_on=review_on) is None
    pn1 = pn_code_fits_age("PN1", date_of_birth=dob, review_on=review_on) is None
    if review_on == dob + relativedelta(years=4):
        assert pn0 and pn1
    else:
        assert pn0 != pn1
        assert pn0 == (review_on < dob + relativedelta(years=4))
    # PN2-PN7 follow PN1
    for code in ("PN2", "PN3", "PN4", "PN5", "PN6", "PN7"):
        assert (pn_code_fits_age(code, date_of_birth=dob, review_on=review_on) is None) == pn1
