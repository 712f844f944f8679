"""A QA manager moves an IRO's whole caseload to two IROs from a handover date next week; the
IROs' access changes on that date (the service's `day` stands in for the calendar: the browser runs
on the real clock)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from children.selectors import children_visible_to
from tests.factories import IROFactory, make_child

from .conftest import assert_accessible, sign_in, url
from .test_review_journey import fill_date

pytestmark = pytest.mark.browser


def test_a_qa_manager_moves_a_whole_caseload_to_two_iros_from_a_later_date(
    page, live_server, iro, other_iro, qa_manager
):
    today = timezone.localdate()
    third = IROFactory(first_name="Cy", last_name="Moss")
    children = [make_child(iro=iro, looked_after_from=today - timedelta(days=60)) for _ in range(4)]
    make_child(iro=other_iro, looked_after_from=today - timedelta(days=60))
    handover = today + timedelta(days=7)

    sign_in(page, live_server, qa_manager)
    page.goto(url(live_server, "children:caseload") + f"?iro={iro.pk}")
    page.get_by_role("link", name=f"Move {iro}’s children to other IROs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Move {iro}’s children to other IROs")
    assert_accessible(page)
    for n, child in enumerate(children):
        receiving = other_iro if n % 2 else third
        page.locator(f"#id_move_{child.pk}").select_option(value=str(receiving.pk))
    fill_date(page, "start_on", handover)
    page.get_by_label("Handover note (optional)").fill("Ada has retired; introductions arranged.")
    page.get_by_role("button", name="Check the caseloads").click()

    rows = page.locator("[data-preview-row]")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(str(iro))
    expect(rows.nth(0).locator("[data-after]")).to_have_text("0")
    expect(page.locator("[data-preview-row]", has_text=str(other_iro)).locator("[data-after]")).to_have_text("3")
    expect(page.locator("[data-preview-row]", has_text=str(third)).locator("[data-after]")).to_have_text("2")
    assert_accessible(page)
    page.get_by_role("button", name="Move the children").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"4 of {iro}’s children move to their new IROs on {handover:%-d %B %Y}."
    )

    # Until the handover the IRO keeps the children; from it, the two new IROs have them.
    assert set(children_visible_to(iro, day=handover - timedelta(days=1))) == set(children)
    assert not set(children_visible_to(iro, day=handover)) & set(children)
    assert set(children_visible_to(other_iro, day=handover)) >= {children[1], children[3]}
    assert set(children_visible_to(third, day=handover)) == {children[0], children[2]}
    assert not set(children_visible_to(third, day=today))
    page.goto(url(live_server, "children:detail", children[0].public_id))
    expect(page.locator("[data-pending-handover]")).to_have_text(f"{third} takes over on {handover:%-d %B %Y}")
