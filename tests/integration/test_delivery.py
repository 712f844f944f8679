"""Exactly one email per notification, whatever happens to the sweeps, the workers or the broker."""

import json
import subprocess
import sys
import time
from datetime import date

import pytest
from celery import group

from accounts.models import Notification
from accounts.tasks import send_notifications
from reviews.tasks import SWEEPS, sweep

from ..factories import make_child
from .conftest import ROOT, free_port, wait_for, wait_until_idle, wait_until_outbox_sent

pytestmark = pytest.mark.integration
DAY = "2014-04-01"  # a Tuesday


@pytest.fixture
def authority(iro, qa_manager):
    """On DAY: one review overdue (IRO + QA manager), one child without an IRO (its review overdue
    and unallocated: QA manager twice), one review due within 5 working days (IRO). Five emails."""
    make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    make_child(iro=None, looked_after_from=date(2014, 3, 3))
    make_child(iro=iro, looked_after_from=date(2014, 3, 10))
    return 5


def run_every_sweep() -> None:
    for name in SWEEPS:
        sweep.delay(name, DAY)


def test_every_sweep_twice_in_a_row_delivers_each_notification_once(authority, workers, smtp_sink):
    sink, _ = smtp_sink
    workers.start("one")
    run_every_sweep()
    wait_until_idle()
    wait_until_outbox_sent(sink, authority)
    run_every_sweep()
    send_notifications.delay()
    wait_until_idle()
    wait_until_outbox_sent(sink, authority)
    assert Notification.objects.count() == authority
    assert len(sink.message_ids) == authority == len(set(sink.message_ids))


def test_sweeps_and_senders_at_once_on_two_workers_deliver_each_notification_once(authority, workers, smtp_sink):
    sink, _ = smtp_sink
    workers.start("one")
    workers.start("two")
    # Three copies of every sweep at once, as from overlapping beats, with extra senders racing.
    result = group(
        [*(sweep.s(name, DAY) for name in SWEEPS for _ in range(3)), *(send_notifications.s() for _ in range(4))]
    )
    result.apply_async()
    wait_until_idle()
    wait_until_outbox_sent(sink, authority)
    assert len(sink.message_ids) == authority == len(set(sink.message_ids))
    subjects = sorted(m["Subject"] for m in sink.messages)
    assert subjects.count("IRO service: A review is overdue") == 3


def test_a_worker_killed_mid_send_neither_loses_nor_duplicates(authority, workers, smtp_sink):
    sink, _ = smtp_sink
    sink.hold_first = 30  # the first message hangs in the mail server until the worker is killed
    workers.start("doomed", concurrency=1)
    run_every_sweep()
    wait_for(sink.first_arrived.is_set, what="the first email to reach the mail server")
    workers.kill("doomed")
    assert len(sink.messages) == 0
    # Its transaction died with it: the row it was sending is unsent again, not lost.
    wait_for(lambda: Notification.objects.filter(sent_at__isnull=True).count() == authority, what="rollback")
    workers.start("replacement")
    send_notifications.delay()  # as beat does every minute
    wait_until_outbox_sent(sink, authority)
    assert len(sink.message_ids) == authority == len(set(sink.message_ids))


RECORD_REVIEW = """
import json, time
from django.test import Client
from django.urls import reverse
from children.models import Child
from accounts.models import User
from security.services import totp_code, totp_device_for_demo
client = Client()
user = User.objects.get(username={username!r})
user.set_password("signing-in-with-redis-down")
user.save()
device = totp_device_for_demo(user=user)
child = Child.objects.get(la_child_id={child!r})
timings = []
for url, data in [
    (reverse("login"), {{"username": user.username, "password": "signing-in-with-redis-down"}}),
    (reverse("two_factor"), {{"code": totp_code(device)}}),
    (reverse("children:caseload"), None),
    (reverse("reviews:record", args=[child.public_id]), {{"held_on_0": "31", "held_on_1": "3", "held_on_2": "2014",
        "chair": User.objects.get(username={username!r}).pk, "participation": "PN1"}}),
    (reverse("children:detail", args=[child.public_id]), None),
]:
    start = time.monotonic()
    response = client.post(url, data) if data else client.get(url)
    timings.append((url, response.status_code, time.monotonic() - start))
print(json.dumps(timings))
"""


def test_with_the_broker_down_iros_sign_in_and_record_reviews_and_the_notification_goes_out_later(
    iro, workers, worker_env, smtp_sink
):
    sink, _ = smtp_sink
    child = make_child(iro=iro, looked_after_from=date(2014, 3, 3))
    dead_broker = {
        **worker_env,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
        "ALLOWED_HOSTS": "testserver",
    }
    script = RECORD_REVIEW.format(username=iro.username, child=child.la_child_id)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=dead_broker,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    timings = json.loads(result.stdout.strip().splitlines()[-1])
    assert [status for _, status, _ in timings] == [302, 302, 200, 302, 200]
    assert all(seconds < 2 for _, _, seconds in timings), timings
    assert time.monotonic() - started < 30
    assert child.reviews.filter(held_on=date(2014, 3, 31)).exists()
    # The broker is back: the next sweep finds the decisions not sent out, and the email goes.
    workers.start("one")
    sweep.delay("distribution_late", "2014-04-08")
    wait_until_idle()
    wait_until_outbox_sent(sink, 1)
    assert [m["Subject"] for m in sink.messages] == ["IRO service: Review decisions have not been sent out"]
