"""The accounts app's settings, checked when the app loads."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from registers.models import Role


def two_factor_required_roles() -> frozenset[str]:
    """The roles whose holders must use two-factor sign-in (`TWO_FACTOR_REQUIRED_ROLES`).

    A misspelt role would silently require nothing of the people it was meant for, so an
    unknown name stops start-up instead.
    """
    value = getattr(settings, "TWO_FACTOR_REQUIRED_ROLES", [])
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise ImproperlyConfigured(
            f"TWO_FACTOR_REQUIRED_ROLES must be a list of role names, not {value!r}"
        )
    names = {str(name).strip() for name in value} - {""}
    unknown = sorted(names - set(Role.values))
    if unknown:
        raise ImproperlyConfigured(
            f"TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}. "
            f"The roles are: {', '.join(Role.values)} (comma-separated; empty for none)."
        )
    return frozenset(names)
