import pytest
from django.http import HttpRequest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import User
from security.services import totp_device_for_demo

from .factories import IROFactory, UserFactory


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
