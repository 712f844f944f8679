"""A sessional IRO's month of work for payment: the reviews they chaired, and the midway checks and
case notes they recorded, listed by LA child id and downloadable as CSV (audited)."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry, StaffProfile
from reports.selectors import sessional_work
from reviews.monitoring_services import case_note_record, midway_check_record

from ..factories import hold_review, login, make_child

pytestmark = pytest.mark.django_db


def note(actor, child, on):
    return case_note_record(
        actor=actor, child=child, contact_on=on, contact_with="carer", method="phone", summary="Settled", today=on
    )


@pytest.fixture
def sessional_iro(iro):
    StaffProfile.objects.filter(user=iro).update(employment=StaffProfile.Employment.SESSIONAL)
    return iro


@pytest.fixture
def may(sessional_iro, other_iro):
    first = make_child(iro=sessional_iro, la_child_id="SESS1", first_name="Zara", looked_after_from=date(2014, 3, 3))
    hold_review(first, date(2014, 3, 28), chair=sessional_iro, today=date(2014, 3, 28))  # March: not counted
    note(sessional_iro, first, date(2014, 4, 30))  # April: not counted
    note(sessional_iro, first, date(2014, 5, 2))
    midway_check_record(
        actor=sessional_iro, child=first, checked_on=date(2014, 5, 9), actions_on_track="yes", today=date(2014, 5, 9)
    )
    note(other_iro, first, date(2014, 5, 12))  # another IRO's: not counted
    second = make_child(iro=sessional_iro, la_child_id="SESS2", first_name="Yan", looked_after_from=date(2014, 5, 1))
    hold_review(second, date(2014, 5, 20), chair=sessional_iro, today=date(2014, 5, 20))
    return first, second


def test_the_months_work_by_date_in_three_queries(may, sessional_iro):
    with CaptureQueriesContext(connection) as queries:
        items = sessional_work(iro=sessional_iro, month=date(2014, 5, 1))
    assert len(queries) == 3
    assert [(item.on, item.kind, item.child.la_child_id) for item in items] == [
        (date(2014, 5, 2), "case_note", "SESS1"),
        (date(2014, 5, 9), "midway_check", "SESS1"),
        (date(2014, 5, 20), "review", "SESS2"),
    ]
    assert [item.kind for item in sessional_work(iro=sessional_iro, month=date(2014, 3, 1))] == ["review"]


def test_a_qa_manager_chooses_the_iro_and_month_and_downloads_the_csv(client, may, sessional_iro, qa_manager):
    first, second = may
    login(client, qa_manager)
    query = {"iro": sessional_iro.pk, "month": "2014-05"}
    page = client.get(reverse("reports:sessional"), query).content.decode()
    assert "Review chaireds" not in page and "Reviews chaired: <strong>1</strong>" in page.replace(
        "Review chaireds", ""
    )
    assert "Midway checks: <strong>1</strong>" in page and "Case notes: <strong>1</strong>" in page
    assert "SESS2" in page and "Zara" not in page

    response = client.get(reverse("reports:sessional_download"), query)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="sessional-work-{sessional_iro.pk}-2014-05.csv"'
    body = response.content.decode()
    assert list(csv.reader(io.StringIO(body))) == [
        ["IRO", "Date", "Work", "LA child id"],
        [sessional_iro.get_full_name(), "2014-05-02", "Case note", "SESS1"],
        [sessional_iro.get_full_name(), "2014-05-09", "Midway check", "SESS1"],
        [sessional_iro.get_full_name(), "2014-05-20", "Review chaired", "SESS2"],
    ]
    assert "Zara" not in body and "Yan" not in body
    entry = AuditEntry.objects.get(action="sessional_work_downloaded")
    assert entry.actor == qa_manager and entry.children_listed == sorted([first.pk, second.pk])


def test_bad_choices_are_named(client, may, qa_manager, other_iro):
    login(client, qa_manager)
    page = client.get(reverse("reports:sessional"), {"iro": other_iro.pk, "month": "2014-13"}).content.decode()
    assert "Choose a sessional IRO" in page
    assert "Enter the month as the year and month, for example 2014-05" in page
    download = client.get(reverse("reports:sessional_download"), {"iro": other_iro.pk, "month": "2014-05"})
    assert download.status_code == 302 and download.url.startswith(reverse("reports:sessional"))
    assert not AuditEntry.objects.filter(action="sessional_work_downloaded").exists()
