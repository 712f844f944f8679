"""The benchmark's web server and browser: gunicorn as production runs it (DEBUG off, its own
gunicorn.conf.py), and signed-in sessions that time each request over HTTP.

Only the standard library: the service has no HTTP client among its dependencies, and one request
at a time needs none."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

# What a production run sets, except what would stop a benchmark on plain HTTP without MFA devices.
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "",  # a new throwaway key each run (below)
    "REQUIRE_MFA": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "HSTS_SECONDS": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": "http://127.0.0.1",
    "GUNICORN_WORKERS": "2",
    "GUNICORN_TIMEOUT": "600",
    # Templates find the static files without a collectstatic run first.
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "EMAIL_URL": "memorymail://",
    "LOG_LEVEL": "WARNING",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, log_path: Path):
    """gunicorn serving the service on a free local port, with 2 workers and DEBUG off; yields the
    port once it answers."""
    port = _free_port()
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_urlsafe(50)}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "iro_service.wsgi:application",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
    ]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: see {log_path}") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Session:
    """One signed-in user's browser: its cookies, and one request at a time."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers={**(headers or {}), "Cookie": cookie})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def sign_in(self, username: str, password: str) -> None:
        status, _, page = self.request("GET", "/sign-in/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"The sign-in page answered {status} without a form")
        form = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password})
        status, headers, _ = self.request(
            "POST", "/sign-in/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sign-in" in headers.get("Location", ""):
            raise RuntimeError(f"{username} could not sign in (answer {status})")

    def time(self, path: str) -> float:
        """Milliseconds from sending the request to the last byte of a 200 answer."""
        started = time.perf_counter()
        status, _, _ = self.request("GET", path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        return elapsed
