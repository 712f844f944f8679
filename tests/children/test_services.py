"""Episodes and IRO allocations through the services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEntry
from children.services import allocation_change, episode_end, episode_start

from ..factories import UserFactory, make_child

pytestmark = pytest.mark.django_db
TODAY = date(2014, 12, 1)
EPISODE = {"legal_status": "C2", "category_of_need": "N1", "placement": "U4", "placement_provider": "PR1"}


def test_a_placement_change_continues_the_period_of_care(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    episode_start(
        actor=None, child=child, start_on=date(2014, 5, 1), reason_new="P", reason_place_change="CARPL", **EPISODE
    )
    first, second = child.episodes.all()
    # Why the placement changed belongs to the episode it ended (DfE rules 225 and 233).
    assert (first.end_on, first.reason_ceased, first.reason_place_change) == (date(2014, 5, 1), "X1", "CARPL")
    assert (second.end_on, second.reason_place_change) == (None, "")
    # Still the first period: its review clock did not restart.
    assert child.reviews.get(held_on__isnull=True).due_on == date(2014, 3, 31)


@pytest.mark.parametrize(
    ("start_on", "reason_new", "field", "message"),
    [
        (date(2014, 5, 1), "S", "reason_new", "The child is already looked after"),
        (
            date(2014, 3, 3),
            "P",
            "start_on",
            "The new episode must start after the latest one, which began on 03/03/2014",
        ),
    ],
)
def test_episodes_out_of_order_are_refused(iro, start_on, reason_new, field, message):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    with pytest.raises(ValidationError) as caught:
        episode_start(actor=None, child=child, start_on=start_on, reason_new=reason_new, **EPISODE)
    assert caught.value.message_dict[field][0].startswith(message)
    assert child.episodes.count() == 1


@pytest.mark.parametrize(
    ("reason_new", "placement", "reason", "message"),
    [
        ("P", "U6", "", "The placement changed on 01/05/2014 (RNE P): give the reason (DfE rule 225)."),
        (
            "L",
            "U4",
            "CARPL",
            "A reason for placement change is given only when the placement changes (RNE P, B, T or U), not with "
            "RNE L.",
        ),
    ],
)
def test_the_reason_for_a_placement_change_is_required_exactly_when_the_placement_changes(
    iro, reason_new, placement, reason, message
):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    with pytest.raises(ValidationError) as caught:
        episode_start(
            actor=None,
            child=child,
            start_on=date(2014, 5, 1),
            reason_new=reason_new,
            reason_place_change=reason,
            **{**EPISODE, "placement": placement},
        )
    assert caught.value.message_dict["reason_place_change"] == [message]
    assert child.episodes.get().end_on is None, "nothing changed"


def test_a_placement_provider_is_required_except_for_temporary_placements(iro):
    child = make_child(iro=iro, looked_after_from=None)
    with pytest.raises(ValidationError) as caught:
        episode_start(
            actor=None, child=child, start_on=date(2014, 3, 3), reason_new="S", **{**EPISODE, "placement_provider": ""}
        )
    assert "DfE rule 178" in caught.value.message_dict["placement_provider"][0]
    with pytest.raises(ValidationError):
        episode_start(
            actor=None, child=child, start_on=date(2014, 3, 3), reason_new="S", **{**EPISODE, "placement": "T1"}
        )
    assert not child.episodes.exists()


def test_x1_is_not_a_way_to_end_care(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    with pytest.raises(ValidationError):
        episode_end(actor=None, episode=child.episodes.get(), end_on=date(2014, 4, 1), reason_ceased="X1")


def test_changing_the_iro_keeps_the_history(iro, other_iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    allocation_change(
        actor=qa_manager, child=child, iro=other_iro, start_on=date(2014, 6, 1), reason="caseload", today=TODAY
    )
    history = list(child.allocations.values_list("iro", "start_on", "end_on", "reason"))
    assert history == [
        (iro.pk, date(2014, 3, 3), date(2014, 6, 1), "new_to_care"),
        (other_iro.pk, date(2014, 6, 1), None, "caseload"),
    ]
    entry = AuditEntry.objects.get(action="iro_allocated", actor=qa_manager)
    assert entry.detail == {"previous_iro": iro.pk, "iro": other_iro.pk, "reason": "caseload"}


@pytest.mark.parametrize(
    ("who", "start_on", "field", "message"),
    [
        ("same", date(2014, 6, 1), "iro", "is already this child's IRO"),
        ("qa", date(2014, 6, 1), "iro", "Choose an active IRO."),
        ("other", date(2014, 3, 1), "start_on", "The new IRO cannot start before the current one did (03/03/2014)."),
        ("other", date(2015, 6, 1), "start_on", "The handover date must be within 180 days of today."),
    ],
)
def test_bad_allocations_are_refused(iro, other_iro, qa_manager, who, start_on, field, message):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    new = {"same": iro, "qa": qa_manager, "other": other_iro}[who]
    with pytest.raises(ValidationError) as caught:
        allocation_change(actor=qa_manager, child=child, iro=new, start_on=start_on, reason="caseload", today=TODAY)
    assert message in caught.value.message_dict[field][0]
    assert child.allocations.get().iro == iro


def test_an_inactive_iro_cannot_be_allocated(iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError):
        allocation_change(
            actor=qa_manager, child=child, iro=gone, start_on=date(2014, 6, 1), reason="iro_left", today=TODAY
        )


def test_an_episode_takes_the_codes_of_the_years_it_is_in(iro):
    """H5 (semi-independent living) was a placement code until 2024-25: an episode of 2012 may have it,
    one open since 2024 may not, as each return whose year it overlaps must allow it."""
    child = make_child(iro=iro, looked_after_from=date(2012, 3, 3), date_of_birth=date(1996, 1, 1))
    h5 = {"legal_status": "C2", "category_of_need": "N1", "placement": "H5", "placement_provider": "PR4"}
    # An episode of the history that has ended is given with its end, and checked with its years' lists.
    episode_start(
        actor=None,
        child=child,
        start_on=date(2012, 5, 1),
        reason_new="P",
        reason_place_change="CARPL",
        end_on=date(2013, 1, 1),
        reason_ceased="X1",
        **h5,
    )
    episode_start(
        actor=None,
        child=child,
        start_on=date(2013, 1, 1),
        reason_new="P",
        reason_place_change="CHILD",
        end_on=date(2013, 6, 1),
        reason_ceased="E5",
        **{**h5, "placement": "U6"},
    )
    first, h5_episode, last = child.episodes.all()
    assert (h5_episode.placement, h5_episode.end_on, h5_episode.reason_ceased) == ("H5", date(2013, 1, 1), "X1")
    assert h5_episode.reason_place_change == "CHILD" and first.reason_place_change == "CARPL"
    assert last.end_on == date(2013, 6, 1)

    child = make_child(iro=iro, looked_after_from=date(2024, 3, 3), date_of_birth=date(2007, 1, 1))
    with pytest.raises(ValidationError) as caught:
        episode_start(
            actor=None, child=child, start_on=date(2024, 6, 1), reason_new="P", reason_place_change="CARPL", **h5
        )
    assert caught.value.message_dict["placement"][0].startswith("H5 is not a valid PLACE code in 2025-26")
    assert "H5 was used until 2024-25 (DfE rule 146)" in caught.value.message_dict["placement"][0]
    assert child.episodes.count() == 1
