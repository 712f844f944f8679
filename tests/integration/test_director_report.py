"""The Director's report goes out once per period, one email to each Director, whatever happens to
the workers: runs twice in a row, several at once on two workers, a worker killed mid-send."""

from datetime import date

import pytest
from celery import group

from accounts.models import User
from escalations.models import DirectorReport, DirectorReportDelivery
from escalations.services import ImportedEscalation, escalations_import
from escalations.tasks import send_director_report

from ..factories import UserFactory, make_child
from .conftest import wait_for, wait_until_idle

pytestmark = pytest.mark.integration
DAY = "2014-04-01"  # reports on February and March 2014
SUBJECT = "IRO service: escalations report for February and March 2014"


@pytest.fixture
def directors(transactional_db):
    child = make_child(iro=None, looked_after_from=date(2014, 1, 6))
    escalations_import(
        actor=None,
        rows=[
            ImportedEscalation(child, date(2014, 2, 3), "safety", "team_manager", date(2014, 2, 20), "Missing"),
            ImportedEscalation(child, date(2014, 3, 4), "education", "informal", None, "No school place"),
        ],
        source_name="log.csv",
    )
    return [UserFactory(role=User.Role.DIRECTOR) for _ in range(2)]


def wait_until_reports_sent(sink, expected: int) -> None:
    """Until every delivery is sent and the server has them all; then a little longer, so that a
    duplicate on its way would arrive and be counted."""
    wait_for(
        lambda: (
            DirectorReportDelivery.objects.exists()
            and not DirectorReportDelivery.objects.filter(sent_at__isnull=True).exists()
            and len(sink.messages) >= expected
        ),
        what=f"{expected} emails",
    )
    wait_until_idle()


def assert_one_email_per_director(sink, directors) -> None:
    assert sorted(m["To"] for m in sink.messages) == sorted(d.email for d in directors)
    assert len(set(sink.message_ids)) == len(directors)
    assert DirectorReport.objects.count() == 1
    for message in sink.messages:
        assert message["Subject"] == SUBJECT
        assert message.is_multipart()
        parts = {
            part.get_content_type(): part.get_payload(decode=True).decode()
            for part in message.walk()
            if not part.is_multipart()
        }
        assert "Safety of the young person" in parts["text/plain"]
        assert "Safety of the young person" in parts["text/html"]


def test_the_report_task_twice_in_a_row_sends_one_email_per_director(directors, workers, smtp_sink):
    sink, _ = smtp_sink
    workers.start("one")
    send_director_report.delay(DAY)
    wait_until_reports_sent(sink, len(directors))
    send_director_report.delay(DAY)
    send_director_report.delay("2014-05-31")  # later in the same period's successor: still February-March
    wait_until_idle()
    wait_until_reports_sent(sink, len(directors))
    assert_one_email_per_director(sink, directors)


def test_the_report_task_many_times_at_once_on_two_workers_sends_one_email_per_director(directors, workers, smtp_sink):
    sink, _ = smtp_sink
    workers.start("one")
    workers.start("two")
    group([send_director_report.s(DAY) for _ in range(6)]).apply_async()
    wait_until_reports_sent(sink, len(directors))
    assert_one_email_per_director(sink, directors)


def test_a_worker_killed_mid_send_neither_loses_nor_duplicates_the_report(directors, workers, smtp_sink):
    sink, _ = smtp_sink
    sink.hold_first = 30  # the first email hangs in the mail server until the worker is killed
    workers.start("doomed", concurrency=1)
    send_director_report.delay(DAY)
    wait_for(sink.first_arrived.is_set, what="the first email to reach the mail server")
    workers.kill("doomed")
    assert len(sink.messages) == 0
    # The report itself was committed before sending began; the delivery being sent rolled back.
    assert DirectorReport.objects.count() == 1
    wait_for(lambda: DirectorReportDelivery.objects.filter(sent_at__isnull=True).count() == 2, what="rollback")
    workers.start("replacement")
    send_director_report.delay(DAY)  # as beat does the next day
    wait_until_reports_sent(sink, len(directors))
    assert_one_email_per_director(sink, directors)
