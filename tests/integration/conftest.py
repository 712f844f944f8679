"""Real Celery workers (separate processes) on the real Redis, sending to a real SMTP server on
loopback, against the test database. Data must be committed for the workers to see it, hence
transactional_db."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from accounts.models import Notification
from iro_service.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """Collects every message the server accepted. `hold_first` seconds before accepting the first:
    if the client vanishes meanwhile, aiosmtpd cancels the handler and nothing is accepted."""

    def __init__(self):
        self.messages: list = []
        self.hold_first = 0.0
        self.first_arrived = threading.Event()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.hold_first and not self.first_arrived.is_set():
            self.first_arrived.set()
            await asyncio.sleep(self.hold_first)
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"

    @property
    def message_ids(self) -> list[str]:
        with self._lock:
            return [m["Message-ID"] for m in self.messages]


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield sink, controller.port
    controller.stop()


@pytest.fixture
def worker_env(transactional_db, smtp_sink):
    _, port = smtp_sink
    db = connection.settings_dict
    # A clean queue: stale messages from an earlier run would be run against this run's data.
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "SECRET_KEY": "integration-tests",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }


class Workers:
    def __init__(self, env: dict, log_dir: Path):
        self.env, self.log_dir, self.processes = env, log_dir, {}

    def start(self, name: str, concurrency: int = 2) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "iro_service",
                "worker",
                "-n",
                f"{name}@%h",
                f"--concurrency={concurrency}",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        node = f"{name}@{socket.gethostname()}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"worker {name} exited: {(self.log_dir / f'{name}.log').read_text()[-3000:]}")
            if celery_app.control.ping(destination=[node], timeout=0.5):
                return process
        raise AssertionError(f"worker {name} did not start: {(self.log_dir / f'{name}.log').read_text()[-3000:]}")

    def kill(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes.pop(name).wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


@pytest.fixture
def workers(worker_env, tmp_path):
    pool = Workers(worker_env, tmp_path)
    yield pool
    pool.stop_all()


def wait_for(condition, *, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def wait_until_idle() -> None:
    """Until the queue is empty and no worker has a task running or reserved (there is no result
    backend: the service never waits on a task's result)."""
    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def idle() -> bool:
        if queue.llen("celery"):
            return False
        inspect = celery_app.control.inspect(timeout=0.5)
        busy = [*(inspect.active() or {}).values(), *(inspect.reserved() or {}).values()]
        return not any(busy)

    wait_for(idle, what="the workers to finish")


def wait_until_outbox_sent(sink: SmtpSink, expected: int) -> None:
    """Until every row is sent and the server has them all; then a little longer, so that a
    duplicate on its way would arrive and be counted."""
    wait_for(
        lambda: not Notification.objects.filter(sent_at__isnull=True).exists() and len(sink.messages) >= expected,
        what=f"{expected} emails",
    )
    time.sleep(1.5)
