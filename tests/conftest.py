import pytest

from accounts.models import User

from .factories import UserFactory, make_iro


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's many rounds cost about half a second per user made and per sign-in; the tests are
    about the service, not hashing. (The live server of the browser tests runs in this process.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def iro(db):
    return make_iro(first_name="Ada", last_name="Owen")


@pytest.fixture
def other_iro(db):
    return make_iro(first_name="Ben", last_name="Lowe")


@pytest.fixture
def qa_manager(db):
    return UserFactory(role=User.Role.QA_MANAGER, first_name="Quinn", last_name="Adams")


@pytest.fixture
def director(db):
    return UserFactory(role=User.Role.DIRECTOR, first_name="Dana", last_name="Reid")
