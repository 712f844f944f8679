"""Headers and deployment: CSP, Permissions-Policy, HSTS, check --deploy, no Server header naming
the software, and the demo kept out of production."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-of-plenty-of-length-and-variety-8h3k2Jq9xZ",
    "ALLOWED_HOSTS": "iro.example.gov.uk",
    "DATABASE_URL": os.environ["DATABASE_URL"],
}
# What the test run sets for itself (plain HTTP on localhost) is not production.
TEST_ONLY = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "HSTS_SECONDS",
    "ALLOWED_HOSTS",
}


def production_env(**extra) -> dict:
    return {k: v for k, v in os.environ.items() if k not in TEST_ONLY} | PRODUCTION | extra


@pytest.mark.slow
def test_check_deploy_has_no_warnings_with_the_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("debug", "hsts"), [("false", "31536000"), ("true", "0")])
def test_hsts_is_on_by_default_when_debug_is_off(debug, hsts):
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(DEBUG=debug, DJANGO_SETTINGS_MODULE="iro_service.settings"),
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == hsts, result.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_and_a_permissions_policy(client, iro):
    client.login(username=iro.username, password=PASSWORD)
    response = client.get(reverse("children:caseload"), secure=True)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    page = response.content.decode()
    # Every inline script carries the nonce; no inline style anywhere.
    for script in page.split("<script")[1:]:
        tag = script.split(">", 1)[0]
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag
    assert "style=" not in page and "<style" not in page
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Server" not in response.headers


@pytest.mark.slow
def test_gunicorn_does_not_name_itself_in_the_server_header():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "iro_service.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=production_env(ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                connection.request("GET", "/sign-in/")
                response = connection.getresponse()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer")
        assert response.status == 200
        assert response.headers["Server"] == "IRO service"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--i-know-this-is-not-production"):
        call_command("seed_demo", children=1)
