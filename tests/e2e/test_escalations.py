"""In the browser: an IRO raises an escalation, takes it up the DRP, refers it to Cafcass and resolves
it; a QA manager finds the overdue stages; the Director reads the report. axe-core on every page."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalations.models import Escalation
from escalations.periods import Period
from escalations.services import escalation_raise
from tests.factories import make_child

from .conftest import assert_accessible, assert_error_summary_links_work, sign_in, url


@pytest.fixture
def child(iro):
    today = timezone.localdate()
    return make_child(
        iro=iro, looked_after_from=today - timedelta(days=60), date_of_birth=date(2012, 5, 17), first_name="Maya"
    )


def fill_date(page, name: str, day: date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def test_an_iro_raises_escalates_refers_and_resolves(page, live_server, iro, child):
    today = timezone.localdate()
    sign_in(page, live_server, iro)
    page.goto(url(live_server, "children:detail", child.public_id))
    expect(page.get_by_text("No escalations have been raised about Maya.")).to_be_visible()
    page.get_by_role("button", name="Raise an escalation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise an escalation")
    assert_accessible(page)

    # Sent as it comes (informal is chosen to start with): every other question says what it needs,
    # and each link of the error summary finds its field.
    expect(page.get_by_label("Informal, with the social work team")).to_be_checked()
    page.get_by_role("button", name="Raise escalation").click()
    expect(page).to_have_title("Error: Raise an escalation – IRO service")
    expect(page.locator(".govuk-error-summary a")).to_have_text(
        [
            "Enter the date the concern was raised, with a day, month and year",
            "Select the theme of the concern",
            "Enter a summary of the concern",
            "Enter the name and role of the person the concern was raised with",
        ]
    )
    assert_accessible(page)
    assert_error_summary_links_work(page)

    fill_date(page, "raised_on", today)
    page.get_by_label("Drift or delay in care planning").check()
    page.get_by_label("Summary of the concern").fill("Permanence plan not progressed since the last review.")
    page.get_by_label("Informal, with the social work team").check()
    page.get_by_label("Name and role of the person you raised it with").fill("Jo Bloggs, social worker")
    page.get_by_role("button", name="Raise escalation").click()

    escalation = Escalation.objects.get()
    expect(page).to_have_url(url(live_server, "escalations:detail", escalation.public_id))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Escalation raised.")
    expect(page.locator("[data-stage]")).to_have_text("Informal, with the social work team")
    assert_accessible(page)

    # Up to the team manager, past no one.
    page.get_by_role("button", name="Escalate to a later stage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalate to a later stage")
    assert_accessible(page)
    page.get_by_label("Team manager").check()
    page.get_by_label("Name and role of the person it went to").fill("Sam Patel, team manager")
    page.get_by_label("What are you asking them to do?").fill("Agree the permanence plan at the next panel.")
    fill_date(page, "sent_on", today)
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Escalated to team manager.")
    expect(page.locator("[data-stage]")).to_have_text("Team manager")

    # The team manager answers.
    page.get_by_role("button", name="Record the response").click()
    assert_accessible(page)
    page.get_by_label("The response").fill("Agreed: the plan goes to panel next month.")
    fill_date(page, "responded_on", today)
    page.get_by_role("button", name="Record response").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("recorded (in time)")

    # Not enough: a referral to Cafcass.
    page.get_by_role("button", name="Refer to Cafcass").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to Cafcass")
    assert_accessible(page)
    page.get_by_label("Who at Cafcass was it referred to?").fill("Cafcass duty team")
    page.get_by_label("What are you asking them to do?").fill("Advise on the care plan.")
    fill_date(page, "sent_on", today)
    page.get_by_role("button", name="Refer to Cafcass").click()
    expect(page.locator("[data-stage]")).to_have_text("Referral to Cafcass")
    expect(page.get_by_role("button", name="Escalate to a later stage")).to_have_count(0)

    page.get_by_role("button", name="Resolve").click()
    assert_accessible(page)
    page.get_by_label("Outcome").fill("Care plan changed; placement move agreed.")
    fill_date(page, "resolved_on", today)
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator("[data-status]")).to_contain_text("Resolved")

    # The whole history, newest first, and nothing left to do.
    events = page.locator(".moj-timeline__item")
    expect(events).to_have_count(6)
    expect(events.locator(".moj-timeline__title")).to_have_text(
        [
            "Resolved",
            "Referral to Cafcass: sent to Cafcass duty team",
            "Response from Sam Patel, team manager",
            "Team manager: sent to Sam Patel, team manager",
            "Informal, with the social work team: sent to Jo Bloggs, social worker",
            "Concern raised",
        ]
    )
    expect(page.get_by_role("button", name="Resolve")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Back to Maya").click()
    expect(page.locator("[data-escalations]")).to_contain_text("Drift or delay in care planning")
    assert_accessible(page)


@pytest.fixture
def overdue(iro, other_iro, child):
    today = timezone.localdate()
    other = make_child(iro=other_iro, looked_after_from=today - timedelta(days=60), first_name="Zed")
    late = escalation_raise(
        actor=iro,
        child=child,
        raised_on=today - timedelta(days=15),
        theme="safety",
        summary="Missing from placement three times this month.",
        sent_to="Jo Bloggs, social worker",
    )
    escalation_raise(
        actor=other_iro, child=other, raised_on=today, theme="education", summary="No school place.", sent_to="Sam"
    )
    return late


def test_a_qa_manager_sees_the_list_and_the_overdue_stages(page, live_server, qa_manager, overdue):
    sign_in(page, live_server, qa_manager)
    page.get_by_role("link", name="Escalations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalations")
    expect(page.locator("[data-count='open']")).to_have_text("2")
    expect(page.locator("[data-count='overdue']")).to_have_text("1")
    expect(page.locator("table.govuk-table tbody tr")).to_have_count(2)
    assert_accessible(page)

    page.get_by_role("link", name="Response overdue (1)").click()
    rows = page.locator("table.govuk-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(overdue.child.la_child_id)
    expect(rows.first.locator(".govuk-tag--red")).to_have_text("Response overdue")
    assert_accessible(page)

    # Filters keep the status chosen.
    page.get_by_label("Theme").select_option(value="education")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("No escalations match these filters.")).to_be_visible()
    page.get_by_label("Theme").select_option(value="safety")
    page.get_by_role("button", name="Apply filters").click()
    rows.first.get_by_role("link").click()
    expect(page.locator("[data-overdue]")).to_contain_text("The response from Jo Bloggs, social worker")
    assert_accessible(page)

    page.get_by_role("link", name="Escalations", exact=True).click()
    page.get_by_role("link", name="The Director's bi-monthly report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(Period.latest_ended(timezone.localdate()).label)
    assert_accessible(page)


def test_the_director_sees_the_list_without_names_and_the_report(page, live_server, director, overdue):
    sign_in(page, live_server, director)
    page.get_by_role("link", name="Escalations").click()
    expect(page.locator("table.govuk-table tbody tr")).to_have_count(2)
    expect(page.get_by_text("Maya")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="The Director's bi-monthly report").click()
    expect(page.locator("[data-table='themes'] tbody tr")).to_have_count(10)
    assert_accessible(page)
    # Any earlier period, chosen from the list.
    older = Period.latest_ended(timezone.localdate()).previous
    page.get_by_label("Period").select_option(value=older.key)
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Escalations: {older.label}")
    assert_accessible(page)
