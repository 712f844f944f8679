"""A short-break child's page and the form that records an agreement date, in the browser: each
arrangement with its breaks, the error summary, axe-core (WCAG 2.2 AA)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from children.services import episode_end, episode_start
from tests.factories import make_child

from .conftest import assert_accessible, sign_in, url


@pytest.fixture
def short_break_child(iro):
    child = make_child(
        iro=iro, looked_after_from=date(2024, 1, 10), legal_status="V3", placement="K2", first_name="Ravi"
    )
    episode_end(actor=None, episode=child.episodes.get(), end_on=date(2024, 1, 12), reason_ceased="E4A")
    second = episode_start(
        actor=None,
        child=child,
        start_on=date(2024, 2, 20),
        reason_new="S",
        legal_status="V3",
        category_of_need="N1",
        placement="K2",
        placement_provider="PR1",
    )
    episode_end(actor=None, episode=second, end_on=date(2024, 2, 22), reason_ceased="E4A")
    return child


def test_the_qa_manager_records_that_the_short_break_agreement_ended(page, live_server, qa_manager, short_break_child):
    sign_in(page, live_server, qa_manager)
    page.goto(url(live_server, "children:about", short_break_child.public_id))
    card = page.locator("[data-short-break-arrangement]")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading", level=3)).to_have_text("Arrangement from 10 January 2024")
    expect(card.get_by_role("listitem")).to_have_text(["10/01/2024 to 12/01/2024", "20/02/2024 to 22/02/2024"])
    assert_accessible(page)

    page.get_by_role("button", name="Record a short-break agreement date").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a short-break agreement date")
    assert_accessible(page)
    page.get_by_role("button", name="Record the date").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)

    page.get_by_label("The agreement ended").check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Record the date").click()
    expect(page).to_have_url(url(live_server, "children:about", short_break_child.public_id))
    expect(card).to_contain_text("1 March 2024: The short-break agreement ended")
    expect(page.locator("[data-short-break-agreements]")).to_contain_text("The agreement ended on 1 March 2024")
    assert_accessible(page)
