"""An IRO prepares a review, records it page by page (signing out half way and coming back to the
draft), checks the answers, prints and sends it, then follows its actions at the next review.

The live server and the browser use the real clock, so every date counts back from today: the child
came into care 40 days ago, the first review (due 12 days ago) was held 14 days ago, in time, and
the second is held today, well before it is due."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import Review, ReviewAction
from tests.factories import make_child

from .conftest import assert_accessible, assert_error_summary_links_work, sign_in, url


@pytest.fixture
def child(iro):
    today = timezone.localdate()
    # Born 11 years and a month ago: the letter is written for an 8 to 12 year old.
    return make_child(
        iro=iro,
        looked_after_from=today - timedelta(days=40),
        date_of_birth=date(today.year - 11, 1, 1),
        first_name="Noor",
    )


def fill_date(page, name: str, day: date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def continue_(page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def record_the_pages(page, *, held_on: date, iro) -> None:
    """The pages after the first, with good answers."""
    expect(page.get_by_role("heading", level=1)).to_have_text("The child's wishes and feelings")
    assert_accessible(page)
    page.get_by_label("The child's wishes and feelings").fill("Wants to keep playing football on Saturdays.")
    page.get_by_label("Family time and contact").fill("Sees mum every other Sunday.")
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("The care plan and permanence")
    continue_(page)  # nothing filled in: every error on the page at once
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the care plan")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select permanence plan")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select does the plan meet the child's needs")
    assert_accessible(page)
    page.get_by_label("The care plan").fill("Stay with the current foster carers.")
    page.get_by_label("Long-term fostering").check()
    page.get_by_label("On track").check()
    page.get_by_role("group", name="Does the plan meet the child's needs?").get_by_label("Yes").check()
    page.get_by_label("Why").fill("Settled at home and at school.")
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Placement, health and education")
    expect(page.locator("[data-placements]")).to_have_text("1")
    assert_accessible(page)
    fill_date(page, "health_assessment_on", held_on - timedelta(days=20))
    page.get_by_role("group", name="Was the PEP reviewed at this review?").get_by_label("Yes").check()
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions and actions")


def add_action(page, what: str, due_on: date) -> None:
    page.get_by_label("What is to be done").fill(what)
    page.get_by_label("Who is responsible").select_option(label="Social worker")
    page.get_by_label("Their name").fill("Sam Jones")
    fill_date(page, "due_on", due_on)
    page.get_by_role("button", name="Add action").click()
    expect(page.locator("[data-actions-added]")).to_contain_text(what)


def test_a_review_is_prepared_recorded_from_a_draft_and_its_actions_followed_up(page, live_server, iro, child):
    today = timezone.localdate()
    first_held = today - timedelta(days=14)
    sign_in(page, live_server, iro)

    # Prepare the review: someone invited.
    page.goto(url(live_server, "children:detail", child.public_id))
    page.get_by_role("link", name="Prepare the review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prepare the review")
    assert_accessible(page)
    page.get_by_role("button", name="Add a person").click()
    page.get_by_label("Role").select_option(label="Parent")
    page.get_by_label("Name").fill("Pat Parent")
    page.get_by_label("Invited").check()
    page.get_by_label("Attended").check()
    page.get_by_role("button", name="Add person").click()
    expect(page.locator("[data-participants]")).to_contain_text("Pat Parent")
    assert_accessible(page)

    # Record it: the first page with every error at once, then good answers.
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The review")
    page.get_by_label("IRO who chaired the review").select_option(value="")
    continue_(page)
    summary = page.locator(".govuk-error-summary")
    for message in (
        "Enter the date the review was held",
        "Select the IRO who chaired",
        "Select how the child took part",
    ):
        expect(summary).to_contain_text(message)
    assert_accessible(page)
    assert_error_summary_links_work(page)
    fill_date(page, "held_on", first_held)
    page.get_by_label("IRO who chaired the review").select_option(label=str(iro))
    page.locator("input[name='participation'][value='PN1']").check()
    page.get_by_role("group", name="Did you see the child alone before the review?").get_by_label("Yes").check()
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("The child's wishes and feelings")

    # Sign out half way; the draft is still there afterwards, and the journey resumes where it was left.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, iro)
    page.goto(url(live_server, "children:detail", child.public_id))
    page.get_by_role("button", name="Continue the draft record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The child's wishes and feelings")
    page.get_by_role("link", name="Back").click()
    expect(page.locator("#id_held_on_0")).to_have_value(str(first_held.day))
    page.go_back()
    record_the_pages(page, held_on=first_held, iro=iro)

    add_action(page, "Arrange a dental check", today - timedelta(days=5))
    add_action(page, "Apply for a passport", today + timedelta(days=60))
    assert_accessible(page)
    page.get_by_role("button", name="Continue to check your answers").click()

    # Check your answers, change one, and record.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text("Long-term fostering")).to_be_visible()
    expect(page.locator("[data-check-actions]")).to_contain_text("Arrange a dental check")
    assert_accessible(page)
    page.get_by_role("link", name="Change the child's wishes and feelings").click()
    page.get_by_label("The child's wishes and feelings").fill("Wants to keep playing football and see his brother.")
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text("see his brother")).to_be_visible()
    page.get_by_role("button", name="Record the review").click()

    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Review held on {first_held:%d/%m/%Y} recorded.")
    expect(page.locator("[data-open-actions]")).to_contain_text("Arrange a dental check")
    expect(page.locator("[data-open-actions]")).to_contain_text("Overdue")
    assert_accessible(page)

    # The review's page, from the record's history: printable without navigation or buttons; the
    # decisions marked sent.
    page.get_by_role("link", name="Reviews and history").click()
    page.get_by_role("link", name=f"View the review held on {first_held:%d/%m/%Y}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review held on {first_held:%-d %B %Y}")
    expect(page.locator("[data-decisions]")).to_contain_text("Apply for a passport")
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator("[data-documents]")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.get_by_role("heading", name="The care plan")).to_be_visible()
    page.emulate_media(media="screen")
    page.locator("[data-documents] a[href$='/documents/decisions/sent/']").click()
    fill_date(page, "sent_on", today)
    page.get_by_role("button", name="Mark as sent").click()
    expect(page.locator("[data-documents]")).to_contain_text(f"{today:%-d %B %Y}")
    # The letter, fetched as the signed-in browser would download it (no name in the file's name).
    letter = page.locator("[data-documents] a[href$='/documents/letter.pdf']").get_attribute("href")
    response = page.request.get(live_server.url + letter)
    assert response.ok and response.body().startswith(b"%PDF")
    assert response.headers["content-disposition"] == f'attachment; filename="review-{first_held:%Y-%m-%d}-letter.pdf"'
    assert Review.objects.get(held_on=first_held).decisions_sent_on == today

    # The next review starts with the open actions of the last.
    page.goto(url(live_server, "children:detail", child.public_id))
    page.get_by_role("button", name="Record a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions from earlier reviews")
    dental = page.get_by_role("group", name="What became of: Arrange a dental check")
    passport = page.get_by_role("group", name="What became of: Apply for a passport")
    assert_accessible(page)
    dental.get_by_label("Done", exact=True).check()
    passport.get_by_label("Open", exact=True).check()
    continue_(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the outcome of the action “Arrange a dental check”"
    )
    assert_accessible(page)
    page.get_by_label("Outcome of “Arrange a dental check”").fill("Seen by the dentist; next check in six months.")
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("The review")
    fill_date(page, "held_on", today)
    page.locator("input[name='participation'][value='PN1']").check()
    continue_(page)
    record_the_pages(page, held_on=today, iro=iro)
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(page.get_by_text("Done. Seen by the dentist")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Review held on {today:%d/%m/%Y} recorded."
    )
    expect(page.locator("[data-open-actions]")).to_contain_text("Apply for a passport")
    expect(page.locator("[data-open-actions]")).not_to_contain_text("Arrange a dental check")
    dental_action = ReviewAction.objects.get(what="Arrange a dental check")
    assert (dental_action.status, dental_action.outcome_on) == ("done", today)
