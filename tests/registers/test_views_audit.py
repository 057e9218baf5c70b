"""The access audit: pupil pages and downloads are recorded whichever app serves them;
the headteacher searches them; nobody else sees them."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as test arguments)

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import AccessEvent, AccessKind, Role, School, User
from tests.escalation.test_dashboard_selectors import Pupils, on_today, pupils  # noqa: F401

pytestmark = pytest.mark.django_db


def _audit(school: School) -> str:
    return reverse("access_audit", kwargs={"urn": school.urn})


def test_opening_a_pupil_page_is_recorded(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    url = reverse("dashboard_pupil", kwargs={"urn": school.urn, "pupil_id": pupils.tess.pk})
    assert client.get(url).status_code == 200
    event = AccessEvent.objects.get()
    assert (event.user, event.school, event.pupil, event.kind) == (
        lead,
        school,
        pupils.tess,
        AccessKind.VIEW,
    )
    assert event.path == url and event.view_name == "dashboard_pupil"


def test_a_download_is_recorded_with_its_file_name(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    url = reverse("dashboard_flags_csv", kwargs={"urn": school.urn, "flag": "threshold"})
    response = client.get(url)
    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert event.kind == AccessKind.EXPORT and event.detail.endswith("-threshold-2025-01-15.csv")


def test_refused_and_aggregate_requests_are_not_recorded(
    client: Client, governor: User, outsider: User, school: School, pupils: Pupils
) -> None:
    url = reverse("dashboard_pupil", kwargs={"urn": school.urn, "pupil_id": pupils.tess.pk})
    for user in (governor, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        client.get(reverse("dashboard_overview", kwargs={"urn": school.urn}))
    assert not AccessEvent.objects.exists()


def test_the_head_searches_the_audit(
    client: Client, head: User, lead: User, office: User, school: School, pupils: Pupils
) -> None:
    for user, pupil in ((lead, pupils.tess), (office, pupils.nora)):
        client.force_login(user)
        client.get(reverse("dashboard_pupil", kwargs={"urn": school.urn, "pupil_id": pupil.pk}))
    client.force_login(head)
    page = client.get(_audit(school), {"pupil": "Near"})
    assert [e.pupil for e in page.context["page"]] == [pupils.nora]
    page = client.get(_audit(school), {"person": lead.get_full_name() or lead.username})
    assert [e.user for e in page.context["page"]] == [lead]
    assert "Tess" in page.content.decode()


def test_bad_dates_are_explained(client: Client, head: User, school: School) -> None:
    client.force_login(head)
    page = client.get(_audit(school), {"start": "2025-02-01", "end": "2025-01-01"})
    assert "on or before" in page.content.decode()
    page = client.get(_audit(school), {"start": "yesterday"})
    assert page.status_code == 200 and "Enter a valid date" in page.content.decode()


@pytest.mark.parametrize("role", [Role.OFFICE, Role.TEACHER, Role.ATTENDANCE_LEAD, Role.GOVERNOR])
def test_only_the_head_sees_the_audit(
    client: Client, personas: dict[Role, User], school: School, role: Role
) -> None:
    client.force_login(personas[role])
    assert client.get(_audit(school)).status_code == 404


def test_staff_of_another_school_get_404(client: Client, outsider: User, school: School) -> None:
    client.force_login(outsider)
    assert client.get(_audit(school)).status_code == 404
