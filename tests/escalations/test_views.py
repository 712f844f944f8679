"""Every escalation page, as the child's IRO, another IRO, a QA manager, the Director and an
anonymous visitor; then the pages at work."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry
from escalations.models import DirectorReport, Escalation
from escalations.periods import Period
from escalations.report import build_director_report
from escalations.services import ImportedEscalation, escalation_raise, escalations_import
from reviews.services import review_record
from tests.factories import login, make_child

pytestmark = pytest.mark.django_db


def date_fields(name: str, day) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def child(iro, today):
    return make_child(iro=iro, looked_after_from=today - timedelta(days=90), first_name="Maya", last_name="Stone")


@pytest.fixture
def escalation(iro, child, today):
    # Raised 15 days ago, so its 5 working days to respond have passed.
    return escalation_raise(
        actor=iro,
        child=child,
        raised_on=today - timedelta(days=15),
        theme="drift_delay",
        summary="Permanence plan not progressed",
        sent_to="Jo Bloggs, social worker",
    )


@pytest.fixture
def review(iro, child, today):
    return review_record(actor=iro, child=child, held_on=today - timedelta(days=70), chair=iro, participation="PN1")


# --- Who may see what ---------------------------------------------------------------------------------


def escalation_pages(escalation, review) -> dict[str, str]:
    return {
        "raise": reverse("escalations:raise", args=[escalation.child.public_id]),
        "raise_from_review": reverse("escalations:raise_from_review", args=[review.public_id]),
        "detail": reverse("escalations:detail", args=[escalation.public_id]),
        "escalate": reverse("escalations:escalate", args=[escalation.public_id]),
        "refer": reverse("escalations:refer", args=[escalation.public_id]),
        "resolve": reverse("escalations:resolve", args=[escalation.public_id]),
        "withdraw": reverse("escalations:withdraw", args=[escalation.public_id]),
        "respond": reverse("escalations:respond", args=[escalation.current_stage.public_id]),
        "list": reverse("escalations:list"),
        "report": reverse("escalations:report"),
    }


ALL_PAGES = ["raise", "raise_from_review", "detail", "escalate", "refer", "resolve", "withdraw", "respond"]
EXPECTED = {
    # Only an IRO raises; QA managers see and act on every escalation.
    "owner IRO": dict.fromkeys(ALL_PAGES, 200) | {"list": 200, "report": 403},
    "another IRO": dict.fromkeys(ALL_PAGES, 404) | {"list": 200, "report": 403},
    "QA manager": dict.fromkeys(ALL_PAGES, 200) | {"raise": 403, "raise_from_review": 403, "list": 200, "report": 200},
    # The Director: the list and the reports, never a child's escalation.
    "Director": dict.fromkeys(ALL_PAGES, 404) | {"list": 200, "report": 200},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_who_may_open_each_page(client, who, escalation, review, iro, other_iro, qa_manager, director):
    user = {"owner IRO": iro, "another IRO": other_iro, "QA manager": qa_manager, "Director": director}[who]
    login(client, user)
    pages = escalation_pages(escalation, review)
    got = {name: client.get(url).status_code for name, url in pages.items()}
    assert got == EXPECTED[who]
    # Posting is refused the same way, and changes nothing.
    for name in ALL_PAGES:
        if EXPECTED[who][name] != 200:
            assert client.post(pages[name], {}).status_code == EXPECTED[who][name], name
    assert Escalation.objects.count() == 1 and escalation.stages.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, escalation, review):
    for name, url in escalation_pages(escalation, review).items():
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and response.url.startswith(reverse("login")), name


def test_another_iro_does_not_see_the_escalation_in_their_list(client, escalation, other_iro):
    page = login(client, other_iro).get(reverse("escalations:list"), {"status": "all"}).content.decode()
    assert escalation.child.la_child_id not in page and 'data-count="total">0<' in page


def test_the_director_sees_the_list_by_la_child_id_only(client, escalation, director):
    page = login(client, director).get(reverse("escalations:list")).content.decode()
    assert escalation.child.la_child_id in page
    assert "Maya" not in page and "Stone" not in page
    assert reverse("escalations:detail", args=[escalation.public_id]) not in page


def test_viewing_an_escalation_is_audited(client, escalation, qa_manager):
    login(client, qa_manager).get(reverse("escalations:detail", args=[escalation.public_id]))
    assert AuditEntry.objects.filter(action="escalation_viewed", actor=qa_manager, object_id=escalation.pk).exists()


# --- Raising and taking it further ---------------------------------------------------------------------


def test_an_iro_raises_an_escalation_from_the_childs_page(client, iro, child, today):
    login(client, iro)
    page = client.get(reverse("children:detail", args=[child.public_id])).content.decode()
    url = reverse("escalations:raise", args=[child.public_id])
    assert url in page and "No escalations have been raised about Maya." in page
    response = client.post(
        url,
        {
            **date_fields("raised_on", today),
            "theme": "education",
            "summary": "No school place since the move",
            "stage": "informal",
            "sent_to": "Jo Bloggs, social worker",
        },
    )
    escalation = Escalation.objects.get()
    assert response.status_code == 302 and response.url == reverse("escalations:detail", args=[escalation.public_id])
    page = client.get(response.url).content.decode()
    assert "Escalation raised. The response from Jo Bloggs, social worker is due by" in page
    assert "No school place since the move" in page
    page = client.get(reverse("children:detail", args=[child.public_id])).content.decode()
    assert "Education, raised" in page


def test_the_raise_form_says_what_is_wrong_with_each_field(client, iro, child, today):
    login(client, iro)
    response = client.post(reverse("escalations:raise", args=[child.public_id]), {"stage": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: Raise an escalation" in page
    for message in [
        "Enter the date the concern was raised, with a day, month and year",
        "Select the theme of the concern",
        "Enter a summary of the concern",
        "Select who the concern was raised with first",
        "Enter the name and role of the person the concern was raised with",
    ]:
        assert page.count(message) == 2, message  # in the error summary and by the field
    tomorrow = today + timedelta(days=1)
    response = client.post(
        reverse("escalations:raise", args=[child.public_id]),
        {**date_fields("raised_on", tomorrow), "theme": "safety", "summary": "x", "stage": "informal", "sent_to": "Jo"},
    )
    assert "The date the concern was raised cannot be in the future" in response.content.decode()
    assert not Escalation.objects.exists()


def test_raising_from_a_review(client, iro, child, review, today):
    login(client, iro)
    page = client.get(reverse("children:history", args=[child.public_id])).content.decode()
    url = reverse("escalations:raise_from_review", args=[review.public_id])
    assert url in page
    assert f"From the review held on {review.held_on:%-d %B %Y}." in client.get(url).content.decode()
    client.post(
        url,
        {
            **date_fields("raised_on", today),
            "theme": "review_process",
            "summary": "No SW report",
            "stage": "team_manager",
            "sent_to": "Sam Patel, team manager",
        },
    )
    escalation = Escalation.objects.get()
    assert (escalation.review, escalation.stage) == (review, "team_manager")


def test_escalate_refer_respond_and_resolve_through_the_pages(client, qa_manager, escalation, today):
    login(client, qa_manager)
    detail = reverse("escalations:detail", args=[escalation.public_id])
    page = client.get(detail).content.decode()
    assert "data-overdue" in page and "Response overdue" in page
    response = client.post(
        reverse("escalations:escalate", args=[escalation.public_id]),
        {
            "stage": "service_manager",
            "sent_to": "Lee Chan, service manager",
            "asked": "Fund the residential placement by Friday.",
            **date_fields("sent_on", today),
        },
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.stage == "service_manager"
    page = client.get(detail).content.decode()
    assert "Escalated to service manager." in page and "data-overdue" not in page
    assert "Fund the residential placement by Friday." in page
    # Only the stage the concern is at offers its response: the informal stage's moved on.
    informal = escalation.stages.get(stage="informal")
    assert reverse("escalations:respond", args=[informal.public_id]) not in page
    assert page.count("Record the response") == 1
    assert client.get(reverse("escalations:respond", args=[informal.public_id])).status_code == 302
    # The response is dated today unless changed.
    form = client.get(reverse("escalations:respond", args=[escalation.current_stage.public_id])).content.decode()
    for part, value in enumerate((today.day, today.month, today.year)):
        assert f'name="responded_on_{part}" value="{value}"' in form

    response = client.post(
        reverse("escalations:respond", args=[escalation.current_stage.public_id]),
        {"response": "Will review at panel.", **date_fields("responded_on", today)},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("escalations:refer", args=[escalation.public_id]),
        {"sent_to": "Cafcass duty team", "asked": "Advise on the care plan.", **date_fields("sent_on", today)},
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.stage == "cafcass"
    # Nothing comes after Cafcass: the pages say so and send the user back.
    assert client.get(reverse("escalations:escalate", args=[escalation.public_id])).status_code == 302
    response = client.post(
        reverse("escalations:resolve", args=[escalation.public_id]),
        {"outcome": "Care plan changed.", **date_fields("resolved_on", today)},
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert (escalation.status, escalation.closed_on) == ("resolved", today)
    page = client.get(detail).content.decode()
    assert "Care plan changed." in page and "Record the response" not in page
    assert [e for e in ("raised", "stage", "response", "resolved") if f'data-event="{e}"' in page] == [
        "raised",
        "stage",
        "response",
        "resolved",
    ]


def test_the_stage_form_only_offers_later_stages_and_names_the_rules(client, iro, escalation, today):
    login(client, iro)
    url = reverse("escalations:escalate", args=[escalation.public_id])
    page = client.get(url).content.decode()
    assert 'value="team_manager"' in page and 'value="informal"' not in page and 'value="cafcass"' not in page
    assert "Response due within 5 working days" in page
    response = client.post(
        url, {"stage": "director", "sent_to": "", **date_fields("sent_on", escalation.raised_on - timedelta(days=1))}
    )
    page = response.content.decode()
    assert "Enter the name and role of the person it went to" in page
    response = client.post(
        url,
        {
            "stage": "director",
            "sent_to": "Dr Who",
            "asked": "Decide.",
            **date_fields("sent_on", escalation.raised_on - timedelta(days=1)),
        },
    )
    page = response.content.decode()
    assert (
        f"The date it was sent cannot be before the date the concern was raised ({escalation.raised_on:%d/%m/%Y})"
        in page
    )


def test_withdrawing(client, iro, escalation, today):
    login(client, iro)
    client.post(
        reverse("escalations:withdraw", args=[escalation.public_id]),
        {"reason": "Raised about the wrong child.", **date_fields("withdrawn_on", today)},
    )
    escalation.refresh_from_db()
    assert escalation.status == "withdrawn"


# --- The list -------------------------------------------------------------------------------------------


@pytest.fixture
def several(iro, other_iro, today):
    a = make_child(iro=iro, looked_after_from=today - timedelta(days=90))
    b = make_child(iro=other_iro, looked_after_from=today - timedelta(days=90))

    def raise_(actor, child, days_ago, theme, stage="informal"):
        return escalation_raise(
            actor=actor,
            child=child,
            raised_on=today - timedelta(days=days_ago),
            theme=theme,
            summary="s",
            stage=stage,
            sent_to="x",
        )

    overdue = raise_(iro, a, 20, "safety")
    raise_(iro, a, 0, "education", stage="team_manager")
    raise_(other_iro, b, 0, "safety")
    escalations_import(
        actor=None,
        rows=[
            ImportedEscalation(b, today - timedelta(days=400), "health", "director", today - timedelta(days=300), "s")
        ],
        source_name="log.csv",
    )
    return overdue


def counts(page: str) -> dict[str, str]:
    return {
        key: page.split(f'data-count="{key}">')[1].split("<")[0] for key in ("open", "overdue", "resolved", "total")
    }


def test_the_qa_managers_list_filters_by_theme_stage_iro_and_status_with_counts(client, qa_manager, several, iro):
    login(client, qa_manager)
    url = reverse("escalations:list")
    page = client.get(url).content.decode()
    assert counts(page) == {"open": "3", "overdue": "1", "resolved": "1", "total": "4"}
    page = client.get(url, {"theme": "safety"}).content.decode()
    assert counts(page) == {"open": "2", "overdue": "1", "resolved": "0", "total": "2"}
    page = client.get(url, {"theme": "safety", "iro": iro.pk}).content.decode()
    assert counts(page) == {"open": "1", "overdue": "1", "resolved": "0", "total": "1"}
    page = client.get(url, {"stage": "director", "status": "resolved"}).content.decode()
    assert counts(page)["total"] == "1" and "Imported" in page
    page = client.get(url, {"status": "overdue"}).content.decode()
    assert page.count("govuk-tag--red") == 1 and several.child.la_child_id in page


@pytest.mark.slow
def test_the_list_costs_the_same_queries_for_10_or_500_escalations(client, qa_manager, iro, today):
    child = make_child(iro=iro, looked_after_from=today - timedelta(days=90))
    for n in range(10):
        escalation_raise(
            actor=iro, child=child, raised_on=today - timedelta(days=n), theme="safety", summary="s", sent_to="x"
        )
    login(client, qa_manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for status in ("open", "overdue", "all"):
                assert client.get(reverse("escalations:list"), {"status": status}).status_code == 200
        return len(captured)

    ten = queries()
    others = [make_child(iro=iro, looked_after_from=today - timedelta(days=90)) for _ in range(5)]
    escalations_import(
        actor=None,
        rows=[
            ImportedEscalation(others[n % 5], today - timedelta(days=n), "contact", "informal", None, f"s{n}")
            for n in range(490)
        ],
        source_name="log.csv",
    )
    assert Escalation.objects.count() == 500
    assert queries() == ten, ten


# --- The Director's report page ---------------------------------------------------------------------------


def test_the_report_page_shows_any_past_period_and_what_was_sent(client, director, several, today):
    login(client, director)
    url = reverse("escalations:report")
    latest = Period.latest_ended(today)
    page = client.get(url).content.decode()
    assert f"Escalations: {latest.label}" in page
    assert "This report was not sent: it is built now from the data recorded so far." in page
    older = Period.containing(today - timedelta(days=400))
    page = client.get(url, {"period": older.key}).content.decode()
    assert f"Escalations: {older.label}" in page and 'data-table="themes"' in page
    DirectorReport.objects.create(period_start=older.start, period_end=older.end, figures=build_director_report(older))
    page = client.get(url, {"period": older.key}).content.decode()
    assert "shown as it was sent" in page and "Not emailed yet." in page
    for bad in ("2014-05", "nonsense", Period.containing(today).key):
        assert client.get(url, {"period": bad}).status_code == 404, bad
