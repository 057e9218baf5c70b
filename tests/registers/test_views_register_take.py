"""Taking one register: the pupils on roll, a plain form, one save, and no lost marks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registers.models import (
    Mark,
    MarkChange,
    MarkSource,
    Pupil,
    RegisterTaking,
    Role,
    School,
    User,
)
from registers.register_rules import ENGLAND
from registers.selectors.register import register_sheet
from registers.services.marks import MarkEntry, marks_write
from tests.registers.factories import EnrolmentFactory, PupilFactory

pytestmark = pytest.mark.django_db

MON = dt.date(2025, 1, 13)
FRI = dt.date(2025, 1, 10)


def _url(school: School, group: str = "4B", day: dt.date = MON, session: str = "AM") -> str:
    return reverse(
        "register_take",
        kwargs={"urn": school.urn, "day": day, "session": session, "group": group},
    )


def _group(school: School, n: int, group: str = "4B") -> list[Pupil]:
    return [PupilFactory(school=school, school__registration_group=group) for _ in range(n)]


def _write(school, pupil, code, *, user=None, source=MarkSource.REGISTER, day=MON, session="AM"):
    marks_write(
        school=school,
        entries=[MarkEntry(pupil_id=pupil.id, date=day, session=session, code=code)],
        user=user,
        source=source,
        now=dt.datetime.combine(day, dt.time(8, 55), tzinfo=ENGLAND),
    )


def _form_data(response, **codes: str) -> dict[str, str]:
    """The form as loaded (codes and baseline), with `code-<id>` values changed."""
    data: dict[str, str] = {"resolving": response.context["resolving"]}
    for row in response.context["rows"]:
        pid = row.pupil_id
        data |= {
            f"code-{pid}": row.code,
            f"arrival-{pid}": row.arrival,
            f"minutes-{pid}": row.minutes,
            f"was_code-{pid}": row.was_code,
            f"was_minutes-{pid}": row.was_minutes,
        }
    return data | codes


def _open(client: Client, user: User, school: School, **kwargs):
    client.force_login(user)
    return client.get(_url(school, **kwargs))


# --- Who may take it ------------------------------------------------------------------------


def test_it_requires_login(client: Client, school: School) -> None:
    _group(school, 1)
    response = client.get(_url(school))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "role", [Role.OFFICE, Role.TEACHER, Role.ATTENDANCE_LEAD, Role.HEADTEACHER]
)
def test_staff_who_take_registers_can_open_it(
    client: Client, personas: dict[Role, User], school: School, role: Role
) -> None:
    _group(school, 1)
    assert _open(client, personas[role], school).status_code == 200


@pytest.mark.parametrize("role", [Role.GOVERNOR, Role.TRUST_LEADER])
def test_roles_that_do_not_take_registers_get_404(
    client: Client, personas: dict[Role, User], school: School, role: Role
) -> None:
    pupils = _group(school, 1)
    client.force_login(personas[role])
    assert client.get(_url(school)).status_code == 404
    assert client.post(_url(school), {f"code-{pupils[0].id}": "/"}).status_code == 404
    assert not Mark.objects.exists()


def test_another_schools_staff_get_404(client: Client, outsider: User, school: School) -> None:
    _group(school, 1)
    assert _open(client, outsider, school).status_code == 404


def test_a_session_the_school_does_not_meet_is_404(
    client: Client, school: School, teacher: User
) -> None:
    _group(school, 1)
    assert _open(client, teacher, school, day=dt.date(2025, 1, 11)).status_code == 404


def test_a_group_with_nobody_on_roll_is_404(client: Client, school: School, teacher: User) -> None:
    _group(school, 1)
    assert _open(client, teacher, school, group="9Z").status_code == 404


# --- Loading --------------------------------------------------------------------------------


def test_it_lists_only_the_groups_pupils_on_roll_that_day(
    client: Client, school: School, teacher: User
) -> None:
    here = _group(school, 2)
    _group(school, 1, group="5H")
    left, joined = PupilFactory(), PupilFactory()
    EnrolmentFactory(pupil=left, school=school, leaving_date=dt.date(2025, 1, 10))
    EnrolmentFactory(pupil=joined, school=school, admission_date=dt.date(2025, 1, 14))

    response = _open(client, teacher, school)

    assert {row.pupil_id for row in response.context["rows"]} == {p.id for p in here}


def test_it_shows_the_previous_sessions_mark(client: Client, school: School, teacher: User) -> None:
    (pupil,) = _group(school, 1)
    _write(school, pupil, "I", day=FRI, session="PM")

    response = _open(client, teacher, school)

    assert response.context["sheet"].previous_session == (FRI, "PM")
    content = response.content.decode()
    assert "Fri 10 Jan PM" in content
    assert "Illness (not a medical or dental appointment)" in content


def test_the_afternoon_register_shows_the_mornings_mark(
    client: Client, school: School, teacher: User
) -> None:
    (pupil,) = _group(school, 1)
    _write(school, pupil, "M")

    response = _open(client, teacher, school, session="PM")

    assert response.context["rows"][0].pupil.previous.code == "M"


def test_a_pre_entered_mark_is_filled_in_and_marked_as_such(
    client: Client, school: School, teacher: User, office: User
) -> None:
    (pupil,) = _group(school, 1)
    _write(school, pupil, "I", user=office, source=MarkSource.PARENT_REPORT)

    response = _open(client, teacher, school)

    row = response.context["rows"][0]
    assert (row.code, row.was_code, row.pre_entered) == ("I", "I", True)
    content = response.content.decode()
    assert '<option value="I" selected>' in content
    assert "Pre-entered" in content
    assert "Parent report" in content


def test_every_control_is_labelled(client: Client, school: School, teacher: User) -> None:
    _group(school, 3)

    content = _open(client, teacher, school).content.decode()

    ids = re.findall(r'<(?:select|input)[^>]* id="([^"]+)"', content)
    assert len(ids) == 9
    for control in ids:
        assert f'<label for="{control}"' in content


def test_the_code_picker_lists_every_2024_code_with_its_meaning(
    client: Client, school: School, teacher: User
) -> None:
    from registers.codes import CODE_TABLE

    _group(school, 1)
    content = _open(client, teacher, school).content.decode()

    for code in CODE_TABLE:
        assert f"{code.code} — {code.meaning}".replace("\\", "\\") in content.replace("&#x27;", "'")


def test_it_works_without_javascript(client: Client, school: School, teacher: User) -> None:
    _group(school, 1)
    content = _open(client, teacher, school).content.decode()
    assert '<form method="post"' in content
    assert 'name="save"' in content
    assert 'name="fill"' in content


# --- Saving ---------------------------------------------------------------------------------


def test_a_save_writes_the_register_and_redirects_with_a_message(
    client: Client, school: School, teacher: User
) -> None:
    pupils = _group(school, 3)
    loaded = _open(client, teacher, school)
    codes = {f"code-{pupils[0].id}": "/", f"code-{pupils[1].id}": "N", f"code-{pupils[2].id}": "I"}

    response = client.post(_url(school), _form_data(loaded, **codes), follow=True)

    assert response.redirect_chain == [(_url(school), 302)]
    marks = dict(Mark.objects.values_list("pupil_id", "code_id"))
    assert marks == {pupils[0].id: "/", pupils[1].id: "N", pupils[2].id: "I"}
    taking = RegisterTaking.objects.get()
    assert taking.taken_by == teacher
    assert "Saved the 4B morning register" in response.content.decode()
    assert "Taken by" in response.content.decode()


def test_an_arrival_time_gives_l_before_the_close_and_u_after(
    client: Client, school: School, teacher: User
) -> None:
    early, late, after = _group(school, 3)
    loaded = _open(client, teacher, school)
    data = _form_data(
        loaded,
        **{
            f"code-{early.id}": "/",
            f"arrival-{late.id}": "09:05",
            f"code-{after.id}": "L",
            f"arrival-{after.id}": "09:25",
        },
    )

    assert client.post(_url(school), data).status_code == 302

    stored = {m.pupil_id: (m.code_id, m.minutes_late) for m in Mark.objects.all()}
    assert stored == {early.id: ("/", None), late.id: ("L", 20), after.id: ("U", 40)}


def test_an_arrival_time_can_be_typed_without_a_colon(
    client: Client, school: School, teacher: User
) -> None:
    (pupil,) = _group(school, 1)
    loaded = _open(client, teacher, school)

    client.post(_url(school), _form_data(loaded, **{f"arrival-{pupil.id}": "905"}))

    assert (Mark.objects.get().code_id, Mark.objects.get().minutes_late) == ("L", 20)


def test_it_refuses_an_arrival_time_it_cannot_read(
    client: Client, school: School, teacher: User
) -> None:
    (pupil,) = _group(school, 1)
    loaded = _open(client, teacher, school)

    response = client.post(_url(school), _form_data(loaded, **{f"arrival-{pupil.id}": "9:75"}))

    assert "Enter the arrival time as hh:mm" in response.content.decode()
    assert not Mark.objects.exists()


def test_the_present_code_follows_the_session(
    client: Client, school: School, teacher: User
) -> None:
    (pupil,) = _group(school, 1)
    loaded = _open(client, teacher, school, session="PM")

    client.post(_url(school, session="PM"), _form_data(loaded, **{f"code-{pupil.id}": "/"}))

    assert Mark.objects.get().code_id == "\\"


def test_it_refuses_an_incomplete_register(client: Client, school: School, teacher: User) -> None:
    pupils = _group(school, 2)
    loaded = _open(client, teacher, school)

    response = client.post(_url(school), _form_data(loaded, **{f"code-{pupils[0].id}": "/"}))

    assert response.status_code == 200
    assert "Not marked yet: " + pupils[1].forename in response.content.decode()
    assert not Mark.objects.exists()
    assert not RegisterTaking.objects.exists()


def test_it_refuses_minutes_late_without_a_late_code(
    client: Client, school: School, teacher: User
) -> None:
    (pupil,) = _group(school, 1)
    loaded = _open(client, teacher, school)
    data = _form_data(loaded, **{f"code-{pupil.id}": "I", f"minutes-{pupil.id}": "10"})

    response = client.post(_url(school), data)

    assert "Minutes late go with L or U only." in response.content.decode()
    assert not Mark.objects.exists()


def test_mark_all_unmarked_present_fills_the_blanks_without_saving(
    client: Client, school: School, teacher: User
) -> None:
    marked, blank = _group(school, 2)
    loaded = _open(client, teacher, school)
    data = _form_data(loaded, **{f"code-{marked.id}": "N"}) | {"fill": "present"}

    response = client.post(_url(school), data)

    assert response.status_code == 200
    codes = {row.pupil_id: row.code for row in response.context["rows"]}
    assert codes == {marked.id: "N", blank.id: "/"}
    assert "Marked 1 unmarked pupils present" in response.content.decode()
    assert not Mark.objects.exists()


def test_leaving_a_pre_entered_mark_keeps_it(client: Client, school: School, teacher: User) -> None:
    leave, present = _group(school, 2)
    _write(school, leave, "C", source=MarkSource.BULK)
    loaded = _open(client, teacher, school)

    client.post(_url(school), _form_data(loaded, **{f"code-{present.id}": "/"}))

    kept = Mark.objects.get(pupil=leave)
    assert (kept.code_id, kept.source) == ("C", MarkSource.BULK)


# --- Two people, one register ---------------------------------------------------------------


def test_a_conflicting_save_writes_nothing_and_shows_both_marks(
    client: Client, school: School, teacher: User, office: User
) -> None:
    clash, other = _group(school, 2)
    loaded = _open(client, teacher, school)
    _write(school, clash, "M", user=office)  # the office, while the teacher has the page
    data = _form_data(loaded, **{f"code-{clash.id}": "/", f"code-{other.id}": "N"})

    response = client.post(_url(school), data)

    assert response.status_code == 409
    content = response.content.decode()
    assert f"by {office.get_full_name()} at 08:55" in content
    assert "Leave for a medical or dental appointment" in content
    assert "You entered" in content
    assert dict(Mark.objects.values_list("pupil_id", "code_id")) == {clash.id: "M"}
    assert not RegisterTaking.objects.exists()
    # The teacher's other entry is still on the form; the baseline moved to what is stored.
    rows = {row.pupil_id: row for row in response.context["rows"]}
    assert (rows[other.id].code, rows[clash.id].code, rows[clash.id].was_code) == ("N", "/", "M")


@pytest.mark.parametrize(("choice", "expected"), [("theirs", "M"), ("mine", "/")])
def test_the_person_chooses_per_pupil_and_saves_again(
    client: Client, school: School, teacher: User, office: User, choice: str, expected: str
) -> None:
    clash, other = _group(school, 2)
    loaded = _open(client, teacher, school)
    _write(school, clash, "M", user=office)
    conflict = client.post(
        _url(school), _form_data(loaded, **{f"code-{clash.id}": "/", f"code-{other.id}": "N"})
    )

    data = _form_data(conflict) | {f"resolve-{clash.id}": choice}
    response = client.post(_url(school), data)

    assert response.status_code == 302
    codes = dict(Mark.objects.values_list("pupil_id", "code_id"))
    assert codes == {clash.id: expected, other.id: "N"}
    assert MarkChange.objects.count() == (1 if choice == "mine" else 0)


def test_saving_after_a_conflict_requires_a_choice(
    client: Client, school: School, teacher: User, office: User
) -> None:
    (clash,) = _group(school, 1)
    loaded = _open(client, teacher, school)
    _write(school, clash, "M", user=office)
    conflict = client.post(_url(school), _form_data(loaded, **{f"code-{clash.id}": "/"}))

    response = client.post(_url(school), _form_data(conflict))

    assert response.status_code == 200
    assert "Choose whose mark to keep." in response.content.decode()
    assert 'id="resolve-' in response.content.decode()
    assert Mark.objects.get().code_id == "M"


def test_a_third_save_between_conflict_and_choice_conflicts_again(
    client: Client, school: School, teacher: User, office: User, lead: User
) -> None:
    (clash,) = _group(school, 1)
    loaded = _open(client, teacher, school)
    _write(school, clash, "M", user=office)
    conflict = client.post(_url(school), _form_data(loaded, **{f"code-{clash.id}": "/"}))
    _write(school, clash, "I", user=lead)

    response = client.post(_url(school), _form_data(conflict) | {f"resolve-{clash.id}": "mine"})

    assert response.status_code == 409
    assert Mark.objects.get().code_id == "I"


# --- Cost -----------------------------------------------------------------------------------


def _queries(client: Client, school: School, teacher: User, group: str, n: int) -> list[int]:
    """Queries to load, first save and save again (counted at once: a request resets the log)."""
    pupils = _group(school, n, group)
    client.force_login(teacher)
    url = _url(school, group=group)
    counts = []
    with CaptureQueriesContext(connection) as load:
        loaded = client.get(url)
    counts.append(len(load))
    data = _form_data(loaded, **{f"code-{p.id}": "/" for p in pupils})
    with CaptureQueriesContext(connection) as save:
        assert client.post(url, data).status_code == 302
    counts.append(len(save))
    again = _form_data(client.get(url), **{f"code-{p.id}": "N" for p in pupils})
    with CaptureQueriesContext(connection) as resave:
        assert client.post(url, again).status_code == 302
    counts.append(len(resave))
    return counts


def test_the_register_is_read_in_four_queries(school: School, django_assert_num_queries) -> None:
    pupils = _group(school, 30)
    _write(school, pupils[0], "I", day=FRI, session="PM")

    # The sessions, the roll, this and the previous session's marks, the taking row.
    with django_assert_num_queries(4):
        sheet = register_sheet(school=school, group="4B", day=MON, session="AM")

    assert len(sheet.pupils) == 30


def test_loading_and_saving_cost_the_same_queries_for_5_and_30_pupils(
    client: Client, school: School, teacher: User
) -> None:
    small = _queries(client, school, teacher, "1B", 5)
    large = _queries(client, school, teacher, "2B", 30)

    assert small == large
