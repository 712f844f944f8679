"""Signing in with a second factor, and changing or resetting one's own password."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import audit_record
from core.forms import add_service_errors

from .forms import CodeForm
from .services import totp_device_pending, two_factor_enrol


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = {request.get_host()}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=allowed, require_https=request.is_secure()):
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
