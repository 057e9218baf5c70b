"""TWO_FACTOR_REQUIRED_ROLES: headteachers and trust leaders by default in production,
nobody on `make run`, and an unknown role stops start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.conf import two_factor_required_roles
from accounts.selectors import two_factor_required
from registers.models import Role, User


def _run(code: str, module: str, **env: str) -> subprocess.CompletedProcess[str]:
    unset = {"DEBUG", "TWO_FACTOR_REQUIRED_ROLES", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": module,
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "example.org",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


PRINT_ROLES = "import django; django.setup(); from django.conf import settings; print(','.join(settings.TWO_FACTOR_REQUIRED_ROLES))"


def test_production_requires_headteachers_and_trust_leaders_by_default() -> None:
    result = _run(PRINT_ROLES, "attendance_project.settings.production")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "headteacher,trust_leader"


def test_the_demo_requires_nobody_by_default() -> None:
    result = _run(PRINT_ROLES, "attendance_project.settings.local")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_start_up_stops_on_an_unknown_role() -> None:
    result = _run(
        "import django; django.setup()",
        "attendance_project.settings.production",
        TWO_FACTOR_REQUIRED_ROLES="headteacher,bursar",
    )

    assert result.returncode != 0
    assert "TWO_FACTOR_REQUIRED_ROLES names unknown roles: bursar" in result.stderr


@pytest.mark.parametrize("value", [["head"], ["headteacher", "Trust_Leader"], "headteacher"])
def test_it_refuses_what_is_not_a_list_of_roles(settings, value) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLES = value

    with pytest.raises(ImproperlyConfigured, match="TWO_FACTOR_REQUIRED_ROLES"):
        two_factor_required_roles()


def test_every_role_may_be_named_and_spaces_do_not_matter(settings) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLES = [" headteacher", *Role.values, ""]

    assert two_factor_required_roles() == frozenset(Role.values)


@pytest.mark.django_db
def test_the_rule_follows_the_setting(settings, head: User, teacher: User) -> None:
    assert not two_factor_required(head)  # the test settings require nobody

    settings.TWO_FACTOR_REQUIRED_ROLES = ["headteacher"]

    assert two_factor_required(head) and not two_factor_required(teacher)
