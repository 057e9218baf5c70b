"""Taking a register in the browser (issue #3): the keyboard, late arrivals, conflicts.

Every test uses the most recent school day (today on a weekday), so it passes whatever
the day or time it runs: a register of a past day may be taken, and a save after the
register closed is still a save (only flagged as late).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registers.models import Mark, MarkChange, Membership, Pupil, RegisterTaking
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Row by row (Pupil01 … Pupil30, the register's order): anything not listed is present.
KEYS = {4: "N", 6: "I", 8: "L", 11: "N"}
ARRIVED = "09:05"  # Pupil08: 20 minutes after the 08:45 opening, before the 09:15 close


def register_day() -> dt.date:
    """Today if it is a weekday (a school day of the fixture's term), else last Friday."""
    day = timezone.localdate()
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def register_url(school, day: dt.date, session: str = "AM", group: str = "4B") -> str:
    return f"/schools/{school.urn}/registers/{day.isoformat()}/{session}/{group}/"


def pupil(n: int) -> Pupil:
    return Pupil.objects.get(forename=f"Pupil{n:02d}")


def tab_to(page, target, *, limit: int = 80) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {limit} presses of Tab")


def open_register(page, school, day: dt.date) -> None:
    """Load the 4B morning register and wait for its script to take over the form."""
    page.goto(register_url(school, day))
    expect(page.locator("#register-keys")).to_be_visible()


def codes_of(school, day: dt.date) -> dict[str, tuple[str, int | None]]:
    marks = Mark.objects.filter(school=school, date=day, session="AM").select_related("pupil")
    return {m.pupil.forename: (m.code_id, m.minutes_late) for m in marks}


# --- 1. Keyboard only -------------------------------------------------------------------------


def test_a_teacher_marks_thirty_pupils_with_the_keyboard_only_and_saves(
    page, teacher, school
) -> None:
    Membership.objects.filter(user=teacher).update(registration_groups="4B")
    day = register_day()
    sign_in(page, teacher)

    tab_to(page, page.get_by_role("link", name="Today's registers"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=re.compile("^Registers"))).to_be_visible()
    if day != timezone.localdate():  # a weekend: go back to Friday
        tab_to(page, page.get_by_role("link", name=re.compile("Previous school day")))
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"{day:%A} {day.day} {day:%B %Y}")).to_be_visible()
    assert_accessible(page)
    own = page.get_by_role("region", name="Your groups")
    tab_to(page, own.get_by_role("link", name="Take the 4B morning register"))
    page.keyboard.press("Enter")
    expect(page.locator("#register-keys")).to_be_visible()
    assert_accessible(page)

    first = pupil(1)
    tab_to(page, page.locator(f"#code-{first.id}"))
    for n in range(1, 31):
        page.keyboard.press(KEYS.get(n, "/"))
        if KEYS.get(n) == "L":  # the focus is on the arrival time now
            expect(page.locator(f"#arrival-{pupil(n).id}")).to_be_focused()
            page.keyboard.type(ARRIVED)
            page.keyboard.press("Enter")
    expect(page.locator("#register-counts [data-count=unmarked]")).to_have_text("0")
    expect(page.locator("#register-counts [data-count=present]")).to_have_text("26")
    expect(page.locator("#register-counts [data-count=late]")).to_have_text("1")
    expect(page.locator("#register-counts [data-count=absent]")).to_have_text("3")
    expect(page.locator("#register-announcer")).to_contain_text("Pupil30 Surname30: /, Present")
    tab_to(page, page.locator("button[name=save]"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(
        f"Saved the 4B morning register, {day:%a} {day.day} {day:%b}: 30 marks recorded"
    )
    expected = {f"Pupil{n:02d}": ("/", None) for n in range(1, 31)}
    expected |= {"Pupil04": ("N", None), "Pupil06": ("I", None), "Pupil11": ("N", None)}
    expected["Pupil08"] = ("L", 20)
    assert codes_of(school, day) == expected
    taking = RegisterTaking.objects.get()
    assert (taking.registration_group, taking.date, taking.session) == ("4B", day, "AM")
    assert (taking.taken_by, taking.saves) == (teacher, 1)

    tab_to(page, page.get_by_role("link", name=re.compile("Registers for")))
    page.keyboard.press("Enter")
    cell = page.get_by_role("region", name="Your groups").locator("td.register-state").first
    expect(cell).to_contain_text("✓ Taken")
    expect(cell).to_contain_text(f"by {teacher.get_full_name()}")
    expect(cell.get_by_role("link", name="Open the 4B morning register")).to_be_visible()


# --- 2. Arrival times -------------------------------------------------------------------------


def test_an_arrival_after_the_close_is_u_and_before_it_l(page, office, school) -> None:
    day = register_day()
    late, after_close = pupil(3), pupil(9)
    sign_in(page, office)
    open_register(page, school, day)

    # L opens the arrival time (hidden until then); the time decides between L and U.
    for who, typed in ((after_close, "09:40"), (late, "9.05")):
        page.locator(f"#code-{who.id}").focus()
        page.keyboard.press("L")
        expect(page.locator(f"#arrival-{who.id}")).to_be_focused()
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
    expect(page.locator(f"#code-{after_close.id}")).to_have_value("U")
    expect(page.locator(f"#minutes-{after_close.id}")).to_have_value("55")
    expect(page.locator("#register-announcer")).to_contain_text(
        "Pupil03 Surname03: arrived 09:05, L, Late"
    )
    expect(page.locator(f"#code-{late.id}")).to_have_value("L")
    expect(page.locator(f"#minutes-{late.id}")).to_have_value("20")
    page.locator("#fill-present").click()
    expect(page.locator("#register-counts [data-count=unmarked]")).to_have_text("0")
    page.locator("button[name=save]").click()

    expect(page.get_by_role("status")).to_contain_text("30 marks recorded")
    codes = codes_of(school, day)
    assert codes["Pupil09"] == ("U", 55)  # minutes from the 08:45 opening, not the close
    assert codes["Pupil03"] == ("L", 20)
    assert {c for name, c in codes.items() if name not in ("Pupil03", "Pupil09")} == {("/", None)}


# --- 3. Two people, one register ---------------------------------------------------------------


@pytest.fixture
def office_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _conflict(page, office_page, teacher, office, school):
    """Both open the register; office saves Pupil05 as M, then the teacher saves it as /."""
    day = register_day()
    x = pupil(5)
    sign_in(page, teacher)
    sign_in(office_page, office)
    open_register(page, school, day)
    open_register(office_page, school, day)

    office_page.locator("#fill-present").click()
    office_page.locator(f"#code-{x.id}").select_option("M")
    office_page.locator("button[name=save]").click()
    expect(office_page.get_by_role("status")).to_contain_text("30 marks recorded")

    page.locator(f"#code-{x.id}").select_option("/")
    page.locator("#fill-present").click()
    page.locator("button[name=save]").click()
    conflict = page.locator(f"fieldset.conflict#resolve-{x.id}")
    expect(conflict).to_contain_text(f"Saved by {office.get_full_name()}")
    expect(conflict).to_contain_text("M (Leave for a medical or dental appointment)")
    expect(conflict).to_contain_text("You entered: / (Present")
    expect(page.locator("fieldset.conflict")).to_have_count(1)
    return day, x, conflict


def test_a_conflicting_save_is_caught_and_theirs_kept(
    page, office_page, teacher, office, school
) -> None:
    day, x, conflict = _conflict(page, office_page, teacher, office, school)
    expect(page.get_by_role("heading", name=re.compile("Someone else saved marks"))).to_be_visible()
    assert_accessible(page)

    conflict.get_by_label(re.compile("Keep theirs")).check()
    expect(page.locator(f"#code-{x.id}")).to_have_value("M")
    page.locator("button[name=save]").click()

    expect(page.get_by_role("status")).to_contain_text("0 marks recorded, 0 changed")
    mark = Mark.objects.get(pupil=x, date=day, session="AM")
    assert (mark.code_id, mark.recorded_by) == ("M", office)
    assert not MarkChange.objects.exists()
    assert RegisterTaking.objects.get().saves == 2


def test_a_conflicting_save_is_caught_and_mine_used(
    page, office_page, teacher, office, school
) -> None:
    day, x, conflict = _conflict(page, office_page, teacher, office, school)

    conflict.get_by_label(re.compile("Use mine")).check()
    expect(page.locator(f"#code-{x.id}")).to_have_value("/")
    page.locator("button[name=save]").click()

    expect(page.get_by_role("status")).to_contain_text("0 marks recorded, 1 changed")
    mark = Mark.objects.get(pupil=x, date=day, session="AM")
    assert (mark.code_id, mark.recorded_by) == ("/", teacher)
    change = MarkChange.objects.get()
    assert (change.mark, change.previous_code_id, change.new_code_id) == (mark, "M", "/")
    assert change.changed_by == teacher
    assert Mark.objects.filter(date=day, session="AM").exclude(code_id="/").count() == 0


# --- Small screens ------------------------------------------------------------------------------


def test_the_registers_fit_a_phone_screen_without_scrolling_the_page_sideways(
    page, teacher, school
) -> None:
    day = register_day()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, teacher)
    overflow = "() => document.documentElement.scrollWidth - window.innerWidth"

    page.goto(f"/schools/{school.urn}/registers/?date={day.isoformat()}")
    expect(page.get_by_role("link", name="Take the 4B morning register")).to_be_visible()
    assert page.evaluate(overflow) <= 0
    open_register(page, school, day)
    assert page.evaluate(overflow) <= 0  # the register table scrolls inside its own box
    page.locator(f"#code-{pupil(1).id}").focus()
    page.keyboard.press("L")
    expect(page.locator(f"#arrival-{pupil(1).id}")).to_be_focused()
    expect(page.locator(f"#arrival-{pupil(1).id}")).to_be_in_viewport()
