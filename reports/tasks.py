from celery import shared_task
from django.utils import timezone

from children.selectors import caseload_summary, due_soon_by
from core.collection_years import CollectionYear

from . import annual
from .selectors import dashboard


@shared_task
def prepare_figures() -> None:
    """After the night's housekeeping has emptied the change log (which moves every stamp), computes
    the figures the day's first pages read: the dashboard, the QA caseload's counts and the last
    complete year's annual report, each kept under the day (core.changes). At a national service they
    take seconds; so no QA manager waits for them at the start of the day."""
    today = timezone.localdate()
    dashboard(today=today)
    caseload_summary(today=today, soon=due_soon_by(today))
    annual.build(CollectionYear.last_complete(today).year, today=today)
