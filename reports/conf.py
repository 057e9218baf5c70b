"""The reports' settings, checked when the app loads."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_SUPPRESS_BELOW = 5


def suppress_below() -> int:
    """Groups of fewer pupils than this show no figure (`REPORTS_SUPPRESS_BELOW`, default 5).

    Below 2 nothing would be suppressed, and one pupil's figures identify them.
    """
    value = getattr(settings, "REPORTS_SUPPRESS_BELOW", DEFAULT_SUPPRESS_BELOW)
    if not isinstance(value, int) or isinstance(value, bool) or not 2 <= value <= 100:
        raise ImproperlyConfigured(
            f"REPORTS_SUPPRESS_BELOW must be a whole number from 2 to 100, not {value!r}"
        )
    return value
