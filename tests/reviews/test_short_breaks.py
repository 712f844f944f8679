"""Short breaks: a series of breaks is one arrangement with its own review clock, under both policies
(docs/domain.md, "Review timescales"). Worked cases with the dates written out, then properties.

Each break is its own episode (LS V3, RNE S, ending E4A): its own period of care, so only the
arrangement's clock gives these children a review."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from core.periods import ArrangementEnd
from reviews.timescales import ChildSchedule, Policy, child_review_schedule

D = date
POLICIES = list(Policy)


@dataclass(frozen=True)
class Ep:
    start_on: date
    end_on: date | None
    reason_new: str = "S"
    reason_ceased: str = "E4A"
    legal_status: str = "V3"
    placement: str = "K2"


def breaks(*spans: tuple[date, int]) -> list[Ep]:
    """Two-night (or n-night) breaks: (first day, nights)."""
    return [Ep(start, start + timedelta(days=nights)) for start, nights in spans]


def monthly(first: date, until: date, day_of_month: int = 20) -> list[Ep]:
    """A first two-night break, then one a month starting on `day_of_month`, until `until`."""
    episodes = breaks((first, 2))
    month = date(first.year, first.month, day_of_month) + relativedelta(months=1)
    while month <= until:
        episodes += breaks((month, 2))
        month += relativedelta(months=1)
    return episodes


def schedule(episodes, held=(), *, policy, today, **agreed) -> ChildSchedule:
    return child_review_schedule(episodes, held, today=today, policy=policy, **agreed)


def short_break_reviews(s: ChildSchedule) -> list[tuple]:
    return [(r.clock.start, r.due.sequence, r.due.due_on, r.held_on) for r in s.reviews if r.clock.short_breaks]


def on_a_break(episodes, day: date) -> bool:
    return any(e.start_on <= day and (e.end_on is None or day <= e.end_on) for e in episodes)


# --- Worked cases -----------------------------------------------------------------------------------

# Two nights on 10-12/01/2024, then two nights from the 20th of every month to 22/12/2025.
MONTHLY = monthly(D(2024, 1, 10), D(2025, 12, 20))


@pytest.mark.parametrize("policy", POLICIES)
def test_monthly_two_night_breaks_reviews_at_3_months_then_every_6_months_between_breaks(policy):
    held = [D(2024, 4, 9), D(2024, 10, 8)]
    s = schedule(MONTHLY, held, policy=policy, today=D(2026, 1, 15))

    assert short_break_reviews(s) == [
        (D(2024, 1, 10), 1, D(2024, 4, 10), D(2024, 4, 9)),  # 3 months after the first break
        (D(2024, 1, 10), 2, D(2024, 10, 9), D(2024, 10, 8)),  # 6 months after the review held
        (D(2024, 1, 10), 3, D(2025, 4, 8), None),  # due next
    ]
    assert [r.due.explanation for r in s.reviews] == [
        "due 10/04/2024: 3 months after the first short break on 10/01/2024",
        "due 09/10/2024: 6 months after the previous review on 09/04/2024",
        "due 08/04/2025: 6 months after the previous review on 08/10/2024",
    ]
    # Each due date and review day falls between breaks: the child is not looked after that day.
    for day in [D(2024, 4, 10), D(2024, 10, 9), D(2025, 4, 8), *held]:
        assert not on_a_break(MONTHLY, day)
    # One arrangement, still open: its last break ended 22/12/2025, so it lapses on 22/06/2026.
    [arrangement] = s.arrangements
    assert (arrangement.start, arrangement.end, len(arrangement.breaks)) == (D(2024, 1, 10), None, 24)
    assert arrangement.lapses_on == D(2026, 6, 22)
    assert s.next_due.due.due_on == D(2025, 4, 8)
    # No period-of-care review: each two-night break ends long before a review would fall due.
    assert all(r.clock.short_breaks for r in s.reviews)


@pytest.mark.parametrize("policy", POLICIES)
def test_an_arrangement_lapses_after_a_6_month_gap_and_a_new_one_starts_later(policy):
    # Monthly breaks to 20-22/05/2024, none until 15/01/2025, then monthly again.
    episodes = monthly(D(2024, 1, 10), D(2024, 5, 20)) + monthly(D(2025, 1, 15), D(2025, 6, 20))
    held = [D(2024, 4, 9), D(2024, 10, 1), D(2025, 4, 14)]
    s = schedule(episodes, held, policy=policy, today=D(2025, 7, 1))

    first, second = s.arrangements
    # No break started within 6 months of 22/05/2024: the first ended on 22/11/2024.
    assert (first.start, first.end, first.ended_by, len(first.breaks)) == (
        D(2024, 1, 10),
        D(2024, 11, 22),
        ArrangementEnd.NO_BREAK,
        5,
    )
    assert (second.start, second.end, second.ended_by) == (D(2025, 1, 15), None, None)
    assert short_break_reviews(s) == [
        (D(2024, 1, 10), 1, D(2024, 4, 10), D(2024, 4, 9)),
        (D(2024, 1, 10), 2, D(2024, 10, 9), D(2024, 10, 1)),
        # the next (01/04/2025) would fall due after the arrangement ended: none is due
        (D(2025, 1, 15), 1, D(2025, 4, 15), D(2025, 4, 14)),  # a new clock: 3 months after 15/01/2025
        (D(2025, 1, 15), 2, D(2025, 10, 14), None),
    ]


@pytest.mark.parametrize("policy", POLICIES)
def test_an_agreement_ended_by_hand_stops_the_reviews_and_one_started_earlier_moves_the_first(policy):
    episodes = monthly(D(2024, 1, 10), D(2024, 8, 20))  # last break 20-22/08/2024
    held = [D(2024, 4, 9)]
    today = D(2024, 12, 1)

    # Without the agreement's end, the arrangement is open (it would lapse on 22/02/2025).
    still_open = schedule(episodes, held, policy=policy, today=today)
    assert still_open.arrangements[0].end is None
    assert short_break_reviews(still_open)[-1] == (D(2024, 1, 10), 2, D(2024, 10, 9), None)

    ended = schedule(episodes, held, policy=policy, today=today, agreed_ends=[D(2024, 8, 31)])
    [arrangement] = ended.arrangements
    assert (arrangement.end, arrangement.ended_by) == (D(2024, 8, 31), ArrangementEnd.AGREEMENT)
    # The review due 09/10/2024 would fall after the agreement ended on 31/08/2024: none is due.
    assert short_break_reviews(ended) == [(D(2024, 1, 10), 1, D(2024, 4, 10), D(2024, 4, 9))]
    assert ended.next_due is None

    # The agreement began on 01/12/2023, before the first break the service knows of.
    earlier = schedule(episodes, [], policy=policy, today=today, agreed_starts=[D(2023, 12, 1)])
    assert earlier.arrangements[0].start == D(2023, 12, 1)
    assert short_break_reviews(earlier) == [(D(2023, 12, 1), 1, D(2024, 3, 1), None)]

    # Breaks that start again after the agreement ended make a new arrangement.
    again = episodes + breaks((D(2024, 9, 20), 2))
    renewed = schedule(again, held, policy=policy, today=today, agreed_ends=[D(2024, 8, 31)])
    assert [(a.start, a.end) for a in renewed.arrangements] == [
        (D(2024, 1, 10), D(2024, 8, 31)),
        (D(2024, 9, 20), None),
    ]
    assert short_break_reviews(renewed)[-1] == (D(2024, 9, 20), 1, D(2024, 12, 20), None)


@pytest.mark.parametrize(
    ("policy", "first_due", "why"),
    [
        (Policy.DAYS_28_90_180, D(2024, 8, 12), "28 days after the period of care began on 15/07/2024"),
        (Policy.ENGLAND_2010, D(2024, 8, 12), "20 working days after the period of care began on 15/07/2024"),
    ],
)
def test_a_move_from_short_breaks_into_full_time_care_starts_the_ordinary_clock(policy, first_due, why):
    full_time = Ep(D(2024, 7, 15), None, reason_ceased="", legal_status="C2", placement="U4")
    episodes = monthly(D(2024, 1, 10), D(2024, 6, 20)) + [full_time]
    s = schedule(episodes, [D(2024, 4, 9)], policy=policy, today=D(2024, 12, 1))

    [arrangement] = s.arrangements
    assert (arrangement.end, arrangement.ended_by) == (D(2024, 7, 15), ArrangementEnd.FULL_TIME_CARE)
    # The arrangement's next review (09/10/2024) would fall after it ended: its clock has stopped.
    assert short_break_reviews(s) == [(D(2024, 1, 10), 1, D(2024, 4, 10), D(2024, 4, 9))]
    [ordinary] = [r for r in s.reviews if not r.clock.short_breaks]
    assert (ordinary.clock.start, ordinary.due.sequence, ordinary.due.due_on) == (D(2024, 7, 15), 1, first_due)
    assert ordinary.due.explanation == f"due {first_due:%d/%m/%Y}: {why}"
    assert s.next_due is ordinary


@pytest.mark.parametrize("policy", POLICIES)
def test_breaks_that_run_on_into_full_time_care_in_one_period_are_a_break_then_the_ordinary_clock(policy):
    # A short break that turns into full-time care the same day (REC X1, then LS C2).
    episodes = breaks((D(2024, 1, 10), 2)) + [
        Ep(D(2024, 2, 20), D(2024, 3, 1), reason_ceased="X1"),
        Ep(D(2024, 3, 1), None, reason_new="L", reason_ceased="", legal_status="C2", placement="U4"),
    ]
    s = schedule(episodes, [], policy=policy, today=D(2024, 12, 1))
    assert [(a.start, a.end, len(a.breaks)) for a in s.arrangements] == [(D(2024, 1, 10), D(2024, 3, 1), 2)]
    assert [(r.clock.short_breaks, r.clock.start) for r in s.reviews] == [(False, D(2024, 3, 1))]


# --- Properties -------------------------------------------------------------------------------------


@st.composite
def series(draw):
    """Short breaks: gaps between them from a day to over a year, each 0 to 6 nights; sometimes an
    agreement ended by hand, sometimes a move into full-time care after the breaks."""
    day = draw(st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31)))
    episodes = []
    for _ in range(draw(st.integers(min_value=1, max_value=12))):
        nights = draw(st.integers(min_value=0, max_value=6))
        episodes.append(Ep(day, day + timedelta(days=nights)))
        day += timedelta(days=nights + draw(st.integers(min_value=1, max_value=400)))
    if draw(st.booleans()):
        episodes.append(Ep(day, None, reason_ceased="", legal_status="C2", placement="U4"))
    last = episodes[-1].end_on or episodes[-1].start_on
    first = episodes[0].start_on
    ends = draw(st.lists(st.dates(min_value=first, max_value=last + timedelta(days=200)), max_size=2))
    return episodes, ends


@settings(deadline=None, max_examples=150)
@given(data=st.data(), drawn=series(), policy=st.sampled_from(POLICIES))
def test_an_active_arrangement_always_has_a_review_due_and_none_falls_due_after_it_ended(data, drawn, policy):
    episodes, agreed_ends = drawn
    horizon = max(e.end_on or e.start_on for e in episodes) + timedelta(days=400)
    # Hold reviews as the IRO would: each on a day up to a little after its due date, never after
    # the arrangement ended; then look at the schedule on some day, knowing only what had happened.
    held: list[date] = []
    for _ in range(8):
        s = schedule(episodes, held, policy=policy, today=horizon, agreed_ends=agreed_ends)
        waiting = [r for r in s.waiting if r.clock.short_breaks]
        if not waiting:
            break
        due = waiting[0]
        latest = due.due.due_on + timedelta(days=30)
        if due.clock.period.end is not None:
            latest = min(latest, due.clock.period.end)
        earliest = max(due.due.counted_from + timedelta(days=1), due.clock.start)
        if earliest > latest:
            break
        held.append(data.draw(st.dates(min_value=earliest, max_value=latest)))

    day = data.draw(st.dates(min_value=episodes[0].start_on, max_value=horizon))
    known = [
        e if e.end_on is None or e.end_on <= day else Ep(e.start_on, None, e.reason_new, "", e.legal_status)
        for e in episodes
        if e.start_on <= day
    ]
    s = schedule(
        known,
        [h for h in held if h <= day],
        policy=policy,
        today=day,
        agreed_ends=[d for d in agreed_ends if d <= day],
    )
    for arrangement in s.arrangements:
        clock_reviews = [r for r in s.reviews if r.clock.short_breaks and r.clock.start == arrangement.start]
        waiting = [r for r in clock_reviews if r.held_on is None]
        if arrangement.end is None:
            # Active: a review is due, and it is the only one waiting on the arrangement's clock.
            assert len(waiting) == 1
        else:
            assert all(r.due.due_on <= arrangement.end for r in waiting)
            assert arrangement.start <= arrangement.end
        for r in clock_reviews:
            if r.held_on is not None:
                assert arrangement.start <= r.held_on and (arrangement.end is None or r.held_on <= arrangement.end)
    # Arrangements never overlap one another.
    for a, b in zip(s.arrangements, s.arrangements[1:], strict=False):
        assert a.end is not None and a.end < b.start
