"""Duties with deadlines, each on a hand-checked stretch of the §6.0 calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from escalation.models import Duty, DutyKind, DutyStatus
from escalation.services.duties import duties_raise
from escalation.services.status import status_recompute_pupils
from tests.escalation.helpers import sessions_between, write
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _mark(school, pupil, start: str, end: str, code: str) -> None:
    write(school, pupil, [(d, s, code) for d, s in sessions_between(school, start, end)])
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=D(end))


def _duties(school, kind):
    return list(
        Duty.objects.filter(school=school, kind=kind).values_list("key", "due_on", "status")
    )


def test_an_n_is_chased_only_once_its_deadline_has_passed_across_half_term(school) -> None:
    """S13: N on Mon 21 Oct 2024 must be replaced by the end of Mon 4 Nov 2024."""
    pupil = PupilFactory(school=school)
    _mark(school, pupil, "2024-10-21", "2024-10-21", "N")

    duties_raise(school=school, today=D("2024-11-04"))
    assert _duties(school, DutyKind.N_UNRESOLVED) == []

    duties_raise(school=school, today=D("2024-11-05"))
    assert _duties(school, DutyKind.N_UNRESOLVED) == [
        ("2024-10-21 AM", D("2024-11-04"), DutyStatus.OPEN),
        ("2024-10-21 PM", D("2024-11-04"), DutyStatus.OPEN),
    ]


def test_an_n_deadline_over_easter_skips_the_bank_holiday(school) -> None:
    """S13: N on Thu 3 Apr 2025 → by the end of Fri 25 Apr 2025."""
    pupil = PupilFactory(school=school)
    write(school, pupil, [("2025-04-03", "AM", "N")])
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=D("2025-04-28"))
    duties_raise(school=school, today=D("2025-04-28"))
    assert _duties(school, DutyKind.N_UNRESOLVED) == [
        ("2025-04-03 AM", D("2025-04-25"), DutyStatus.OPEN)
    ]


def test_replacing_the_n_closes_its_duty_and_rerunning_raises_nothing_new(school) -> None:
    """S12: N of Mon 13 Jan 2025 is due by Mon 20 Jan; re-coded O it is done."""
    pupil = PupilFactory(school=school)
    _mark(school, pupil, "2025-01-13", "2025-01-13", "N")
    today = D("2025-01-21")
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=today)
    assert duties_raise(school=school, today=today).raised == 2
    assert duties_raise(school=school, today=today).raised == 0
    assert {due for _k, due, _s in _duties(school, DutyKind.N_UNRESOLVED)} == {D("2025-01-20")}

    write(school, pupil, [("2025-01-13", "AM", "O"), ("2025-01-13", "PM", "O")])
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=today)
    result = duties_raise(school=school, today=today)

    assert result.closed == 2
    assert {s for _k, _d, s in _duties(school, DutyKind.N_UNRESOLVED)} == {DutyStatus.DONE}


def test_ten_consecutive_school_days_of_o_span_half_term(school) -> None:
    """S23: O from Mon 20 Oct 2025; the 10th school day is Fri 7 Nov 2025."""
    pupil = PupilFactory(school=school, school__admission_date=D("2025-09-01"))
    _mark(school, pupil, "2025-10-20", "2025-11-06", "O")
    duties_raise(school=school, today=D("2025-11-06"))
    assert _duties(school, DutyKind.LA_TEN_DAYS) == []

    _mark(school, pupil, "2025-11-07", "2025-11-07", "O")
    duties_raise(school=school, today=D("2025-11-07"))
    assert _duties(school, DutyKind.LA_TEN_DAYS) == [
        ("2025-10-20", D("2025-11-07"), DutyStatus.OPEN)
    ]


def test_twenty_consecutive_school_days_reach_the_cme_ground(school) -> None:
    """S24: G/N/O from Mon 10 Nov 2025; the 20th school day is Fri 5 Dec 2025."""
    pupil = PupilFactory(school=school, school__admission_date=D("2025-09-01"))
    _mark(school, pupil, "2025-11-10", "2025-11-21", "O")
    _mark(school, pupil, "2025-11-24", "2025-11-28", "N")
    _mark(school, pupil, "2025-12-01", "2025-12-05", "G")
    duties_raise(school=school, today=D("2025-12-05"))
    assert _duties(school, DutyKind.CME_TWENTY_DAYS) == [
        ("2025-11-10", D("2025-12-05"), DutyStatus.OPEN)
    ]


def test_an_illness_session_breaks_the_run_and_it_restarts(school) -> None:
    """S24 variant: Thu 20 Nov AM coded I; the count restarts on Fri 21 Nov."""
    pupil = PupilFactory(school=school, school__admission_date=D("2025-09-01"))
    _mark(school, pupil, "2025-11-10", "2025-12-05", "O")
    write(school, pupil, [("2025-11-20", "AM", "I")])
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=D("2025-12-05"))
    duties_raise(school=school, today=D("2025-12-05"))
    assert _duties(school, DutyKind.CME_TWENTY_DAYS) == []
    assert _duties(school, DutyKind.LA_TEN_DAYS) == [
        ("2025-11-21", D("2025-12-04"), DutyStatus.OPEN)
    ]


def test_re_coding_the_absence_as_illness_withdraws_the_la_duty(school) -> None:
    pupil = PupilFactory(school=school, school__admission_date=D("2025-09-01"))
    _mark(school, pupil, "2025-10-20", "2025-11-07", "O")
    duties_raise(school=school, today=D("2025-11-07"))
    _mark(school, pupil, "2025-11-03", "2025-11-07", "I")
    duties_raise(school=school, today=D("2025-11-07"))
    assert _duties(school, DutyKind.LA_TEN_DAYS) == [
        ("2025-10-20", D("2025-11-07"), DutyStatus.WITHDRAWN)
    ]


def test_fifteen_days_of_illness_need_a_sickness_return_once(school) -> None:
    """S22: I on 3–7 Mar, 17–21 Mar and 31 Mar – 4 Apr 2025: 15 days on Fri 4 Apr."""
    pupil = PupilFactory(school=school)
    _mark(school, pupil, "2025-03-03", "2025-03-07", "I")
    _mark(school, pupil, "2025-03-17", "2025-03-21", "I")
    _mark(school, pupil, "2025-03-31", "2025-04-03", "I")
    duties_raise(school=school, today=D("2025-04-03"))
    assert _duties(school, DutyKind.SICKNESS_RETURN) == []

    _mark(school, pupil, "2025-04-04", "2025-04-04", "I")
    duties_raise(school=school, today=D("2025-04-04"))
    duties_raise(school=school, today=D("2025-04-04"))
    assert _duties(school, DutyKind.SICKNESS_RETURN) == [
        ("2024/25", D("2025-04-04"), DutyStatus.OPEN)
    ]


def test_ten_continuous_sessions_of_refused_holiday_are_referred(school) -> None:
    """S8 / Lutley: 10 × G on 10–14 Mar 2025 reach the referral on Fri 14 Mar."""
    pupil = PupilFactory(school=school)
    _mark(school, pupil, "2025-03-10", "2025-03-14", "G")
    duties_raise(school=school, today=D("2025-03-14"))
    assert _duties(school, DutyKind.LEAVE_REFERRAL) == [
        ("2025-03-10", D("2025-03-14"), DutyStatus.OPEN)
    ]


def test_an_unexplained_absence_today_is_told_to_the_social_worker(school) -> None:
    flagged = PupilFactory(school=school, social_worker=True)
    other = PupilFactory(school=school)
    for pupil in (flagged, other):
        write(school, pupil, [("2025-01-13", "AM", "N")])
        status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=D("2025-01-13"))
    duties_raise(school=school, today=D("2025-01-13"))
    rows = Duty.objects.filter(kind=DutyKind.SOCIAL_WORKER)
    assert list(rows.values_list("pupil_id", "key", "due_on")) == [
        (flagged.pk, "2025-01-13", D("2025-01-13"))
    ]
    # The next day's run leaves yesterday's duty for staff to close.
    duties_raise(school=school, today=D("2025-01-14"))
    assert rows.get().status == DutyStatus.OPEN
