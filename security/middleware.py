import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from .signals import SIGNED_IN_AT

# Reached while signed in with a password but no second factor yet (or by anyone).
OPEN_WITHOUT_SECOND_FACTOR = (
    "login",
    "logout",
    "two_factor",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
)


class SessionLifetimeMiddleware:
    """Signs a person out a fixed time (SESSION_ABSOLUTE_LIFETIME) after they signed in, however
    active they have been: the idle timeout alone would let a session live for ever."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None or time.time() - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)  # flushes the session: search terms and all
                messages.info(request, "You have been signed out because your session ended. Sign in again.")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """While REQUIRE_MFA is on, a person signed in with a password reaches nothing but the
    two-factor page (set up an authenticator, or enter its code) until the second factor is given.
    This covers /admin/ too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def _is_open(self, request) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in OPEN_WITHOUT_SECOND_FACTOR if "confirm" not in name}
        return request.path_info in self._open_paths or request.path_info.startswith("/password-reset/")

    def __call__(self, request):
        user = request.user
        if settings.REQUIRE_MFA and user.is_authenticated and not user.is_verified() and not self._is_open(request):
            return redirect_to_login(request.get_full_path(), reverse("two_factor"))
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and no Server header naming the software."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        response.headers.pop("Server", None)
        return response
