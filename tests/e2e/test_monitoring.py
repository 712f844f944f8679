"""An IRO's work between reviews in the browser: a case note and the midway check recorded, the
timeline of the IRO's involvement on the child's record; axe finds nothing on any of the pages."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from reviews.services import review_record
from tests.factories import make_child

from .conftest import assert_accessible, sign_in, url


def test_an_iro_records_a_case_note_and_the_midway_check(page, live_server, iro, qa_manager):
    today = timezone.localdate()
    child = make_child(iro=iro, looked_after_from=today - timedelta(days=130), first_name="Maya", last_name="Stone")
    review_record(actor=iro, child=child, held_on=today - timedelta(days=105), chair=iro, participation="PN1")
    sign_in(page, live_server, iro)
    page.goto(url(live_server, "children:detail", child.public_id))
    expect(page.locator("[data-midway]")).to_contain_text("Not done")
    assert_accessible(page)

    page.get_by_role("button", name="Record a case note").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a case note")
    page.get_by_role("button", name="Save case note").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
    page.get_by_label("Carer").check()
    page.get_by_label("Phone call").check()
    page.get_by_label("Summary").fill("Settled; school going well.")
    page.get_by_role("button", name="Save case note").click()
    # Back on the record's history, whose timeline shows the note.
    expect(page).to_have_url(url(live_server, "children:history", child.public_id))
    expect(page.locator("[data-event='case_note']")).to_contain_text("Settled; school going well.")

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Record the midway check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the midway check")
    assert_accessible(page)
    page.get_by_label("Yes, all of them").check()
    page.get_by_role("group", name="Do the concerns need escalating?").get_by_label("No").check()
    page.get_by_role("button", name="Save midway check").click()
    expect(page.locator("[data-midway]")).to_contain_text("Done")
    page.get_by_role("link", name="Reviews and history").click()
    expect(page.locator("[data-event]")).to_have_count(4)  # allocated, review, case note, midway check
    assert_accessible(page)

    # The QA manager's view of the page offers the whole record as a download.
    page.context.clear_cookies()
    sign_in(page, live_server, qa_manager)
    page.goto(url(live_server, "children:history", child.public_id))
    expect(page.locator("[data-child-record] a")).to_have_count(2)
    assert_accessible(page)
