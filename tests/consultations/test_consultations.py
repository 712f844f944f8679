"""Consultations before a review, through HTTP and the services, on fixed dates: asking by a link
whose token is stored only as a hash, answering with no account over several visits, the answers on
the review, revoked / expired / guessed links that reveal nothing, rate limits, audit, reminders sent
once, and no token in any log line."""

import hashlib
import logging
import re
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEntry
from consultations.logging import RedactingLogger
from consultations.models import Audience, Consultation, ConsultationEmail
from consultations.selectors import consultation_figures
from consultations.services import (
    child_audience,
    consultation_emails_send_pending,
    consultation_resend,
    consultation_revoke,
    consultation_send,
    remind_consultations,
)
from reviews import documents
from reviews.models import ReviewViews
from reviews.selectors import review_with_record
from reviews.services import meeting_book, views_add

from ..factories import hold_review, login, make_child

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Wednesday. The child came into care on 1 June, so the first review is due on 29 June 2026.
DAY = date(2026, 6, 10)
REVIEW_DUE = date(2026, 6, 29)


@pytest.fixture(autouse=True)
def on_a_fixed_day():
    with time_machine.travel(datetime.combine(DAY, time(10), tzinfo=LONDON), tick=True):
        yield


@pytest.fixture
def child(iro):
    return make_child(
        iro=iro,
        looked_after_from=date(2026, 6, 1),
        date_of_birth=date(2016, 5, 1),
        first_name="Maya",
        last_name="Quartermain",
        la_child_id="C77001",
    )


@pytest.fixture
def review(child):
    return child.reviews.get(held_on__isnull=True)


def _ask(iro, review, respondent="child", name="Maya", email="maya@example.org"):
    consultation = consultation_send(actor=iro, review=review, respondent=respondent, name=name, email=email)
    consultation_emails_send_pending()
    return consultation


def _link(message) -> str:
    return re.search(r"https?://[^/]+(/have-your-say/link/[^/\s]+/)", message.body).group(1)


def _token(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def test_the_link_is_long_random_and_only_its_hash_is_stored(iro, review):
    consultation = _ask(iro, review)
    (message,) = mail.outbox
    token = _token(_link(message))
    assert len(token) >= 43, "at least 256 bits, URL-safe base64"
    assert "Maya" not in message.subject and "C77001" not in message.subject
    row = consultation.emails.get()
    assert row.sent_at is not None
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # The token itself is nowhere in the database.
    with connection.cursor() as cursor:
        for model in (Consultation, ConsultationEmail, AuditEntry):
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a model's table
            assert token not in repr(cursor.fetchall()), table


def test_the_child_answers_over_two_visits_and_the_answers_land_on_the_review(client, iro, review):
    consultation = _ask(iro, review)
    assert consultation.audience == Audience.CHILD_8_TO_12
    link = _link(mail.outbox[0])

    visit = Client()
    response = visit.get(link)
    assert response.status_code == 302 and response.url == "/have-your-say/"
    page = visit.get("/have-your-say/")
    text = page.content.decode()
    assert "Hello Maya" in text and "29 June 2026" in text
    for secret in ("Quartermain", "C77001", "2016", "1 May"):
        assert secret not in text, "nothing about the child beyond the first name and the review date"
    assert "no-store" in page["Cache-Control"] and page["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in text
    assert "<script" not in text, "the public pages work without JavaScript"

    assert visit.post("/have-your-say/question/1/", {"answer": "My football team"}).url == "/have-your-say/question/2/"
    assert visit.post("/have-your-say/question/5/", {"answer": "I miss my brother"}).status_code == 302
    wrong = visit.post("/have-your-say/question/6/", {"answer": "maybe"})
    assert "Choose one of the answers" in wrong.content.decode()

    # A second visit, another day's browser: the same link, the answers kept.
    later = Client()
    later.get(link)
    assert "My football team" in later.get("/have-your-say/question/1/").content.decode()
    later.post("/have-your-say/question/6/", {"answer": "yes"})
    check = later.get("/have-your-say/check-your-answers/").content.decode()
    assert "My football team" in check and "Yes" in check
    assert later.post("/have-your-say/check-your-answers/").url == "/have-your-say/thank-you/"

    views, private = ReviewViews.objects.filter(review=review).order_by("only_for_iro")
    assert (views.role, views.method, views.gathered_on, views.only_for_iro) == ("child", "form", DAY, False)
    assert "What is going well for you?\nMy football team" in views.text and "I miss my brother" not in views.text
    assert private.only_for_iro and "I miss my brother" in private.text
    # After sending, the link shows only the thank-you page.
    again = Client()
    assert again.get(link, follow=True).redirect_chain[-1][0] == "/have-your-say/thank-you/"
    assert again.get("/have-your-say/question/1/").url == "/have-your-say/thank-you/"

    # The IRO sees them while recording, with PN6 suggested; documents leave out the private part.
    login(client, iro)
    page = client.get(f"/reviews/{review.public_id}/record/the-review/").content.decode()
    assert "data-pn6-suggested" in page and "My football team" in page and "Only for the IRO" in page
    prepare = client.get(f"/reviews/{review.public_id}/prepare/").content.decode()
    assert "Answered" in prepare


def test_documents_leave_out_what_was_only_for_the_iro(iro, review):
    views_add(actor=iro, review=review, role="child", method="form", gathered_on=DAY, text="Shared with all")
    views_add(actor=iro, review=review, role="child", method="form", gathered_on=DAY, text="Secret", only_for_iro=True)
    held = hold_review(review.child, DAY, chair=iro, participation="PN6")
    text = documents.render_html(documents.build("record", review_with_record(held), today=DAY))
    assert "Shared with all" in text and "Secret" not in text


def test_wrong_revoked_expired_and_replaced_links_show_the_same_plain_page(iro, review):
    first = _ask(iro, review)
    carer = _ask(iro, review, respondent="carer", name="Pat Carer", email="pat@example.org")
    child_link, carer_link = _link(mail.outbox[0]), _link(mail.outbox[1])

    def landing(path):
        response = Client().get(path, follow=True)
        return response.status_code, response.content

    plain = landing("/have-your-say/link/" + "A" * 43 + "/")
    assert plain[0] == 404 and b"This link does not work" in plain[1]
    consultation_revoke(actor=iro, consultation=carer)
    assert landing(carer_link) == plain
    # A new link replaces the old one.
    consultation_resend(actor=iro, consultation=first)
    consultation_emails_send_pending()
    assert landing(child_link) == plain
    new_link = _link(mail.outbox[-1])
    assert b"Hello Maya" in landing(new_link)[1]
    # After the review's day the link no longer works.
    with time_machine.travel(datetime.combine(date(2026, 6, 30), time(10), tzinfo=LONDON)):
        assert landing(new_link) == plain


def test_requests_are_rate_limited_per_link_and_per_address(settings, iro, review):
    _ask(iro, review)
    link = _link(mail.outbox[0])
    settings.CONSULTATION_REQUESTS_PER_MINUTE_PER_LINK = 3
    visitor = Client()
    statuses = [visitor.get(link, follow=True).status_code for _ in range(4)]
    assert statuses[:2] == [200, 200] and statuses[-1] == 429
    settings.CONSULTATION_REQUESTS_PER_MINUTE_PER_ADDRESS = 5
    guesses = [Client().get(f"/have-your-say/link/guess{n}/", follow=True).status_code for n in range(8)]
    assert guesses[-1] == 429, "guessing from one address is cut off"


def test_no_log_line_and_no_audit_entry_holds_the_token(caplog, settings, iro, review):
    caplog.set_level(logging.DEBUG)
    _ask(iro, review)
    link = _link(mail.outbox[0])
    token = _token(link)
    settings.CONSULTATION_REQUESTS_PER_MINUTE_PER_LINK = 2
    for _ in range(4):  # answered, then rate-limited
        Client().get(link, follow=True)
    Client().get(link.replace(token, token[:-2] + "xx"), follow=True)  # a wrong token
    assert caplog.records, "the requests were logged"
    assert not [r for r in caplog.records if token in r.getMessage()]
    assert not [e for e in AuditEntry.objects.all() if token in repr(e.detail)]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"consultation_sent", "consultation_email_sent", "consultation_opened"} <= actions


def test_the_web_servers_access_log_hides_the_token(tmp_path):
    """gunicorn's own access logger, configured from gunicorn.conf.py, writes a line with no token."""
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("logger_class", "consultations.logging.RedactingLogger")
    logger = config.logger_class(config)
    assert isinstance(logger, RedactingLogger)
    token = "s3cr3t" * 8
    path = f"/have-your-say/link/{token}/"
    request = SimpleNamespace(method="GET", path=path, query="", version=(1, 1), uri=path, headers=[])
    response = SimpleNamespace(status="302 Found", headers=[], sent=0, response_length=0)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": path}
    logger.access(response, request, environ, timedelta(seconds=0))
    line = (tmp_path / "access.log").read_text()
    assert "/have-your-say/link/[hidden]/" in line and token not in line


def test_each_email_is_sent_once_and_the_reminder_once(iro, review):
    consultation_send(actor=iro, review=review, respondent="carer", name="Pat", email="pat@example.org")
    assert consultation_emails_send_pending() == 1
    assert consultation_emails_send_pending() == 0
    assert len(mail.outbox) == 1
    # 3 working days before the review (due 29 June, a Monday): from Wednesday 24 June.
    assert remind_consultations(today=date(2026, 6, 23)) == 0
    with time_machine.travel(datetime.combine(date(2026, 6, 24), time(9, 30), tzinfo=LONDON)):
        remind_consultations(today=date(2026, 6, 24))
        remind_consultations(today=date(2026, 6, 24))
        remind_consultations(today=date(2026, 6, 25))
        assert consultation_emails_send_pending() == 1
        assert consultation_emails_send_pending() == 0
    assert ConsultationEmail.objects.filter(kind="reminder").count() == 1
    assert len(mail.outbox) == 2 and mail.outbox[1].subject == "Reminder: your views before a review"
    # Both links work: the first and the reminder's.
    for message in mail.outbox:
        assert b"Your views before the review" in Client().get(_link(message), follow=True).content


def test_a_revoked_link_is_not_reminded_and_an_unsent_one_is_not_sent(iro, review):
    consultation = consultation_send(actor=iro, review=review, respondent="carer", name="Pat", email="p@example.org")
    consultation_revoke(actor=iro, consultation=consultation)
    assert consultation_emails_send_pending() == 0
    assert remind_consultations(today=date(2026, 6, 24)) == 0
    assert mail.outbox == []


def test_the_review_date_is_the_meeting_booked_and_the_age_band_is_on_that_day(iro, review):
    meeting_book(actor=iro, review=review, planned_on=date(2026, 6, 26), today=DAY)
    consultation = consultation_send(actor=iro, review=review, respondent="child", name="M", email="m@example.org")
    assert (consultation.review_on, consultation.expires_on) == (date(2026, 6, 26), date(2026, 6, 26))
    assert child_audience(date(2019, 6, 27), date(2026, 6, 26)) == Audience.CHILD_UNDER_8
    assert child_audience(date(2018, 6, 26), date(2026, 6, 26)) == Audience.CHILD_8_TO_12
    assert child_audience(date(2013, 6, 26), date(2026, 6, 26)) == Audience.CHILD_13_PLUS


def test_only_those_who_may_see_the_child_ask_revoke_or_resend(client, iro, other_iro, review):
    consultation = _ask(iro, review, respondent="carer", name="Pat", email="pat@example.org")
    login(client, other_iro)
    assert client.get(f"/have-your-say/ask/{review.public_id}/").status_code == 404
    assert client.post(f"/have-your-say/{consultation.public_id}/revoke/").status_code == 404
    client.logout()
    login(client, iro)
    response = client.post(
        f"/have-your-say/ask/{review.public_id}/", {"respondent": "parent", "name": "Sam", "email": "not an email"}
    )
    assert "Enter an email address in the correct format" in response.content.decode()
    response = client.post(
        f"/have-your-say/ask/{review.public_id}/", {"respondent": "parent", "name": "Sam", "email": "sam@example.org"}
    )
    assert response.status_code == 302
    assert Consultation.objects.filter(review=review, audience="parent", name="Sam").exists()
    assert client.post(f"/have-your-say/{consultation.public_id}/revoke/").status_code == 302
    assert Consultation.objects.get(pk=consultation.pk).revoked_at is not None


def test_the_prepare_page_costs_the_same_queries_however_many_were_asked(client, iro, review):
    login(client, iro)
    _ask(iro, review, respondent="carer", name="Pat", email="pat@example.org")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/reviews/{review.public_id}/prepare/")
    for n in range(4):
        _ask(iro, review, respondent="other", name=f"Person {n}", email=f"p{n}@example.org")
    with CaptureQueriesContext(connection) as five:
        page = client.get(f"/reviews/{review.public_id}/prepare/")
    assert page.content.decode().count("data-consultation-status") == 5
    assert len(five) == len(one)


def test_figures_count_asked_and_answered_by_respondent(iro, review):
    _ask(iro, review)
    _ask(iro, review, respondent="carer", name="Pat", email="pat@example.org")
    Consultation.objects.filter(audience="carer").update(answered_at=datetime(2026, 6, 11, tzinfo=LONDON))
    figures = {row["respondent"]: (row["sent"], row["answered"]) for row in consultation_figures(DAY, DAY)}
    assert figures["The child (8 to 12)"] == (1, 0)
    assert figures["Carer"] == (1, 1)
    assert figures["All"] == (2, 1)
    assert consultation_figures(date(2026, 6, 11), date(2026, 6, 30))[-1] == {
        "respondent": "All",
        "sent": 0,
        "answered": 0,
    }


def test_a_posted_or_mangled_link_is_redirected_like_any_other_and_never_logged(caplog, iro, review):
    caplog.set_level(logging.DEBUG)
    _ask(iro, review)
    link = _link(mail.outbox[0])
    token = _token(link)
    visitor = Client(enforce_csrf_checks=True)
    assert visitor.post(link).status_code == 302
    assert visitor.get(link + "extra/words").status_code == 302
    assert visitor.get(link[:-1]).status_code == 301  # to the link with its slash
    assert b"Hello Maya" in Client().get(link[:-1], follow=True).content, "a link missing its last slash works"
    assert not [r for r in caplog.records if token in r.getMessage()]


def test_a_child_under_8_gets_pictures_with_words_and_few_choices(iro, child, review):
    child.date_of_birth = date(2020, 1, 1)
    child.save(update_fields=["date_of_birth"])
    consultation = _ask(iro, review)
    assert consultation.audience == Audience.CHILD_UNDER_8
    visitor = Client()
    visitor.get(_link(mail.outbox[0]))
    page = visitor.get("/have-your-say/question/1/").content.decode()
    assert "How do you feel about where you live?" in page
    assert page.count('type="radio"') == 3
    assert '<span class="app-picture" aria-hidden="true">😀</span> Happy' in page, "a picture never stands alone"
    assert "<legend" in page


def test_the_link_stops_once_the_review_is_held(iro, review):
    _ask(iro, review)
    hold_review(review.child, DAY, chair=iro, participation="PN7")
    page = Client().get(_link(mail.outbox[0]), follow=True)
    assert page.status_code == 404 and b"This link does not work" in page.content


def test_reminders_wait_for_a_working_day(iro, review):
    from consultations.tasks import sweep_consultation_reminders

    assert sweep_consultation_reminders("2026-12-25") is False


def test_the_childs_page_and_the_dashboard_show_consultations(client, iro, qa_manager, review):
    _ask(iro, review, respondent="carer", name="Pat Carer", email="pat@example.org")
    login(client, iro)
    page = client.get(f"/children/{review.child.public_id}/").content.decode()
    assert "Pat Carer (Carer): waiting for an answer" in page
    client.logout()
    login(client, qa_manager)
    dashboard = client.get("/reports/").content.decode()
    assert re.search(r'data-kpi="consultations_sent">1<', dashboard)


def test_answers_cannot_be_sent_empty_and_a_new_link_keeps_them(iro, review):
    consultation = _ask(iro, review, respondent="social_worker", name="Sam Social", email="sam@example.org")
    visitor = Client()
    visitor.get(_link(mail.outbox[0]))
    refused = visitor.post("/have-your-say/check-your-answers/")
    assert "Answer at least one question before you send your answers." in refused.content.decode()
    visitor.post("/have-your-say/question/1/", {"answer": "Settled at school"})
    consultation_resend(actor=iro, consultation=consultation)
    consultation_emails_send_pending()
    again = Client()
    again.get(_link(mail.outbox[-1]))
    assert "Settled at school" in again.get("/have-your-say/question/1/").content.decode()
    again.post("/have-your-say/check-your-answers/")
    views = ReviewViews.objects.get(review=review)
    assert (views.role, views.name) == ("social_worker", "Sam Social")
    assert "Progress since the last review\nSettled at school" in views.text
    assert AuditEntry.objects.filter(action="consultation_answered", object_id=consultation.pk).count() == 1
