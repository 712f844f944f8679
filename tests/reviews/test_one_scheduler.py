"""One review scheduler: the same history keyed in through the services, imported from a 903 return
and written by the demo's bulk writer gets the same reviews with the same due dates.

The history has a series of short breaks, a move into full-time care with a review held on the day
it began (the day the short-break arrangement ended: the review counts on the later clock only),
and a second period of care."""

from dataclasses import dataclass
from datetime import date

import pytest

from children.models import Child
from children.services import episode_end, episode_start
from demo.planner import ChildPlan, EpisodePlan
from demo.writers import BulkWriter
from reviews.services import review_record
from reviews.timescales import child_review_schedule
from ssda903.importer import ssda903_import
from tests.factories import make_child

TODAY = date(2026, 11, 25)
D = date
DOB = D(2012, 5, 17)

# (DECOM, RNE, LS, CIN, PLACE, DEC, REC, HOME_POST, PL_POST, URN)
BREAK = ("S", "V3", "N2", "K2")
FULL_TIME = ("C2", "N1", "U4")
EPISODES = [
    *[
        (start, *BREAK, end, "E4A", "", "", "")
        for start, end in (
            (D(2023, 1, 9), D(2023, 1, 11)),
            (D(2023, 2, 6), D(2023, 2, 8)),
            (D(2023, 3, 6), D(2023, 3, 8)),
            (D(2023, 4, 3), D(2023, 4, 5)),
            (D(2023, 5, 1), D(2023, 5, 3)),
            (D(2023, 6, 5), D(2023, 6, 7)),
        )
    ],
    (D(2023, 9, 4), "S", *FULL_TIME, D(2024, 5, 10), "E13", "SE15 3AA", "SE22 0JP", "SC100001"),
    (D(2024, 5, 20), "S", *FULL_TIME, None, "", "SE15 3AA", "SE22 0JP", "SC100001"),
]
REVIEWS_HELD = [D(2023, 4, 4), D(2023, 9, 4), D(2023, 12, 1), D(2024, 5, 10), D(2024, 6, 3)]

# Worked out by hand (days-28-90-180, with short breaks on the 3- and 6-month schedule):
EXPECTED = [
    # the arrangement, from the first break on 09/01/2023: 3 months after it; it ends when full-time
    # care begins on 04/09/2023, before the next (04/10/2023) falls due
    (D(2023, 1, 9), True, 1, D(2023, 4, 9), D(2023, 4, 4)),
    # full-time care from 04/09/2023: 28 days; 90 days after the first review; 180 days after the
    # second. The next (06/11/2024) is not due: the period ended on 10/05/2024
    (D(2023, 9, 4), False, 1, D(2023, 10, 2), D(2023, 9, 4)),
    (D(2023, 9, 4), False, 2, D(2023, 12, 3), D(2023, 12, 1)),
    (D(2023, 9, 4), False, 3, D(2024, 5, 29), D(2024, 5, 10)),
    # the new period from 20/05/2024: 28 days, then 90 days after the review held on 03/06/2024
    (D(2024, 5, 20), False, 1, D(2024, 6, 17), D(2024, 6, 3)),
    (D(2024, 5, 20), False, 2, D(2024, 9, 1), None),
]


def _reviews(child: Child) -> list[tuple]:
    return list(
        child.reviews.order_by("period_start", "sequence").values_list(
            "period_start", "short_breaks", "sequence", "due_on", "held_on"
        )
    )


def _explanations(child: Child) -> list[str]:
    return list(child.reviews.order_by("period_start", "sequence").values_list("due_explanation", flat=True))


def _through_the_services(iro) -> Child:
    child = make_child(la_child_id="S0001", looked_after_from=None, date_of_birth=DOB, sex="M", mother="")
    for start, rne, ls, cin, place, end, rec, home, pl, urn in EPISODES:
        episode = episode_start(
            actor=None,
            child=child,
            start_on=start,
            reason_new=rne,
            legal_status=ls,
            category_of_need=cin,
            placement=place,
            placement_provider="PR1",
            home_postcode=home,
            placement_postcode=pl,
            urn=urn,
        )
        if end is not None:
            episode_end(actor=None, episode=episode, end_on=end, reason_ceased=rec)
    for held_on in REVIEWS_HELD:
        review_record(
            actor=iro,
            child=child,
            today=TODAY,
            held_on=held_on,
            chair=iro,
            participation="PN1",
            late_reason="other",
            late_reason_detail="The family moved house",
        )
    return child


def _imported() -> Child:
    def day(d):
        return f"{d:%d/%m/%Y}" if d else ""

    rows = {
        "header.csv": ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB", f"S0002,1,{day(DOB)},WBRI,UN5,,"],
        "episodes.csv": [
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
            *(
                f"S0002,{day(start)},{rne},{ls},{cin},{place},PR1,{day(end)},{rec},,{home},{pl},{urn}"
                for start, rne, ls, cin, place, end, rec, home, pl, urn in EPISODES
            ),
        ],
        "reviews.csv": ["CHILD,DOB,REVIEW,REVIEW_CODE", *(f"S0002,{day(DOB)},{day(d)},PN1" for d in REVIEWS_HELD)],
    }
    files = {name: ("\r\n".join(lines) + "\r\n").encode() for name, lines in rows.items()}
    result = ssda903_import(actor=None, files=files, today=TODAY)
    assert result.ok, result.problems
    return Child.objects.get(la_child_id="S0002")


def _by_the_demo(iro) -> Child:
    writer = BulkWriter([iro], TODAY)
    plan = ChildPlan(DOB, "M", "WBRI", "Demo", "Child", "SE15 3AA", True, [], upn="UN5", la_child_id="S0003")
    draft = writer.child(plan)
    for start, rne, ls, cin, place, end, rec, home, pl, _urn in EPISODES:
        episode = writer.start_episode(draft, EpisodePlan(start, rne, ls, cin, place, "PR1", home, pl))
        if end is not None:
            writer.end_period(draft, episode, end, rec)
    for held_on in REVIEWS_HELD:
        clock = max((c for c in writer.clocks(draft) if c.covers(held_on)), key=lambda c: c.start)
        writer.record(
            draft,
            clock.start,
            held_on=held_on,
            chair=iro,
            late_reason="other",
            late_reason_detail="The family moved house",
            participation="PN1",
            spoke_alone=None,
            decisions_sent_on=None,
            record_sent_on=None,
        )
    writer.finish()
    return Child.objects.get(la_child_id="S0003")


@pytest.mark.django_db
def test_the_service_the_903_import_and_the_demo_give_the_same_due_dates(iro, settings):
    settings.REVIEW_TIMESCALE_POLICY = "days-28-90-180"
    by_service, imported, demo = _through_the_services(iro), _imported(), _by_the_demo(iro)

    assert _reviews(by_service) == EXPECTED
    assert _reviews(imported) == EXPECTED
    assert _reviews(demo) == EXPECTED
    assert _explanations(by_service) == _explanations(imported) == _explanations(demo)
    assert _explanations(by_service)[0] == "due 09/04/2023: 3 months after the first short break on 09/01/2023"
    arrangements = [
        list(c.short_break_arrangements.values_list("start_on", "end_on", "ended_by", "breaks"))
        for c in (by_service, imported, demo)
    ]
    assert arrangements == [[(D(2023, 1, 9), D(2023, 9, 4), "full_time_care", 6)]] * 3


def test_a_review_held_on_a_day_two_periods_share_counts_in_the_later_only():
    """Where the import's own copy of the schedule differed from the service's: a period of care left
    open under a new RNE S episode ends the day the next begins, and a review held that day was counted
    in both periods by the import, in the later one only by the service. The one scheduler puts each
    review on one clock."""

    @dataclass(frozen=True)
    class Ep:
        start_on: date
        end_on: date | None = None
        reason_new: str = "S"
        reason_ceased: str = ""
        legal_status: str = "C2"
        placement: str = "U4"

    s = child_review_schedule([Ep(D(2024, 1, 1)), Ep(D(2024, 3, 1))], [D(2024, 3, 1)], today=TODAY)
    assert [(r.clock.start, r.due.sequence, r.due.due_on, r.held_on) for r in s.reviews] == [
        (D(2024, 1, 1), 1, D(2024, 1, 29), None),  # missed in the first period, which ended on 01/03/2024
        (D(2024, 3, 1), 1, D(2024, 3, 29), D(2024, 3, 1)),
        (D(2024, 3, 1), 2, D(2024, 5, 30), None),
    ]
