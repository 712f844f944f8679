"""The notification outbox: sweeps write rows here; one sender emails the unsent rows."""

import logging
from collections.abc import Callable, Iterable
from datetime import date
from itertools import islice
from smtplib import SMTPException, SMTPRecipientsRefused
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .audit import audit_record
from .models import Notification, User

logger = logging.getLogger(__name__)

# After this many failed attempts a row stays in the service's inbox but is no longer emailed.
MAX_ATTEMPTS = 8

Kind = Notification.Kind

# What each kind says. The subject never identifies a child; the body names the LA child id only.
WORDING = {
    Kind.REVIEW_DUE_SOON: (
        "A review is due by {deadline} and no meeting is booked",
        "The statutory review for child {child} is due by {deadline} and no review meeting is booked yet.",
    ),
    Kind.REVIEW_DUE_VERY_SOON: (
        "A review is due by {deadline}: still no meeting booked",
        "The statutory review for child {child} is due by {deadline}, within a week, and no review meeting is booked.",
    ),
    Kind.REVIEW_OVERDUE: (
        "A review is overdue",
        "The statutory review for child {child} was due by {deadline} and has not been recorded as held.",
    ),
    Kind.DECISIONS_LATE: (
        "Review decisions have not been sent out",
        "The decisions of a review for child {child} were due to be sent out by {deadline} (5 working days "
        "after the review) and are not recorded as sent.",
    ),
    Kind.RECORD_LATE: (
        "A review record has not been sent out",
        "The full record of a review for child {child} was due to be sent out by {deadline} (15 working days "
        "after the review) and is not recorded as sent.",
    ),
    Kind.UNALLOCATED: (
        "A child looked after has no IRO",
        "Child {child} has been looked after for more than 5 working days with no IRO allocated: one should "
        "have been allocated by {deadline}.",
    ),
    Kind.ESCALATION_STAGE_OVERDUE: (
        "An escalation has had no response by its deadline",
        "A response to an escalation about child {child} was due by {deadline} and none is recorded. Record the "
        "response, or take the concern to the next stage of the dispute resolution process.",
    ),
    Kind.ACTION_OVERDUE: (
        "An action from a review is past its due date",
        "An action agreed at a review for child {child} was due by {deadline} and is still open. Find out what "
        "became of it and record its outcome, or escalate the drift.",
    ),
    Kind.MIDWAY_CHECK_DUE: (
        "A midway check between reviews is due",
        "The midway check for child {child}, halfway between the last review and the next, is due by {deadline} "
        "and is not recorded. Check the review's actions are on track and record the check.",
    ),
}


# Outbox rows written per INSERT by a sweep: a sweep costs a fixed number of queries per this many
# rows, however many it writes (or finds written already, on a repeat run).
BATCH_SIZE = 1000


def notices(
    *, kind: str, recipient_ids: Iterable[int], child_id: int, subject_type: str, subject_id: int, deadline: date
) -> list[Notification]:
    """The outbox rows (unsaved) telling each recipient (by id) of one deadline about the child (by
    id: the outbox sits below the children app, so it does not import it)."""
    return [
        Notification(
            kind=kind,
            recipient_id=recipient_id,
            child_id=child_id,
            subject_type=subject_type,
            subject_id=subject_id,
            deadline=deadline,
        )
        for recipient_id in recipient_ids
    ]


def outbox_write(rows: Iterable[Model], *, batch_size: int = BATCH_SIZE) -> int:
    """Put the unsaved outbox rows (of one model) in the database, `batch_size` to an INSERT. A row
    whose unique key is there already, after an earlier or concurrent sweep, is skipped by the
    database: every sweep is safe to run again, and never writes a row twice. Returns the number
    of rows given."""
    rows, given = iter(rows), 0
    while batch := list(islice(rows, batch_size)):
        type(batch[0]).objects.bulk_create(batch, ignore_conflicts=True)
        given += len(batch)
    return given


def in_batches(rows: QuerySet):
    """The rows of a sweep's one query, read from the database BATCH_SIZE at a time."""
    return rows.iterator(chunk_size=BATCH_SIZE)


def wording(notification: Notification) -> tuple[str, str]:
    subject, body = WORDING[notification.kind]
    values = {"child": notification.child.la_child_id, "deadline": f"{notification.deadline:%d/%m/%Y}"}
    return subject.format(**values), body.format(**values)


def site_url(path: str) -> str:
    """An absolute link to a page of the service, for emails."""
    return settings.SITE_URL.rstrip("/") + path


def build_email(template: str, context: dict, *, to: str, message_id: str) -> EmailMultiAlternatives:
    """An email from templates/emails/<template>_subject.txt, _body.txt and _body.html. The same
    `message_id` on any resend lets mail systems drop the copy of a message sent twice."""
    email = EmailMultiAlternatives(
        subject=render_to_string(f"emails/{template}_subject.txt", context).strip(),
        body=render_to_string(f"emails/{template}_body.txt", context),
        to=[to],
        headers={"Message-ID": f"<{message_id}@iro-service>"},
    )
    email.attach_alternative(render_to_string(f"emails/{template}_body.html", context), "text/html")
    return email


def _email(notification: Notification) -> EmailMultiAlternatives:
    subject, text = wording(notification)
    context = {
        "notification": notification,
        "subject": subject,
        "text": text,
        "url": site_url(reverse("children:detail", args=[notification.child.public_id])),
        "inbox_url": site_url(reverse("notifications")),
    }
    return build_email(
        "notification", context, to=notification.recipient.email, message_id=f"notification-{notification.public_id}"
    )


def send_pending(rows: QuerySet, email_for: Callable[[Any], EmailMultiAlternatives], what: str) -> int:
    """Email every unsent row of `rows` in its order; returns how many were sent. The rows have a
    `recipient`, `sent_at`, `attempts` and `last_error` (the outbox here, the Director's reports).

    Each row is sent inside its own transaction holding its row lock, and marked sent before that
    commits: a concurrent sender skips locked rows, and a sender killed mid-send rolls back, so the
    row is sent later rather than lost. A mail-server error is recorded on the row and raised, for
    the task to retry with backoff.

    Each row is looked for after the one before it in `rows`' order (ascending fields): looking from
    the first each time would walk past every row the run has sent already (still in the index until
    it is vacuumed), a cost growing with the square of the rows sent. A row a concurrent sender held
    is not come back to: that sender sends it, or the next run, which starts from the first again."""
    order = rows.query.order_by
    if not order or any(field.startswith("-") for field in order):
        raise ValueError("send_pending sends rows in an ascending order given by rows.order_by()")
    pending = rows.select_for_update(skip_locked=True, of=("self",)).filter(
        sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    )
    sent, after = 0, Q()
    while True:
        failure = None
        with transaction.atomic():
            row = pending.filter(after).first()
            if row is None:
                return sent
            after = _after(row, order)
            if not row.recipient.email or not row.recipient.is_active:
                # Kept in the service for them; there is no one to email.
                row.attempts, row.last_error = MAX_ATTEMPTS, "No active email address"
                row.save(update_fields=["attempts", "last_error"])
                continue
            try:
                email_for(row).send()
            except SMTPRecipientsRefused as error:
                # This address will never work; trying again would only hold up the others.
                row.attempts, row.last_error = MAX_ATTEMPTS, f"Address refused: {error}"[:300]
                row.save(update_fields=["attempts", "last_error"])
                continue
            except (SMTPException, OSError) as error:
                row.attempts += 1
                row.last_error = f"{type(error).__name__}: {error}"[:300]
                row.save(update_fields=["attempts", "last_error"])
                failure = error
            else:
                row.sent_at = timezone.now()
                row.save(update_fields=["sent_at"])
                sent += 1
        if failure is not None:
            logger.warning("%s %s not sent: %s", what, row.public_id, row.last_error)
            raise failure


def _after(row: Model, order: tuple[str, ...]) -> Q:
    """The rows after `row` in `order`: (a, b) > (row.a, row.b), with a >= row.a, the range an index on
    a seeks to."""
    values = [getattr(row, field) for field in order]
    later = Q()
    for i, field in enumerate(order):
        later |= Q(**dict(zip(order[:i], values[:i], strict=True)), **{f"{field}__gt": values[i]})
    return Q(**{f"{order[0]}__gte": values[0]}) & later


def notifications_send_pending() -> int:
    """Email every unsent notification, oldest first; returns how many were sent."""
    rows = Notification.objects.select_related("recipient", "child").order_by("created_at", "pk")
    return send_pending(rows, _email, "notification")


def notification_mark_done(*, actor: User, notification: Notification) -> Notification:
    if notification.done_at is None:
        with transaction.atomic():
            notification.done_at = timezone.now()
            notification.save(update_fields=["done_at"])
            audit_record(actor=actor, action="notification_done", obj=notification)
    return notification
