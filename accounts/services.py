"""Writes for two-factor sign-in: set up an authenticator, check a code, recovery codes,
turn it off.

Every change and every refused code is logged on `accounts.two_factor` (the access audit,
`registers.AccessEvent`, records reads of pupils' data per school and is shown on a
school's page; these are events of one person's account, so they go to the log).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import authenticator_for, two_factor_required
from registers.models import User

logger = logging.getLogger("accounts.two_factor")

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


class TwoFactorError(Exception):
    """A two-factor change that is not allowed; the message says why, for the person."""


@dataclass(frozen=True)
class CodeCheck:
    """The device that accepted a code, or none (and until when it is locked, if it is)."""

    device: Device | None = None
    locked_until: dt.datetime | None = None
    recovery_codes: tuple[str, ...] = ()  # new ones, when the check finished a set-up

    @property
    def accepted(self) -> bool:
        return self.device is not None


def normalise_code(raw: str) -> str:
    """People copy codes with spaces or dashes ("123 456", "abcd-efgh")."""
    return "".join(raw.split()).replace("-", "").lower()


def _who(user: User) -> str:
    return f"{user.get_username()} (user id {user.pk})"


def _check(device: TOTPDevice | StaticDevice, code: str, *, user: User) -> CodeCheck:
    """Let the device check the code. django-otp's throttling refuses every code until a
    delay that doubles with each wrong one has passed; a wrong code is counted."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        logger.warning("two-factor: code refused while locked out: %s", _who(user))
        return CodeCheck(locked_until=(info or {}).get("locked_until"))
    if device.verify_token(code):
        return CodeCheck(device=device)
    logger.warning("two-factor: wrong code: %s", _who(user))
    return CodeCheck()


@transaction.atomic
def two_factor_verify(*, user: User, code: str) -> CodeCheck:
    """Check a code from the person's authenticator app, or one of their recovery codes
    (which is then used up). The devices are locked for the check, so two requests cannot
    both use one code or both escape the throttle."""
    code = normalise_code(code)
    authenticator = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if authenticator is not None and code.isdigit() and len(code) == authenticator.digits:
        return _check(authenticator, code, user=user)
    recovery = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if recovery is None:
        return CodeCheck()
    check = _check(recovery, code, user=user)
    if check.accepted:
        left = recovery.token_set.count()
        transaction.on_commit(
            lambda: logger.info("two-factor: recovery code used, %d left: %s", left, _who(user))
        )
    return check


@transaction.atomic
def authenticator_start(*, user: User) -> TOTPDevice:
    """The authenticator being set up: a new secret on the first visit, then the same one
    until it is confirmed (so a QR code already scanned stays valid on a reload)."""
    if authenticator_for(user) is not None:
        raise TwoFactorError("Two-factor sign-in is already on.")
    pending = authenticator_for(user, confirmed=False)
    return pending or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


@transaction.atomic
def authenticator_confirm(*, user: User, code: str) -> CodeCheck:
    """Turn two-factor sign-in on once a code from the new authenticator matches; the
    result carries a fresh set of recovery codes, to be shown once."""
    if authenticator_for(user) is not None:
        raise TwoFactorError("Two-factor sign-in is already on.")
    pending = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("id")
        .first()
    )
    if pending is None:
        raise TwoFactorError("Start the set-up again: scan the new QR code.")
    check = _check(pending, normalise_code(code), user=user)
    if not check.accepted:
        return check
    pending.confirmed = True
    pending.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _new_recovery_codes(user)
    transaction.on_commit(lambda: logger.info("two-factor: turned on: %s", _who(user)))
    return CodeCheck(device=pending, recovery_codes=codes)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> tuple[str, ...]:
    """A new set of recovery codes; the old ones stop working."""
    if authenticator_for(user) is None:
        raise TwoFactorError("Turn on two-factor sign-in first.")
    codes = _new_recovery_codes(user)
    transaction.on_commit(lambda: logger.info("two-factor: new recovery codes: %s", _who(user)))
    return codes


def _new_recovery_codes(user: User) -> tuple[str, ...]:
    device = StaticDevice.objects.filter(user=user).order_by("id").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = tuple(StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT))
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    device.throttle_reset()
    return codes


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Remove the person's authenticator and recovery codes. The caller has confirmed
    their password; a role that requires two-factor sign-in keeps it on."""
    if two_factor_required(user):
        raise TwoFactorError("Your role requires two-factor sign-in, so it cannot be turned off.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    transaction.on_commit(lambda: logger.info("two-factor: turned off: %s", _who(user)))
