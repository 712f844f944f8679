"""The child's IRO changes the child's name and details in a browser; the form and the page of the
child's record that shows them pass axe-core, and an error names the field."""

from datetime import date

from playwright.sync_api import expect

from tests.factories import make_child

from .conftest import assert_accessible, assert_error_summary_links_work, sign_in, url


def test_the_childs_iro_names_an_imported_child(page, live_server, iro):
    child = make_child(iro=iro, looked_after_from=date(2020, 3, 3), first_name="Child", last_name="SWK0042")
    sign_in(page, live_server, iro)
    page.goto(url(live_server, "children:detail", child.public_id))
    page.get_by_role("link", name="Details, people and care").click()
    page.get_by_role("link", name="Change the child’s details").click()
    expect(page).to_have_url(url(live_server, "children:details", child.public_id))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the child’s details")
    assert_accessible(page)

    page.get_by_label("First name").fill("")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the child's first name")
    assert_error_summary_links_work(page)
    assert_accessible(page)

    page.get_by_label("First name").fill("Amara")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Preferred name (optional)").fill("Mara")
    page.get_by_label("First language (optional)").fill("Igbo")
    page.get_by_label("The child needs an interpreter").check()
    page.get_by_role("button", name="Save details").click()
    expect(page).to_have_url(url(live_server, "children:about", child.public_id))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Amara Okafor’s details saved.")
    expect(page.locator(".govuk-summary-list")).to_contain_text(["Igbo: needs an interpreter"])
    assert_accessible(page)


def test_the_childs_iro_records_their_social_worker(page, live_server, iro):
    child = make_child(iro=iro, looked_after_from=date(2020, 3, 3))
    sign_in(page, live_server, iro)
    page.goto(url(live_server, "children:about", child.public_id))
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person around the child")
    assert_accessible(page)

    page.get_by_label("Social worker").check()
    page.get_by_label("Name", exact=True).fill("Sam Worker")
    page.get_by_label("Team or organisation (optional)").fill("North team")
    page.get_by_label("Email address (optional)").fill("sam@example")
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address in the correct format")
    assert_error_summary_links_work(page)
    assert_accessible(page)

    page.get_by_label("Email address (optional)").fill("sam@example.org")
    page.get_by_role("button", name="Add person").click()
    expect(page).to_have_url(url(live_server, "children:about", child.public_id))
    people = page.locator("[data-contacts]")
    expect(people).to_contain_text("Sam Worker, North team")
    expect(people.get_by_role("link", name="sam@example.org")).to_be_visible()
    assert_accessible(page)
