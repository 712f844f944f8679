"""Periods of care from SSDA903 episodes: worked cases, a round-trip property, and the review clock."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.periods import (
    ADOPTION_PLACEMENTS,
    SHORT_BREAK_LEGAL_STATUSES,
    EpisodeLike,
    PeriodOfCare,
    period_containing,
    periods_of_care,
)
from reviews.timescales import Policy, review_schedule

D = date


@dataclass
class Episode:
    start_on: date
    end_on: date | None
    reason_new: str
    reason_ceased: str = ""
    legal_status: str = "C2"
    placement: str = "U1"


def ep(start: date, end: date | None, rne: str, rec: str = "", ls: str = "C2", place: str = "U1") -> Episode:
    return Episode(start, end, rne, rec if end else "", ls, place)


def test_an_episode_dataclass_satisfies_the_protocol():
    episode: EpisodeLike = ep(D(2014, 1, 1), None, "S")
    assert periods_of_care([episode]) == [PeriodOfCare(start=D(2014, 1, 1))]


def test_code_sets():
    assert frozenset({"V3", "V4"}) == SHORT_BREAK_LEGAL_STATUSES
    assert frozenset({"A3", "A4", "A5", "A6"}) == ADOPTION_PLACEMENTS


@pytest.mark.parametrize(
    ("episodes", "expected"),
    [
        pytest.param([], [], id="no episodes"),
        pytest.param([ep(D(2014, 1, 1), None, "S")], [PeriodOfCare(D(2014, 1, 1))], id="one open episode"),
        pytest.param(
            [ep(D(2014, 1, 1), D(2014, 3, 1), "S", "E4A")],
            [PeriodOfCare(D(2014, 1, 1), D(2014, 3, 1))],
            id="one closed episode",
        ),
        pytest.param(
            [
                ep(D(2014, 1, 1), D(2014, 3, 1), "S", "X1"),
                ep(D(2014, 3, 1), D(2014, 6, 1), "P", "X1"),
                ep(D(2014, 6, 1), None, "L"),
            ],
            [PeriodOfCare(D(2014, 1, 1))],
            id="X1 chain still open",
        ),
        pytest.param(
            [
                ep(D(2014, 1, 1), D(2014, 3, 1), "S", "X1"),
                ep(D(2014, 3, 1), D(2014, 9, 1), "T", "E11"),
            ],
            [PeriodOfCare(D(2014, 1, 1), D(2014, 9, 1))],
            id="X1 chain ended by adoption",
        ),
        pytest.param(
            [
                ep(D(2014, 1, 1), D(2014, 3, 1), "S", "E4A"),
                ep(D(2014, 5, 1), None, "S"),
            ],
            [PeriodOfCare(D(2014, 1, 1), D(2014, 3, 1)), PeriodOfCare(D(2014, 5, 1))],
            id="two periods",
        ),
        pytest.param(
            [
                ep(D(2014, 1, 1), D(2014, 3, 1), "S", "E8"),
                ep(D(2014, 3, 1), None, "S"),
            ],
            [PeriodOfCare(D(2014, 1, 1), D(2014, 3, 1)), PeriodOfCare(D(2014, 3, 1))],
            id="leaves and returns the same day",
        ),
        pytest.param(
            [
                ep(D(2014, 1, 1), D(2014, 3, 1), "S", "E8"),
                ep(D(2014, 3, 1), None, "P"),
            ],
            [PeriodOfCare(D(2014, 1, 1), D(2014, 3, 1)), PeriodOfCare(D(2014, 3, 1))],
            id="REC other than X1 ends the period even without a new S",
        ),
        pytest.param(
            [
                ep(D(2014, 1, 1), D(2014, 3, 1), "S", "X1"),
                ep(D(2014, 3, 10), None, "P"),
            ],
            [PeriodOfCare(D(2014, 1, 1), D(2014, 3, 1)), PeriodOfCare(D(2014, 3, 10))],
            id="gap after X1 starts a new period",
        ),
        pytest.param(
            [
                ep(D(2014, 1, 1), D(2014, 3, 1), "S", "X1"),
                ep(D(2014, 3, 1), None, "S"),
            ],
            [PeriodOfCare(D(2014, 1, 1), D(2014, 3, 1)), PeriodOfCare(D(2014, 3, 1))],
            id="RNE S always starts a new period",
        ),
        pytest.param(
            [
                ep(D(2014, 1, 1), None, "S"),
                ep(D(2014, 6, 1), None, "S"),
            ],
            [PeriodOfCare(D(2014, 1, 1), D(2014, 6, 1)), PeriodOfCare(D(2014, 6, 1))],
            id="an open episode under a new S ends where the new period starts",
        ),
        pytest.param(
            [
                ep(D(2014, 1, 1), None, "S"),
                ep(D(2014, 6, 1), None, "P"),
            ],
            [PeriodOfCare(D(2014, 1, 1))],
            id="an open episode followed by a non-S episode: the DEC was never entered",
        ),
        pytest.param(
            [ep(D(2014, 1, 1), D(2014, 3, 1), "S", "X1")],
            [PeriodOfCare(D(2014, 1, 1))],
            id="X1 without its successor yet is still looked after",
        ),
        pytest.param(
            [ep(D(2014, 2, 1), None, "P")],
            [PeriodOfCare(D(2014, 2, 1))],
            id="history starting mid-period uses the first DECOM",
        ),
        pytest.param(
            [
                ep(D(2014, 6, 1), None, "L"),
                ep(D(2014, 3, 1), D(2014, 6, 1), "P", "X1"),
                ep(D(2014, 1, 1), D(2014, 3, 1), "S", "X1"),
            ],
            [PeriodOfCare(D(2014, 1, 1))],
            id="episodes in any order",
        ),
        pytest.param(
            [
                ep(D(2014, 1, 1), None, "P"),
                ep(D(2014, 1, 1), D(2014, 1, 1), "S", "X1"),
            ],
            [PeriodOfCare(D(2014, 1, 1))],
            id="a one-day episode handing over the same day sorts first",
        ),
    ],
)
def test_periods_of_care(episodes, expected):
    assert periods_of_care(episodes) == expected


@pytest.mark.parametrize(
    ("legal_statuses", "short_breaks_only"),
    [
        (["V3"], True),
        (["V4"], True),
        (["V3", "V4"], True),
        (["V3", "C2"], False),
        (["V2"], False),
        (["C1"], False),
    ],
)
def test_short_breaks_only_when_every_episode_is_v3_or_v4(legal_statuses, short_breaks_only):
    start = D(2014, 1, 1)
    episodes = [
        ep(
            start + timedelta(days=10 * i),
            start + timedelta(days=10 * (i + 1)),
            "S" if i == 0 else "L",
            "X1",
            ls,
        )
        for i, ls in enumerate(legal_statuses)
    ]
    [period] = periods_of_care(episodes)
    assert period.short_breaks_only is short_breaks_only


def test_short_breaks_are_judged_per_period():
    episodes = [
        ep(D(2014, 1, 1), D(2014, 1, 3), "S", "E8", ls="V3"),
        ep(D(2014, 2, 1), None, "S", ls="C2"),
    ]
    assert [p.short_breaks_only for p in periods_of_care(episodes)] == [True, False]


@pytest.mark.parametrize("placement", sorted(ADOPTION_PLACEMENTS))
def test_placed_for_adoption_on_is_the_start_of_the_first_adoption_placement(placement):
    episodes = [
        ep(D(2014, 1, 1), D(2014, 6, 1), "S", "X1", "C2", "U1"),
        ep(D(2014, 6, 1), D(2014, 8, 1), "U", "X1", "E1", placement),
        ep(D(2014, 8, 1), D(2014, 9, 1), "P", "X1", "E1", "U3"),  # the placement disrupted...
        ep(D(2014, 9, 1), None, "P", "", "E1", "A4"),  # ...and a second adopter
    ]
    [period] = periods_of_care(episodes)
    assert period.placed_for_adoption_on == D(2014, 6, 1)


@pytest.mark.parametrize("placement", ["U1", "U6", "K1", "K2", "R1", "H5", "P1"])
def test_other_placements_are_not_adoption(placement):
    [period] = periods_of_care([ep(D(2014, 1, 1), None, "S", place=placement)])
    assert period.placed_for_adoption_on is None


def test_an_adoption_placement_belongs_to_its_own_period():
    episodes = [
        ep(D(2012, 1, 1), D(2012, 6, 1), "S", "X1", "C2", "A5"),
        ep(D(2012, 6, 1), D(2012, 9, 1), "P", "E4A", "C2", "U1"),
        ep(D(2014, 1, 1), None, "S", "", "C2", "U1"),
    ]
    assert [p.placed_for_adoption_on for p in periods_of_care(episodes)] == [D(2012, 1, 1), None]


PERIODS = [
    PeriodOfCare(D(2014, 1, 1), D(2014, 3, 1)),
    PeriodOfCare(D(2014, 3, 1), D(2014, 4, 1)),  # returned the day it left
    PeriodOfCare(D(2014, 5, 1)),
]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2013, 12, 31), None),
        (D(2014, 1, 1), PERIODS[0]),
        (D(2014, 2, 15), PERIODS[0]),
        (D(2014, 3, 1), PERIODS[1]),  # the day one ended and the next began: the newer one
        (D(2014, 4, 1), PERIODS[1]),  # the day the child ceased to be looked after is still in care
        (D(2014, 4, 2), None),
        (D(2014, 5, 1), PERIODS[2]),
        (D(2030, 1, 1), PERIODS[2]),
    ],
)
def test_period_containing(day, expected):
    assert period_containing(PERIODS, day) == expected
    assert period_containing(reversed(PERIODS), day) == expected


def test_period_containing_no_periods():
    assert period_containing([], D(2014, 1, 1)) is None


def test_reviews_restart_with_a_new_period_of_care():
    episodes = [
        ep(D(2014, 3, 3), D(2014, 5, 1), "S", "X1"),
        ep(D(2014, 5, 1), D(2014, 7, 1), "P", "E4A"),
        ep(D(2014, 9, 1), None, "S"),
    ]
    held = [D(2014, 3, 31), D(2014, 6, 20), D(2014, 9, 25)]
    periods = periods_of_care(episodes)
    by_period = {p: [d for d in held if period_containing(periods, d) == p] for p in periods}
    first, second = (review_schedule(p, by_period[p]) for p in periods)
    # first period: 28 days, 90 days after 31 March is 29 June; the next would be after the child left
    assert [(r.sequence, r.due_on) for r in first] == [(1, D(2014, 3, 31)), (2, D(2014, 6, 29))]
    # second period: sequence 1 again, 28 days after 1 September; then 90 days after 25 September
    assert [(r.sequence, r.due_on) for r in second] == [(1, D(2014, 9, 29)), (2, D(2014, 12, 24))]


def test_short_break_and_adoption_periods_feed_the_england_2010_schedules():
    short_breaks = periods_of_care([ep(D(2014, 8, 31), None, "S", ls="V4")])
    assert [r.due_on for r in review_schedule(short_breaks[0], [], policy=Policy.ENGLAND_2010)] == [D(2014, 11, 30)]
    adopted = periods_of_care(
        [
            ep(D(2014, 3, 3), D(2014, 8, 1), "S", "X1", "C2", "U1"),
            ep(D(2014, 8, 1), None, "U", "", "E1", "A3"),
        ]
    )
    schedule = review_schedule(adopted[0], [D(2014, 3, 31), D(2014, 6, 30)], policy=Policy.ENGLAND_2010)
    assert schedule[-1].due_on == D(2014, 8, 29)


# --- Property: well-formed 903 histories come back as the periods they were built from --------------

legal_statuses = st.sampled_from(["C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"])
placements = st.sampled_from(["U1", "U3", "U6", "K1", "K2", "R1", "H5", "P1", "A3", "A4", "A5", "A6"])


@st.composite
def histories(draw) -> tuple[list[Episode], list[PeriodOfCare]]:
    day = draw(st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 1, 1)))
    episodes: list[Episode] = []
    periods: list[PeriodOfCare] = []
    count = draw(st.integers(min_value=1, max_value=4))
    for n in range(count):
        day += timedelta(days=draw(st.integers(min_value=0, max_value=400)))
        start, run = day, []
        for i in range(draw(st.integers(min_value=1, max_value=5))):
            rne = "S" if i == 0 else draw(st.sampled_from("LPTBU"))
            run.append(Episode(day, None, rne, "", draw(legal_statuses), draw(placements)))
            if i:
                run[-2].end_on, run[-2].reason_ceased = day, "X1"
            day += timedelta(days=draw(st.integers(min_value=1, max_value=300)))
        still_open = n == count - 1 and draw(st.booleans())
        if not still_open:
            run[-1].end_on, run[-1].reason_ceased = (
                day,
                draw(st.sampled_from(["E11", "E2", "E4A", "E8", "E45"])),
            )
        episodes += run
        periods.append(
            PeriodOfCare(
                start=start,
                end=None if still_open else day,
                short_breaks_only=all(e.legal_status in {"V3", "V4"} for e in run),
                placed_for_adoption_on=next((e.start_on for e in run if e.placement.startswith("A")), None),
            )
        )
    return draw(st.permutations(episodes)), periods


@given(histories())
def test_well_formed_histories_round_trip(history):
    episodes, expected = history
    periods = periods_of_care(episodes)
    assert periods == expected
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert earlier.end is not None and earlier.end <= later.start
    for episode in episodes:
        containing = period_containing(periods, episode.start_on)
        assert containing is not None and containing.start <= episode.start_on
