"""The child's voice before the review, in the browser: the IRO asks a child and a carer by a link;
the child answers on a phone-sized screen over two visits and sends; the carer's link is revoked and
shows the plain page; the IRO sees the child's answers while recording, with PN6 suggested.

The live server and the browser use the real clock, so dates count from today: the child came into
care 10 days ago, so the first review is due 18 days from now. The worker that sends the outbox is
not running here: the test sends it, as the worker would."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from consultations.services import consultation_emails_send_pending, consultation_send
from tests.factories import make_child

from .conftest import assert_accessible, assert_error_summary_links_work, sign_in, url

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}


@pytest.fixture
def child(iro):
    today = timezone.localdate()
    return make_child(
        iro=iro,
        looked_after_from=today - timedelta(days=10),
        date_of_birth=date(today.year - 10, 1, 1),
        first_name="Maya",
        last_name="Quartermain",
    )


def _new_page(browser, viewport, *, expect_not_found: bool = False):
    """A page in a browser of its own (no session shared with the IRO's), recording the problems the
    browser reports as the `page` fixture does: the not-found answer of a dead link excepted."""
    page = browser.new_context(viewport=viewport).new_page()
    page.browser_problems = []
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not (expect_not_found and "404" in m.text)
            and page.browser_problems.append(f"console error: {m.text}")
        ),
    )
    page.on("pageerror", lambda error: page.browser_problems.append(f"uncaught exception: {error}"))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not (expect_not_found and r.status == 404)
            and page.browser_problems.append(f"HTTP {r.status}: {r.url}")
        ),
    )
    return page


def _ask(page, review, *, who: str, name: str, email: str) -> None:
    page.get_by_role("button", name="Ask for views by a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for views before the review")
    page.get_by_label(who).check()
    page.get_by_label("Their name").fill(name)
    page.get_by_label("Their email address").fill(email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Link sent to {name}.")


def _link(live_server, to: str) -> str:
    message = next(m for m in mail.outbox if m.to == [to])
    return live_server.url + re.search(r"(/have-your-say/link/[^/\s]+/)", message.body).group(1)


def test_a_child_gives_their_views_on_a_phone_and_the_iro_sees_them(page, live_server, browser, iro, child):
    review = child.reviews.get(held_on__isnull=True)
    sign_in(page, live_server, iro)
    page.goto(url(live_server, "reviews:prepare", review.public_id))
    page.get_by_role("button", name="Ask for views by a link").click()
    page.get_by_role("button", name="Send the link").click()  # nothing chosen: every error at once
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who you are asking")
    assert_error_summary_links_work(page)
    assert_accessible(page)
    page.goto(url(live_server, "reviews:prepare", review.public_id))
    _ask(page, review, who="The child", name="Maya", email="maya@example.org")
    _ask(page, review, who="A carer", name="Pat Carer", email="pat@example.org")
    assert_accessible(page)
    assert consultation_emails_send_pending() == 2
    child_link, carer_link = _link(live_server, "maya@example.org"), _link(live_server, "pat@example.org")

    # First visit, on a phone: two answers, then the child stops.
    visit = _new_page(browser, PHONE)
    visit.goto(child_link)
    expect(visit.get_by_role("heading", level=1)).to_have_text("Hello Maya")
    assert "Quartermain" not in visit.content()
    assert_accessible(visit)
    visit.get_by_role("button", name="Start").click()
    expect(visit.get_by_role("heading", level=1)).to_have_text("What is going well for you?")
    assert_accessible(visit)
    visit.get_by_label("What is going well for you?").fill("I got into the football team")
    visit.get_by_role("button", name="Save and continue").click()
    visit.get_by_label("Is anything worrying you?").fill("Moving school")
    visit.get_by_role("button", name="Save and continue").click()
    visit.context.close()

    # Second visit, the same link: the answers are there; the rest, then send.
    visit = _new_page(browser, PHONE)
    visit.goto(child_link)
    visit.get_by_role("button", name="Start").click()
    expect(visit.get_by_label("What is going well for you?")).to_have_value("I got into the football team")
    for _ in range(4):  # on to the fifth question
        visit.get_by_role("button", name="Save and continue").click()
    expect(visit.get_by_role("heading", level=1)).to_have_text("Is there anything you want only your IRO to know?")
    visit.get_by_label("Is there anything you want only your IRO to know?").fill("I miss my brother")
    visit.get_by_role("button", name="Save and continue").click()
    expect(
        visit.get_by_role("group", name="Would you like to talk to your IRO on your own before the review?")
    ).to_be_visible()
    assert_accessible(visit)
    visit.get_by_label("Yes").check()
    visit.get_by_role("button", name="Save and continue").click()
    visit.get_by_label("Yes").check()
    visit.get_by_role("button", name="Save and check your answers").click()
    expect(visit.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(visit.locator(".govuk-summary-list")).to_contain_text("Moving school")
    assert_accessible(visit)
    visit.set_viewport_size(NARROW)
    assert_accessible(visit)
    visit.get_by_role("button", name="Send my answers").click()
    expect(visit.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(visit)
    visit.goto(child_link)  # the link now shows only the thank-you page
    expect(visit.get_by_role("heading", level=1)).to_have_text("Thank you")
    visit.context.close()

    # The IRO revokes the carer's link; it shows the plain page.
    page.goto(url(live_server, "reviews:prepare", review.public_id))
    expect(page.locator("[data-consultations]")).to_contain_text("Answered")
    page.get_by_role("button", name="Revoke the link sent to Pat Carer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The link sent to Pat Carer no longer works.")
    visit = _new_page(browser, NARROW, expect_not_found=True)
    visit.goto(carer_link)
    expect(visit.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert "Maya" not in visit.content()
    assert_accessible(visit)
    visit.context.close()

    # While recording, the IRO sees what the child said, and PN6 suggested.
    page.goto(url(live_server, "reviews:journey", review.public_id, "the-review"))
    expect(page.locator("[data-pn6-suggested]")).to_contain_text("PN6")
    page.get_by_text("Views given before the review").click()
    expect(page.locator("[data-views-text]").first).to_contain_text("I got into the football team")
    expect(page.locator(".govuk-details__text")).to_contain_text("Only for the IRO")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [NARROW, {"width": 1280, "height": 900}], ids=["320px", "desktop"])
def test_the_pictures_for_a_young_child_and_the_parents_form_pass_axe(browser, live_server, iro, viewport):
    today = timezone.localdate()
    young = make_child(iro=iro, looked_after_from=today - timedelta(days=10), date_of_birth=date(today.year - 6, 1, 1))
    review = young.reviews.get(held_on__isnull=True)
    for respondent, email in (("child", "young@example.org"), ("parent", "parent@example.org")):
        consultation_send(actor=iro, review=review, respondent=respondent, name="Someone", email=email)
    consultation_emails_send_pending()

    visit = _new_page(browser, viewport)
    visit.goto(_link(live_server, "young@example.org"))
    visit.get_by_role("button", name="Start").click()
    group = visit.get_by_role("group", name="How do you feel about where you live?")
    expect(group.get_by_role("radio")).to_have_count(3)
    group.get_by_label("Happy").check()
    assert_accessible(visit)
    visit.get_by_role("button", name="Save and continue").click()
    expect(visit.get_by_role("heading", level=1)).to_have_text("How do you feel about school or nursery?")
    visit.context.close()

    visit = _new_page(browser, viewport)
    visit.goto(_link(live_server, "parent@example.org"))
    expect(visit.get_by_role("heading", level=1)).to_have_text("Your views before the review")
    assert_accessible(visit)
    visit.get_by_role("button", name="Start").click()
    expect(visit.get_by_role("heading", level=1)).to_have_text("What is going well for your child?")
    assert_accessible(visit)
    visit.context.close()
