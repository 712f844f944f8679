"""An IRO records a statutory review in the browser, from signing in to the next due date."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import make_child

from .conftest import assert_accessible, assert_error_summary_links_work, sign_in, url


def nine_years_old(today: date) -> date:
    # The last day of the month before this one, nine years ago: 9 whatever the day of the year
    # (no 29 February to trip on) and born long before the period of care began.
    return today.replace(year=today.year - 9, day=1) - timedelta(days=1)


@pytest.fixture
def child(iro):
    today = timezone.localdate()
    # Looked after for 10 days: the first review is due in 18, so a review held today is in time.
    return make_child(
        iro=iro, looked_after_from=today - timedelta(days=10), date_of_birth=nine_years_old(today), first_name="Maya"
    )


def fill_review(page, *, held_on: date, chair, participation: str) -> None:
    page.locator("#id_held_on_0").fill(str(held_on.day))
    page.locator("#id_held_on_1").fill(str(held_on.month))
    page.locator("#id_held_on_2").fill(str(held_on.year))
    page.get_by_label("IRO who chaired the review").select_option(label=str(chair))
    page.locator(f"input[name='participation'][value='{participation}']").check()


def test_an_iro_records_a_review_and_the_next_one_is_due_90_days_later(page, live_server, iro, child):
    today = timezone.localdate()
    assert child.age_on(today) == 9

    # Sign in through the sign-in page.
    page.goto(url(live_server, "login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
    sign_in(page, live_server, iro)

    # Home sends an IRO to their caseload.
    expect(page).to_have_url(url(live_server, "children:caseload"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    assert_accessible(page)

    page.get_by_role("link", name=child.full_name).click()
    expect(page).to_have_url(url(live_server, "children:detail", child.public_id))
    expect(page.get_by_role("heading", level=1)).to_have_text(child.full_name)
    first_due = today + timedelta(days=18)
    expect(page.locator("[data-next-due]")).to_contain_text(f"Due {first_due:%-d %B %Y}")
    assert_accessible(page)

    # The child's page leads to the record journey (tests/e2e/test_review_journey.py); the one-page
    # form stays for recording a review with none waiting, and is what this test walks.
    expect(page.get_by_role("button", name="Record a review")).to_be_visible()
    page.get_by_role("link", name="Reviews and history").click()
    expect(page.get_by_text("No reviews have been held yet.")).to_be_visible()
    page.goto(url(live_server, "reviews:record", child.public_id))
    expect(page).to_have_url(url(live_server, "reviews:record", child.public_id))
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a review")
    assert_accessible(page)

    fill_review(page, held_on=today, chair=iro, participation="PN1")
    page.get_by_role("button", name="Record review").click()

    # Back on the child's page, with the review saved and the next one due 90 days after it.
    expect(page).to_have_url(url(live_server, "children:detail", child.public_id))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(f"Review held on {today:%d/%m/%Y} recorded.")
    next_due = today + timedelta(days=90)
    expect(page.locator("[data-next-due]")).to_contain_text(f"Due {next_due:%-d %B %Y}")
    page.get_by_role("link", name="Reviews and history").click()
    held = page.get_by_role("table", name="Reviews held, newest first")
    expect(held.locator("tbody tr")).to_have_count(1)
    row = held.locator("tbody tr").first
    expect(row.locator("td").nth(0)).to_contain_text(f"{today:%d/%m/%Y}")
    expect(row.locator("td").nth(1)).to_contain_text(f"{first_due:%d/%m/%Y}")
    expect(row.locator("td").nth(2)).to_have_text("PN1")
    expect(row.locator("td").nth(3)).to_have_text(str(iro))
    assert_accessible(page)

    review = child.reviews.get(held_on=today)
    assert (review.participation, review.chair_id, review.sequence) == ("PN1", iro.pk, 1)
    assert child.reviews.get(held_on__isnull=True).due_on == next_due


def test_pn0_for_a_nine_year_old_is_refused_with_a_working_error_summary(page, live_server, iro, child):
    today = timezone.localdate()
    sign_in(page, live_server, iro)
    page.goto(url(live_server, "reviews:record", child.public_id))
    fill_review(page, held_on=today, chair=iro, participation="PN0")
    page.get_by_role("button", name="Record review").click()

    # The same page again, saying what is wrong: in the title, the error summary and beside the field.
    expect(page).to_have_url(url(live_server, "reviews:record", child.public_id))
    expect(page).to_have_title("Error: Record a review – IRO service")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("PN0 is only for a child under 4")
    expect(summary).not_to_contain_text("DfE rule")  # rule numbers are for the import's report
    expect(page.locator(".govuk-error-message")).to_contain_text("PN0 is only for a child under 4")
    # GOV.UK Frontend moves focus to the summary so that screen readers announce it.
    expect(summary).to_be_focused()
    # What was entered is kept.
    expect(page.locator("#id_held_on_0")).to_have_value(str(today.day))
    expect(page.locator("input[name='participation'][value='PN0']")).to_be_checked()
    assert_accessible(page)

    # One message, a link that puts the focus on the participation radios.
    expect(summary.locator("a")).to_have_count(1)
    assert_error_summary_links_work(page)

    assert not child.reviews.filter(held_on__isnull=False).exists()
    assert child.reviews.get(held_on__isnull=True).sequence == 1


def test_each_error_summary_link_of_the_review_form_moves_the_focus_to_its_field(page, live_server, iro, child):
    # Sent with nothing filled in (the chair, filled in for an IRO, emptied): a date, a select and radios.
    sign_in(page, live_server, iro)
    page.goto(url(live_server, "reviews:record", child.public_id))
    page.get_by_label("IRO who chaired the review").select_option(value="")
    page.get_by_role("button", name="Record review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.locator("a")).to_have_text(
        [
            "Enter the date the review was held, with a day, month and year",
            "Select the IRO who chaired the review",
            "Select how the child took part in the review",
        ]
    )
    assert_accessible(page)
    assert_error_summary_links_work(page)
    assert not child.reviews.filter(held_on__isnull=False).exists()
