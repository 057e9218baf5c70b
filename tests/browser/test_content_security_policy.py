"""The Content Security Policy holds in a real browser: every kind of page is opened with
the policy enforced (no bypass, unlike the axe-core tests) and the browser refuses
nothing — no inline script, inline style attribute, or outside resource — while the
pages' own scripts still run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from registers.models import Enrolment
from tests.browser.conftest import sign_in
from tests.registers.factories import GuardianFactory, PupilGuardianFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _school_day() -> dt.date:
    day = timezone.localdate()
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _open(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, f"{path} is served without the policy: {policy!r}"
    page.wait_for_load_state("networkidle")


def test_staff_pages_run_under_the_policy(strict_page, school, head) -> None:
    page = strict_page
    pupil = Enrolment.objects.filter(school=school).first().pupil
    day = _school_day().isoformat()
    sign_in(page, head)
    base = f"/schools/{school.urn}"
    for path in (
        "/",
        f"{base}/registers/",
        f"{base}/week/",
        f"{base}/bulk/",
        f"{base}/settings/registers/",
        f"{base}/dashboard/",
        f"{base}/pupils/{pupil.pk}/",
        f"{base}/lists/threshold/",
        f"{base}/letters/",
        f"{base}/letters/batches/new/",
        f"{base}/letters/wording/below_96_first/",
        f"{base}/legal-interventions/",
        f"{base}/reports/",
        f"{base}/audit/",
        "/api/v1/docs/",
    ):
        _open(page, path)

    # The register's own script runs: it shows the keyboard help and marks with a key.
    _open(page, f"{base}/registers/{day}/AM/4B/")
    assert page.locator("#register-keys").is_visible()
    page.locator("select.code-select").first.focus()
    page.keyboard.press("/")
    assert page.locator("select.code-select").first.input_value() == "/"
    # The API documentation's script runs: Swagger UI draws the operations.
    _open(page, "/api/v1/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.csp_refusals == []


def test_public_and_parent_pages_run_under_the_policy(strict_page, school) -> None:
    page = strict_page
    pupil = Enrolment.objects.filter(school=school).first().pupil
    _open(page, f"/schools/{school.urn}/report-absence/")
    _open(page, "/parents/sign-in/")
    _open(page, "/accounts/login/")
    parent = UserFactory(username="parent-csp")
    guardian = GuardianFactory(user=parent, email="parent-csp@example.org")
    PupilGuardianFactory(pupil=pupil, guardian=guardian)
    sign_in(page, parent)
    _open(page, "/parents/")
    _open(page, f"/parents/children/{pupil.pk}/")
    _open(page, f"/parents/children/{pupil.pk}/report/")
    _open(page, f"/parents/children/{pupil.pk}/leave/")
    assert page.csp_refusals == []
