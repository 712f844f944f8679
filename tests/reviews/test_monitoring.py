"""Between reviews: case notes, the midway check (when due, recording it, its reminder) and the
timeline of the IRO's involvement on the child's page."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import AuditEntry, Notification, User
from children.pages import child_page_context
from core.midway import MidwayStatus, midway_due
from escalations.services import escalation_raise
from reviews.models import CaseNote, MidwayCheck
from reviews.monitoring_selectors import midway_interval
from reviews.monitoring_services import case_note_record, midway_check_record
from reviews.reminders import remind_midway_checks
from reviews.services import review_record

from ..factories import PASSWORD, UserFactory, make_child

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def date_fields(name: str, day: date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


# --- When the midway check is due ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "due", "midway"),
    [
        (date(2014, 3, 28), date(2014, 6, 26), date(2014, 5, 12)),  # 90 days: 45 days on
        (date(2014, 6, 26), date(2014, 12, 23), date(2014, 9, 24)),  # 180 days: 90 days on
        (date(2014, 3, 1), date(2014, 3, 4), date(2014, 3, 2)),  # 3 days: the earlier middle day
        (date(2024, 1, 31), date(2024, 3, 1), date(2024, 2, 15)),  # across a leap day: 30 days
    ],
)
def test_the_midway_check_is_due_halfway_between_the_review_held_and_the_next_due(held, due, midway):
    assert midway_due(held, due) == midway


def test_no_midway_check_before_the_first_review_of_a_period(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))  # first review due 31/03/2014
    assert midway_interval(child) is None


def test_the_interval_runs_from_the_review_held_to_the_next_one_due(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review = review_record(actor=iro, child=child, held_on=date(2014, 3, 28), chair=iro, participation="PN1")
    interval = midway_interval(child)
    assert (interval.last_held_id, interval.last_held_on, interval.next_due_on, interval.due_on) == (
        review.pk,
        date(2014, 3, 28),
        date(2014, 6, 26),
        date(2014, 5, 12),
    )
    assert interval.status(date(2014, 5, 12)) == MidwayStatus.DUE
    assert interval.status(date(2014, 5, 13)) == MidwayStatus.NOT_DONE


# --- Recording ------------------------------------------------------------------------------------


@pytest.fixture
def reviewed(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review_record(
        actor=iro, child=child, held_on=date(2014, 3, 28), chair=iro, participation="PN1", today=date(2014, 3, 28)
    )
    return child


def test_recording_the_midway_check_is_audited_and_done_once(reviewed, iro):
    check = midway_check_record(
        actor=iro, child=reviewed, checked_on=date(2014, 5, 9), actions_on_track="yes", today=date(2014, 5, 9)
    )
    assert (check.due_on, check.after_review.held_on, check.recorded_by) == (date(2014, 5, 12), date(2014, 3, 28), iro)
    assert AuditEntry.objects.filter(action="midway_check_recorded", object_id=check.pk).exists()
    assert midway_interval(reviewed).check == check
    with pytest.raises(ValidationError, match="was recorded on 09/05/2014"):
        midway_check_record(
            actor=iro, child=reviewed, checked_on=date(2014, 5, 10), actions_on_track="yes", today=date(2014, 5, 10)
        )
    # The next review held opens a new interval, with its own check.
    review_record(
        actor=iro, child=reviewed, held_on=date(2014, 6, 20), chair=iro, participation="PN1", today=date(2014, 6, 20)
    )
    assert midway_interval(reviewed).check is None and midway_interval(reviewed).due_on == date(2014, 9, 18)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"checked_on": date(2014, 6, 1)}, "checked_on", "cannot be in the future"),
        ({"checked_on": date(2014, 3, 27)}, "checked_on", "cannot be before the review it follows, held on 28/03/2014"),
        ({"actions_on_track": "no"}, "concerns", "which actions are not on track"),
        ({"actions_on_track": "some"}, "concerns", "which actions are not on track"),
        ({"escalate": True}, "concerns", "Describe the concerns to be escalated"),
    ],
)
def test_a_midway_check_that_breaks_a_rule_is_refused_by_field(reviewed, iro, fields, field, message):
    arguments = {"checked_on": date(2014, 5, 9), "actions_on_track": "yes", "concerns": "", "escalate": False}
    with pytest.raises(ValidationError) as error:
        midway_check_record(actor=iro, child=reviewed, today=date(2014, 5, 9), **(arguments | fields))
    assert message in " ".join(error.value.message_dict[field])
    assert not MidwayCheck.objects.exists()


def test_no_midway_check_can_be_recorded_when_none_is_due(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    with pytest.raises(ValidationError, match="No midway check is due"):
        midway_check_record(
            actor=iro, child=child, checked_on=date(2014, 3, 20), actions_on_track="yes", today=date(2014, 3, 20)
        )


def test_a_case_note_is_recorded_and_audited(reviewed, iro):
    note = case_note_record(
        actor=iro,
        child=reviewed,
        contact_on=date(2014, 4, 2),
        contact_with="social_worker",
        contact_name=" Sam Patel ",
        method="phone",
        summary=" Placement stable; PEP booked. ",
        today=date(2014, 4, 2),
    )
    assert (note.contact_name, note.summary, note.recorded_by) == ("Sam Patel", "Placement stable; PEP booked.", iro)
    assert AuditEntry.objects.filter(action="case_note_recorded", object_id=note.pk).exists()
    with pytest.raises(ValidationError) as error:
        case_note_record(
            actor=iro,
            child=reviewed,
            contact_on=date(2014, 4, 3),
            contact_with="carer",
            method="phone",
            summary="x",
            today=date(2014, 4, 2),
        )
    assert error.value.message_dict == {"contact_on": ["The date of the contact cannot be in the future."]}
    with pytest.raises(ValidationError) as error:
        case_note_record(
            actor=iro, child=reviewed, contact_on=date(2014, 4, 1), contact_with="x", method="y", summary="x"
        )
    assert set(error.value.message_dict) == {"contact_with", "method"}


# --- The reminder -----------------------------------------------------------------------------------


def _reminders() -> list[tuple[str, str, date]]:
    return [(n.kind, n.recipient.username, n.deadline) for n in Notification.objects.order_by("pk")]


def test_the_iro_is_reminded_of_the_midway_check_5_working_days_ahead_once(reviewed, iro, other_iro):
    # Due Monday 12 May 2014. Five working days before is Friday 2 May: Monday 5 May is a bank holiday.
    remind_midway_checks(today=date(2014, 5, 1))
    assert _reminders() == []
    for _ in range(2):  # running twice, or on the next days, changes nothing
        remind_midway_checks(today=date(2014, 5, 2))
    remind_midway_checks(today=date(2014, 5, 13))
    assert _reminders() == [(Notification.Kind.MIDWAY_CHECK_DUE, iro.username, date(2014, 5, 12))]
    notification = Notification.objects.get()
    assert (notification.child, notification.subject_type) == (reviewed, "review")
    assert notification.subject_id == reviewed.reviews.get(held_on=date(2014, 3, 28)).pk


def test_no_reminder_once_the_check_is_done_or_long_past_or_the_review_overdue(reviewed, iro):
    remind_midway_checks(today=date(2014, 6, 12))  # 31 days after it was due: not chased
    remind_midway_checks(today=date(2014, 6, 27))  # the next review is overdue: its own alert says so
    assert _reminders() == []
    other = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    review_record(actor=iro, child=other, held_on=date(2014, 3, 28), chair=iro, participation="PN1")
    midway_check_record(
        actor=iro, child=other, checked_on=date(2014, 4, 30), actions_on_track="yes", today=date(2014, 4, 30)
    )
    remind_midway_checks(today=date(2014, 5, 12))
    assert [n.child for n in Notification.objects.all()] == [reviewed]


def test_a_child_with_no_iro_or_no_review_held_gets_no_midway_reminder(iro):
    unallocated = make_child(iro=None, looked_after_from=date(2014, 3, 3))
    review_record(actor=iro, child=unallocated, held_on=date(2014, 3, 28), chair=iro, participation="PN1")
    make_child(iro=iro, looked_after_from=date(2014, 4, 1))
    remind_midway_checks(today=date(2014, 5, 12))
    assert _reminders() == []


# --- The timeline ---------------------------------------------------------------------------------


def test_the_timeline_lists_the_iros_involvement_newest_first(reviewed, iro, qa_manager):
    other = UserFactory(role=User.Role.IRO, first_name="Cy", last_name="Hart")
    case_note_record(
        actor=iro,
        child=reviewed,
        contact_on=date(2014, 4, 2),
        contact_with="child",
        method="visit",
        summary="Saw her alone at the placement.",
        today=date(2014, 4, 2),
    )
    midway_check_record(
        actor=iro,
        child=reviewed,
        checked_on=date(2014, 5, 9),
        actions_on_track="some",
        concerns="The PEP is late.",
        escalate=True,
        today=date(2014, 5, 9),
    )
    escalation_raise(
        actor=iro,
        child=reviewed,
        raised_on=date(2014, 5, 9),
        theme="education",
        summary="PEP late",
        stage="informal",
        sent_to="Sam Patel, social worker",
        today=date(2014, 5, 9),
    )
    from children.services import allocation_change

    allocation_change(actor=qa_manager, child=reviewed, iro=other, start_on=date(2014, 6, 1), reason="caseload")
    events = child_page_context(reviewed, today=date(2014, 6, 1), page="history")["timeline"]
    timeline = [(e.kind, e.on) for e in events]
    assert timeline == [
        ("allocated", date(2014, 6, 1)),
        ("allocation_ended", date(2014, 6, 1)),
        ("escalation", date(2014, 5, 9)),  # raised after the check that found the concern
        ("midway_check", date(2014, 5, 9)),
        ("case_note", date(2014, 4, 2)),
        ("review", date(2014, 3, 28)),
        ("allocated", date(2014, 3, 3)),
    ]
    titles = [e.title for e in events]
    assert titles[0] == "Cy Hart allocated as IRO" and titles[4] == "Case note: contact with the child"


# --- The pages --------------------------------------------------------------------------------------


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def monitored(iro, today):
    """A child whose first review was held 105 days ago: the next is due 15 days ago (90 days after),
    and the midway check was due 60 days ago (45 days after)."""
    child = make_child(iro=iro, looked_after_from=today - timedelta(days=130), first_name="Maya", last_name="Stone")
    review_record(actor=iro, child=child, held_on=today - timedelta(days=105), chair=iro, participation="PN1")
    return child


def test_an_iro_records_a_case_note_in_the_browser_form(client, monitored, iro, today):
    url = reverse("reviews:case_note_record", args=[monitored.public_id])
    page = login(client, iro).get(url).content.decode()
    assert "Record a case note" in page
    response = client.post(url, {**date_fields("contact_on", today), "summary": ""})
    page = response.content.decode()
    for message in ("Select who the contact was with", "Select how the contact was made", "Enter a summary"):
        assert message in page
    response = client.post(
        url,
        {
            **date_fields("contact_on", today),
            "contact_with": "carer",
            "contact_name": "Jo Ellis",
            "method": "phone",
            "summary": "Settled; school going well.",
        },
    )
    assert response.status_code == 302 and response.url == reverse("children:history", args=[monitored.public_id])
    note = CaseNote.objects.get()
    assert (note.child, note.contact_with, note.recorded_by) == (monitored, "carer", iro)
    page = client.get(response.url).content.decode()
    assert "Case note: contact with carer (Jo Ellis)" in page and "Settled; school going well." in page


def test_the_childs_page_shows_the_timeline_and_reviews_held_escaped_with_their_links(client, monitored, iro, today):
    case_note_record(
        actor=iro,
        child=monitored,
        contact_on=today,
        contact_with="carer",
        contact_name="Jo & Al",
        method="phone",
        summary="Line <b>one</b>\nline two",
        today=today,
    )
    page = login(client, iro).get(reverse("children:history", args=[monitored.public_id])).content.decode()
    assert "Line &lt;b&gt;one&lt;/b&gt;<br>line two" in page and "<b>one" not in page
    assert "Case note: contact with carer (Jo &amp; Al)" in page
    assert f'<time datetime="{today.isoformat()}">{date_format(today, "j F Y")}</time>' in page
    review = monitored.reviews.get(held_on__isnull=False)
    for name in ("reviews:detail", "reviews:edit", "escalations:raise_from_review"):
        assert page.count(f'href="{reverse(name, args=[review.public_id])}"') == (2 if name == "reviews:detail" else 1)
    assert f"Review 1 of the period from {review.period_start:%d/%m/%Y}" in page


def test_an_iro_records_the_midway_check_and_is_taken_to_escalate(client, monitored, iro, today):
    detail = reverse("children:detail", args=[monitored.public_id])
    page = login(client, iro).get(detail).content.decode()
    due = today - timedelta(days=60)
    midway = re.search(r"data-midway>(.*?)</p>", page, re.S).group(1)
    assert f"Midway check due {due:%-d %B %Y}" in midway and "Not done" in midway
    url = reverse("reviews:midway_check_record", args=[monitored.public_id])
    assert url in page
    page = client.get(url).content.decode()
    assert "The last review recorded no actions." in page
    response = client.post(url, {**date_fields("checked_on", today), "actions_on_track": "no", "escalate": "yes"})
    assert "Describe the concerns to be escalated" in response.content.decode()
    response = client.post(
        url,
        {
            **date_fields("checked_on", today),
            "actions_on_track": "no",
            "concerns": "No PEP.",
            "escalate": "yes",
        },
    )
    assert response.status_code == 302 and response.url == reverse("escalations:raise", args=[monitored.public_id])
    page = client.get(detail).content.decode()
    assert "Done" in re.search(r"data-midway>(.*?)</p>", page, re.S).group(1)
    assert url not in page
    # Once done, the form sends the IRO back to the child.
    assert client.get(url).url == detail


def test_other_iros_and_the_director_cannot_reach_the_forms(client, monitored, other_iro, director, qa_manager):
    urls = [
        reverse("reviews:case_note_record", args=[monitored.public_id]),
        reverse("reviews:midway_check_record", args=[monitored.public_id]),
    ]
    for user in (other_iro, director):
        login(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url, {}).status_code == 404, (user, url)
    login(client, qa_manager)
    for url in urls:
        assert client.get(url).status_code == 200
    assert not CaseNote.objects.exists() and not MidwayCheck.objects.exists()


def test_the_caseload_shows_each_childs_midway_check(client, monitored, iro, today):
    make_child(iro=iro, looked_after_from=today - timedelta(days=5), first_name="Noor")  # no review held yet
    page = login(client, iro).get(reverse("children:caseload")).content.decode()
    rows = dict(re.findall(r">(Maya Stone|Noor Tester)</a>.*?data-midway>(.*?)</td>", page, re.S))
    assert f"{today - timedelta(days=60):%d/%m/%Y}" in rows["Maya Stone"] and "Not done" in rows["Maya Stone"]
    assert rows["Noor Tester"].strip() == "–"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.slow
def test_the_childs_page_costs_the_same_queries_for_a_long_history_and_500_children(client, monitored, iro, today):
    names = ("children:detail", "children:about", "children:history")
    pages = [reverse(name, args=[monitored.public_id]) for name in names]
    login(client, iro)
    few = [_queries(client, url) for url in pages]
    for n in range(20):
        case_note_record(
            actor=iro,
            child=monitored,
            contact_on=today - timedelta(days=n),
            contact_with="social_worker",
            method="phone",
            summary=f"Call {n}",
        )
        escalation_raise(
            actor=iro,
            child=monitored,
            raised_on=today - timedelta(days=n),
            theme="drift_delay",
            summary="x",
            sent_to="TM",
        )
    midway_check_record(actor=iro, child=monitored, checked_on=today, actions_on_track="yes")
    for _ in range(490):
        make_child(iro=iro, looked_after_from=today - timedelta(days=30))
    page = client.get(pages[2]).content.decode()
    assert page.count('data-event="case_note"') == 20 and page.count('data-event="escalation"') == 20
    assert client.get(pages[0]).content.decode().count("Drift or delay in care planning, raised") == 20
    assert [_queries(client, url) for url in pages] == few


@pytest.mark.slow
def test_the_caseload_costs_the_same_queries_with_midway_checks(client, monitored, iro, today):
    url = reverse("children:caseload")
    login(client, iro)
    few = _queries(client, url)
    for n in range(60):
        child = make_child(iro=iro, looked_after_from=today - timedelta(days=130))
        review_record(
            actor=iro,
            child=child,
            held_on=today - timedelta(days=100 - n),
            chair=iro,
            participation="PN1",
            late_reason="other",
            late_reason_detail="The family moved house",
        )
        if n % 2:
            midway_check_record(actor=iro, child=child, checked_on=today, actions_on_track="no_actions")
    assert _queries(client, url) == few
