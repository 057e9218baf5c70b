"""Two-factor sign-in is enforced here, for every page, the admin and session calls to
the API: a person signed in with a password who has an authenticator must enter a code
first, and one whose role requires two-factor sign-in must set it up first.

Runs after django-otp's OTPMiddleware (which provides `request.user.is_verified()`).
Requests with an API token are never touched: they carry no session, and the token
alone decides who they are.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from accounts.selectors import TwoFactorStep, two_factor_step
from registers.models import User

# What the session still owes: worked out at sign-in (`remember_step_at_sign_in`), so
# pages cost no query for it, and again whenever the person's two-factor set-up changes.
# A role given to someone already signed in applies from their next sign-in.
SESSION_KEY = "two_factor_step"
API_PREFIX = "/api/"
# Pages a person who owes a second factor may still open.
OPEN_URL_NAMES = ("two_factor_verify", "two_factor_setup", "login", "logout")
STEP_URL_NAMES = {
    TwoFactorStep.VERIFY: "two_factor_verify",
    TwoFactorStep.SET_UP: "two_factor_setup",
}
_STEPS = {step.value for step in TwoFactorStep}


def remember_step(request: HttpRequest) -> TwoFactorStep:
    step = two_factor_step(request.user)
    request.session[SESSION_KEY] = step.value
    return step


def remember_step_at_sign_in(*, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    """`user_logged_in` receiver, for every way in: the sign-in form, the admin's, a
    parent's emailed link, the test client."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = two_factor_step(user).value


def pending_step(request: HttpRequest) -> TwoFactorStep | None:
    """The step this signed-in session still has to take, if any."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    stored = request.session.get(SESSION_KEY)
    step = TwoFactorStep(stored) if stored in _STEPS else remember_step(request)
    return None if step == TwoFactorStep.NONE else step


@cache
def _open_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in OPEN_URL_NAMES)


def _is_open(path: str) -> bool:
    return path.startswith(f"/{settings.STATIC_URL.lstrip('/')}") or path in _open_paths()


def _is_token_call(request: HttpRequest) -> bool:
    """An API call with `Authorization: Bearer …`: the API's token authentication then
    decides who it is (or refuses it) and never falls back to the session."""
    scheme = request.headers.get("Authorization", "").split(" ", 1)[0]
    return request.path.startswith(API_PREFIX) and scheme.lower() == "bearer"


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_token_call(request):
            return self.get_response(request)
        step = None if _is_open(request.path) else pending_step(request)
        if step is None:
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": "This session has not finished two-factor sign-in."}, status=403
            )
        return redirect_to_login(request.get_full_path(), reverse(STEP_URL_NAMES[step]))
