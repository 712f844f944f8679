"""On a phone (390 px wide, and the narrowest, 320 px): an IRO walks their caseload, a child's page
and records a review, and a QA manager reads the dashboard; no page is wider than the screen (wide
tables scroll inside their own region) and axe finds nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import make_child

from .conftest import assert_accessible, sign_in, url
from .test_review_journey import continue_, fill_date, record_the_pages

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The elements past the right edge, outside the tables' own scrolling regions: named in a failure.
WIDER_THAN = """(w) => [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('.app-table-scroll') && e.getBoundingClientRect().right > w + 1)
    .slice(-3).map(e => e.tagName + '.' + e.className)"""


def assert_fits(page) -> None:
    """No sideways scrolling of the page at 390 px nor at 320 px, and axe is satisfied."""
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 844})
        page.wait_for_timeout(50)
        wide = page.evaluate("document.documentElement.scrollWidth")
        culprits = page.evaluate(WIDER_THAN, width)
        assert wide <= width, f"{page.url} is {wide} px wide at {width} px: {culprits}"
    page.set_viewport_size(PHONE)
    assert_accessible(page)


@pytest.fixture
def child(iro, other_iro):
    today = timezone.localdate()
    for n in range(3):
        make_child(iro=iro, looked_after_from=today - timedelta(days=100 + n), first_name=f"Maximilianne{n}")
    make_child(iro=other_iro, looked_after_from=today - timedelta(days=5))
    return make_child(
        iro=iro,
        looked_after_from=today - timedelta(days=40),
        date_of_birth=date(today.year - 11, 1, 1),
        first_name="Noor",
        last_name="Abdirahman-Featherstonehaugh",
    )


def test_an_iro_and_a_qa_manager_on_a_phone(page, live_server, iro, qa_manager, child):
    today = timezone.localdate()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, iro)
    page.goto(url(live_server, "children:caseload"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    assert_fits(page)

    page.get_by_role("link", name="Noor Abdirahman-Featherstonehaugh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Noor Abdirahman-Featherstonehaugh")
    assert_fits(page)

    page.get_by_role("button", name="Record a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The review")
    assert_fits(page)
    fill_date(page, "held_on", today)
    page.locator("input[name='participation'][value='PN1']").check()
    page.get_by_role("group", name="Did you see the child alone before the review?").get_by_label("Yes").check()
    page.get_by_label("Social worker unavailable").check()  # due 12 days ago
    continue_(page)
    record_the_pages(page, held_on=today, iro=iro)
    assert_fits(page)
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert_fits(page)
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"Review held on {today:%d/%m/%Y}")
    assert_fits(page)

    page.context.clear_cookies()  # signed out (on a phone, Sign out is inside the menu)
    sign_in(page, live_server, qa_manager)
    page.goto(url(live_server, "reports:dashboard"))
    assert_fits(page)
    page.goto(url(live_server, "children:caseload"))
    assert_fits(page)
