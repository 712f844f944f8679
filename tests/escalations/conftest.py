from datetime import date

import pytest

from escalations.services import escalation_raise
from tests.factories import make_child


@pytest.fixture
def child(iro):
    return make_child(iro=iro, looked_after_from=date(2014, 3, 3), first_name="Maya", last_name="Stone")


def raise_escalation(*, iro, child, raised_on=date(2014, 4, 1), stage="informal", theme="drift_delay", **kwargs):
    return escalation_raise(
        actor=iro,
        child=child,
        raised_on=raised_on,
        theme=theme,
        summary=kwargs.pop("summary", "Permanence plan not progressed since the last review"),
        stage=stage,
        sent_to=kwargs.pop("sent_to", "Jo Bloggs, social worker"),
        today=kwargs.pop("today", raised_on),
        **kwargs,
    )
