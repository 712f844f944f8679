"""The annual report's figures as JSON, the shape `annual_report --format json` prints."""

import json

from ..annual import AnnualReport


def render_json(report: AnnualReport) -> str:
    return json.dumps(report.as_json(), indent=2) + "\n"
