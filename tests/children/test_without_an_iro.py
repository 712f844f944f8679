"""Which children count as without an IRO (the dashboard's figure, the caseload's "no IRO" list and
the QA managers' alert) around the end of a period of care, a re-entry and same-day changes."""

from datetime import date

import pytest

from accounts.models import Notification
from children.services import allocation_change, episode_end, episode_start
from reports import kpis
from reviews import reminders

from ..factories import make_child

pytestmark = pytest.mark.django_db

LEFT_ON = date(2014, 5, 6)  # a Tuesday


def unallocated(day: date) -> int:
    return kpis.caseloads(today=day, soon=day)[1].children


def alerts() -> list[date]:
    return list(Notification.objects.filter(kind=Notification.Kind.UNALLOCATED).values_list("deadline", flat=True))


def test_a_child_who_left_care_today_is_not_without_an_iro(iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    episode_end(actor=None, episode=child.episodes.get(), end_on=LEFT_ON, reason_ceased="E4A")
    for day in (date(2014, 5, 5), LEFT_ON, date(2014, 5, 7)):
        assert unallocated(day) == 0, day
        reminders.alert_unallocated_children(today=day)
    # The child had an IRO throughout: no alert about an allocation due in March.
    assert alerts() == []
    # The day before they left they were on their IRO's caseload.
    mine = {c.iro.pk: c.children for c in kpis.caseloads(today=date(2014, 5, 5), soon=date(2014, 5, 5))[0]}
    assert mine[iro.pk] == 1
    assert mine_on(iro, LEFT_ON) == 0


def mine_on(iro, day) -> int:
    return {c.iro.pk: c.children for c in kpis.caseloads(today=day, soon=day)[0]}[iro.pk]


def test_a_child_back_in_care_needs_an_iro_again_from_the_new_period(iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    episode_end(actor=None, episode=child.episodes.get(), end_on=LEFT_ON, reason_ceased="E4A")
    back = date(2014, 6, 2)  # Monday: an IRO is due within 5 working days, by Monday 9 June
    episode_start(
        actor=None,
        child=child,
        start_on=back,
        reason_new="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        urn="SC100001",
    )
    assert unallocated(back) == 1
    reminders.alert_unallocated_children(today=date(2014, 6, 9))
    assert alerts() == []
    reminders.alert_unallocated_children(today=date(2014, 6, 10))
    assert alerts() == [date(2014, 6, 9)]  # from the re-entry, not from the first period in March
    allocation_change(
        actor=None, child=child, iro=iro, start_on=date(2014, 6, 10), reason="new_to_care", today=date(2014, 6, 10)
    )
    assert unallocated(date(2014, 6, 10)) == 0


def test_a_same_day_change_of_episode_or_of_iro_keeps_the_child_allocated(iro, other_iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    # A placement change (X1): the period of care goes on, and so does the allocation.
    episode_start(
        actor=None,
        child=child,
        start_on=LEFT_ON,
        reason_new="P",
        legal_status="C2",
        category_of_need="N1",
        placement="U5",
        placement_provider="PR1",
        urn="SC100001",
        reason_place_change="CARPL",
    )
    allocation_change(actor=None, child=child, iro=other_iro, start_on=LEFT_ON, reason="caseload", today=LEFT_ON)
    assert unallocated(LEFT_ON) == 0
    assert mine_on(other_iro, LEFT_ON) == 1 and mine_on(iro, LEFT_ON) == 0
    reminders.alert_unallocated_children(today=date(2014, 5, 20))
    assert alerts() == []
