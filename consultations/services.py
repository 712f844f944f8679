"""Every write to consultations: sending, revoking and re-sending links, saving and sending answers,
the reminder sweep and the sender of the consultations' emails."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from accounts.notifications import build_email, in_batches, outbox_write, send_pending, site_url
from core.calendar import add_working_days
from reviews.models import PartyRole, Review, ReviewViews
from reviews.record import EIGHT_TO_12, UNDER_8, age_band
from reviews.services import views_add

from .models import Audience, Consultation, ConsultationEmail
from .questions import QUESTIONS, as_text
from .tokens import new_token, token_hash

# Who may be asked (the form's choices); "the child" becomes the child's age band.
RESPONDENTS = [
    ("child", "The child"),
    (Audience.PARENT, "A parent"),
    (Audience.CARER, "A carer"),
    (Audience.SOCIAL_WORKER, "The social worker (their report to the review)"),
    (Audience.OTHER, "Someone else"),
]
# The role on the review's record of each audience's views.
ROLE_OF = {
    Audience.CHILD_UNDER_8: PartyRole.CHILD,
    Audience.CHILD_8_TO_12: PartyRole.CHILD,
    Audience.CHILD_13_PLUS: PartyRole.CHILD,
    Audience.PARENT: PartyRole.PARENT,
    Audience.CARER: PartyRole.CARER,
    Audience.SOCIAL_WORKER: PartyRole.SOCIAL_WORKER,
    Audience.OTHER: PartyRole.OTHER,
}


def child_audience(date_of_birth: date, on: date) -> str:
    """The child's questions by their age on the day of the review, in the age bands of the letter to
    the child (reviews.record.age_band)."""
    band = age_band(relativedelta(on, date_of_birth).years)
    return {UNDER_8: Audience.CHILD_UNDER_8, EIGHT_TO_12: Audience.CHILD_8_TO_12}.get(band, Audience.CHILD_13_PLUS)


def review_date(review: Review) -> date:
    """The day of the review: the meeting booked, or the date it is due."""
    booked = next((m for m in review.meetings.all() if m.status == m.Status.BOOKED), None)
    return booked.planned_on if booked else review.due_on


def link_expires_on(review_on: date, today: date) -> date:
    """Links work until the end of the review's day; for a review whose date has passed (overdue, no
    new meeting yet), for CONSULTATION_LINK_DAYS days."""
    return review_on if review_on >= today else today + timedelta(days=settings.CONSULTATION_LINK_DAYS)


def _send_after_commit() -> None:
    from .tasks import send_consultation_emails

    transaction.on_commit(send_consultation_emails.delay)


def consultation_send(
    *, actor: User, review: Review, respondent: str, name: str, email: str, today: date | None = None
) -> Consultation:
    """Ask one person for their views before the review: a personal link goes to them by email."""
    today = today or timezone.localdate()
    if review.is_held:
        raise ValidationError("This review has already been held: views can no longer be asked for.")
    review_on = review_date(review)
    audience = child_audience(review.child.date_of_birth, review_on) if respondent == "child" else respondent
    with transaction.atomic():
        consultation = Consultation(
            review=review,
            audience=audience,
            name=name,
            email=email,
            first_name=review.child.first_name,
            review_on=review_on,
            expires_on=link_expires_on(review_on, today),
            sent_by=actor,
        )
        consultation.full_clean()
        consultation.save()
        ConsultationEmail.objects.create(consultation=consultation, kind=ConsultationEmail.Kind.LINK)
        audit_record(actor=actor, action="consultation_sent", obj=consultation, audience=audience)
        _send_after_commit()
        return consultation


def _forget_links(consultation: Consultation) -> None:
    consultation.emails.filter(token_hash__isnull=False).update(token_hash=None)


def consultation_revoke(*, actor: User, consultation: Consultation) -> Consultation:
    """Stop every link sent to the person from working (one not yet emailed is not sent)."""
    if consultation.answered_at:
        raise ValidationError("These views have already been sent.")
    with transaction.atomic():
        consultation.revoked_at = timezone.now()
        consultation.save(update_fields=["revoked_at"])
        _forget_links(consultation)
        audit_record(actor=actor, action="consultation_revoked", obj=consultation)
        return consultation


def consultation_resend(*, actor: User, consultation: Consultation, today: date | None = None) -> Consultation:
    """Send the person a new link, which replaces every earlier one (revoked or not); what they have
    answered so far is kept."""
    today = today or timezone.localdate()
    if consultation.answered_at:
        raise ValidationError("These views have already been sent.")
    if consultation.review.is_held:
        raise ValidationError("This review has already been held: views can no longer be asked for.")
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        _forget_links(consultation)
        consultation.revoked_at = None
        consultation.review_on = review_date(consultation.review)
        consultation.expires_on = link_expires_on(consultation.review_on, today)
        consultation.save(update_fields=["revoked_at", "review_on", "expires_on"])
        links = consultation.emails.filter(kind=ConsultationEmail.Kind.LINK).aggregate(n=Max("number"))["n"] or 0
        ConsultationEmail.objects.create(consultation=consultation, kind=ConsultationEmail.Kind.LINK, number=links + 1)
        audit_record(actor=actor, action="consultation_resent", obj=consultation)
        _send_after_commit()
        return consultation


# --- Answering, with no account ---


def consultation_for_token(token: str, *, today: date | None = None) -> Consultation | None:
    """The consultation a link's token opens (an answered one, for its thank-you page), or None for a
    token that is wrong, replaced, revoked, expired or for a review already held: the caller cannot
    tell which."""
    today = today or timezone.localdate()
    consultation = Consultation.objects.filter(emails__token_hash=token_hash(token)).select_related("review").first()
    if consultation is None or consultation.answered_at:
        return consultation
    return consultation if consultation_is_open(consultation, today=today) else None


def consultation_is_open(consultation: Consultation, *, today: date) -> bool:
    return consultation.open_on(today) and not consultation.review.is_held


def consultation_opened(*, consultation: Consultation) -> None:
    """A link was opened (audited without the token)."""
    audit_record(actor=None, action="consultation_opened", obj=consultation)


def consultation_answer(*, consultation: Consultation, key: str, value: str) -> Consultation:
    """Save one answer as the person goes."""
    questions = {q.key: q for q in QUESTIONS[consultation.audience]}
    question = questions[key]
    value = value.strip()
    if question.is_choice and value and value not in {v for v, _, _ in question.choices}:
        raise ValidationError({"answer": "Choose one of the answers"})
    if len(value) > 5000:
        raise ValidationError({"answer": "Your answer must be 5,000 characters or fewer"})
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.answered_at:
            raise ValidationError("These answers have already been sent.")
        consultation.answers = {**consultation.answers, key: value}
        consultation.save(update_fields=["answers"])
        return consultation


def consultation_submit(*, consultation: Consultation, today: date | None = None) -> Consultation:
    """Send the answers: they become the views gathered on the review's record (those only for the
    IRO apart, marked), and the link shows only a thank-you page from now on."""
    today = today or timezone.localdate()
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().select_related("review").get(pk=consultation.pk)
        if consultation.answered_at:
            return consultation
        text = as_text(consultation.audience, consultation.answers, only_for_iro=False)
        private = as_text(consultation.audience, consultation.answers, only_for_iro=True)
        if not text and not private:
            raise ValidationError("Answer at least one question before you send your answers.")
        given = {
            "review": consultation.review,
            "role": ROLE_OF[consultation.audience],
            "name": consultation.name,
            "method": ReviewViews.Method.FORM,
            "gathered_on": today,
            "today": today,
        }
        views = views_add(actor=None, text=text or "(Only answers for the IRO were given.)", **given)
        if private:
            views_add(actor=None, text=private, only_for_iro=True, **given)
        consultation.answered_at = timezone.now()
        consultation.views = views
        consultation.save(update_fields=["answered_at", "views"])
        audit_record(actor=None, action="consultation_answered", obj=consultation, audience=consultation.audience)
        return consultation


# --- Reminders and the sender ---


def remind_consultations(*, today: date) -> int:
    """People who have not answered get one reminder CONSULTATION_REMINDER_WORKING_DAYS working days
    before the review (or on a later day, if the sweep missed that one). Writes outbox rows only: the
    unique key (consultation, reminder, 1) makes a second run a no-op. Returns the rows written."""
    horizon = add_working_days(today, settings.CONSULTATION_REMINDER_WORKING_DAYS, nation=settings.BANK_HOLIDAY_NATION)
    waiting = Consultation.objects.filter(
        answered_at__isnull=True,
        revoked_at__isnull=True,
        review__held_on__isnull=True,
        review_on__gte=today,
        review_on__lte=horizon,
        expires_on__gte=today,
        created_at__date__lt=today,  # not the day the link itself went
    )
    return outbox_write(
        ConsultationEmail(consultation_id=pk, kind=ConsultationEmail.Kind.REMINDER)
        for pk in in_batches(waiting.values_list("pk", flat=True))
    )


class _AuditedEmail:
    """An email whose sending is audited (without the link), once the mail server has taken it."""

    def __init__(self, email, row: ConsultationEmail):
        self.email, self.row = email, row

    def send(self):
        self.email.send()
        audit_record(actor=None, action="consultation_email_sent", obj=self.row.consultation, kind=self.row.kind)


def _email(row: ConsultationEmail) -> _AuditedEmail:
    # The link's token exists only here, in the email: its hash is stored in the same transaction
    # that marks the email sent (accounts.notifications.send_pending holds the row's lock).
    token = new_token()
    row.token_hash = token_hash(token)
    row.save(update_fields=["token_hash"])
    consultation = row.consultation
    context = {
        "consultation": consultation,
        "reminder": row.kind == ConsultationEmail.Kind.REMINDER,
        "url": site_url(reverse("consultations:open", args=[token])),
    }
    email = build_email("consultation", context, to=consultation.email, message_id=f"consultation-{row.public_id}")
    return _AuditedEmail(email, row)


def consultation_emails_send_pending(*, today: date | None = None) -> int:
    """Email every unsent consultation email whose consultation is still open; returns how many."""
    today = today or timezone.localdate()
    rows = (
        ConsultationEmail.objects.filter(
            consultation__answered_at__isnull=True,
            consultation__revoked_at__isnull=True,
            consultation__expires_on__gte=today,
        )
        .select_related("consultation")
        .order_by("created_at", "pk")
    )
    return send_pending(rows, _email, "consultation email")
