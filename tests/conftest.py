import pytest

from iro_service.models import User

from .factories import UserFactory, make_iro


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
    return UserFactory(role=User.Role.DIRECTOR)
