from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import User
from security.services import totp_device_for_demo

from .factories import IROFactory, UserFactory

# The days on which every test that asks for `today` runs, besides the real today: the end of a
# month, the last and first days of a collection year, a bank holiday and a leap day. A test that
# builds its data from today must hold on each of them, so the suite passes on any day of the year.
FROZEN_DAYS = ("2026-11-30", "2027-03-31", "2027-04-01", "2026-12-25", "2028-02-29")


def pytest_addoption(parser):
    parser.addoption(
        "--real-day-only",
        action="store_true",
        help="run the tests that ask for `today` on the real day only, not on each of FROZEN_DAYS too "
        "(make test-fast; make test and CI run every day)",
    )


def pytest_generate_tests(metafunc):
    if "today" in metafunc.fixturenames:
        days = [] if metafunc.config.getoption("real_day_only") else list(FROZEN_DAYS)
        metafunc.parametrize("today", ["real", *days], indirect=True)


@pytest.fixture
def today(request) -> date:
    """Today's date, with the clock moved to each of FROZEN_DAYS in turn (10:00 London time, and
    ticking, so that times still move forwards within the test). Browser and worker tests use the
    real clock: Chromium and the Celery workers run outside this process."""
    if request.param == "real":
        yield timezone.localdate()
        return
    moment = datetime.combine(date.fromisoformat(request.param), time(10), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=True):
        yield timezone.localdate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's many rounds cost about half a second per user made and per sign-in; the tests are
    about the service, not hashing. (The live server of the browser tests runs in this process.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class SignInClient(Client):
    """Django's test client, signing in as a person does: the password through the lockout check,
    then the second factor (a verified authenticator on the session), so the tests run with
    two-factor sign-in required as in production."""

    def login(self, **credentials):
        credentials.setdefault("request", HttpRequest())  # the lockout check needs the request
        return super().login(**credentials)

    def _login(self, user, backend=None):
        super()._login(user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_for_demo(user=user).persistent_id
        session.save()


@pytest.fixture
def client():
    return SignInClient()


@pytest.fixture
def iro(db):
    return IROFactory(first_name="Ada", last_name="Owen")


@pytest.fixture
def other_iro(db):
    return IROFactory(first_name="Ben", last_name="Lowe")


@pytest.fixture
def qa_manager(db):
    return UserFactory(role=User.Role.QA_MANAGER, first_name="Quinn", last_name="Adams")


@pytest.fixture
def director(db):
    return UserFactory(role=User.Role.DIRECTOR, first_name="Dana", last_name="Reid")
