"""Deployment checks of our own (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

_PER_PROCESS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The rate limits (public report form, parent sign-in, API throttles) count in
    Django's cache: with a cache each web process keeps for itself, every process of a
    deployment allows the full rate."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in _PER_PROCESS:
        return []
    return [
        checks.Warning(
            f"The default cache ({backend}) is kept per process, so rate limits are "
            "counted per web process.",
            hint="Set CACHE_URL to a cache the web processes share, e.g. redis://host:6379/2.",
            id="registers.W001",
        )
    ]
