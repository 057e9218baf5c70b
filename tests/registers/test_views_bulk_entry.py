"""Bulk entry: preview, then apply; refusals and form errors shown clearly."""

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
CORRECTORS = [Role.OFFICE, Role.ATTENDANCE_LEAD, Role.HEADTEACHER]
OTHERS = [Role.TEACHER, Role.GOVERNOR, Role.TRUST_LEADER]
FORM = {
    "target": "group",
    "registration_group": "4B",
    "upn": "",
    "code": "C",
    "start": "2025-01-13",
    "end": "2025-01-17",
    "sessions": "both",
    "reason": "Leave of absence granted",
    "reason_detail": "",
}


def _url(school: School) -> str:
    return reverse("bulk_entry", kwargs={"urn": school.urn})


def _post(client: Client, user: User, school: School, action: str = "preview", **data: str):
    client.force_login(user)
    return client.post(_url(school), {**FORM, "action": action, **data})


@pytest.fixture
def group(school: School) -> list:
    return PupilFactory.create_batch(3, school=school, school__registration_group="4B")


def test_it_requires_login(client: Client, school: School) -> None:
    response = client.get(_url(school))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", CORRECTORS)
def test_staff_who_correct_marks_see_the_form(
    client: Client, personas: dict[Role, User], school: School, role: Role
) -> None:
    client.force_login(personas[role])
    assert client.get(_url(school)).status_code == 200


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_404(
    client: Client, personas: dict[Role, User], school: School, group: list, role: Role
) -> None:
    client.force_login(personas[role])
    assert client.get(_url(school)).status_code == 404
    assert _post(client, personas[role], school, action="apply").status_code == 404
    assert not Mark.objects.exists()


def test_another_schools_head_gets_404(client: Client, outsider: User, school: School) -> None:
    client.force_login(outsider)
    assert client.get(_url(school)).status_code == 404


def test_the_form_can_be_prefilled_from_the_query(
    client: Client, office: User, school: School, group: list
) -> None:
    client.force_login(office)
    response = client.get(_url(school) + f"?target=pupil&upn={group[0].upn}&start=2025-01-13")
    content = response.content.decode()
    assert f'value="{group[0].upn}"' in content
    assert 'value="2025-01-13"' in content


def test_the_preview_counts_and_writes_nothing(
    client: Client, office: User, teacher: User, school: School, group: list
) -> None:
    marks_write(
        school=school,
        entries=[MarkEntry(group[0].id, MON, "AM", "N"), MarkEntry(group[1].id, MON, "AM", "C")],
        user=teacher,
        source=MarkSource.REGISTER,
    )

    response = _post(client, office, school)

    assert response.status_code == 200
    plan = response.context["plan"]
    assert (plan.created, plan.changed, plan.unchanged) == (28, 1, 1)
    content = response.content.decode()
    assert "Apply: create 28, change 1" in content
    assert 'name="action" value="apply"' in content
    assert Mark.objects.count() == 2


def test_apply_writes_and_returns_to_the_grid_with_a_message(
    client: Client, office: User, school: School, group: list
) -> None:
    response = _post(client, office, school, action="apply")

    assert response.status_code == 302
    grid = reverse("week_grid", kwargs={"urn": school.urn})
    assert response["Location"] == f"{grid}?week=2025-01-13&registration_group=4B"
    assert Mark.objects.filter(code_id="C", source=MarkSource.BULK).count() == 30
    page = client.get(response["Location"]).content.decode()
    assert "Bulk entry applied: 30 marks created, 0 changed" in page


def test_apply_to_one_pupil_audits_the_change(
    client: Client, office: User, teacher: User, school: School, group: list
) -> None:
    pupil = group[0]
    marks_write(
        school=school,
        entries=[MarkEntry(pupil.id, MON, "AM", "N")],
        user=teacher,
        source=MarkSource.REGISTER,
    )

    _post(
        client,
        office,
        school,
        action="apply",
        target="pupil",
        upn=pupil.upn.lower(),
        registration_group="",
        sessions="AM",
        code="I",
        reason="other",
        reason_detail="Chickenpox",
    )

    assert Mark.objects.filter(pupil=pupil, code_id="I").count() == 5
    assert not Mark.objects.exclude(pupil=pupil).exists()
    change = MarkChange.objects.get()
    assert (change.reason, change.source) == ("Chickenpox", MarkSource.BULK)


def test_off_roll_sessions_are_reported_in_the_preview(
    client: Client, office: User, school: School, group: list
) -> None:
    PupilFactory(
        school=school,
        surname="Leaver",
        school__registration_group="4B",
        school__leaving_date=dt.date(2025, 1, 14),
    )

    content = _post(client, office, school).content.decode()

    assert "Skipped: not on roll" in content
    assert "Leaver" in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2024-10-28", "end": "2024-11-01"}, "has no AM and PM sessions"),
        ({"start": "2024-09-03", "end": "2025-03-31"}, "bulk entry is limited to 100"),
        ({"registration_group": "5C"}, "Select a valid choice"),
    ],
)
def test_refusals_are_summarised_and_nothing_can_be_applied(
    client: Client, office: User, school: School, group: list, data: dict, message: str
) -> None:
    PupilFactory(school=school, school__registration_group="6A")

    response = _post(client, office, school, **data)

    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    assert 'value="apply"' not in content
    assert _post(client, office, school, action="apply", **data).status_code == 200
    assert not Mark.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"registration_group": ""}, "registration_group", "Choose the registration group"),
        ({"target": "pupil", "upn": ""}, "upn", "Enter the pupil's UPN"),
        ({"end": "2025-01-10"}, "end", "on or after the start date"),
        ({"start": "2025-02-30"}, "start", "Enter a real date"),
        ({"code": "H"}, "code", "Select a valid choice"),
        ({"reason": ""}, "reason", "This field is required"),
        ({"sessions": "EV"}, "sessions", "Select a valid choice"),
    ],
)
def test_form_errors_are_shown_next_to_the_field(
    client: Client, office: User, school: School, group: list, data: dict, field: str, message: str
) -> None:
    response = _post(client, office, school, action="apply", **data)

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Mark.objects.exists()


def test_a_upn_of_another_school_is_refused(
    client: Client, office: User, school: School, other_school: School
) -> None:
    elsewhere = PupilFactory(school=other_school)

    response = _post(client, office, school, target="pupil", upn=elsewhere.upn)

    assert "No pupil with this UPN" in response.content.decode()
    assert response.context["plan"] is None
