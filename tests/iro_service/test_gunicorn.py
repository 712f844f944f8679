"""The web server's settings: every name in gunicorn.conf.py is one of gunicorn's, and the timeouts
leave the report downloads time to finish while a stuck request still ends."""

import runpy
from pathlib import Path

from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def loaded(monkeypatch, **env) -> Config:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if not name.startswith("_") and name not in ("os", "gunicorn"):
            assert name in config.settings, f"{name} is not a gunicorn setting"
            config.set(name, value)
    return config


def test_the_timeouts_leave_the_report_downloads_time_and_end_a_stuck_request(monkeypatch):
    config = loaded(monkeypatch)
    assert config.timeout == 120 and config.graceful_timeout == 30 and config.keepalive == 5
    assert config.keepalive < config.graceful_timeout < config.timeout
    assert config.workers == 3


def test_the_timeouts_come_from_the_environment(monkeypatch):
    config = loaded(monkeypatch, GUNICORN_TIMEOUT="300", GUNICORN_WORKERS="5")
    assert config.timeout == 300 and config.workers == 5
