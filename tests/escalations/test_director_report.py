"""The Director's bi-monthly report: its figures against a hand-counted log, and that each period's
report is stored once and emailed once to each Director (see also tests/integration)."""

from datetime import date
from pathlib import Path
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from escalations.delivery import director_report_send, director_report_store, director_reports_send_pending
from escalations.models import DirectorReport, DirectorReportDelivery
from escalations.periods import Period
from escalations.report import build_director_report, report_tables
from escalations.services import escalation_resolve, escalation_stage_add, escalation_stage_respond
from escalations.tasks import send_director_report
from tests.factories import UserFactory, make_child

from .conftest import raise_escalation

pytestmark = pytest.mark.django_db

LOG_2013_14 = Path(__file__).resolve().parents[1] / "fixtures" / "escalations" / "escalation_log_2013_14.csv"
FEBRUARY_MARCH_2014 = Period(date(2014, 2, 1))

# Counted by hand from tests/fixtures/escalations/escalation_log_2013_14.csv (with awk, by the rows'
# dates, not with this code). The six themes the seed reports have the seed's own 2013-14 numbers
# (66 representations about 60 children, 5 to senior managers).
THEMES_2013_14 = {
    "safety": 16,
    "placement_quality": 12,
    "drift_delay": 11,
    "unallocated": 10,
    "education": 4,
    "review_process": 4,
    "health": 4,
    "contact": 3,
    "other": 2,
}
STAGES_2013_14 = {
    "informal": 40,
    "team_manager": 14,
    "service_manager": 5,
    "head_of_service": 3,
    "director": 2,
    "cafcass": 2,
}
THEMES_FEBRUARY_MARCH_2014 = {
    "safety": 3,
    "placement_quality": 1,
    "drift_delay": 1,
    "unallocated": 3,
    "education": 2,
    "review_process": 1,
    "health": 0,
    "contact": 0,
    "other": 0,
}


@pytest.fixture
def log_2013_14():
    for n in range(1, 63):
        make_child(la_child_id=f"S{n:04d}", looked_after_from=None, date_of_birth=date(2004, 1, 1))
    call_command("import_escalations", str(LOG_2013_14), stdout=None)


def test_the_theme_table_for_2013_14_matches_the_hand_counted_log(log_2013_14):
    figures = build_director_report(FEBRUARY_MARCH_2014)
    year = figures["year_figures"]
    assert figures["year"] == {"start": "2013-04-01", "label": "2013-14"}
    assert year["themes"] == THEMES_2013_14
    assert sum(year["themes"].values()) == year["raised"] == 66
    assert year["children"] == 60
    assert year["stages"] == STAGES_2013_14
    assert (year["senior"], year["cafcass"]) == (5, 2)
    # Resolved in the year: 58, one of them raised in the year before; median 17.5 days.
    assert (year["resolved"], year["withdrawn"], year["median_days_to_resolution"]) == (58, 0, 17.5)
    assert year["open_at_end"] == 9


def test_the_period_figures_and_the_children_with_repeated_escalations(log_2013_14):
    figures = build_director_report(FEBRUARY_MARCH_2014)
    period = figures["period_figures"]
    assert figures["period"]["label"] == "February and March 2014"
    assert period["themes"] == THEMES_FEBRUARY_MARCH_2014
    assert (period["raised"], period["children"], period["resolved"], period["median_days_to_resolution"]) == (
        11,
        10,
        11,
        17.0,
    )
    assert period["senior"] == 0
    assert figures["repeated_children"] == [
        {"child": f"S000{n}", "count": 2, "themes": figures["repeated_children"][n - 1]["themes"]} for n in range(1, 7)
    ]
    tables = report_tables(figures)
    assert tables["themes"][0] == ("Safety of the young person (risk of CSE, going missing, emotional state)", 3, 16)
    assert tables["themes"][-1] == ("Total", 11, 66)
    assert tables["stages"][-1] == ("Total", 11, 66)
    assert dict((label, (p, y)) for label, p, y in tables["headline"])["Median days from raised to resolved"] == (
        "17.0",
        "17.5",
    )


def test_the_first_period_of_a_year_counts_only_that_year(log_2013_14):
    figures = build_director_report(Period(date(2014, 4, 1)))
    # 1 April 2014 starts 2014-15: the one escalation raised that day, and none of 2013-14.
    assert figures["year"]["label"] == "2014-15"
    assert figures["period_figures"]["raised"] == figures["year_figures"]["raised"] == 1
    assert figures["year_figures"]["themes"]["education"] == 1
    assert figures["repeated_children"] == []


def test_stage_responses_in_time_late_and_never_and_senior_managers_on_the_way_to_cafcass(iro):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    # Informal, due 8 April, answered late on the 9th; then head of service (due 16 April), never
    # answered; then Cafcass (due 24 April), answered in time.
    escalation = raise_escalation(iro=iro, child=child, raised_on=date(2014, 4, 1), today=date(2014, 4, 1))
    escalation_stage_respond(
        actor=iro,
        stage=escalation.current_stage,
        response="Late.",
        responded_on=date(2014, 4, 9),
        today=date(2014, 4, 9),
    )
    escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="head_of_service",
        sent_to="Ruth Obi",
        sent_on=date(2014, 4, 9),
        today=date(2014, 4, 9),
    )
    cafcass = escalation_stage_add(
        asked="Agree the plan by the next panel",
        actor=iro,
        escalation=escalation,
        stage="cafcass",
        sent_to="Cafcass",
        sent_on=date(2014, 4, 17),
        today=date(2014, 4, 17),
    )
    escalation_stage_respond(
        actor=iro, stage=cafcass, response="Accepted.", responded_on=date(2014, 4, 22), today=date(2014, 4, 22)
    )
    escalation_resolve(
        actor=iro, escalation=escalation, resolved_on=date(2014, 5, 1), outcome="Plan agreed.", today=date(2014, 5, 1)
    )
    period = build_director_report(Period(date(2014, 4, 1)))["period_figures"]
    assert (period["stages_due"], period["stages_in_time"], period["stages_late"], period["stages_unanswered"]) == (
        3,
        1,
        1,
        1,
    )
    assert (period["senior"], period["cafcass"], period["stages"]["cafcass"]) == (1, 1, 1)
    assert (period["resolved"], period["median_days_to_resolution"], period["open_at_end"]) == (1, 30.0, 0)


@pytest.fixture
def directors():
    return [
        UserFactory(role=User.Role.DIRECTOR, first_name="Dana"),
        UserFactory(role=User.Role.DIRECTOR, first_name="Dev"),
        UserFactory(role=User.Role.DIRECTOR, is_active=False),
    ]


def test_the_report_is_stored_once_per_period_and_emailed_once_to_each_active_director(log_2013_14, directors):
    for _ in range(3):
        report = director_report_send(today=date(2014, 4, 1))
    assert DirectorReport.objects.count() == 1
    assert report.period_start == date(2014, 2, 1) and report.period_end == date(2014, 3, 31)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.email for d in directors[:2])
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 2

    email = mail.outbox[0]
    assert email.subject == "IRO service: escalations report for February and March 2014"
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    for part in (email.body, html):
        assert "Safety of the young person" in part and "S0001" in part
        assert "?period=2014-02" in part
    # Children appear by LA child id only: no names anywhere (the children's surname is "Tester").
    assert "Tester" not in email.body + html and "Tester" not in email.subject
    # The plain-text part has the whole theme table: period, then year to date.
    assert "- Safety of the young person (risk of CSE, going missing, emotional state): 3; 16" in email.body
    assert "- Total: 11; 66" in email.body


def test_a_stored_report_is_sent_as_it_was_built(log_2013_14, directors, iro):
    report = director_report_store(FEBRUARY_MARCH_2014)
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    raise_escalation(iro=iro, child=child, raised_on=date(2014, 3, 31), today=date(2014, 4, 1))
    assert director_report_store(FEBRUARY_MARCH_2014).figures == report.figures
    director_reports_send_pending()
    assert "- Total: 11; 66" in mail.outbox[0].body, "the escalation recorded later is not in the stored report"


def test_mail_server_trouble_is_recorded_and_the_report_is_sent_later(log_2013_14, directors):
    broken = mock.patch("django.core.mail.EmailMessage.send", side_effect=SMTPServerDisconnected("gone"))
    with broken, pytest.raises(SMTPServerDisconnected):
        director_report_send(today=date(2014, 4, 1))
    delivery = DirectorReportDelivery.objects.get(recipient=directors[0])
    assert (delivery.sent_at, delivery.attempts, delivery.last_error) == (None, 1, "SMTPServerDisconnected: gone")
    assert send_director_report.apply(args=["2014-04-02"]).get() == "2014-02-01"
    assert len(mail.outbox) == 2
    assert DirectorReportDelivery.objects.filter(sent_at__isnull=False).count() == 2


def test_no_directors_means_a_stored_report_and_no_email(log_2013_14):
    director_report_send(today=date(2014, 6, 1))
    assert DirectorReport.objects.get().period_start == date(2014, 4, 1)
    assert mail.outbox == []
