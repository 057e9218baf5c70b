"""The week grid: pupils × sessions, filters, week navigation, and a constant query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registers.models import MarkSource, Role, School, User
from registers.services.marks import MarkEntry, marks_write
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
MON = dt.date(2025, 1, 13)
WED = dt.date(2025, 1, 15)
VIEWERS = [Role.OFFICE, Role.TEACHER, Role.ATTENDANCE_LEAD, Role.HEADTEACHER, Role.TRUST_LEADER]


def _url(school: School, **query: str) -> str:
    url = reverse("week_grid", kwargs={"urn": school.urn})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _get(client: Client, user: User, school: School, **query: str):
    client.force_login(user)
    return client.get(_url(school, **query))


def _mark(school: School, pupil, code: str, day: dt.date = MON, session: str = "AM") -> None:
    marks_write(
        school=school,
        entries=[MarkEntry(pupil.id, day, session, code)],
        user=None,
        source=MarkSource.REGISTER,
    )


def test_it_requires_login(client: Client, school: School) -> None:
    response = client.get(_url(school))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", VIEWERS)
def test_staff_who_see_pupils_see_the_grid(
    client: Client, personas: dict[Role, User], school: School, role: Role
) -> None:
    assert _get(client, personas[role], school, week="2025-01-13").status_code == 200


def test_a_governor_gets_404(client: Client, governor: User, school: School) -> None:
    assert _get(client, governor, school).status_code == 404


def test_another_schools_head_gets_404(client: Client, outsider: User, school: School) -> None:
    assert _get(client, outsider, school).status_code == 404


def test_any_date_shows_its_monday_to_friday_week(
    client: Client, office: User, school: School
) -> None:
    response = _get(client, office, school, week="2025-01-16")
    grid = response.context["grid"]
    assert grid.monday == MON
    assert grid.school_week == 17
    content = response.content.decode()
    assert "Week commencing Monday 13 January 2025" in content
    assert "week=2025-01-06" in content
    assert "week=2025-01-20" in content


def test_it_defaults_to_this_week(client: Client, office: User, school: School) -> None:
    response = _get(client, office, school)
    today = timezone.localdate()
    assert response.context["grid"].monday == today - dt.timedelta(days=today.weekday())


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"week": "2025-02-30"}, "Enter a real date"),
        ({"week": "last-tuesday"}, "Enter a real date"),
        ({"year_group": "99"}, "Select a valid choice"),
        ({"registration_group": "nope"}, "Select a valid choice"),
        # The weeks either side would overflow Python's dates: refused, not a 500.
        ({"week": "0001-01-01"}, "Enter a date between 1990-01-01 and 2199-12-31"),
        ({"week": "9999-12-31"}, "Enter a date between 1990-01-01 and 2199-12-31"),
    ],
)
def test_bad_filters_get_a_friendly_error(
    client: Client, office: User, school: School, query: dict, message: str
) -> None:
    response = _get(client, office, school, **query)
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content


def test_codes_are_shown_as_text_and_coloured_by_category(
    client: Client, office: User, school: School
) -> None:
    pupil = PupilFactory(school=school)
    _mark(school, pupil, "/")
    _mark(school, pupil, "N", session="PM")
    _mark(school, pupil, "V", day=WED)
    _mark(school, pupil, "I", day=WED, session="PM")
    _mark(school, pupil, "Y4", day=MON + dt.timedelta(days=1))

    content = _get(client, office, school, week="2025-01-13").content.decode()

    for code, category in [
        ("/", "present"),
        ("N", "unauthorised"),
        ("V", "aea"),
        ("I", "authorised"),
        ("Y4", "not_possible"),
    ]:
        assert f'class="cell cat-{category}"' in content
        assert f">{code}<span" in content
    assert "Unauthorised absence</strong>" in content  # the legend


def test_off_roll_and_no_session_cells_are_shown_as_such(
    client: Client, office: User, school: School
) -> None:
    PupilFactory(school=school, school__admission_date=dt.date(2025, 7, 16))
    response = _get(client, office, school, week="2025-07-21")
    (row,) = response.context["grid"].rows
    states = [c.state for c in row.cells]
    assert states[:2] == ["empty", "closed"]  # Mon 21 Jul: AM only
    assert set(states[2:]) == {"closed"}
    response = _get(client, office, school, week="2025-07-14")
    (row,) = response.context["grid"].rows
    assert [c.state for c in row.cells][:4] == ["off_roll"] * 4
    content = response.content.decode()
    assert "off roll" in content


def test_only_pupils_on_roll_that_week_are_listed(
    client: Client, office: User, school: School
) -> None:
    here = PupilFactory(school=school, surname="Here")
    PupilFactory(school=school, surname="Gone", school__leaving_date=dt.date(2025, 1, 10))
    PupilFactory(school=school, surname="Later", school__admission_date=dt.date(2025, 1, 20))

    rows = _get(client, office, school, week="2025-01-13").context["grid"].rows

    assert [r.pupil_id for r in rows] == [here.id]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"registration_group": "5C"}, ["Brown"]),
        ({"year_group": "5"}, ["Brown"]),
        ({"q": "ada"}, ["Alder"]),
        ({"q": "Brown"}, ["Brown"]),
        ({"q": "ada alder"}, ["Alder"]),
    ],
)
def test_it_filters_by_group_and_searches_by_name(
    client: Client, office: User, school: School, query: dict, expected: list
) -> None:
    PupilFactory(school=school, forename="Ada", surname="Alder", school__registration_group="4B")
    PupilFactory(
        school=school,
        forename="Bo",
        surname="Brown",
        year_group="5",
        school__registration_group="5C",
    )

    rows = _get(client, office, school, week="2025-01-13", **query).context["grid"].rows

    assert [r.surname for r in rows] == expected


def test_it_finds_a_pupil_by_upn(client: Client, office: User, school: School) -> None:
    pupil, _ = PupilFactory.create_batch(2, school=school)
    rows = _get(client, office, school, week="2025-01-13", q=pupil.upn.lower()).context["grid"].rows
    assert [r.pupil_id for r in rows] == [pupil.id]


def test_correctors_get_a_correction_link_with_next_back_to_the_grid(
    client: Client, office: User, school: School
) -> None:
    pupil = PupilFactory(school=school)
    _mark(school, pupil, "N")

    content = _get(client, office, school, week="2025-01-13").content.decode()

    detail = reverse(
        "mark_detail", kwargs={"urn": school.urn, "upn": pupil.upn, "day": MON, "session": "AM"}
    )
    assert f'href="{detail}?next=/schools/{school.urn}/week/%3Fweek%3D2025-01-13"' in content
    assert "Record one" in content


def test_staff_who_cannot_correct_get_history_links_only(
    client: Client, teacher: User, school: School
) -> None:
    pupil = PupilFactory(school=school)
    _mark(school, pupil, "N")

    content = _get(client, teacher, school, week="2025-01-13").content.decode()

    assert "History</span>" in content
    assert "Correct</span>" not in content
    assert "Record one" not in content


def test_the_number_of_queries_does_not_grow_with_the_pupils(
    client: Client, office: User, school: School
) -> None:
    def queries_for(n: int) -> int:
        for pupil in PupilFactory.create_batch(n, school=school):
            _mark(school, pupil, "/")
        client.force_login(office)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(school, week="2025-01-13")).status_code == 200
        return len(queries)

    assert queries_for(2) == queries_for(30)


def test_a_large_school_is_shown_a_page_at_a_time(
    client: Client, office: User, school: School
) -> None:
    PupilFactory.create_batch(101, school=school)

    response = _get(client, office, school, week="2025-01-13")

    assert len(response.context["grid"].rows) == 100
    content = response.content.decode()
    assert "Showing pupils 1–100 of 101" in content
    assert "Choose a year group or registration group" in content
    second = _get(client, office, school, week="2025-01-13", page="2")
    assert len(second.context["grid"].rows) == 1
    assert _get(client, office, school, week="2025-01-13", page="zz").status_code == 200
