"""Every read endpoint: allowed (staff session, read token), forbidden (another school,
a governor on pupil-level data, a write-only token) and bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from registers.models import Guardian, PupilGuardian, Role, School, User
from tests.api.conftest import DAY, Class4B, token_client
from tests.escalation.helpers import write

pytestmark = pytest.mark.django_db

PUPIL_LEVEL = ["api_pupils", "api_marks", "api_status", "api_cases", "api_report", "api_flags"]
SCHOOL_LEVEL = ["api_school", "api_calendar", "api_sessions"]


def _url(name: str, school: School, **kwargs) -> str:
    return reverse(name, kwargs={"urn": school.urn, **kwargs})


@pytest.mark.parametrize("name", PUPIL_LEVEL + SCHOOL_LEVEL)
def test_staff_and_read_tokens_read_every_endpoint(
    api: APIClient, lead: User, reader: APIClient, school: School, class4b: Class4B, name: str
) -> None:
    api.force_authenticate(lead)
    assert api.get(_url(name, school)).status_code == 200
    assert reader.get(_url(name, school)).status_code == 200


@pytest.mark.parametrize("name", PUPIL_LEVEL + SCHOOL_LEVEL)
def test_staff_of_another_school_get_404(
    api: APIClient, outsider: User, school: School, name: str
) -> None:
    api.force_authenticate(outsider)
    response = api.get(_url(name, school))
    assert response.status_code == 404 and response.json() == {"detail": "No such school."}


@pytest.mark.parametrize("name", PUPIL_LEVEL)
def test_a_governor_gets_403_on_pupil_level_data(
    api: APIClient, governor: User, school: School, class4b: Class4B, name: str
) -> None:
    api.force_authenticate(governor)
    response = api.get(_url(name, school))
    assert response.status_code == 403
    assert "Ada" not in response.content.decode()


def test_a_governor_reads_the_school_and_its_calendar(
    api: APIClient, governor: User, school: School
) -> None:
    api.force_authenticate(governor)
    assert api.get(_url("api_school", school)).json()["urn"] == school.urn
    assert api.get(_url("api_calendar", school)).status_code == 200


def test_a_write_only_token_cannot_read(school: School, class4b: Class4B) -> None:
    client = token_client(school, "write-registers")
    response = client.get(_url("api_pupils", school))
    assert response.status_code == 403
    assert response.json()["detail"] == "This token lacks the read scope needed here."


def test_schools_lists_what_the_caller_may_see(
    api: APIClient, trust_leader: User, reader: APIClient, school: School, sibling_school: School
) -> None:
    api.force_authenticate(trust_leader)
    urns = [s["urn"] for s in api.get(reverse("api_schools")).json()["results"]]
    assert urns == [school.urn, sibling_school.urn]
    assert [s["urn"] for s in reader.get(reverse("api_schools")).json()["results"]] == [school.urn]


def test_pupils_carry_cohort_flags_and_filter_by_them(
    reader: APIClient, school: School, class4b: Class4B
) -> None:
    class4b.ben.fsm = True
    class4b.ben.save()
    rows = reader.get(_url("api_pupils", school), {"fsm": "true"}).json()["results"]
    assert [r["forename"] for r in rows] == ["Ben"]
    assert rows[0]["registration_group"] == "4B" and rows[0]["fsm"] is True
    detail = reader.get(_url("api_pupil", school, pupil_id=class4b.ada.pk)).json()
    assert detail["upn"] == class4b.ada.upn


def test_a_pupil_of_another_school_is_404(
    reader: APIClient, school: School, other_school: School
) -> None:
    from tests.registers.factories import PupilFactory

    stranger = PupilFactory(school=other_school)
    assert reader.get(_url("api_pupil", school, pupil_id=stranger.pk)).status_code == 404
    assert reader.get(_url("api_guardians", school, pupil_id=stranger.pk)).status_code == 404


def test_guardians_come_in_contact_order(
    reader: APIClient, school: School, class4b: Class4B
) -> None:
    for priority, name in ((2, "Second Carer"), (1, "First Parent")):
        PupilGuardian.objects.create(
            pupil=class4b.ada,
            guardian=Guardian.objects.create(name=name, phone="0100"),
            priority=priority,
            relationship="Parent",
        )
    rows = reader.get(_url("api_guardians", school, pupil_id=class4b.ada.pk)).json()["results"]
    assert [(r["name"], r["priority"]) for r in rows] == [("First Parent", 1), ("Second Carer", 2)]


def test_marks_filter_by_date_pupil_and_code(
    reader: APIClient, school: School, class4b: Class4B
) -> None:
    write(school, class4b.ada, [(DAY, "AM", "/"), (DAY, "PM", "I")])
    write(school, class4b.ben, [(DAY, "AM", "G")])
    url = _url("api_marks", school)
    rows = reader.get(url, {"date_from": DAY, "date_to": DAY}).json()["results"]
    assert len(rows) == 3
    rows = reader.get(url, {"pupil": class4b.ada.pk, "code": "I"}).json()["results"]
    assert [(r["session"], r["code"], r["meaning"][:7]) for r in rows] == [("PM", "I", "Illness")]


def test_bad_filters_are_400_with_the_field_named(reader: APIClient, school: School) -> None:
    response = reader.get(_url("api_marks", school), {"date_from": "yesterday"})
    assert response.status_code == 400 and "date_from" in response.json()
    response = reader.get(_url("api_report", school), {"as_of": "2025-13-01"})
    assert response.status_code == 400 and "as_of" in response.json()


def test_the_report_is_the_contracts_json(
    reader: APIClient, school: School, class4b: Class4B
) -> None:
    write(school, class4b.ada, [(DAY, "AM", "/"), (DAY, "PM", "O")])
    body = reader.get(_url("api_report", school), {"as_of": "2024-09-10"}).json()
    assert body["school"] == school.urn and body["academic_year"] == "2024/25"
    ada = next(p for p in body["pupils"] if p["upn"] == class4b.ada.upn)
    assert (ada["possible_sessions"], ada["unauthorised_absence_sessions"]) == (2, 1)


def test_status_and_flags_come_from_the_engine(
    reader: APIClient, school: School, class4b: Class4B
) -> None:
    from escalation.services.status import status_recompute_full

    write(school, class4b.ada, [(DAY, "AM", "O"), (DAY, "PM", "O")])
    status_recompute_full(schools=[school], today=DAY)
    rows = reader.get(_url("api_status", school), {"pupil": class4b.ada.pk}).json()["results"]
    assert rows and rows[0]["unauthorised"] == 2
    flags = {f["flag"]: f["pupils"] for f in reader.get(_url("api_flags", school)).json()}
    assert "threshold" in flags
    assert reader.get(_url("api_status", school), {"flag": "nonsense"}).status_code == 400


@pytest.mark.parametrize("role", [Role.TEACHER, Role.OFFICE, Role.HEADTEACHER, Role.TRUST_LEADER])
def test_staff_roles_that_see_pupils_read_them(
    api: APIClient, personas: dict[Role, User], school: School, class4b: Class4B, role: Role
) -> None:
    api.force_authenticate(personas[role])
    assert api.get(_url("api_pupils", school)).json()["count"] == 2


@pytest.mark.parametrize("name", ["api_marks", "api_cases", "api_status", "api_pupils"])
def test_ids_beyond_any_row_are_refused_not_crashed(
    reader: APIClient, school: School, name: str
) -> None:
    huge = "9" * 25
    for query in ({"pupil": huge}, {"stage": huge}, {"page": huge}):
        assert reader.get(_url(name, school), query).status_code in (200, 400, 404)
    assert reader.get(_url("api_pupil", school, pupil_id=int(huge))).status_code == 404
    assert reader.get(_url("api_guardians", school, pupil_id=int(huge))).status_code == 404
