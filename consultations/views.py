"""The consultation pages: those the IRO uses to ask (signed in), and the public pages where the
person answers with their link and no account.

The link's token is in its URL path only on the first request, which stores the consultation in the
person's session and redirects at once to pages whose URLs hold no token (as Django's password reset
does). Every answer to that first request is a redirect, so Django's request log (which names the path
of 4xx and 5xx responses) never sees it, and the web server's access log is told to hide it
(consultations/logging.py, gunicorn.conf.py)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.audit import child_form_page
from core.forms import add_service_errors
from reviews.selectors import review_for_user
from reviews.views import may_write
from security.lockout import client_address

from . import ratelimit
from .forms import AnswerForm, ConsultationForm
from .models import Consultation
from .questions import QUESTIONS, label_of
from .selectors import consultation_for_user
from .services import (
    consultation_answer,
    consultation_for_token,
    consultation_is_open,
    consultation_opened,
    consultation_resend,
    consultation_revoke,
    consultation_send,
    consultation_submit,
)
from .tokens import token_hash

SESSION_KEY = "consultation"

# --- Asking (signed in) ---


@login_required
def consultation_send_view(request, public_id):
    review = review_for_user(request.user, public_id)
    may_write(request.user)
    back = reverse("reviews:prepare", args=[review.public_id])
    return child_form_page(
        request,
        ConsultationForm(request.POST or None),
        consultation_send,
        review=review,
        about=review.child,
        title="Ask for views before the review",
        back_url=back,
        done=lambda consultation: (f"Link sent to {consultation.name}.", back),
    )


def _change(request, public_id, service, done: str):
    consultation = consultation_for_user(request.user, public_id)
    may_write(request.user)
    try:
        service(actor=request.user, consultation=consultation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(name=consultation.name))
    return redirect("reviews:prepare", public_id=consultation.review.public_id)


@login_required
@require_POST
def consultation_revoke_view(request, public_id):
    return _change(request, public_id, consultation_revoke, "The link sent to {name} no longer works.")


@login_required
@require_POST
def consultation_resend_view(request, public_id):
    return _change(request, public_id, consultation_resend, "A new link was sent to {name}.")


# --- Answering (public, no account) ---


def public_page(view):
    """A public page: rate-limited per address and per link, never indexed, never cached (the
    service's NoStoreMiddleware). (The service's referrer policy, same-origin, stands: with no
    referrer at all browsers send "Origin: null" with forms, which the CSRF check rightly refuses.)"""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        consultation_id = request.session.get(SESSION_KEY)
        link = f"consultation:{consultation_id}" if consultation_id else None
        if ratelimit.too_many(address=client_address(request) or "unknown", link=link):
            response = redirect("consultations:busy") if "token" in kwargs else _busy(request)
        else:
            response = view(request, *args, **kwargs)
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _busy(request):
    return render(request, "consultations/busy.html", status=429)


def busy_view(request):
    response = _busy(request)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@csrf_exempt  # a refused POST would be logged with the path; this view changes nothing but the session
@public_page
def open_view(request, token):
    """The link in the email. Whatever the token or the method, the answer is a redirect to the same
    address."""
    if request.method != "GET" or ratelimit.too_many(link=token_hash(token)):
        return redirect("consultations:busy" if request.method == "GET" else "consultations:start")
    consultation = consultation_for_token(token)
    request.session.cycle_key()
    request.session.pop(SESSION_KEY, None)
    if consultation is not None:
        request.session[SESSION_KEY] = consultation.pk
        consultation_opened(consultation=consultation)
    return redirect("consultations:start")


def _current(request) -> Consultation | None:
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    return Consultation.objects.select_related("review").filter(pk=pk).first()


def _not_working(request):
    # The same page for a wrong, replaced, revoked or expired link: no hint of which.
    return render(request, "consultations/not_working.html", status=404)


def _gate(view):
    """The consultation in the session, while it may be answered; the thank-you page once sent."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        consultation = _current(request)
        if consultation is not None and consultation.answered_at:
            return redirect("consultations:thanks")
        if consultation is None or not consultation_is_open(consultation, today=timezone.localdate()):
            return _not_working(request)
        return view(request, consultation, *args, **kwargs)

    return wrapped


@public_page
@_gate
def start_view(request, consultation):
    return render(
        request,
        "consultations/start.html",
        {"consultation": consultation, "questions": QUESTIONS[consultation.audience]},
    )


@public_page
@_gate
def question_view(request, consultation, number: int):
    questions = QUESTIONS[consultation.audience]
    if not 1 <= number <= len(questions):
        return redirect("consultations:start")
    question = questions[number - 1]
    form = AnswerForm(request.POST or None, initial={"answer": consultation.answers.get(question.key, "")})
    if request.method == "POST" and form.is_valid():
        try:
            consultation_answer(consultation=consultation, key=question.key, value=form.cleaned_data["answer"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if number < len(questions) and "check" not in request.GET:
                return redirect("consultations:question", number=number + 1)
            return redirect("consultations:check")
    back = reverse("consultations:question", args=[number - 1]) if number > 1 else reverse("consultations:start")
    return render(
        request,
        "consultations/question.html",
        {
            "consultation": consultation,
            "question": question,
            "form": form,
            "value": form["answer"].value() or "",
            "number": number,
            "total": len(questions),
            "back_url": back,
        },
    )


@public_page
@_gate
def check_view(request, consultation):
    questions = QUESTIONS[consultation.audience]
    error = None
    if request.method == "POST":
        try:
            consultation_submit(consultation=consultation)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            return redirect("consultations:thanks")
    answers = [
        (number, question, label_of(question, consultation.answers.get(question.key, "")))
        for number, question in enumerate(questions, start=1)
    ]
    return render(
        request,
        "consultations/check.html",
        {
            "consultation": consultation,
            "answers": answers,
            "error": error,
            "back_url": reverse("consultations:question", args=[len(questions)]),
        },
    )


@public_page
def thanks_view(request):
    consultation = _current(request)
    if consultation is None or not consultation.answered_at:
        return _not_working(request)
    return render(request, "consultations/thanks.html")
