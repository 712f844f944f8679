"""axe-core (WCAG 2.2 AA) on the QA manager's and the Director's pages, and the skip link by keyboard."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews import reminders
from tests.factories import make_child

from .conftest import assert_accessible, assert_error_summary_links_work, sign_in, url


@pytest.fixture
def children(iro, other_iro):
    today = timezone.localdate()
    return [
        make_child(iro=iro, looked_after_from=today - timedelta(days=365), first_name="Olu"),
        make_child(iro=iro, looked_after_from=today.replace(day=1), first_name="Tia"),
        make_child(iro=other_iro, looked_after_from=today, first_name="Zed"),
        make_child(iro=None, looked_after_from=today, first_name="Una"),
    ]


def test_all_caseloads_page(page, live_server, qa_manager, children, iro, other_iro):
    sign_in(page, live_server, qa_manager)
    expect(page).to_have_url(url(live_server, "children:caseload"))
    expect(page.get_by_role("heading", level=1)).to_have_text("All caseloads")
    rows = page.locator("table.govuk-table tbody tr")
    expect(rows).to_have_count(len(children))
    expect(page.get_by_role("cell", name=str(iro), exact=True)).to_have_count(2)
    expect(page.get_by_role("cell", name=str(other_iro), exact=True)).to_have_count(1)
    expect(page.get_by_role("cell", name="Not allocated", exact=True)).to_have_count(1)
    assert_accessible(page)

    # Filtered to one IRO and sorted by a column: the aria-sort and the filter form stay valid.
    page.get_by_label("IRO", exact=True).select_option(value=str(other_iro.pk))
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Caseload of {other_iro}")
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Name", exact=True).click()
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "ascending")
    assert_accessible(page)


def test_a_large_services_caseloads_search_the_iros_by_name(
    page, live_server, qa_manager, children, iro, other_iro, monkeypatch
):
    from children import selectors

    monkeypatch.setattr(selectors, "IRO_CHOICES_LISTED", 1)
    sign_in(page, live_server, qa_manager)
    field = page.get_by_label("IRO", exact=True)
    field.fill("w")  # Ada Owen and Ben Lowe
    page.get_by_role("button", name="Apply filters").click()
    matches = page.locator("[data-iro-matches] a")
    expect(matches).to_have_text([str(iro), str(other_iro)])
    assert_accessible(page)
    matches.nth(1).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Caseload of {other_iro}")
    expect(page.locator("table.govuk-table tbody tr")).to_have_count(1)

    field.fill("Nobody")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("No active IRO’s name contains “Nobody”")
    assert_accessible(page)
    assert_error_summary_links_work(page)


def open_change_iro_form(page, live_server, qa_manager, child) -> None:
    sign_in(page, live_server, qa_manager)
    page.goto(url(live_server, "children:detail", child.public_id))
    page.get_by_role("link", name="Change IRO").click()
    expect(page).to_have_url(url(live_server, "children:allocate", child.public_id))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the child’s IRO")


def test_the_childs_record_is_three_pages_reached_by_its_sub_navigation(page, live_server, qa_manager, children):
    child = children[0]
    sign_in(page, live_server, qa_manager)
    page.goto(url(live_server, "children:detail", child.public_id))
    navigation = page.get_by_role("navigation", name="The child’s record")
    for label, name, heading in [
        ("Details, people and care", "children:about", "People around the child"),
        ("Reviews and history", "children:history", "Reviews held"),
        ("Overview", "children:detail", "Next review"),
    ]:
        navigation.get_by_role("link", name=label).click()
        expect(page).to_have_url(url(live_server, name, child.public_id))
        expect(page).to_have_title(f"{label}: child's record – IRO service")
        expect(navigation.locator("[aria-current=page]")).to_have_text(label)
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
        assert_accessible(page)


def test_change_iro_form(page, live_server, qa_manager, children):
    open_change_iro_form(page, live_server, qa_manager, children[0])
    assert_accessible(page)

    # Sent empty: the same form with its error summary and messages.
    page.get_by_role("button", name="Change IRO").click()
    expect(page).to_have_title("Error: Change the child’s IRO – IRO service")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
    expect(page.locator(".govuk-error-summary a")).to_have_text(
        [
            "Select the new IRO",
            "Enter the date the new IRO takes over, with a day, month and year",
            "Select why the IRO is changing",
        ]
    )


def test_change_iro_form_error_summary_links_move_the_focus_to_each_field(page, live_server, qa_manager, children):
    open_change_iro_form(page, live_server, qa_manager, children[0])
    page.get_by_role("button", name="Change IRO").click()
    expect(page.locator(".govuk-error-summary a")).to_have_count(3)
    assert_error_summary_links_work(page)


def test_directors_overview(page, live_server, director, children):
    sign_in(page, live_server, director)
    expect(page).to_have_url(url(live_server, "reports:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Service overview")
    expect(page.locator("[data-figure='looked_after']")).to_have_text(str(len(children)))
    expect(page.locator("[data-figure='unallocated']")).to_have_text("1")
    assert_accessible(page)


@pytest.mark.parametrize("signed_in", [False, True], ids=["sign-in page", "caseload"])
def test_the_skip_link_is_the_first_tab_stop_and_moves_to_the_main_content(page, live_server, qa_manager, signed_in):
    if signed_in:
        sign_in(page, live_server, qa_manager)
        page.goto(url(live_server, "children:caseload"))
    else:
        page.goto(url(live_server, "login"))
    skip_link = page.get_by_role("link", name="Skip to main content")
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_attribute("href", "#main-content")
    expect(skip_link).to_be_in_viewport()  # visible once focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(page.url.split("#")[0] + "#main-content")
    expect(page.locator("main#main-content")).to_be_focused()
    # The next Tab continues from the main content, not from the top of the page.
    page.keyboard.press("Tab")
    in_main = page.evaluate("() => document.getElementById('main-content').contains(document.activeElement)")
    assert in_main, "Tab after the skip link did not land inside the main content"


def test_notifications_page_and_marking_one_done(page, live_server, iro, qa_manager):
    make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    reminders.alert_reviews_overdue(today=date(2014, 4, 1))
    sign_in(page, live_server, iro)
    page.get_by_role("link", name="Notifications (1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text("A review is overdue", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Nothing to do.")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert_accessible(page)
