"""The letters pages in a real browser: keyboard only, live preview, no axe violations."""

from __future__ import annotations

import pytest

from letters.models import Letter, LetterTemplate
from tests.browser_support import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lead_edits_wording_with_a_live_preview(page, lead, letterhead) -> None:
    from playwright.sync_api import expect

    sign_in(page, lead)
    page.goto(f"/schools/{letterhead.urn}/letters/wording/lateness/")
    assert_accessible(page)
    body = page.get_by_label("Letter text")
    body.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("{{ pupil_forename }} was late {{ late_count }} times.")
    expect(page.locator("#preview")).to_contain_text("Sam was late 11 times.")
    page.keyboard.type(" {{ nonsense }}")
    expect(page.locator("#preview")).to_contain_text("cannot be used yet")
    page.keyboard.press("Control+A")
    page.keyboard.type("{{ pupil_forename }} was late {{ late_count }} times.")
    page.get_by_role("button", name="Save as a new version").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved as version 1")).to_be_visible()
    assert LetterTemplate.objects.get(kind="lateness").version == 1


def test_the_lead_writes_a_letter_from_the_pupil_page(page, lead, letterhead, pupil) -> None:
    from playwright.sync_api import expect

    sign_in(page, lead)
    page.goto(f"/schools/{letterhead.urn}/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Write a letter").click()
    assert_accessible(page)
    page.get_by_label("Letter").select_option("below_96_first")
    page.get_by_role("button", name="Write the letter").press("Enter")
    expect(page.get_by_role("heading", name="Ready")).to_be_visible()
    assert_accessible(page)
    assert Letter.objects.filter(pupil=pupil, status="ready").count() == 2
    page.goto(f"/schools/{letterhead.urn}/letters/")
    expect(page.get_by_role("cell", name="Alex Example", exact=True)).to_be_visible()
    assert_accessible(page)
