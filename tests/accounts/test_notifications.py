"""The outbox sender and the notifications page."""

import socket
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry, Notification
from accounts.notifications import MAX_ATTEMPTS, notifications_send_pending
from reviews import reminders
from tests.factories import login, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(iro, qa_manager):
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3), first_name="Maya", last_name="Okafor")
    reminders.alert_reviews_overdue(today=date(2014, 4, 1))
    return child


def test_each_notification_is_emailed_once(overdue, iro, qa_manager):
    assert notifications_send_pending() == 2
    assert notifications_send_pending() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([iro.email, qa_manager.email])
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_the_sender_looks_for_each_row_after_the_one_before(overdue, iro, qa_manager):
    make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    reminders.alert_reviews_overdue(today=date(2014, 4, 1))
    # Rows written in the same instant (as one INSERT of a sweep can write them) are told apart by id.
    Notification.objects.update(created_at=Notification.objects.earliest("created_at").created_at)
    with CaptureQueriesContext(connection) as queries:
        assert notifications_send_pending() == 4
    lookups = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert len(lookups) == 5  # one a row, then one finding no more
    # Not from the first unsent row each time, past every row sent already: a run of thousands of
    # emails would cost the square of their number.
    assert all('"created_at" >= ' in sql and '"id" > ' in sql for sql in lookups[1:])
    assert len(mail.outbox) == 4
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_an_email_names_the_child_only_by_la_id_and_never_in_the_subject(overdue, iro):
    notifications_send_pending()
    message = next(m for m in mail.outbox if m.to == [iro.email])
    assert message.subject == "IRO service: A review is overdue"
    html = message.alternatives[0][0]
    for part in (message.subject, message.body, html):
        assert "Maya" not in part and "Okafor" not in part
    assert overdue.la_child_id in message.body and overdue.la_child_id in html
    assert f"/children/{overdue.public_id}/" in message.body
    assert message.extra_headers["Message-ID"].startswith("<notification-")


def test_emails_link_to_the_services_public_address(overdue, iro, settings):
    settings.SITE_URL = "https://iro.example.gov.uk/"
    notifications_send_pending()
    message = next(m for m in mail.outbox if m.to == [iro.email])
    link = f"https://iro.example.gov.uk/children/{overdue.public_id}/"
    assert link in message.body and link in message.alternatives[0][0]
    assert "127.0.0.1" not in message.body


def test_a_mail_server_error_is_recorded_and_raised_for_a_retry(overdue, settings):
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with pytest.raises(ConnectionRefusedError):
        notifications_send_pending()
    failed = Notification.objects.get(attempts=1)
    assert failed.sent_at is None and "ConnectionRefusedError" in failed.last_error
    assert Notification.objects.filter(attempts=0, sent_at__isnull=True).count() == 1


def test_a_user_with_no_email_address_keeps_the_notification_in_the_service(iro, qa_manager):
    qa_manager.email = ""
    qa_manager.save()
    make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    reminders.alert_reviews_overdue(today=date(2014, 4, 1))
    assert notifications_send_pending() == 1
    kept = Notification.objects.get(recipient=qa_manager)
    assert (kept.sent_at, kept.attempts) == (None, MAX_ATTEMPTS)


def test_the_notifications_page_lists_the_users_own_and_marks_them_done(client, overdue, iro, qa_manager):
    login(client, iro)
    page = client.get(reverse("notifications")).content.decode()
    assert "A review is overdue" in page and overdue.la_child_id in page
    assert "Notifications (1)" in page
    mine = Notification.objects.get(recipient=iro)
    theirs = Notification.objects.get(recipient=qa_manager)
    assert client.post(reverse("notification_done", args=[theirs.public_id])).status_code == 404
    assert client.get(reverse("notification_done", args=[mine.public_id])).status_code == 405
    assert client.post(reverse("notification_done", args=[mine.public_id])).status_code == 302
    mine.refresh_from_db()
    assert mine.done_at is not None
    assert AuditEntry.objects.filter(action="notification_done", actor=iro, object_id=mine.pk).exists()
    page = client.get(reverse("notifications")).content.decode()
    assert "Nothing to do." in page and "Notifications (1)" not in page
    assert "A review is overdue" in client.get(reverse("notifications"), {"show": "done"}).content.decode()


@pytest.mark.slow
def test_the_notifications_page_costs_the_same_queries_for_many_rows(client, iro):
    for _ in range(3):
        make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    reminders.alert_reviews_overdue(today=date(2014, 4, 1))
    login(client, iro)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications"))
    for _ in range(30):
        make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    reminders.alert_reviews_overdue(today=date(2014, 4, 1))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notifications"))
    assert Notification.objects.count() == 33
    assert len(many) == len(few)
