"""register_save: the whole register in one transaction, never losing someone else's marks."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from registers.codes import CODE_TABLE
from registers.models import (
    AttendanceCode,
    Mark,
    MarkChange,
    MarkSource,
    Pupil,
    RegisterTaking,
    School,
    User,
)
from registers.register_rules import ENGLAND, Slot
from registers.services.marks import MarkEntry, marks_write
from registers.services.register import RegisterConflict, register_save
from tests.registers.factories import EnrolmentFactory, PupilFactory

pytestmark = pytest.mark.django_db

MON = dt.date(2025, 1, 13)  # a term day of the §6.0 calendar, in GMT
BEFORE_CLOSE = dt.datetime(2025, 1, 13, 9, 0, tzinfo=ENGLAND)
AFTER_CLOSE = dt.datetime(2025, 1, 13, 9, 20, tzinfo=ENGLAND)


def _group(school: School, size: int, group: str = "4B") -> list[Pupil]:
    return [PupilFactory(school=school, school__registration_group=group) for _ in range(size)]


def _save(school, user, entries, baseline=None, *, group="4B", now=BEFORE_CLOSE, session="AM"):
    return register_save(
        school=school,
        group=group,
        day=MON,
        session=session,
        entries=entries,
        baseline=baseline if baseline is not None else dict.fromkeys(entries),
        user=user,
        now=now,
    )


def _present(pupils: list[Pupil]) -> dict[int, Slot]:
    return {p.id: Slot("/") for p in pupils}


def _codes(school: School) -> dict[int, str]:
    return dict(Mark.objects.filter(school=school, date=MON).values_list("pupil_id", "code_id"))


def test_a_first_save_writes_every_mark_and_records_who_took_the_register(
    school: School, teacher: User
) -> None:
    pupils = _group(school, 3)

    result = _save(school, teacher, {**_present(pupils[:2]), pupils[2].id: Slot("L", 12)})

    assert _codes(school) == {pupils[0].id: "/", pupils[1].id: "/", pupils[2].id: "L"}
    assert Mark.objects.get(pupil=pupils[2]).minutes_late == 12
    assert set(Mark.objects.values_list("source", flat=True)) == {MarkSource.REGISTER}
    taking = RegisterTaking.objects.get(school=school, registration_group="4B", date=MON)
    assert (taking.taken_by, taking.taken_at, taking.saves) == (teacher, BEFORE_CLOSE, 1)
    assert taking.taken_late is False
    assert result.first_save


def test_a_register_first_saved_after_it_closed_is_taken_late(
    school: School, teacher: User
) -> None:
    pupils = _group(school, 2)

    _save(school, teacher, _present(pupils), now=AFTER_CLOSE)

    assert RegisterTaking.objects.get().taken_late is True


def test_the_afternoon_register_closes_at_the_afternoon_time(school: School, teacher: User) -> None:
    pupils = _group(school, 1)
    at_1340 = dt.datetime(2025, 1, 13, 13, 40, tzinfo=ENGLAND)

    _save(school, teacher, {pupils[0].id: Slot("\\")}, session="PM", now=at_1340)

    assert RegisterTaking.objects.get(session="PM").taken_late is False


def test_a_later_save_keeps_who_took_it_and_counts_the_save(
    school: School, teacher: User, office: User
) -> None:
    pupils = _group(school, 2)
    _save(school, teacher, _present(pupils))

    _save(
        school,
        office,
        {pupils[0].id: Slot("/"), pupils[1].id: Slot("N")},
        baseline=_present(pupils),
        now=AFTER_CLOSE,
    )

    taking = RegisterTaking.objects.get()
    assert (taking.taken_by, taking.taken_late, taking.saves) == (teacher, False, 2)
    assert (taking.last_saved_by, taking.last_saved_at) == (office, AFTER_CLOSE)
    change = MarkChange.objects.get()
    assert (change.previous_code_id, change.new_code_id, change.changed_by) == ("/", "N", office)
    assert "4B register" in change.reason


def test_a_pre_entered_mark_left_alone_keeps_its_source(school: School, teacher: User) -> None:
    pupils = _group(school, 2)
    marks_write(
        school=school,
        entries=[MarkEntry(pupil_id=pupils[0].id, date=MON, session="AM", code="I")],
        user=None,
        source=MarkSource.PARENT_REPORT,
    )

    _save(
        school,
        teacher,
        {pupils[0].id: Slot("I"), pupils[1].id: Slot("/")},
        baseline={pupils[0].id: Slot("I"), pupils[1].id: None},
    )

    kept = Mark.objects.get(pupil=pupils[0])
    assert (kept.code_id, kept.source) == ("I", MarkSource.PARENT_REPORT)
    assert not MarkChange.objects.exists()


def test_it_refuses_to_overwrite_a_mark_saved_since_the_form_was_loaded(
    school: School, teacher: User, office: User
) -> None:
    pupils = _group(school, 3)
    loaded = dict.fromkeys((p.id for p in pupils), None)
    office_at = dt.datetime(2025, 1, 13, 8, 55, tzinfo=ENGLAND)
    marks_write(
        school=school,
        entries=[MarkEntry(pupil_id=pupils[1].id, date=MON, session="AM", code="M")],
        user=office,
        source=MarkSource.REGISTER,
        now=office_at,
    )

    with pytest.raises(RegisterConflict) as raised:
        _save(school, teacher, _present(pupils), baseline=loaded)

    (conflict,) = raised.value.conflicts
    assert conflict.pupil_id == pupils[1].id
    assert (conflict.theirs, conflict.mine, conflict.loaded) == (Slot("M"), Slot("/"), None)
    assert (conflict.theirs_by, conflict.theirs_at) == (office.get_full_name(), office_at)
    assert conflict.theirs_meaning == "Leave for a medical or dental appointment"
    assert raised.value.stored == {pupils[0].id: None, pupils[1].id: Slot("M"), pupils[2].id: None}
    # Nothing was written: not the other pupils' marks, not the taking row.
    assert _codes(school) == {pupils[1].id: "M"}
    assert not RegisterTaking.objects.exists()


def test_a_row_left_as_loaded_still_conflicts_with_a_newer_mark(
    school: School, teacher: User, office: User
) -> None:
    pupils = _group(school, 1)
    _save(school, teacher, _present(pupils))
    _save(school, office, {pupils[0].id: Slot("L", 5)}, baseline=_present(pupils))

    with pytest.raises(RegisterConflict) as raised:
        _save(school, teacher, _present(pupils), baseline=_present(pupils))

    assert raised.value.conflicts[0].untouched is True
    assert Mark.objects.get().code_id == "L"


def test_saving_again_from_the_new_baseline_succeeds(
    school: School, teacher: User, office: User
) -> None:
    pupils = _group(school, 2)
    loaded = dict.fromkeys((p.id for p in pupils), None)
    _save(school, office, {pupils[0].id: Slot("M")}, baseline={pupils[0].id: None})
    with pytest.raises(RegisterConflict) as raised:
        _save(school, teacher, _present(pupils), baseline=loaded)

    # The teacher chose "keep theirs" for the conflicting pupil.
    _save(
        school,
        teacher,
        {pupils[0].id: Slot("M"), pupils[1].id: Slot("/")},
        baseline=raised.value.stored,
    )

    assert _codes(school) == {pupils[0].id: "M", pupils[1].id: "/"}
    assert RegisterTaking.objects.get().saves == 2


def test_changes_that_agree_with_the_newer_mark_are_not_conflicts(
    school: School, teacher: User, office: User
) -> None:
    pupils = _group(school, 2)
    loaded = dict.fromkeys((p.id for p in pupils), None)
    _save(school, office, {pupils[0].id: Slot("I")}, baseline={pupils[0].id: None})

    _save(school, teacher, {pupils[0].id: Slot("I"), pupils[1].id: Slot("N")}, baseline=loaded)

    assert _codes(school) == {pupils[0].id: "I", pupils[1].id: "N"}


def test_it_refuses_a_pupil_of_another_group(school: School, teacher: User) -> None:
    mine = _group(school, 1)
    other = _group(school, 1, group="5H")

    with pytest.raises(ValidationError, match="not on the 4B register"):
        _save(school, teacher, _present(mine + other))
    assert not Mark.objects.exists()


def test_it_refuses_a_register_of_a_future_day(school: School, teacher: User) -> None:
    pupils = _group(school, 1)
    the_day_before = dt.datetime(2025, 1, 12, 18, 0, tzinfo=ENGLAND)

    with pytest.raises(ValidationError, match="before its day"):
        _save(school, teacher, _present(pupils), now=the_day_before)


def test_it_refuses_a_pupil_who_left_before_the_day(school: School, teacher: User) -> None:
    pupil = PupilFactory()
    EnrolmentFactory(
        pupil=pupil, school=school, registration_group="4B", leaving_date=dt.date(2025, 1, 10)
    )

    with pytest.raises(ValidationError):
        _save(school, teacher, _present([pupil]))


def _queries_to_save(
    school: School, user: User, pupils: list[Pupil], group: str
) -> tuple[int, int]:
    """Queries of a first save (all marks new) and of a second (all amended)."""
    with CaptureQueriesContext(connection) as first:
        _save(school, user, _present(pupils), group=group)
    absent = {p.id: Slot("N") for p in pupils}
    with CaptureQueriesContext(connection) as again:
        _save(school, user, absent, baseline=_present(pupils), group=group)
    return len(first), len(again)


def test_a_first_save_of_30_pupils_is_13_queries(
    school: School, teacher: User, django_assert_num_queries
) -> None:
    pupils = _group(school, 30)

    # Roll; savepoint; taking upsert and lock; stored marks; marks_write's savepoint,
    # sessions, enrolments, stored marks, insert and release; taking update; release.
    with django_assert_num_queries(13):
        _save(school, teacher, _present(pupils))


def test_a_save_costs_the_same_queries_for_5_and_30_pupils(school: School, teacher: User) -> None:
    small = _queries_to_save(school, teacher, _group(school, 5, "1B"), "1B")
    large = _queries_to_save(school, teacher, _group(school, 30, "2B"), "2B")

    assert small == large


def _restore_codes() -> None:
    AttendanceCode.objects.bulk_create(
        [
            AttendanceCode(c.code, c.meaning, c.category.value, c.group.value, order)
            for order, c in enumerate(CODE_TABLE)
        ],
        ignore_conflicts=True,
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_a_save_waits_for_a_concurrent_first_save_then_conflicts(
    school: School, teacher: User, office: User
) -> None:
    """Two first saves at once: the second waits for the first's lock, then sees its marks."""
    _restore_codes()  # an earlier transactional test's flush empties the migrated code table
    pupils = _group(school, 2)
    loaded = dict.fromkeys((p.id for p in pupils), None)
    first_saved, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def office_saves() -> None:
        try:
            with transaction.atomic():  # hold the locks until told to commit
                _save(school, office, {pupils[0].id: Slot("I"), pupils[1].id: Slot("/")}, loaded)
                first_saved.set()
                release.wait(10)
        finally:
            connection.close()

    def teacher_saves() -> None:
        try:
            _save(school, teacher, _present(pupils), loaded)
            outcome["teacher"] = "saved"
        except RegisterConflict as conflict:
            outcome["teacher"] = [c.pupil_id for c in conflict.conflicts]
        finally:
            connection.close()

    office_thread = threading.Thread(target=office_saves)
    office_thread.start()
    assert first_saved.wait(10)
    teacher_thread = threading.Thread(target=teacher_saves)
    teacher_thread.start()
    teacher_thread.join(0.5)
    assert teacher_thread.is_alive(), "the second save should wait for the first to commit"
    release.set()
    office_thread.join(10)
    teacher_thread.join(10)

    assert outcome["teacher"] == [pupils[0].id]
    assert _codes(school) == {pupils[0].id: "I", pupils[1].id: "/"}
    assert RegisterTaking.objects.get().taken_by == office
