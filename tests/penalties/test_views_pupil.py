"""The pupil's legal interventions page and the panel on the pupil page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import Role, User
from tests.penalties.helpers import issued

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _url(school, pupil, name="penalties_pupil") -> str:
    return reverse(name, kwargs={"urn": school.urn, "pupil_id": pupil.pk})


@pytest.mark.parametrize("role", [Role.ATTENDANCE_LEAD, Role.HEADTEACHER, Role.TRUST_LEADER])
def test_those_who_manage_cases_see_the_counts_and_notices(
    client: Client, personas, letterhead, family, lead, role
) -> None:
    issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead)
    client.force_login(personas[role])
    page = client.get(_url(letterhead, family.c1)).content.decode()
    assert "Penalty notices per parent" in page
    assert "Pat One" in page and "Sam One" in page and "Gran One" not in page
    assert "Possible: a second notice, full amount only" in page
    assert "£80.00" in page  # the national terms in force today


@pytest.mark.parametrize("role", [Role.TEACHER, Role.OFFICE, Role.GOVERNOR])
def test_other_roles_get_404(client: Client, personas, letterhead, family, role) -> None:
    client.force_login(personas[role])
    assert client.get(_url(letterhead, family.c1)).status_code == 404


def test_another_schools_head_gets_404(client: Client, outsider: User, letterhead, family):
    client.force_login(outsider)
    assert client.get(_url(letterhead, family.c1)).status_code == 404


def test_a_pupil_never_on_roll_gets_404(client: Client, lead, letterhead, other_school) -> None:
    from tests.registers.factories import PupilFactory

    stranger = PupilFactory(school=other_school)
    client.force_login(lead)
    assert client.get(_url(letterhead, stranger)).status_code == 404


def test_it_requires_login(client: Client, letterhead, family) -> None:
    response = client.get(_url(letterhead, family.c1))
    assert response["Location"].startswith(reverse("login"))


def test_the_pupil_page_has_the_panel_for_case_managers_only(
    client: Client, letterhead, family, lead, teacher
) -> None:
    issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead)
    client.force_login(lead)
    page = client.get(_url(letterhead, family.c1, "dashboard_pupil")).content.decode()
    assert 'id="legal-title"' in page and "Issued" in page
    assert _url(letterhead, family.c1) in page
    assert _url(letterhead, family.c1, "penalties_pack") in page
    client.force_login(teacher)
    page = client.get(_url(letterhead, family.c1, "dashboard_pupil")).content.decode()
    assert 'id="legal-title"' not in page


def test_the_navigation_offers_the_register_to_case_managers_only(
    client: Client, letterhead, lead, teacher, governor
) -> None:
    register = reverse("penalties_register", kwargs={"urn": letterhead.urn})
    home = reverse("dashboard_overview", kwargs={"urn": letterhead.urn})
    client.force_login(lead)
    assert register in client.get(home).content.decode()
    for user in (teacher, governor):
        client.force_login(user)
        assert register not in client.get(home).content.decode()


def test_it_tracks_unauthorised_absence_during_the_improvement_period(
    client: Client, letterhead, family, lead
) -> None:
    from penalties.services.nti import nti_issue, nti_open
    from tests.penalties.conftest import absent, status

    days = [D("2024-11-04") + dt.timedelta(days=n) for n in range(5)]
    absent(letterhead, family.c1, days, "O")
    status(letterhead, family.c1, start=D("2024-09-09"), end=D("2024-11-17"), met_on=days[-1])
    nti = nti_open(school=letterhead, pupil=family.c1, user=lead, today=D("2024-11-18"))
    nti_issue(
        nti=nti, guardians=[family.p1], issued_on=D("2024-11-20"), period_weeks=6,
        expected_improvement="No unauthorised absence.", allowed_unauthorised=0,
        early_grounds="", support_offered="Plan.", user=lead, today=D("2024-11-20"),
    )  # fmt: skip
    absent(letterhead, family.c1, [D("2024-12-02"), D("2024-12-03")], "U", halves=("AM",))
    client.force_login(lead)
    page = client.get(_url(letterhead, family.c1)).content.decode()
    assert "2 sessions (the notice allows 0): the period has ended" in page
