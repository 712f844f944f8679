"""Signing in with a second factor, and changing or resetting one's own password."""

import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import audit_list_viewed, audit_record
from accounts.models import User
from core.forms import add_service_errors, submit

from .forms import CodeForm, IROCreateForm
from .retention import past_retention, records_erase, retention_date
from .services import (
    account_deactivate,
    account_unlock,
    iro_create,
    may_manage,
    totp_device_pending,
    two_factor_enrol,
    two_factor_reset,
)


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = {request.get_host()}
    # A path on this site only: anything else (another site, or a bare word a redirect would take
    # for a view's name) goes home.
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts=allowed, require_https=request.is_secure()
    ):
        return url
    return reverse_lazy("home")


def _verified(request, device) -> None:
    """The second factor is given: the session is marked verified and gets a new key."""
    otp_login(request, device)
    request.session.cycle_key()


@login_required
def two_factor(request):
    """Sets up an authenticator at the first sign-in, or asks for its code (or a recovery code)."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return _set_up(request, next_url)
    form = CodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now, or one of your recovery codes if you do not have your phone.",
    )
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            _verified(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                audit_record(actor=user, action="recovery_code_used", obj=user, left=left)
                messages.info(request, f"You used a recovery code. You have {left} left.")
            return redirect(next_url)
        form.add_error(
            "code",
            "The code is not right: enter the 6-digit code your authenticator app shows now, or a recovery code",
        )
    return render(request, "security/two_factor.html", {"form": form, "next": next_url})


def _set_up(request, next_url):
    user = request.user
    device = totp_device_pending(user=user)
    form = CodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        help_text="After adding the service to your app, enter the 6-digit code it shows.",
        submit_label="Set up",
    )
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_enrol(actor=user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _verified(request, device)
            return render(request, "security/recovery_codes.html", {"codes": codes, "next": next_url})
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "security/two_factor_set_up.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
            # Groups of four are easier to type into an app by hand.
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


def locked_out(request, response=None, credentials=None):
    """The page shown instead of signing in while an account or address is locked out (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "security/locked_out.html", {"minutes": minutes}, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "security/password_form.html"
    success_url = reverse_lazy("password_change_done")
    extra_context = {"title": "Change your password", "submit_label": "Change password"}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="password_changed", obj=self.request.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "security/password_form.html"
    success_url = reverse_lazy("password_reset_complete")
    extra_context = {"title": "Choose a new password", "submit_label": "Save password"}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.user, action="password_reset", obj=form.user)
        return response


# --- Administrators' account pages --------------------------------------------------------


def _administrator(request) -> None:
    if not (request.user.is_superuser or request.user.is_administrator):
        raise PermissionDenied


def lockouts():
    """Lockout records at the failure limit and still within their cool-off."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since)


@login_required
def account_list(request):
    _administrator(request)
    users = User.objects.select_related("staff_profile").order_by("-is_active", "last_name", "first_name")
    locked = set(
        AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).values_list(
            "username", flat=True
        )
    )
    return render(request, "security/account_list.html", {"users": users, "locked": locked})


@login_required
def iro_create_view(request):
    _administrator(request)
    form = IROCreateForm(request.POST or None)
    user = submit(request, form, iro_create)
    if user is not None:
        # The new IRO chooses their own password through the usual reset link, sent to them.
        reset = PasswordResetForm({"email": user.email})
        if reset.is_valid():
            reset.save(
                request=request,
                use_https=request.is_secure(),
                email_template_name="security/emails/password_reset_body.txt",
                subject_template_name="security/emails/password_reset_subject.txt",
                extra_email_context={"timeout_minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
            )
        messages.success(request, f"{user.get_full_name()}'s account is created and a link to set a password was sent.")
        return redirect("account_detail", pk=user.pk)
    return render(
        request,
        "form_page.html",
        {"form": form, "title": "Create an IRO's account", "back_url": reverse("account_list")},
    )


@login_required
def account_detail(request, pk):
    _administrator(request)
    user = get_object_or_404(User.objects.select_related("staff_profile"), pk=pk)
    actions = {"deactivate": account_deactivate, "reset_two_factor": two_factor_reset, "unlock": account_unlock}
    if request.method == "POST":
        action = actions.get(request.POST.get("action", ""))
        if action is None:
            return HttpResponseBadRequest("Unknown action")
        try:
            action(actor=request.user, user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = {
                account_deactivate: "deactivated: it can no longer sign in",
                two_factor_reset: "reset: a new authenticator is set up at the next sign-in",
                account_unlock: "unlocked: it can sign in again now",
            }[action]
            messages.success(request, f"{user.get_full_name() or user.username}'s account {done}.")
        return redirect("account_detail", pk=user.pk)
    return render(
        request,
        "security/account_detail.html",
        {
            "account": user,
            "may_manage": may_manage(request.user, user),
            "has_two_factor": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "locked": lockouts().filter(username=user.username).exists(),
        },
    )


# --- Retention ------------------------------------------------------------------------------


@login_required
def retention_view(request):
    """For QA managers: records past their retention date, to approve for erasure."""
    if not request.user.sees_every_child:
        raise PermissionDenied
    today = timezone.localdate()
    due = list(past_retention(today=today))
    audit_list_viewed(actor=request.user, action="retention_listed", children=due)
    error = ""
    if request.method == "POST":
        chosen = [c for c in due if str(c.public_id) in request.POST.getlist("children")]
        try:
            erased = records_erase(actor=request.user, children=chosen, today=today)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"{erased} record{'s' if erased != 1 else ''} erased.")
            return redirect("retention")
    rows = [(child, retention_date(child)) for child in due]
    return render(request, "security/retention.html", {"rows": rows, "error": error})
