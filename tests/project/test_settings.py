"""Settings refuse to start without what a real deployment needs."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from attendance_project.settings.base import require_deploy_settings


def _import_settings(module: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("secret_key", "allowed_hosts", "expected"),
    [
        ("", ["example.org"], "Set SECRET_KEY"),
        ("k" * 50, [], "Set ALLOWED_HOSTS"),
    ],
)
def test_it_refuses_to_start_without_deploy_settings(secret_key, allowed_hosts, expected) -> None:
    with pytest.raises(Exception, match=expected):
        require_deploy_settings(debug=False, secret_key=secret_key, allowed_hosts=allowed_hosts)


def test_debug_needs_neither() -> None:
    require_deploy_settings(debug=True, secret_key="", allowed_hosts=[])


def test_production_settings_stop_with_a_message_naming_the_secret_key() -> None:
    result = _import_settings("attendance_project.settings.production", ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr


def test_local_settings_with_debug_off_stop_without_allowed_hosts() -> None:
    result = _import_settings(
        "attendance_project.settings.local", DEBUG="false", SECRET_KEY="x" * 50
    )

    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS in the environment" in result.stderr


def test_production_settings_load_when_given_what_they_need() -> None:
    result = _import_settings(
        "attendance_project.settings.production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org"
    )

    assert result.returncode == 0, result.stderr


def test_the_time_zone_is_london() -> None:
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ is True


def test_bad_log_level_is_refused() -> None:
    result = _import_settings("attendance_project.settings.local", LOG_LEVEL="LOUD")

    assert result.returncode != 0
    assert "LOG_LEVEL must be" in result.stderr


def test_production_settings_pass_djangos_deploy_checks() -> None:
    unset = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set the last
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "attendance_project.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "attendance.example.org",
            "CACHE_URL": "redis://127.0.0.1:6379/2",  # not connected to by the checks
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_checks_warn_of_a_cache_kept_per_process(settings) -> None:
    from registers.checks import shared_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    (warning,) = shared_cache()
    assert warning.id == "registers.W001" and "CACHE_URL" in warning.hint
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/2",
        }
    }
    assert shared_cache() == []
