"""The subject-access export of one child's whole record: every section, its contents, the command,
the download from the child's page (QA managers only) and the audit of each export."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AuditEntry, User
from children.services import allocation_change, missing_episode_record
from escalations.services import escalation_raise
from reports.child_record import SECTIONS, child_record, export_document
from reports.renderers.pdf import unavailable_reason
from reviews.models import Review, ReviewAction, ReviewParticipant, ReviewViews
from reviews.monitoring_services import case_note_record, midway_check_record
from reviews.services import review_record
from tests.factories import PASSWORD, UserFactory, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(iro, qa_manager):
    """Mia: looked after from 03/03/2014 (C2, U4); placement change 01/05/2014; two reviews, the first
    with a participant, the child's views and two actions; a case note, a midway check, an
    escalation, a missing episode; her IRO changed on 01/09/2014."""
    mia = make_child(
        iro=iro, looked_after_from=date(2014, 3, 3), la_child_id="MIA1", first_name="Mia", last_name="Hart"
    )
    first = review_record(
        actor=iro,
        child=mia,
        held_on=date(2014, 3, 28),
        chair=iro,
        participation="PN1",
        spoke_alone=True,
        summary="Settled with her carers.",
        today=date(2014, 3, 28),
    )
    Review.objects.filter(pk=first.pk).update(permanence_plan="long_term_fostering", permanence_progress="on_track")
    ReviewParticipant.objects.create(
        review=first, role="carer", name="Jo Ellis", invited=True, attended=True, sent_views=True
    )
    ReviewViews.objects.create(
        review=first, role="child", method="app", gathered_on=date(2014, 3, 20), text="I want to stay."
    )
    ReviewAction.objects.create(
        review=first,
        what="Book the PEP",
        responsible_role="social_worker",
        responsible_name="Sam Patel",
        due_on=date(2014, 4, 30),
        status="done",
        outcome="PEP held 25/04",
        outcome_on=date(2014, 4, 25),
    )
    ReviewAction.objects.create(
        review=first,
        what="Dental check",
        responsible_role="carer",
        responsible_name="Jo Ellis",
        due_on=date(2014, 6, 1),
    )
    case_note_record(
        actor=iro,
        child=mia,
        contact_on=date(2014, 4, 2),
        contact_with="social_worker",
        contact_name="Sam Patel",
        method="phone",
        summary="PEP booked.",
        today=date(2014, 4, 2),
    )
    midway_check_record(
        actor=iro,
        child=mia,
        checked_on=date(2014, 5, 9),
        actions_on_track="some",
        concerns="Dental check late.",
        today=date(2014, 5, 9),
    )
    escalation_raise(
        actor=iro,
        child=mia,
        raised_on=date(2014, 5, 9),
        theme="health",
        summary="No dental check.",
        sent_to="Sam Patel, social worker",
        today=date(2014, 5, 9),
    )
    missing_episode_record(
        actor=iro, child=mia, kind="M", start_on=date(2014, 4, 10), end_on=date(2014, 4, 11), today=date(2014, 5, 1)
    )
    review_record(
        actor=iro, child=mia, held_on=date(2014, 6, 20), chair=iro, participation="PN2", today=date(2014, 6, 20)
    )
    allocation_change(
        actor=qa_manager,
        child=mia,
        iro=UserFactory(role=User.Role.IRO, first_name="Cy", last_name="Hart"),
        start_on=date(2014, 9, 1),
        reason="caseload",
        today=date(2014, 9, 1),
    )
    return mia


def test_every_section_is_there_in_order(child):
    record = child_record(child)
    assert tuple(record) == SECTIONS
    assert list(export_document(child, exported_on=date(2026, 11, 30))) == ["export", *SECTIONS]


def test_the_childs_details(child):
    details = child_record(child)["child"]
    assert {k: details[k] for k in ("la_child_id", "first_name", "last_name", "date_of_birth", "sex", "ethnicity")} == {
        "la_child_id": "MIA1",
        "first_name": "Mia",
        "last_name": "Hart",
        "date_of_birth": "2006-05-17",
        "sex": "F",
        "ethnicity": "WBRI",
    }
    assert "id" not in details and details["created_at"].startswith("20")


def test_episodes_allocations_and_missing_episodes(child):
    record = child_record(child)
    [episode] = record["episodes"]
    assert (episode["start_on"], episode["reason_new"], episode["legal_status"], episode["placement"]) == (
        "2014-03-03",
        "S",
        "C2",
        "U4",
    )
    assert episode["end_on"] is None and "child" not in episode
    assert [(a["iro"], a["start_on"], a["end_on"], a["reason"]) for a in record["iro_allocations"]] == [
        ("Ada Owen", "2014-03-03", "2014-09-01", "new_to_care"),
        ("Cy Hart", "2014-09-01", None, "caseload"),
    ]
    assert [(m["kind"], m["start_on"], m["end_on"]) for m in record["missing_episodes"]] == [
        ("M", "2014-04-10", "2014-04-11")
    ]


def test_reviews_with_participants_views_plan_and_actions(child):
    first, second, waiting = child_record(child)["reviews"]
    assert (first["held_on"], first["due_on"], first["sequence"], first["chair"]) == (
        "2014-03-28",
        "2014-03-31",
        1,
        "Ada Owen",
    )
    assert (first["participation"], first["spoke_alone"], first["summary"]) == ("PN1", True, "Settled with her carers.")
    assert (first["permanence_plan"], first["permanence_progress"]) == ("long_term_fostering", "on_track")
    assert [(p["role"], p["name"], p["invited"], p["attended"], p["sent_views"]) for p in first["participants"]] == [
        ("carer", "Jo Ellis", True, True, True)
    ]
    assert [(v["role"], v["method"], v["gathered_on"], v["text"]) for v in first["views"]] == [
        ("child", "app", "2014-03-20", "I want to stay.")
    ]
    assert [(a["what"], a["due_on"], a["status"], a["outcome"], a["outcome_on"]) for a in first["actions"]] == [
        ("Book the PEP", "2014-04-30", "done", "PEP held 25/04", "2014-04-25"),
        ("Dental check", "2014-06-01", "open", "", None),
    ]
    assert (second["held_on"], second["participation"], second["actions"]) == ("2014-06-20", "PN2", [])
    # The review due next is held data too: its due date and why.
    assert (waiting["held_on"], waiting["due_on"], waiting["sequence"]) == (None, "2014-12-17", 3)
    assert waiting["due_explanation"].startswith("due 17/12/2014")


def test_case_notes_midway_checks_and_escalations(child):
    record = child_record(child)
    [note] = record["case_notes"]
    assert {k: note[k] for k in ("contact_on", "contact_with", "contact_name", "method", "summary", "recorded_by")} == {
        "contact_on": "2014-04-02",
        "contact_with": "social_worker",
        "contact_name": "Sam Patel",
        "method": "phone",
        "summary": "PEP booked.",
        "recorded_by": "Ada Owen",
    }
    [check] = record["midway_checks"]
    assert (check["due_on"], check["checked_on"], check["after_review_held_on"], check["actions_on_track"]) == (
        "2014-05-12",
        "2014-05-09",
        "2014-03-28",
        "some",
    )
    [escalation] = record["escalations"]
    assert (escalation["raised_on"], escalation["theme"], escalation["status"], escalation["raised_by"]) == (
        "2014-05-09",
        "health",
        "open",
        "Ada Owen",
    )
    assert [(s["stage"], s["sent_to"], s["sent_on"]) for s in escalation["stages"]] == [
        ("informal", "Sam Patel, social worker", "2014-05-09")
    ]


def test_the_export_costs_the_same_queries_however_long_the_history(child, iro):
    with CaptureQueriesContext(connection) as few:
        child_record(child)
    for n in range(10):
        case_note_record(
            actor=iro,
            child=child,
            contact_on=date(2014, 7, 1 + n),
            contact_with="child",
            method="visit",
            summary=str(n),
            today=date(2014, 8, 1),
        )
        escalation_raise(
            actor=iro,
            child=child,
            raised_on=date(2014, 7, 1 + n),
            theme="safety",
            summary="x",
            sent_to="TM",
            today=date(2014, 8, 1),
        )
    with CaptureQueriesContext(connection) as more:
        record = child_record(child)
    assert len(record["case_notes"]) == 11 and len(record["escalations"]) == 11
    assert len(more) == len(few)


def test_the_command_writes_json_and_audits_it(child, capsys):
    call_command("child_record", "MIA1", "--format", "json")
    document = json.loads(capsys.readouterr().out)
    assert document["export"]["la_child_id"] == "MIA1" and document["child"]["first_name"] == "Mia"
    assert [r["held_on"] for r in document["reviews"]] == ["2014-03-28", "2014-06-20", None]
    entry = AuditEntry.objects.get(action="child_record_exported")
    assert (entry.object_id, entry.actor, entry.detail) == (child.pk, None, {"format": "json"})
    with pytest.raises(CommandError, match="No child has the LA child id 'NOPE'"):
        call_command("child_record", "NOPE")
    with pytest.raises(CommandError, match="--format pdf needs --out"):
        call_command("child_record", "MIA1", "--format", "pdf")


@pytest.mark.slow
@pytest.mark.skipif(unavailable_reason() is not None, reason="WeasyPrint cannot run here")
def test_the_command_writes_a_pdf_to_read(child, tmp_path, qa_manager):
    out = tmp_path / "record.pdf"
    call_command("child_record", "MIA1", "--format", "pdf", "--out", str(out), "--by", qa_manager.username)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    for expected in (
        "The record held about child MIA1",
        "Case notes",
        "Midway checks",
        "PEP booked.",
        "I want to stay.",
    ):
        assert expected in text, expected
    assert AuditEntry.objects.get(action="child_record_exported").actor == qa_manager


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_qa_managers_download_the_record_from_the_childs_page(client, child, qa_manager, iro, director):
    detail = reverse("children:history", args=[child.public_id])
    url = reverse("reports:child_record", args=[child.public_id])
    page = login(client, qa_manager).get(detail).content.decode()
    assert f"{url}?format=json" in page
    response = client.get(url, {"format": "json"})
    assert response["Content-Type"] == "application/json"
    assert "MIA1" not in response["Content-Disposition"] and "Mia" not in response["Content-Disposition"]
    assert json.loads(response.content)["child"]["la_child_id"] == "MIA1"
    assert AuditEntry.objects.filter(action="child_record_exported", actor=qa_manager).count() == 1
    assert client.get(url, {"format": "xml"}).status_code == 404
    # The child's IRO sees the page but not the download; the Director not even the child.
    current_iro = child.allocations.get(end_on__isnull=True).iro
    page = login(client, current_iro).get(detail)
    assert page.status_code == 200 and url not in page.content.decode()
    assert client.get(url).status_code == 403
    assert login(client, director).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="child_record_exported").count() == 1
