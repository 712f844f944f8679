"""The dashboard, the lists behind its figures and the annual report pages: who may see them, what
they show, and what they cost in queries."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, StaffProfile
from escalations.services import escalation_raise
from reports.models import ReportNarrative, ServiceBudget
from reviews.services import review_record
from tests.factories import IROFactory, login, make_child

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


def figures(page: str, attr: str = "data-kpi") -> dict[str, str]:
    return dict(re.findall(rf'{attr}="(\w+)">([\d.,%–]+)<', page))


def row_of(page: str, iro) -> str:
    match = re.search(rf'<tr class="govuk-table__row[^"]*" data-iro="{iro.pk}".*?</tr>', page, re.S)
    assert match, f"no row for {iro}"
    return match.group(0)


# --- Access -----------------------------------------------------------------------------------------

READ_ONLY = ["reports:dashboard", "reports:annual"]
QA_ONLY = ["reports:figures", "reports:annual_edit"]


@pytest.fixture
def report_urls():
    year = "?year=2026"
    return {
        "reports:dashboard": reverse("reports:dashboard"),
        "reports:annual": reverse("reports:annual") + year,
        "reports:annual_download": reverse("reports:annual_download") + year + "&format=json",
        "reports:figures": reverse("reports:figures") + "?figure=held",
        "reports:annual_edit": reverse("reports:annual_edit") + year,
    }


@pytest.mark.slow
def test_qa_managers_see_every_report_page(client, qa_manager, report_urls):
    login(client, qa_manager)
    for name, url in report_urls.items():
        assert client.get(url).status_code == 200, name


def test_the_director_reads_the_dashboard_and_the_report_but_changes_nothing(client, director, report_urls):
    login(client, director)
    for name in ("reports:dashboard", "reports:annual", "reports:annual_download"):
        assert client.get(report_urls[name]).status_code == 200, name
    for name in QA_ONLY:
        assert client.get(report_urls[name]).status_code == 403, name
    assert client.post(report_urls["reports:annual_edit"], {"budget": "1"}).status_code == 403
    assert not ServiceBudget.objects.exists()


def test_iros_are_refused_every_report_page(client, iro, report_urls):
    login(client, iro)
    for name, url in report_urls.items():
        assert client.get(url).status_code == 403, name


def test_anonymous_visitors_are_sent_to_sign_in(client, report_urls):
    for name, url in report_urls.items():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name


def test_the_dashboard_is_in_the_navigation_of_qa_managers_and_the_director(client, qa_manager, director, iro):
    dashboard = f'href="{reverse("reports:dashboard")}"'
    assert dashboard in login(client, qa_manager).get(reverse("children:caseload")).content.decode()
    assert dashboard in login(client, director).get(reverse("home"), follow=True).content.decode()
    assert dashboard not in login(client, iro).get(reverse("children:caseload")).content.decode()


def test_years_that_have_no_report_are_not_found(client, qa_manager, today):
    login(client, qa_manager)
    this_year = today.year + (1 if today.month >= 4 else 0)
    for year in ("abc", "1999", str(this_year + 1)):  # this year is under way: its report so far is shown
        assert client.get(reverse("reports:annual"), {"year": year}).status_code == 404, year
    assert client.get(reverse("reports:figures"), {"figure": "held", "year": this_year + 1}).status_code == 404
    assert client.get(reverse("reports:figures"), {"figure": "nonsense"}).status_code == 404
    download = reverse("reports:annual_download")
    assert client.get(download, {"year": this_year - 1, "format": "exe"}).status_code == 404
    assert client.get(download, {"year": this_year - 1, "format": "csv", "table": "nope"}).status_code == 404


# --- The dashboard ----------------------------------------------------------------------------------


@pytest.fixture
def caseloads(iro, other_iro, today):
    """`iro` (1.0 FTE) with 3 children, one overdue and one due soon; `other_iro` (0.04 FTE) with 3,
    that is 75 per FTE; one child with no IRO, overdue."""
    StaffProfile.objects.filter(user=other_iro).update(employment="sessional", fte=Decimal("0.04"))
    make_child(iro=iro, looked_after_from=today - timedelta(days=365))  # first review long overdue
    make_child(iro=iro, looked_after_from=today - timedelta(days=20))  # due in 8 days
    settled = make_child(iro=iro, looked_after_from=today - timedelta(days=60))
    # Due 32 days ago, held 35 days ago: the next is due in 55 days.
    review_record(actor=iro, child=settled, held_on=today - timedelta(days=35), chair=iro, participation="PN1")
    for _ in range(3):
        make_child(iro=other_iro, looked_after_from=today)
    make_child(iro=None, looked_after_from=today - timedelta(days=100))
    return today


def test_the_dashboard_shows_each_caseload_against_the_handbook_range(client, qa_manager, caseloads, iro, other_iro):
    page = login(client, qa_manager).get(reverse("reports:dashboard")).content.decode()
    assert figures(page, "data-figure") == {"looked_after": "7", "overdue": "2", "due_soon": "4", "unallocated": "1"}

    mine = row_of(page, iro)
    assert figures(mine) == {"children": "3", "per_fte": "3.0", "overdue": "1", "due_soon": "1"}
    assert 'data-band="under"' in mine and "Under 50" in mine
    theirs = row_of(page, other_iro)
    assert figures(theirs) == {"children": "3", "per_fte": "75.0", "overdue": "0", "due_soon": "3"}
    assert 'data-band="over"' in theirs and "Over 70" in theirs and "app-row--over" in theirs

    # Each number links to the caseload page filtered to the children behind it.
    caseload = reverse("children:caseload")
    assert f'href="{caseload}?iro={other_iro.pk}"' in theirs
    assert f'href="{caseload}?iro={iro.pk}&amp;status=overdue"' in mine
    assert f'href="{caseload}?iro={iro.pk}&amp;status=due_soon"' in mine
    assert f'href="{caseload}?iro=none"' in page and f'href="{caseload}?status=overdue"' in page


def test_the_caseload_links_lead_to_the_same_children(client, qa_manager, caseloads, iro):
    login(client, qa_manager)
    listed = client.get(reverse("children:caseload"), {"iro": iro.pk, "status": "overdue"}).content.decode()
    assert 'data-count="overdue">1<' in listed
    listed = client.get(reverse("children:caseload"), {"iro": "none"}).content.decode()
    assert 'data-count="total">1<' in listed


# On a fixed day: on 1 April the year to date is that one day, with no yesterday for a review to be due on.
@time_machine.travel(datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Europe/London")), tick=True)
def test_the_year_to_date(client, qa_manager, iro):
    today = timezone.localdate()
    # One child whose first review, due yesterday, is held today (late: IRO sickness): the year to
    # date has one review held, late, PN5; NI66 0 of 1; C63 1 of 1.
    child = make_child(iro=iro, looked_after_from=today - timedelta(days=29), date_of_birth=date(2010, 1, 1))
    review_record(actor=iro, child=child, held_on=today, chair=iro, participation="PN5", late_reason="iro")
    escalation_raise(
        actor=iro, child=child, raised_on=today - timedelta(days=30), theme="safety", summary="A concern", sent_to="TM"
    )
    page = login(client, qa_manager).get(reverse("reports:dashboard")).content.decode()
    shown = figures(page)
    assert shown["reviews_held"] == "1" and shown["late_reviews"] == "1" and shown["late_iro"] == "1"
    assert shown["PN5"] == "1" and shown["participation_total"] == "1"
    assert shown["ni66_percent"] == "0.0%" and shown["ni66_denominator"] == "1"
    assert shown["c63_percent"] == "100.0%" and shown["c63_denominator"] == "1"
    assert shown["escalations_open"] == "1" and shown["escalations_overdue"] == "1"
    year = today.year + 1 if today.month >= 4 else today.year
    figures_url = reverse("reports:figures")
    assert f'href="{figures_url}?year={year}&amp;figure=late&amp;reason=iro"' in page
    assert f'href="{figures_url}?year={year}&amp;figure=held&amp;code=PN5"' in page
    assert f'href="{reverse("escalations:list")}?status=overdue"' in page

    listed = client.get(figures_url, {"year": year, "figure": "late", "reason": "iro"}).content.decode()
    assert child.la_child_id in listed and "IRO error or sickness" in listed
    assert child.full_name in listed, "QA managers, who may see every child, see the name"
    listed = client.get(figures_url, {"year": year, "figure": "ni66_late"}).content.decode()
    assert child.la_child_id in listed
    listed = client.get(figures_url, {"year": year, "figure": "held", "code": "PN1"}).content.decode()
    assert child.la_child_id not in listed


def test_the_director_sees_the_figures_without_links_to_children(client, director, caseloads):
    page = login(client, director).get(reverse("reports:dashboard")).content.decode()
    assert figures(page, "data-figure") == {"looked_after": "7", "overdue": "2", "due_soon": "4", "unallocated": "1"}
    assert reverse("children:caseload") not in page and reverse("reports:figures") not in page
    assert "Tester" not in page  # the children's surname in the factory


@pytest.mark.slow
def test_the_dashboard_costs_the_same_queries_whatever_the_number_of_children(client, qa_manager, iro, other_iro):
    today = date(2026, 11, 30)
    login(client, qa_manager)
    url = reverse("reports:dashboard")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_child(iro=iro, looked_after_from=today - timedelta(days=40))
    few = queries()
    more_iros = [IROFactory() for _ in range(3)]
    for n in range(30):
        child_iro = [iro, other_iro, *more_iros][n % 5]
        child = make_child(iro=child_iro, looked_after_from=today - timedelta(days=40 + n))
        if n % 3 == 0:
            held_on = today - timedelta(days=n % 10)
            # The chair is the child's own IRO (the chair must be the IRO allocated on the day held).
            review_record(
                actor=child_iro,
                child=child,
                held_on=held_on,
                chair=child_iro,
                participation="PN1",
                late_reason="other",
                late_reason_detail="The family moved house",
            )
    assert queries() == few


# --- The annual report page and its narrative ----------------------------------------------------------


def test_the_annual_report_page(client, authority):
    page = login(client, authority.qa).get(reverse("reports:annual"), {"year": 2014}).content.decode()
    assert "Independent Reviewing Officer service: 2013-14" in page
    shown = dict(re.findall(r'data-figure="(\w+)">([^<]+)<', page))
    assert shown["reviews_held"] == "10" and shown["ni66"] == "2 of 5" and shown["c63"] == "2 of 3"
    assert shown["late_reviews"] == "2" and shown["missing_episodes"] == "3" and shown["escalations"] == "3"
    assert shown["unit_cost"] == "£300.00"
    assert "2010-11" in page and "40.0%" in page and "66.7%" in page
    assert page.count('<img src="data:image/png;base64,') == 2
    text = re.sub(r"data:image/png;base64,[^\"]+", "", page)
    for la_child_id in authority.children:
        assert la_child_id not in text
    assert not re.search(r"Child\d", page)  # the factory's first names
    assert "The introduction has not been written yet." in page


def test_a_qa_manager_writes_the_narrative_and_the_budget(client, authority):
    login(client, authority.qa)
    url = reverse("reports:annual_edit") + "?year=2015"
    assert "Annual report 2014-15: budget and narrative" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "budget": "4400.50",
            "introduction": "This report covers the year.\n\nA second paragraph.",
            "priorities": "- Reduce delay in permanence\n- Hear every child",
            "summary": "",
        },
    )
    assert response.status_code == 302 and response.url == reverse("reports:annual") + "?year=2015"
    assert ServiceBudget.objects.get(year=2015).amount == Decimal("4400.50")
    narrative = ReportNarrative.objects.get(year=2015)
    assert narrative.updated_by == authority.qa and narrative.priorities.startswith("- Reduce")
    assert AuditEntry.objects.filter(action="report_narrative_saved", actor=authority.qa).exists()
    assert AuditEntry.objects.filter(action="budget_set", actor=authority.qa).exists()

    page = client.get(response.url).content.decode()
    assert '<p class="govuk-body">A second paragraph.</p>' in page
    assert "<li>Hear every child</li>" in page
    assert "£400.05" in page  # 4,400.50 / 11 reviews

    # Emptying the budget removes it; a bad amount is refused with a message.
    client.post(url, {"budget": "", "introduction": "x", "priorities": "", "summary": ""})
    assert not ServiceBudget.objects.filter(year=2015).exists()
    page = client.post(url, {"budget": "-5", "introduction": "", "priorities": "", "summary": ""}).content.decode()
    assert "The budget cannot be less than £0" in page


@pytest.mark.slow
def test_the_pdf_link_says_when_the_pdf_cannot_be_made(client, qa_manager, monkeypatch):
    from reports.renderers import pdf

    monkeypatch.setattr(pdf, "unavailable_reason", lambda: "the PDF library cannot run on this server (OSError)")
    login(client, qa_manager)
    page = client.get(reverse("reports:annual")).content.decode()
    assert "PDF: unavailable on this server" in page and "format=pdf" not in page
    year = re.search(r'name="year">\s*<option value="(\d+)"', page).group(1)
    response = client.get(reverse("reports:annual_download"), {"year": year, "format": "pdf"})
    assert response.status_code == 503 and b"The PDF is unavailable" in response.content


@time_machine.travel(datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Europe/London")), tick=True)
def test_the_report_for_the_year_so_far_and_its_first_half_are_marked_partial(client, qa_manager, iro):
    make_child(iro=iro, looked_after_from=date(2026, 4, 1))
    login(client, qa_manager)
    url = reverse("reports:annual")
    page = client.get(url, {"year": 2027}).content.decode()
    assert "data-partial" in page and "2026-27 from 1 April 2026 to 30 November 2026 only" in page.replace("–", "-")
    half = client.get(url, {"year": 2027, "part": "half"}).content.decode()
    assert "from 1 April 2026 to 30 September 2026 only" in half
    assert "data-partial" not in client.get(url, {"year": 2026}).content.decode()
    download = client.get(reverse("reports:annual_download"), {"year": 2027, "part": "half", "format": "json"})
    assert "30 September 2026" in download.json()["partial"]
    assert "partial" in download["Content-Disposition"]
    assert client.get(url, {"year": 2028}).status_code == 404
