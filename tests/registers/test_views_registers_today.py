"""Today's registers: every group × session, its state, who took it, and pupils marked N."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registers.models import MarkSource, Membership, Role, School, User
from registers.register_rules import ENGLAND, Slot
from registers.selectors.register import registers_day
from registers.services.marks import MarkEntry, marks_write
from registers.services.register import register_save
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db

MON = dt.date(2025, 1, 13)
SATURDAY = dt.date(2025, 1, 11)


def _url(school: School, day: dt.date | None = None) -> str:
    url = reverse("registers_today", kwargs={"urn": school.urn})
    return f"{url}?date={day.isoformat()}" if day else url


def _get(client: Client, user: User, school: School, day: dt.date | None = MON):
    client.force_login(user)
    return client.get(_url(school, day))


def _pupils(school: School, group: str, n: int = 2) -> list[int]:
    return [PupilFactory(school=school, school__registration_group=group).id for _ in range(n)]


def _take(school, user, group, pupils, *, session="AM", code="/", at=dt.time(9, 0)):
    register_save(
        school=school,
        group=group,
        day=MON,
        session=session,
        entries={pid: Slot(code) for pid in pupils},
        baseline=dict.fromkeys(pupils),
        user=user,
        now=dt.datetime.combine(MON, at, tzinfo=ENGLAND),
    )


# --- Who may see it -------------------------------------------------------------------------


def test_it_requires_login(client: Client, school: School) -> None:
    response = client.get(_url(school))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "role", [Role.OFFICE, Role.TEACHER, Role.ATTENDANCE_LEAD, Role.HEADTEACHER]
)
def test_staff_who_take_registers_see_it(
    client: Client, personas: dict[Role, User], school: School, role: Role
) -> None:
    assert _get(client, personas[role], school).status_code == 200


@pytest.mark.parametrize("role", [Role.GOVERNOR, Role.TRUST_LEADER])
def test_roles_that_do_not_take_registers_get_404(
    client: Client, personas: dict[Role, User], school: School, role: Role
) -> None:
    assert _get(client, personas[role], school).status_code == 404


def test_another_schools_staff_get_404(client: Client, outsider: User, school: School) -> None:
    assert _get(client, outsider, school).status_code == 404


# --- What it shows --------------------------------------------------------------------------


def test_it_lists_every_group_and_session_with_its_state(
    client: Client, school: School, teacher: User, office: User
) -> None:
    four_b, five_h = _pupils(school, "4B"), _pupils(school, "5H")
    _take(school, teacher, "4B", four_b, code="N")
    _take(school, office, "5H", five_h, session="PM", at=dt.time(14, 0))

    response = _get(client, office, school)

    rows = {r.group: r for r in response.context["overview"].rows}
    assert list(rows) == ["4B", "5H"]
    assert [s.state for s in rows["4B"].registers] == ["taken", "not_taken"]
    assert [s.state for s in rows["5H"].registers] == ["not_taken", "taken_late"]
    assert rows["4B"].registers[0].unexplained == 2
    content = response.content.decode()
    assert f"by {teacher.get_full_name()} at 09:00" in content
    assert "Taken late" in content
    assert "2 marked N" in content


def test_the_n_count_follows_marks_entered_outside_the_register(
    client: Client, school: School, office: User
) -> None:
    pupil = _pupils(school, "4B", 1)[0]
    marks_write(
        school=school,
        entries=[MarkEntry(pupil_id=pupil, date=MON, session="PM", code="N")],
        user=office,
        source=MarkSource.CORRECTION,
    )

    row = _get(client, office, school).context["overview"].rows[0]

    assert [s.unexplained for s in row.registers] == [0, 1]


def test_a_teacher_sees_their_own_groups_first(
    client: Client, school: School, teacher: User
) -> None:
    for group in ("3H", "4B", "5H"):
        _pupils(school, group, 1)
    Membership.objects.filter(user=teacher).update(registration_groups="5H, 4B")

    response = _get(client, teacher, school)

    overview = response.context["overview"]
    assert [r.group for r in overview.own_rows] == ["4B", "5H"]
    assert [r.group for r in overview.other_rows] == ["3H"]
    content = response.content.decode()
    assert content.index("Your groups") < content.index("Other groups")


def test_office_staff_see_every_group_in_one_list(
    client: Client, school: School, office: User
) -> None:
    for group in ("3H", "4B"):
        _pupils(school, group, 1)

    content = _get(client, office, school).content.decode()

    assert "All groups" in content
    assert "Your groups" not in content


def test_a_banner_names_the_registers_not_taken_after_closing(
    client: Client, school: School, teacher: User
) -> None:
    four_b = _pupils(school, "4B")
    _pupils(school, "5H")
    _take(school, teacher, "4B", four_b)

    response = _get(client, teacher, school)

    overdue = [(s.group, s.session) for s in response.context["overview"].overdue]
    assert overdue == [("4B", "PM"), ("5H", "AM"), ("5H", "PM")]
    assert "3 registers not taken after closing" in response.content.decode()


def test_no_banner_before_the_register_closes(school: School, teacher: User) -> None:
    _pupils(school, "4B")
    at_0900 = dt.datetime.combine(MON, dt.time(9, 0), tzinfo=ENGLAND)
    at_0916 = dt.datetime.combine(MON, dt.time(9, 16), tzinfo=ENGLAND)

    before = registers_day(school=school, day=MON, user=teacher, now=at_0900)
    after = registers_day(school=school, day=MON, user=teacher, now=at_0916)

    assert before.overdue == []
    assert [(s.group, s.session) for s in after.overdue] == [("4B", "AM")]


def test_only_registers_past_their_close_are_shown_as_overdue(
    client: Client, school: School, teacher: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pupils(school, "4B")
    at_0930 = dt.datetime.combine(MON, dt.time(9, 30), tzinfo=ENGLAND)
    monkeypatch.setattr(timezone, "now", lambda: at_0930)

    content = _get(client, teacher, school, None).content.decode()

    assert content.count('class="register-state state-not_taken overdue"') == 1  # AM
    assert content.count('class="register-state state-not_taken"') == 1  # PM, still to come
    assert "✗ Not taken" in content and "Not taken yet" in content


def test_today_loads_htmx_once(
    client: Client, school: School, office: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pupils(school, "4B")
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 1, 13, 10, tzinfo=ENGLAND))

    response = _get(client, office, school, None)

    assert response.context["is_today"]
    assert 'hx-trigger="every 60s"' in response.content.decode()
    assert response.content.decode().count("htmx-2.min.js") == 1


def test_a_non_school_day_says_so(client: Client, school: School, office: User) -> None:
    _pupils(school, "4B")

    response = _get(client, office, school, SATURDAY)

    assert "it is not a school day" in response.content.decode()
    assert response.context["overview"].previous_day == dt.date(2025, 1, 10)
    assert response.context["overview"].next_day == MON


def test_it_defaults_to_today(client: Client, school: School, office: User) -> None:
    response = _get(client, office, school, None)

    assert response.context["day"] == timezone.localdate()


def test_a_bad_date_falls_back_to_today_with_a_message(
    client: Client, school: School, office: User
) -> None:
    client.force_login(office)
    response = client.get(_url(school) + "?date=2025-02-30")

    assert response.status_code == 200
    assert "is not a date" in response.content.decode()


def test_it_links_each_register(client: Client, school: School, office: User) -> None:
    _pupils(school, "4B")
    take = reverse(
        "register_take", kwargs={"urn": school.urn, "day": MON, "session": "PM", "group": "4B"}
    )

    assert take in _get(client, office, school).content.decode()


def test_an_htmx_refresh_gets_only_the_list(client: Client, school: School, office: User) -> None:
    _pupils(school, "4B")
    client.force_login(office)

    response = client.get(_url(school, MON), headers={"HX-Request": "true"})

    content = response.content.decode()
    assert 'id="registers-today"' in content
    assert "<html" not in content


def _queries_for(client: Client, user: User, school: School) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(school, MON)).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_few_and_many_groups(
    client: Client, school: School, office: User, teacher: User
) -> None:
    pupils = _pupils(school, "4B")
    _take(school, teacher, "4B", pupils, code="N")
    few = _queries_for(client, office, school)

    for group in ("1B", "2B", "3B", "5B", "6B"):
        _take(school, teacher, group, _pupils(school, group, 3), code="N")
    many = _queries_for(client, office, school)

    assert few == many
