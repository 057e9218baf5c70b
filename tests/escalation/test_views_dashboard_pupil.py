"""The pupil page: personas, the threshold explained, calendar, patterns and family."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as test arguments)
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import Role, School, User
from tests.escalation.test_dashboard_selectors import Pupils, on_today, pupils  # noqa: F401
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
VIEWERS = [Role.OFFICE, Role.TEACHER, Role.ATTENDANCE_LEAD, Role.HEADTEACHER, Role.TRUST_LEADER]


def _url(school: School, pupil) -> str:
    return reverse("dashboard_pupil", kwargs={"urn": school.urn, "pupil_id": pupil.pk})


def test_it_requires_login(client: Client, school: School, pupils: Pupils) -> None:
    response = client.get(_url(school, pupils.tess))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", VIEWERS)
def test_staff_who_see_pupils_see_it(
    client: Client, personas: dict[Role, User], school: School, pupils: Pupils, role: Role
) -> None:
    client.force_login(personas[role])
    assert client.get(_url(school, pupils.tess)).status_code == 200


def test_a_governor_gets_404(client: Client, governor: User, school: School, pupils: Pupils):
    client.force_login(governor)
    assert client.get(_url(school, pupils.tess)).status_code == 404


def test_another_schools_head_gets_404(
    client: Client, outsider: User, school: School, pupils: Pupils
) -> None:
    client.force_login(outsider)
    assert client.get(_url(school, pupils.tess)).status_code == 404


def test_a_pupil_of_another_school_is_404(
    client: Client, lead: User, school: School, other_school: School
) -> None:
    stranger = PupilFactory(school=other_school)
    client.force_login(lead)
    assert client.get(_url(school, stranger)).status_code == 404


def test_it_explains_the_threshold(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    content = client.get(_url(school, pupils.tess)).content.decode()
    assert "<strong>Met</strong>" in content
    assert "10 sessions coded G, N, O or U" in content
    assert "The 10 sessions that count at this school" in content
    assert "Record the threshold decision" in content


def test_it_says_how_many_more_would_meet_it(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    content = client.get(_url(school, pupils.nora)).content.decode()
    assert "Not met" in content and "2 more in this window would meet it" in content


def test_it_shows_the_calendar_patterns_and_family(
    client: Client, teacher: User, school: School, pupils: Pupils
) -> None:
    client.force_login(teacher)
    content = client.get(_url(school, pupils.tess)).content.decode()
    assert '<td class="cat-unauthorised"' in content and ">G<span" in content
    assert "6 Jan 2025 to 10 Jan 2025: 10 sessions" in content
    assert "Pat Holiday" in content and "Sam Holiday" in content
    assert "Free school meals" in content
    assert 'id="weekdays"' in content
    # Only those who manage cases are offered the decision.
    assert "Record the threshold decision" not in content


def test_it_lists_siblings_at_the_trusts_other_schools_only_to_those_who_see_them(
    client: Client,
    school: School,
    sibling_school: School,
    pupils: Pupils,
    trust_leader: User,
    head: User,
    on_today,
) -> None:
    from django.utils import timezone

    from escalation.models import PupilStatus
    from registers.models import PupilGuardian

    brother = PupilFactory(forename="Bram", surname="Holiday", school=sibling_school)
    guardian = PupilGuardian.objects.filter(pupil=pupils.tess).first().guardian
    PupilGuardian.objects.create(pupil=brother, guardian=guardian, relationship="Mother")
    PupilStatus.objects.create(
        school=sibling_school,
        pupil=brother,
        as_of=on_today,
        computed_at=timezone.now(),
        academic_year="2024/25",
        possible=20,
        attended=15,
    )
    sibling_url = _url(sibling_school, brother)

    client.force_login(trust_leader)
    content = client.get(_url(school, pupils.tess)).content.decode()
    assert f'href="{sibling_url}"' in content and "at Test School B" in content

    client.force_login(head)  # the head of Test School A cannot see Test School B's pupils
    content = client.get(_url(school, pupils.tess)).content.decode()
    assert "Bram" not in content and sibling_url not in content
