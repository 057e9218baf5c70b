"""Reads about a person's two-factor sign-in: their devices and what they still owe."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.conf import two_factor_required_roles
from registers.models import Membership, User


class TwoFactorStep(StrEnum):
    """What a person signed in with a password must do before anything else."""

    VERIFY = "verify"  # enter a code: they have an authenticator
    SET_UP = "set_up"  # set one up: their role requires it and they have none
    NONE = "none"


def is_staff_person(user: User) -> bool:
    """Staff (a role at a school or trust, or the admin) may use two-factor sign-in;
    parents sign in by emailed link and never see these pages."""
    return user.is_staff or Membership.objects.filter(user=user).exists()


def two_factor_required(user: User) -> bool:
    roles = two_factor_required_roles()
    return bool(roles) and Membership.objects.filter(user=user, role__in=roles).exists()


def two_factor_step(user: User) -> TwoFactorStep:
    if user_has_device(user, confirmed=True):
        return TwoFactorStep.VERIFY
    return TwoFactorStep.SET_UP if two_factor_required(user) else TwoFactorStep.NONE


def authenticator_for(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("id").first()


def recovery_device_for(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


@dataclass(frozen=True)
class TwoFactorStatus:
    """The account page's figures."""

    authenticator: TOTPDevice | None
    recovery_codes_left: int
    required: bool

    @property
    def on(self) -> bool:
        return self.authenticator is not None


def two_factor_status(user: User) -> TwoFactorStatus:
    recovery = recovery_device_for(user)
    return TwoFactorStatus(
        authenticator=authenticator_for(user),
        recovery_codes_left=recovery.token_set.count() if recovery else 0,
        required=two_factor_required(user),
    )
