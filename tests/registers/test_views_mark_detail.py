"""The mark detail page: a mark's history one click away, and the correction form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import Mark, MarkChange, MarkSource, Role, School, User
from registers.services.marks import MarkEntry, marks_write
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
MON = dt.date(2025, 1, 13)
HALF_TERM = dt.date(2024, 10, 29)
CORRECTORS = [Role.OFFICE, Role.ATTENDANCE_LEAD, Role.HEADTEACHER]
VIEWERS = [Role.TEACHER, Role.TRUST_LEADER]


def _url(school: School, pupil, day: dt.date = MON, session: str = "AM") -> str:
    kwargs = {"urn": school.urn, "upn": pupil.upn, "day": day, "session": session}
    return reverse("mark_detail", kwargs=kwargs)


@pytest.fixture
def pupil(school: School):
    return PupilFactory(school=school, forename="Ada", surname="Lovelace")


@pytest.fixture
def n_mark(school: School, pupil, teacher: User) -> Mark:
    marks_write(
        school=school,
        entries=[MarkEntry(pupil.id, MON, "AM", "N")],
        user=teacher,
        source=MarkSource.REGISTER,
    )
    return Mark.objects.get()


def _post(client: Client, user: User, url: str, **data: str):
    client.force_login(user)
    return client.post(url, {"code": "I", "reason": "Parent provided evidence of illness", **data})


def test_it_requires_login(client: Client, school: School, pupil) -> None:
    response = client.get(_url(school, pupil))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", CORRECTORS)
def test_staff_who_correct_marks_see_the_form(
    client: Client, personas: dict[Role, User], school: School, pupil, n_mark: Mark, role: Role
) -> None:
    client.force_login(personas[role])
    response = client.get(_url(school, pupil))
    assert response.status_code == 200
    assert "Save correction" in response.content.decode()


@pytest.mark.parametrize("role", VIEWERS)
def test_staff_who_see_pupils_see_the_history_without_the_form(
    client: Client, personas: dict[Role, User], school: School, pupil, n_mark: Mark, role: Role
) -> None:
    client.force_login(personas[role])
    response = client.get(_url(school, pupil))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Reason for absence not yet established" in response.content.decode()


@pytest.mark.parametrize("role", VIEWERS)
def test_it_refuses_a_correction_from_staff_who_may_not_correct(
    client: Client, personas: dict[Role, User], school: School, pupil, n_mark: Mark, role: Role
) -> None:
    assert _post(client, personas[role], _url(school, pupil)).status_code == 404
    assert Mark.objects.get().code_id == "N"


def test_a_governor_gets_404(client: Client, governor: User, school: School, pupil) -> None:
    client.force_login(governor)
    assert client.get(_url(school, pupil)).status_code == 404


def test_another_schools_head_gets_404(
    client: Client, outsider: User, school: School, pupil
) -> None:
    client.force_login(outsider)
    assert client.get(_url(school, pupil)).status_code == 404


def test_a_upn_of_another_school_is_404(
    client: Client, office: User, school: School, other_school: School
) -> None:
    elsewhere = PupilFactory(school=other_school)
    client.force_login(office)
    assert client.get(_url(school, elsewhere)).status_code == 404


def test_an_impossible_date_is_404(client: Client, office: User, school: School, pupil) -> None:
    client.force_login(office)
    url = _url(school, pupil).replace("2025-01-13", "2025-02-30")
    assert client.get(url).status_code == 404


def test_the_history_shows_the_original_entry_and_each_amendment(
    client: Client, office: User, lead: User, teacher: User, school: School, pupil, n_mark: Mark
) -> None:
    lead.first_name, lead.last_name = "Grace", "Hopper"
    lead.save()
    User.objects.filter(pk=teacher.pk).update(first_name="Ada", last_name="Lovelace")
    _post(client, lead, _url(school, pupil), reason="Reason for absence established")

    client.force_login(office)
    content = client.get(_url(school, pupil)).content.decode()

    assert "Original entry" in content
    assert "Amendment 1" in content
    assert "Reason for absence not yet established" in content  # N, with its meaning
    assert "Illness (not a medical or dental appointment)" in content
    assert "Grace Hopper" in content
    assert "Attendance lead" in content
    assert "Ada Lovelace" in content  # who made the original entry, kept after the change
    assert "Reason for absence established" in content
    assert "Correction" in content


def test_it_corrects_a_mark_and_redirects_to_the_page(
    client: Client, office: User, school: School, pupil, n_mark: Mark
) -> None:
    url = _url(school, pupil)
    response = _post(client, office, url, reason_detail="GP letter")

    assert response.status_code == 302
    assert response["Location"] == url
    change = MarkChange.objects.get()
    assert (change.previous_code_id, change.new_code_id) == ("N", "I")
    assert change.reason == "Parent provided evidence of illness — GP letter"
    assert change.source == MarkSource.CORRECTION
    follow = client.get(url)
    assert "changed from N to I" in follow.content.decode()


def test_it_returns_to_a_same_site_next_url(
    client: Client, office: User, school: School, pupil, n_mark: Mark
) -> None:
    grid = reverse("week_grid", kwargs={"urn": school.urn}) + "?week=2025-01-13"
    response = _post(client, office, _url(school, pupil), next=grid)
    assert response["Location"] == grid


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_it_ignores_an_unsafe_next_url(
    client: Client, office: User, school: School, pupil, n_mark: Mark, next_url: str
) -> None:
    url = _url(school, pupil)
    response = _post(client, office, url, next=next_url)
    assert response["Location"] == url


def test_it_records_a_session_with_no_mark_yet(
    client: Client, office: User, school: School, pupil
) -> None:
    url = _url(school, pupil, session="PM")
    client.force_login(office)
    assert "Record a mark" in client.get(url).content.decode()

    _post(client, office, url, code="M", reason="other", reason_detail="Orthodontist")

    mark = Mark.objects.get()
    assert (mark.session, mark.code_id, mark.source) == ("PM", "M", MarkSource.CORRECTION)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": ""}, "reason", "This field is required."),
        ({"reason": "other", "reason_detail": ""}, "reason_detail", "Type the reason"),
        ({"code": "H"}, "code", "Select a valid choice"),
        ({"code": "N"}, "code", "already the recorded mark"),
        ({"minutes_late": "10"}, "minutes_late", "only with L or U"),
        ({"code": "L", "minutes_late": "-3"}, "minutes_late", "greater than or equal to 0"),
    ],
)
def test_it_shows_errors_next_to_the_field_and_in_a_summary(
    client: Client,
    office: User,
    school: School,
    pupil,
    n_mark: Mark,
    data: dict,
    field: str,
    message: str,
) -> None:
    response = _post(client, office, _url(school, pupil), **data)

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    content = response.content.decode()
    assert "There is a problem" in content
    assert f'id="id_{field}_error"' in content
    assert not MarkChange.objects.exists()


def test_a_day_without_a_session_offers_no_form(
    client: Client, office: User, school: School, pupil
) -> None:
    client.force_login(office)
    response = client.get(_url(school, pupil, day=HALF_TERM))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "has no AM session" in response.content.decode()


def test_a_correction_posted_for_a_day_without_a_session_is_refused(
    client: Client, office: User, school: School, pupil
) -> None:
    response = _post(client, office, _url(school, pupil, day=HALF_TERM))
    assert response.status_code == 200
    assert "has no AM session on Tue 29 Oct 2024" in response.content.decode()
    assert not Mark.objects.exists()
