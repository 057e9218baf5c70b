"""Parents and the office in the browser (issue #8): a public illness report matched by the
office and shown pre-filled on the register; a parent signs in by emailed link, asks for
leave, the head refuses it and the parent sees the outcome; the office logs a first-day call."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from registers.models import Mark, Pupil
from tests.browser.conftest import assert_accessible, sign_in
from tests.registers.factories import GuardianFactory, MarkFactory, PupilGuardianFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def second_page(browser, live_server):
    """Another person's browser, set up like the `page` fixture's (axe needs the CSP bypass)."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def school_day() -> dt.date:
    """Today if a weekday (a school day of the fixture's term), else last Friday."""
    day = timezone.localdate()
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def test_a_public_illness_report_is_matched_and_prefills_the_register(
    page, browser, live_server, school, office
) -> None:
    day = school_day()
    child = Pupil.objects.get(forename="Pupil05")
    page.goto(f"/schools/{school.urn}/report-absence/")
    assert_accessible(page)
    page.get_by_label("Child's full name").fill("pupil05 surname05")
    page.get_by_label("Child's date of birth").fill(child.date_of_birth.isoformat())
    page.get_by_label("Class or form").fill("4B")
    page.get_by_label("Your name").fill("Robin Surname05")
    page.get_by_label("Your relationship to the child").fill("Father")
    page.get_by_label("Phone number").fill("07700 900321")
    page.get_by_label("Illness", exact=True).check()
    page.get_by_label("Details").fill("Temperature overnight")
    page.get_by_label("First day of absence").fill(day.isoformat())
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name=re.compile("has your report"))).to_be_visible()
    reference = page.locator(".absences-reference").inner_text()
    assert re.fullmatch(r"AB-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    assert_accessible(page)

    office_page = second_page(browser, live_server)
    sign_in(office_page, office)
    office_page.goto(f"/schools/{school.urn}/registers/")
    nav_link = office_page.get_by_role("link", name=re.compile("^Absence reports"))
    expect(nav_link.locator(".nav-badge")).to_have_text(re.compile("^1"))
    nav_link.click()
    assert_accessible(office_page)
    office_page.get_by_role("link", name=reference).click()
    best = office_page.get_by_role("radio", name=re.compile("^Pupil05 Surname05, born"))
    expect(best).to_be_visible()
    best.check()
    assert_accessible(office_page)
    office_page.get_by_role("button", name="Accept and enter the code").click()
    expect(office_page.locator(".messages")).to_contain_text(
        f"{reference} matched to Pupil05 Surname05"
    )

    office_page.goto(f"/schools/{school.urn}/registers/{day.isoformat()}/AM/4B/")
    expect(office_page.locator(f"#code-{child.pk}")).to_have_value("I")
    assert Mark.objects.get(pupil=child, date=day, session="AM").code_id == "I"
    office_page.context.close()


def test_a_parent_signs_in_by_link_asks_for_leave_and_sees_the_refusal(
    page, browser, live_server, school, head
) -> None:
    child = Pupil.objects.get(forename="Pupil07")
    parent = GuardianFactory(name="Morgan Surname07", email="morgan@example.com")
    PupilGuardianFactory(pupil=child, guardian=parent)
    mail.outbox.clear()

    page.goto("/parents/sign-in/")
    assert_accessible(page)
    page.get_by_label("Email address").fill("morgan@example.com")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    [email] = mail.outbox
    link = re.search(r"(/parents/sign-in/[^/\s]+/)", email.body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your children")).to_be_visible()
    page.get_by_role("link", name="Pupil07 Surname07").click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile("Pupil07 Surname07"))
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ask for leave of absence").first.click()
    start = timezone.localdate() + dt.timedelta(days=14)
    start -= dt.timedelta(days=start.weekday())  # a Monday two weeks or less ahead
    page.get_by_label("First day of absence").fill(start.isoformat())
    page.get_by_label("Last day of absence").fill((start + dt.timedelta(days=2)).isoformat())
    page.get_by_label("Reason for the request").fill("A family wedding abroad")
    page.get_by_label("Travelling with the child").first.check()
    page.get_by_label(re.compile("^I understand")).check()
    assert_accessible(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".absences-outcome")).to_contain_text("Waiting for a decision")
    expect(page.locator(".messages")).to_contain_text("3 school day(s)")
    leave_url = page.url

    head_page = second_page(browser, live_server)
    sign_in(head_page, head)
    head_page.goto(f"/schools/{school.urn}/leave/")
    head_page.get_by_role("link", name=re.compile("^LV-")).click()
    head_page.get_by_role("link", name="Decide this request").click()
    head_page.get_by_label("Refuse the leave").check()
    head_page.get_by_label("Reason for the decision").fill(
        "A wedding is not an exceptional circumstance."
    )
    assert_accessible(head_page)
    head_page.get_by_role("button", name="Record the decision").click()
    expect(head_page.locator(".messages")).to_contain_text("decision recorded")
    head_page.context.close()

    page.goto(leave_url)
    expect(page.locator(".absences-outcome")).to_contain_text("Refused")
    expect(page.get_by_text("A wedding is not an exceptional circumstance.")).to_be_visible()
    assert_accessible(page)


def test_the_office_logs_a_first_day_call(page, school, office) -> None:
    day = school_day()
    child = Pupil.objects.get(forename="Pupil09")
    child.social_worker = True
    child.save()
    parent = GuardianFactory(name="Kim Surname09", phone="07700 900909")
    PupilGuardianFactory(pupil=child, guardian=parent, relationship="Mother")
    MarkFactory(school=school, pupil=child, date=day, session="AM", code_id="N")
    sign_in(page, office)
    page.goto(f"/schools/{school.urn}/registers/")
    page.get_by_role("link", name="First-day calls").click()
    card = page.locator(f"#pupil-{child.pk}")
    expect(card).to_contain_text("has a social worker")
    expect(card.get_by_role("link", name="07700 900909")).to_be_visible()
    assert_accessible(page)
    card.get_by_label("Who was called").select_option(label="Kim Surname09")
    card.get_by_label("Outcome").select_option(label="Spoke to parent or carer: reason given")
    card.get_by_label("Reason given, or notes").fill("Tonsillitis, back Thursday")
    card.get_by_role("button", name="Log this call").click()
    expect(page.locator(".messages")).to_contain_text("Call about Pupil09 Surname09 logged")
    expect(page.locator(f"#pupil-{child.pk}")).to_contain_text("Tonsillitis, back Thursday")
    expect(page.locator(f"#pupil-{child.pk} .tag")).to_have_text("resolved")
