"""Browser tests in real headless Chromium (Debian's `chromium`), driven by Playwright.

Playwright never downloads a browser here: it launches /usr/bin/chromium. Without
Chromium the tests are skipped, except in CI (REQUIRE_SERVICES=1 or CI=true), where
that is a failure. axe-core comes from the npm registry (`npm ci`, package.json).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.registers.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are ordinary synchronous calls, so Django's async guard must stand down.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true"


def _missing(what: str) -> None:
    if _required():
        pytest.fail(f"browser tests need {what} (install it: see .ci/run)")
    pytest.skip(f"browser tests need {what}")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        _missing("Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    # The pages' Content Security Policy forbids inline scripts; axe-core is injected
    # as one, so the test browser (only) bypasses the policy.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def strict_page(browser, live_server) -> Iterator[object]:
    """A page that keeps the Content Security Policy, as a real browser does; what the
    browser refused under it is collected in `page.csp_refusals`."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_refusals = []
    page.on(
        "console",
        lambda message: (
            page.csp_refusals.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()


def sign_in(page, user) -> None:
    """Sign in through the real form with the keyboard."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def axe_violations(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; the violations of the given impacts."""
    if not AXE.exists():
        _missing("axe-core from npm (`npm ci`)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in impacts]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    summary = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in violations
    ]
    assert not violations, json.dumps(summary, indent=2)


def last_weekday(weekday: int):
    """The most recent date before this week with that weekday (0 = Monday)."""
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return monday - dt.timedelta(days=7) + dt.timedelta(days=weekday)
