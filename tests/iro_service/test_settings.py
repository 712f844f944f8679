"""Settings come from the environment, every one is documented, and bad values are refused."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _read_by_settings() -> set[str]:
    text = (ROOT / "iro_service" / "settings.py").read_text()
    # env.<type>("NAME", ...) calls, and the schedule variables named in the sweeps table.
    return set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', text)) | set(re.findall(r'"(SCHEDULE_[A-Z_]+)"', text))


def test_every_environment_variable_is_listed_in_env_example():
    read = _read_by_settings()
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert read, "no settings found: the pattern above no longer matches settings.py"
    assert {"SCHEDULE_REVIEWS_DUE", "DATABASE_URL"} <= read
    assert read <= listed, f"missing from .env.example: {sorted(read - listed)}"


def test_docker_compose_sets_only_variables_the_settings_read():
    read = _read_by_settings()
    compose = (ROOT / "docker-compose.yml").read_text()
    app_env = compose.split("environment: &app-env", 1)[1].split("depends_on:", 1)[0]
    passed = set(re.findall(r"^\s+([A-Z_]+):", app_env, flags=re.M))
    assert passed and passed <= read, f"compose passes unknown settings: {sorted(passed - read)}"


def _load_settings(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}} | env
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment | {"DJANGO_SETTINGS_MODULE": "iro_service.settings"},
        capture_output=True,
        text=True,
    )


@pytest.mark.slow  # each starts a new Python process
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "Set SECRET_KEY"),
        ({"SECRET_KEY": "x", "SITE_URL": ""}, "Set SITE_URL"),
        ({"SECRET_KEY": "x", "SITE_URL": "iro.example.gov.uk"}, "SITE_URL must be an address starting http"),
        ({"SECRET_KEY": "x", "REVIEW_TIMESCALE_POLICY": "yearly"}, "REVIEW_TIMESCALE_POLICY must be one of"),
        ({"SECRET_KEY": "x", "BANK_HOLIDAY_NATION": "FR"}, "BANK_HOLIDAY_NATION must be one of"),
    ],
)
def test_bad_settings_are_refused_with_a_message(env, message):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.slow
def test_good_settings_load():
    assert _load_settings(SECRET_KEY="x", REVIEW_TIMESCALE_POLICY="england-2010").returncode == 0


def test_every_periodic_task_expires_before_its_next_run_and_retries_stay_inside_the_visibility_timeout():
    from celery.schedules import crontab
    from django.conf import settings

    from accounts.tasks import send_notifications

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = entry["schedule"]
        period = 24 * 3600 if isinstance(schedule, crontab) else schedule  # the sweeps run daily at most
        assert 0 < entry["options"]["expires"] < period, name
    visibility = 3600  # CELERY_BROKER_TRANSPORT_OPTIONS for Redis
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == visibility
    assert send_notifications.retry_backoff_max < visibility
