"""An office user corrects last Tuesday's mark with a reason and sees it in the history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from registers.models import MarkChange, MarkSource, Pupil
from registers.services.marks import MarkEntry, marks_write
from tests.browser.conftest import assert_accessible, last_weekday, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_corrects_last_tuesdays_mark_and_sees_it_in_the_history(
    page, office, teacher, school
) -> None:
    tuesday = last_weekday(1)
    pupil = Pupil.objects.get(forename="Pupil07")
    marks_write(
        school=school,
        entries=[MarkEntry(pupil_id=pupil.id, date=tuesday, session="AM", code="N")],
        user=teacher,
        source=MarkSource.REGISTER,
    )
    sign_in(page, office)

    page.goto(f"/schools/{school.urn}/week/?week={tuesday.isoformat()}&q=Pupil07")
    assert_accessible(page)
    cell = page.get_by_role("link", name=re.compile(r"^N\W+Reason for absence not yet established"))
    cell.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Pupil07 Surname07")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").select_option("I")
    page.get_by_label("Reason for the change").select_option(
        label="Parent provided evidence of illness"
    )
    page.get_by_label("Details").fill("GP letter seen")
    page.get_by_role("button", name="Save correction").click()

    # Back on the grid, the cell shows I; its history shows the amendment and its reason.
    expect(page.get_by_role("status")).to_contain_text("changed from N to I")
    page.get_by_role("link", name=re.compile(r"^I\W+Illness")).click()
    history = page.get_by_role("table")
    expect(history).to_contain_text("Original entry")
    expect(history).to_contain_text("Amendment 1")
    expect(history).to_contain_text("Parent provided evidence of illness — GP letter seen")
    expect(history).to_contain_text(office.get_full_name())
    change = MarkChange.objects.get()
    assert (change.previous_code_id, change.new_code_id, change.changed_by) == ("N", "I", office)
