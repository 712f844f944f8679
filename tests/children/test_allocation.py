"""Allocating an IRO or changing the child's IRO: the page's wording by case, each IRO's caseload
beside their name, and a handover dated later that changes access on its date."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from children.selectors import allocated_on, children_visible_to
from children.services import allocation_change, episode_end
from tests.factories import StaffProfileFactory, login, make_child

pytestmark = pytest.mark.django_db


def date_fields(name: str, day: date) -> dict[str, int]:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def test_the_page_is_worded_for_a_child_without_an_iro_and_shows_each_iros_caseload(
    client, iro, other_iro, qa_manager, today
):
    other_iro.staff_profile.fte = "0.5"
    other_iro.staff_profile.save()
    for _ in range(2):
        make_child(iro=other_iro, looked_after_from=today)
    child = make_child(iro=None, looked_after_from=today, first_name="Alfie", last_name="Jackson")
    url = reverse("children:allocate", args=[child.public_id])
    page = login(client, qa_manager).get(url).content.decode()
    assert "Allocate an IRO" in page and "Change the child" not in page and "Allocate IRO" in page
    assert f"{iro} – 0 children, 0.0 per FTE" in page
    assert f"{other_iro} – 2 children, 4.0 per FTE" in page
    response = client.post(url, {"iro": iro.pk, "reason": "new_to_care", **date_fields("start_on", today)}, follow=True)
    assert f"{iro} is now Alfie Jackson’s IRO." in response.content.decode()
    page = client.get(url).content.decode()
    assert "Change the child’s IRO" in page and f"Their IRO now is {iro}." in page


def test_a_handover_dated_later_changes_access_on_its_date(client, iro, other_iro, qa_manager):
    today = date(2014, 6, 2)
    handover = today + timedelta(days=14)
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3), first_name="Alfie", last_name="Jackson")
    allocation_change(
        actor=qa_manager,
        child=child,
        iro=other_iro,
        start_on=handover,
        reason="iro_left",
        note="Ada retires",
        today=today,
    )
    for day, sees, does_not in (
        (today, iro, other_iro),
        (handover - timedelta(days=1), iro, other_iro),
        (handover, other_iro, iro),
    ):
        assert child in children_visible_to(sees, day=day) and child not in children_visible_to(does_not, day=day)
    # Planning again replaces the planned handover; leaving care drops it.
    third = StaffProfileFactory(user__role="iro").user
    allocation_change(actor=qa_manager, child=child, iro=third, start_on=handover, reason="iro_left", today=today)
    assert list(child.allocations.values_list("iro", "end_on")) == [(iro.pk, handover), (third.pk, None)]
    episode_end(actor=None, episode=child.episodes.get(), end_on=today + timedelta(days=3), reason_ceased="E4A")
    assert list(child.allocations.values_list("iro", "end_on")) == [(iro.pk, today + timedelta(days=3))]


def test_the_success_message_names_the_child_and_the_handover_date(client, iro, other_iro, qa_manager, today):
    child = make_child(iro=iro, looked_after_from=today - timedelta(days=30), first_name="Zoë", last_name="Éclair")
    later = today + timedelta(days=10)
    login(client, qa_manager)
    url = reverse("children:allocate", args=[child.public_id])
    response = client.post(
        url, {"iro": other_iro.pk, "reason": "caseload", **date_fields("start_on", later)}, follow=True
    )
    page = response.content.decode()
    assert f"{other_iro} takes over as Zoë Éclair’s IRO on {later:%-d %B %Y}." in page
    assert "data-pending-handover" in page and child.la_child_id not in page.split("govuk-notification-banner")[1]
    assert child in children_visible_to(iro) and child not in children_visible_to(other_iro)


def test_an_allocation_read_is_in_force_on_the_days_the_query_finds_it(iro, other_iro, qa_manager):
    """IROAllocation.in_force_on (the child's page) and selectors.allocated_on (every query) agree on
    every day around a handover: the old IRO's last day is the day before it, the new IRO's first is
    its date."""
    child = make_child(iro=iro, looked_after_from=date(2014, 1, 6))
    allocation_change(actor=qa_manager, child=child, iro=other_iro, start_on=date(2014, 3, 3), reason="caseload")
    allocations = list(child.allocations.all())
    assert len(allocations) == 2
    for day in (date(2014, 1, 5) + timedelta(days=n) for n in range(70)):
        found = set(child.allocations.filter(allocated_on(day)).values_list("pk", flat=True))
        assert {a.pk for a in allocations if a.in_force_on(day)} == found, day
