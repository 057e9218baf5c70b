"""Two-factor sign-in pages: the code after the password, setting up an authenticator,
the person's own two-factor settings, recovery codes, and turning it off."""

from __future__ import annotations

import math
from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.forms import CodeForm, PasswordConfirmForm
from accounts.middleware import remember_step
from accounts.selectors import TwoFactorStep, is_staff_person, two_factor_status
from accounts.services import CodeCheck, TwoFactorError

NEW_CODES_KEY = "two_factor_new_codes"  # shown once, on the next page, then dropped
AccountView = Callable[..., HttpResponse]


def staff_account_view(view: AccountView) -> AccountView:
    """Sign-in required, and staff only: parents sign in by emailed link and have no
    two-factor pages (404)."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_staff_person(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _to(request: HttpRequest, url_name: str) -> HttpResponse:
    """Redirect to `url_name`, passing on where the person was going."""
    return redirect_to_login(_next_url(request), reverse(url_name))


def _signed_in_with(request: HttpRequest, device: Device) -> None:
    """The session now carries the second factor: a new session key, as at sign-in."""
    request.session.cycle_key()
    otp_login(request, device)
    remember_step(request)


def _refusal(check: CodeCheck) -> str:
    if check.locked_until is None:
        return "That code is not right. Use the newest code the app shows for this account."
    seconds = max(1, math.ceil((check.locked_until - timezone.now()).total_seconds()))
    return f"Too many wrong codes: wait {seconds} seconds, then try again."


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    step = remember_step(request)
    if step != TwoFactorStep.VERIFY:
        setting_up = step == TwoFactorStep.SET_UP
        return _to(request, "two_factor_setup") if setting_up else redirect(_next_url(request))
    form = CodeForm(request.POST or None, recovery=True)
    if request.method == "POST" and form.is_valid():
        check = services.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if check.device is not None:
            _signed_in_with(request, check.device)
            return redirect(_next_url(request))
        form.add_error("code", _refusal(check))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/two_factor_verify.html", context)


def _qr_svg(device: TOTPDevice) -> SafeString:
    """The authenticator's set-up link as an inline SVG QR code (drawn here: no script,
    no request to anyone else)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, light="#fff", svgclass="qr", lineclass=None, omitsize=False
    )
    label = 'role="img" aria-label="QR code to add this account to an authenticator app"'
    return mark_safe(svg.replace("<svg ", f"<svg {label} ", 1))  # noqa: S308 - segno's own markup


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
@staff_account_view
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = request.user
    if remember_step(request) == TwoFactorStep.VERIFY:
        return redirect("two_factor") if user.is_verified() else _to(request, "two_factor_verify")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.authenticator_confirm(user=user, code=form.cleaned_data["code"])
        except TwoFactorError as exc:
            messages.error(request, str(exc))
            return _to(request, "two_factor_setup")
        if check.device is not None:
            _signed_in_with(request, check.device)
            request.session[NEW_CODES_KEY] = list(check.recovery_codes)
            messages.success(request, "Two-factor sign-in is on.")
            return _to(request, "two_factor_recovery_codes")
        form.add_error("code", _refusal(check))
    device = services.authenticator_start(user=user)
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "secret": _grouped_secret(device),
        "status": two_factor_status(user),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@require_GET
@staff_account_view
def two_factor(request: HttpRequest) -> HttpResponse:
    """The person's own two-factor settings."""
    context = {"status": two_factor_status(request.user)}
    return render(request, "accounts/two_factor.html", context)


@require_http_methods(["GET", "POST"])
@staff_account_view
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """POST: replace the recovery codes. GET: show codes just made, once."""
    if request.method == "POST":
        try:
            codes = services.recovery_codes_regenerate(user=request.user)
        except TwoFactorError as exc:
            messages.error(request, str(exc))
            return redirect("two_factor")
        request.session[NEW_CODES_KEY] = list(codes)
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect("two_factor")
    context = {"codes": codes, "next": _next_url(request)}
    return render(request, "accounts/two_factor_recovery_codes.html", context)


@require_http_methods(["GET", "POST"])
@staff_account_view
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off, with the password; never for a role that requires it."""
    status = two_factor_status(request.user)
    if not status.on:
        return redirect("two_factor")
    form = PasswordConfirmForm(request.POST or None, request=request)
    refused = status.required and request.method == "POST"
    if request.method == "POST" and not status.required and form.is_valid():
        services.two_factor_disable(user=request.user)
        remember_step(request)
        messages.success(request, "Two-factor sign-in is off.")
        return redirect("two_factor")
    context = {"form": form, "status": status}
    return render(
        request, "accounts/two_factor_disable.html", context, status=403 if refused else 200
    )
