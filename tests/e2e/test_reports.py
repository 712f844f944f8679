"""The QA dashboard and the annual report in the browser, checked by axe-core (WCAG 2.2 AA): a QA
manager sees which IRO is over 70 children per FTE and which reviews will go overdue, and clicks
through to them; the report page for a past year, and the Director's read-only dashboard."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import StaffProfile
from reports.kpis import CollectionYear
from tests.factories import make_child
from tests.reports.conftest import build_authority

from .conftest import assert_accessible, sign_in, url


@pytest.fixture
def caseloads(iro, other_iro):
    today = timezone.localdate()
    # `other_iro` works 0.05 FTE and has 4 children: 80 per FTE, over the range.
    StaffProfile.objects.filter(user=other_iro).update(employment="sessional", fte=Decimal("0.05"))
    for _ in range(4):
        make_child(iro=other_iro, looked_after_from=today - timedelta(days=20), first_name="Zed")
    make_child(iro=iro, looked_after_from=today - timedelta(days=200), first_name="Olu")  # overdue
    make_child(iro=None, looked_after_from=today, first_name="Una")
    return today


def test_the_dashboard_leads_to_the_children_behind_each_figure(page, live_server, qa_manager, caseloads, other_iro):
    sign_in(page, live_server, qa_manager)
    page.get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(url(live_server, "reports:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Service overview")
    row = page.locator(f"tr[data-iro='{other_iro.pk}']")
    expect(row.locator("[data-kpi='per_fte']")).to_have_text("80.0")
    expect(row.get_by_text("Over 70")).to_be_visible()
    assert_accessible(page)

    # The four children due soon on the over-loaded IRO's caseload, one click away.
    row.get_by_role("link", name=f"reviews due soon: caseload of {other_iro.get_full_name()}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Caseload of {other_iro}")
    expect(page.locator("table.govuk-table tbody tr")).to_have_count(4)

    page.go_back()
    page.locator("[data-figure='overdue']").click()
    expect(page.locator("table.govuk-table tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="Olu Tester")).to_be_visible()


def test_the_directors_dashboard_is_read_only(page, live_server, director, caseloads):
    sign_in(page, live_server, director)
    expect(page).to_have_url(url(live_server, "reports:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Service overview")
    expect(page.locator("[data-figure='looked_after']")).to_have_text("6")
    expect(page.locator("main a[href*='/children/']")).to_have_count(0)
    assert_accessible(page)


def test_the_annual_report_page(page, live_server):
    authority = build_authority()
    last = CollectionYear.last_complete(timezone.localdate())
    sign_in(page, live_server, authority.qa)
    page.goto(url(live_server, "reports:dashboard"))
    page.get_by_role("link", name="Annual report to the Corporate Parenting Committee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Independent Reviewing Officer service: {last.label}")
    assert_accessible(page)

    page.get_by_label("Collection year").select_option(label="2013-14")
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Independent Reviewing Officer service: 2013-14")
    expect(page.locator("[data-figure='ni66']")).to_have_text("2 of 5")
    expect(page.locator("table[data-table='participation'] tfoot td").last).to_have_text("10")
    expect(page.get_by_role("img", name="Line chart of NI66 and C63 by year")).to_be_visible()
    assert_accessible(page)

    # The QA manager writes the introduction; it is kept with the report.
    page.get_by_role("link", name="Write the introduction").click()
    page.get_by_label("Introduction").fill("A year of steady work.")
    page.get_by_label("Service budget for 2013-14 (£)").fill("3100")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The annual report for 2013-14 has been saved.")).to_be_visible()
    expect(page.get_by_text("A year of steady work.")).to_be_visible()
    expect(page.locator("[data-figure='unit_cost']")).to_have_text("£310.00")


def test_each_iros_timeliness_from_the_dashboard_and_their_own(page, live_server, qa_manager, iro, caseloads):
    sign_in(page, live_server, qa_manager)
    page.goto(url(live_server, "reports:dashboard"))
    page.locator(f"tr[data-iro='{iro.pk}'] th a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Timeliness: {iro.get_full_name()}")
    expect(page.locator("[data-kpi='actions_open'] dd")).to_have_text("0")
    assert_accessible(page)


def test_an_iro_sees_their_own_timeliness(page, live_server, iro, caseloads):
    sign_in(page, live_server, iro)
    page.get_by_role("link", name="Your timeliness").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your timeliness")
    assert_accessible(page)


def test_a_sessional_iros_month_of_work(page, live_server, qa_manager, other_iro, caseloads):
    sign_in(page, live_server, qa_manager)
    page.goto(url(live_server, "reports:dashboard"))
    page.get_by_role("link", name="Sessional IROs' work for payment").click()
    page.get_by_label("Sessional IRO").select_option(str(other_iro.pk))
    page.get_by_label("Month").fill(f"{caseloads:%Y-%m}")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=2, name=f"{other_iro.get_full_name()}, {caseloads:%B %Y}")).to_be_visible()
    assert_accessible(page)
