"""In Chromium: the attendance lead requests penalty notices with the keyboard alone,
after seeing each parent's count, and every legal interventions page passes axe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from penalties.models import PenaltyNotice
from penalties.services.notices import penalty_request_open
from tests.browser_support import assert_accessible, sign_in
from tests.penalties.conftest import HOLIDAY, absent, decision
from tests.penalties.helpers import issued
from tests.penalties.test_concurrency import _restore_codes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = dt.date.fromisoformat


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # noqa: F811
    """A page that lets axe-core be injected under the site's Content Security Policy."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_the_lead_requests_notices_by_keyboard(page, letterhead, family, lead) -> None:
    _restore_codes()
    issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead)
    absent(letterhead, family.c1, HOLIDAY)
    made = decision(letterhead, family.c1, lead)
    penalty_request_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2025-01-13"), decision=made
    )
    base = f"/schools/{letterhead.urn}/pupils/{family.c1.pk}/legal/"
    sign_in(page, lead)

    page.goto(base)
    assert page.get_by_role("heading", name="Penalty notices per parent").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Check the counts and request").click()
    assert page.get_by_text("Possible: a second notice, full amount only").is_visible()
    assert_accessible(page)

    page.get_by_label("Why a penalty notice is requested").focus()
    page.keyboard.type("A week's holiday taken after leave was refused.")
    page.keyboard.press("Tab")  # to Save
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{base}")
    assert page.get_by_text("Penalty notices requested.").is_visible()
    assert PenaltyNotice.objects.filter(pupil=family.c1, status="requested").count() == 2
    assert_accessible(page)

    page.goto(f"/schools/{letterhead.urn}/legal-interventions/")
    assert page.get_by_role("cell", name="Requested").first.is_visible()
    assert_accessible(page)
    page.goto(f"{base}referral-pack/")
    assert page.get_by_role("heading", name="Penalty notices", exact=True).is_visible()
    assert_accessible(page)
