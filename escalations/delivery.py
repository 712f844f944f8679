"""The Director's report, stored once per period and emailed once to each Director.

Two guarantees, each from the database rather than from the workers:
- one report per period: the period is a unique key, so two runs at once store one report, and
  every later run finds it;
- one email per Director: the report's deliveries are rows sent like the notification outbox, each
  inside its own transaction under a row lock and marked sent before that commits. A concurrent
  sender skips a locked row; a sender killed mid-send rolls back and the row is sent later.
"""

import logging
from datetime import date

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from accounts.notifications import build_email, send_pending, site_url

from .models import DirectorReport, DirectorReportDelivery
from .periods import Period
from .report import build_director_report, report_tables

logger = logging.getLogger(__name__)


def director_report_store(period: Period) -> DirectorReport:
    """The stored report for `period`: built now, with a delivery for each active Director, unless
    it is already stored. Safe to call at once from several workers."""
    report = DirectorReport.objects.filter(period_start=period.start).first()
    if report is not None:
        return report
    figures = build_director_report(period)
    try:
        with transaction.atomic():
            report = DirectorReport.objects.create(period_start=period.start, period_end=period.end, figures=figures)
            directors = User.objects.filter(role=User.Role.DIRECTOR, is_active=True).order_by("pk")
            DirectorReportDelivery.objects.bulk_create(
                [DirectorReportDelivery(report=report, recipient=director) for director in directors]
            )
    except IntegrityError:
        # Another run stored it first (it committed while this one was building): that one stands.
        return DirectorReport.objects.get(period_start=period.start)
    logger.info("director's report for %s stored, %s deliveries", period.key, len(directors))
    return report


def report_url(report: DirectorReport) -> str:
    period = Period(report.period_start)
    return site_url(reverse("escalations:report") + f"?period={period.key}")


def _email(delivery: DirectorReportDelivery) -> EmailMultiAlternatives:
    report = delivery.report
    context = {
        "recipient": delivery.recipient,
        "report": report,
        "tables": report_tables(report.figures),
        "url": report_url(report),
    }
    return build_email(
        "director_report", context, to=delivery.recipient.email, message_id=f"director-report-{delivery.public_id}"
    )


def director_reports_send_pending() -> int:
    """Email every unsent delivery of every stored report, oldest first; returns how many were sent
    (the outbox's locked send: never twice, nothing lost)."""
    rows = DirectorReportDelivery.objects.select_related("report", "recipient").order_by("pk")
    return send_pending(rows, _email, "director's report delivery")


def director_report_send(*, today: date) -> DirectorReport:
    """The report for the period that ended most recently before `today`: stored if it is not yet,
    then every delivery not yet sent is sent."""
    report = director_report_store(Period.latest_ended(today))
    director_reports_send_pending()
    return report
