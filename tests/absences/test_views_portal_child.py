"""A parent sees only their own children: every portal URL with another family's ids is
404, and the child page shows the year, the weeks and the registered panels."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from absences.portal import PORTAL_PANELS, PortalPanel, register_portal_panel
from absences.services.signin import guardian_user
from tests.absences.factories import LeaveAdultFactory, LeaveRequestFactory
from tests.registers.factories import MarkFactory

pytestmark = pytest.mark.django_db


def _leave(school, family):
    leave = LeaveRequestFactory(
        school=school, pupil=family.children[0], requested_by=family.guardian
    )
    LeaveAdultFactory(leave_request=leave)
    leave.evidence.save("leave.pdf", ContentFile(b"%PDF-1.4 test"))
    return leave


def _portal_urls(pupil_id: int, leave_id: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("parents_child", kwargs={"pupil_id": pupil_id})),
        ("get", reverse("parents_child_report", kwargs={"pupil_id": pupil_id})),
        ("post", reverse("parents_child_report", kwargs={"pupil_id": pupil_id})),
        ("get", reverse("parents_leave_new", kwargs={"pupil_id": pupil_id})),
        ("post", reverse("parents_leave_new", kwargs={"pupil_id": pupil_id})),
        ("get", reverse("parents_leave", kwargs={"leave_id": leave_id})),
        ("post", reverse("parents_leave_withdraw", kwargs={"leave_id": leave_id})),
        ("get", reverse("parents_leave_evidence", kwargs={"leave_id": leave_id})),
    ]


def test_every_portal_url_with_another_familys_ids_is_404(
    parent_client: Client, school, family, other_family
) -> None:
    theirs = _leave(school, other_family)
    for method, url in _portal_urls(other_family.children[0].pk, theirs.pk):
        response = getattr(parent_client, method)(url, {})
        assert response.status_code == 404, (method, url)
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_made_up_ids_are_404_too(parent_client: Client, school, family) -> None:
    for method, url in _portal_urls(999999, 999999):
        assert getattr(parent_client, method)(url, {}).status_code == 404, (method, url)


def test_the_same_urls_work_for_their_own_child(parent_client: Client, school, family) -> None:
    mine = _leave(school, family)
    for method, url in _portal_urls(family.children[0].pk, mine.pk):
        if method == "get":
            assert parent_client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, school, family) -> None:
    leave = _leave(school, family)
    for method, url in _portal_urls(family.children[0].pk, leave.pk):
        response = getattr(client, method)(url, {})
        assert response.status_code == 302 and response["Location"].startswith("/parents/sign-in/")


def test_staff_without_a_guardian_record_get_404(client: Client, school, family, head) -> None:
    client.force_login(head)
    leave = _leave(school, family)
    for method, url in _portal_urls(family.children[0].pk, leave.pk):
        assert getattr(client, method)(url, {}).status_code == 404, url
    assert b"not linked to a parent" in client.get(reverse("parents_home")).content


def test_home_lists_only_their_children(parent_client: Client, family, other_family) -> None:
    content = parent_client.get(reverse("parents_home")).content.decode()
    assert "Amelia Hart" in content and "Ben Hart" in content
    assert "Okafor" not in content


def test_the_child_page_shows_figures_chart_weeks_and_meanings(
    parent_client: Client, school, family
) -> None:
    pupil = family.children[0]
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    for day, session, code in (
        (monday, "AM", "/"),
        (monday, "PM", "I"),
        (monday + dt.timedelta(days=1), "AM", "G"),
    ):
        MarkFactory(school=school, pupil=pupil, date=day, session=session, code_id=code)
    content = parent_client.get(
        reverse("parents_child", kwargs={"pupil_id": pupil.pk})
    ).content.decode()
    assert "33.3%" in content  # 1 attended of 3
    assert '<svg class="chart' in content and "<desc" in content
    assert "Illness (not a medical or dental appointment)" in content
    assert "Holiday not granted by the school" in content
    assert monday.strftime("%-d %b %Y") in content


def test_registered_panels_are_rendered_for_each_child(
    parent_client: Client, school, family, tmp_path, settings
) -> None:
    seen = []

    def context(*, request, guardian, pupil):
        seen.append((guardian.pk, pupil.pk))
        return {"note": f"letters for {pupil.forename}"}

    template = tmp_path / "panel.html"
    template.write_text('<section class="card">{{ note }}</section>')
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    register_portal_panel(PortalPanel("test-letters", "panel.html", context))
    try:
        pupil = family.children[1]
        content = parent_client.get(reverse("parents_child", kwargs={"pupil_id": pupil.pk})).content
    finally:
        PORTAL_PANELS.pop("test-letters")
    assert b"letters for Ben" in content and seen == [(family.guardian.pk, pupil.pk)]


def test_a_parent_of_two_families_sees_both_but_no_others(
    client: Client, school, family, other_family
) -> None:
    from tests.registers.factories import PupilGuardianFactory

    PupilGuardianFactory(pupil=other_family.children[0], guardian=family.guardian, priority=2)
    client.force_login(guardian_user(guardian=family.guardian))
    url = reverse("parents_child", kwargs={"pupil_id": other_family.children[0].pk})
    assert client.get(url).status_code == 200
