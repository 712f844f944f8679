"""A database connection kept between requests (CONN_MAX_AGE) that the database dropped meanwhile is
replaced before the next request uses it (CONN_HEALTH_CHECKS), instead of failing that request."""

import pytest
from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, connections
from django.db.utils import DEFAULT_DB_ALIAS

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def drop_the_connection() -> None:
    """The database ends this process's connection, as a restart or a failover does."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_connections_are_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0  # kept between requests, so worth checking


def test_a_dropped_connection_is_replaced_at_the_next_request(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    # Without the check, the request after the drop fails: what the review saw.
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", False)
    drop_the_connection()
    close_old_connections()  # what Django does as each request starts
    with pytest.raises(OperationalError):
        User.objects.count()
    connection.close()

    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.ensure_connection()
    close_old_connections()
    drop_the_connection()
    close_old_connections()
    assert User.objects.count() == 0
