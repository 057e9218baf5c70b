"""The reports pages in a real browser: a governor asks for a report with the keyboard
and reads it; the pages pass axe's serious and critical checks."""

from __future__ import annotations

import pytest

from tests.browser_support import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_governor_prepares_and_reads_a_report(page, seeded, governor, media):
    sign_in(page, governor)
    page.goto(f"/schools/{seeded.school.urn}/reports/")
    assert_accessible(page)
    page.get_by_label("Period").first.select_option(label="Autumn term 2024/25")
    page.get_by_role("button", name="Prepare the report").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/reports/*/")
    assert page.get_by_role("heading", name="Headline figures").is_visible()
    assert page.get_by_text("fewer than 5 pupils").first.is_visible()
    for pupil in seeded.pupils.values():
        assert pupil.upn not in page.content()
    assert_accessible(page)
    page.screenshot(path=str(media / "detail.png"), full_page=True)


def test_the_export_form_explains_a_bad_range(page, school, teacher):
    sign_in(page, teacher)
    page.goto(f"/schools/{school.urn}/reports/export/")
    page.get_by_label("From").fill("2024-12-20")
    page.get_by_label("To (inclusive)").fill("2024-09-01")
    page.get_by_role("button", name="Download").click()
    assert page.get_by_text("The end date must be on or after the start date.").first.is_visible()
    assert_accessible(page)
