"""Sessions: a fixed lifetime from sign-in, new keys at sign-in and at the second factor, expired
sessions cleared by a beat task, and search terms not left behind."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Change
from security.signals import SIGNED_IN_AT
from security.tasks import clear_expired_sessions
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_absolute_lifetime_defaults_to_ten_hours():
    assert settings.SESSION_ABSOLUTE_LIFETIME == 10 * 60 * 60


def test_a_session_ends_its_lifetime_after_sign_in_however_active(client, iro):
    client.login(username=iro.username, password=PASSWORD)
    client.post(reverse("children:caseload"), {"q": "Smith"})
    assert client.get(reverse("children:caseload")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.SESSION_ABSOLUTE_LIFETIME - 1
    session.save()
    response = client.get(reverse("children:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert "caseload_search" not in client.session


def test_signing_in_gives_a_new_session_key(iro):
    browser = Client()
    anonymous = browser.session
    anonymous["seen"] = True
    anonymous.save()
    before = anonymous.session_key
    browser.cookies[settings.SESSION_COOKIE_NAME] = before
    browser.post(reverse("login"), {"username": iro.username, "password": PASSWORD})
    assert browser.session.get("seen") and browser.session.session_key != before


def test_a_cleared_search_leaves_nothing_in_the_session(client, iro):
    client.login(username=iro.username, password=PASSWORD)
    client.post(reverse("children:caseload"), {"q": "Smith"})
    assert client.session["caseload_search"] == "Smith"
    client.post(reverse("children:caseload"), {"q": ""})
    assert "caseload_search" not in client.session
    row = Session.objects.get(session_key=client.session.session_key)
    assert "caseload_search" not in row.get_decoded()


def test_signing_out_deletes_the_session_with_its_search(client, iro):
    client.login(username=iro.username, password=PASSWORD)
    client.post(reverse("children:caseload"), {"q": "Smith"})
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_the_beat_task_clears_expired_sessions_only(iro):  # iro: rows in the log of changes
    expired, live = SessionStore(), SessionStore()
    for store in (expired, live):
        store["caseload_search"] = "Smith"
        store.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(minutes=1))
    clear_expired_sessions.apply().get()
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert Session.objects.filter(session_key=live.session_key).exists()
    assert Change.objects.count() == 1  # the log of changes emptied but for the row marking it
    assert settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]["task"] == "security.tasks.clear_expired_sessions"
