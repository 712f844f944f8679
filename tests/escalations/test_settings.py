"""The escalation settings come from the environment and bad values are refused with a message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # each starts a new Python process


def load(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.ESCALATION_RESPONSE_WORKING_DAYS, settings.ESCALATION_FORMAL_PROCESS_WORKING_DAYS)",
        ],
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "iro_service.settings", "SECRET_KEY": "x"} | env,
        capture_output=True,
        text=True,
    )


def test_each_stage_has_5_working_days_unless_told_otherwise():
    result = load(
        ESCALATION_RESPONSE_WORKING_DAYS="team_manager=10, director = 15", ESCALATION_FORMAL_PROCESS_WORKING_DAYS="25"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "{'informal': 5, 'team_manager': 10, 'service_manager': 5, 'head_of_service': 5, 'director': 15, "
        "'cafcass': 5} 25"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ESCALATION_RESPONSE_WORKING_DAYS": "manager=10"}, "ESCALATION_RESPONSE_WORKING_DAYS must be stage=days"),
        ({"ESCALATION_RESPONSE_WORKING_DAYS": "director=0"}, "ESCALATION_RESPONSE_WORKING_DAYS must be stage=days"),
        ({"ESCALATION_RESPONSE_WORKING_DAYS": "director"}, "ESCALATION_RESPONSE_WORKING_DAYS must be stage=days"),
        ({"ESCALATION_FORMAL_PROCESS_WORKING_DAYS": "0"}, "ESCALATION_FORMAL_PROCESS_WORKING_DAYS must be 1 or more"),
        ({"SCHEDULE_DIRECTOR_REPORT": "0 7 *"}, "SCHEDULE_DIRECTOR_REPORT must be five cron fields"),
    ],
)
def test_bad_escalation_settings_are_refused(env, message):
    result = load(**env)
    assert result.returncode != 0
    assert message in result.stderr
