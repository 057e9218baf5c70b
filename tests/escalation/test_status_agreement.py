"""Incremental and full recompute agree with each other and with the contract report,
on randomised histories with corrections, moves inside the trust and threshold
decisions (recorded when an episode is met, before corrections that may un-meet it)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalation.models import PupilStatus, ThresholdDecision
from escalation.services.status import (
    COMPARED_FIELDS,
    status_recompute_full,
    status_recompute_pupils,
)
from escalation.services.support import threshold_decision_record
from registers.models import School, SchoolSession, User
from registers.reporting import attendance_report
from tests.conftest import add_calendar
from tests.escalation.helpers import write
from tests.registers.factories import EnrolmentFactory, PupilFactory, SchoolFactory

CODES = ["/", "/", "/", "L", "U", "G", "N", "N", "O", "I", "M", "C", "B", "Y1", "X", "#"]

marks_st = st.lists(st.tuples(st.integers(0, 539), st.sampled_from(CODES)), min_size=0, max_size=60)
history_st = st.fixed_dictionaries(
    {
        "marks": marks_st,
        "corrections": st.lists(
            st.tuples(st.integers(0, 59), st.sampled_from(["I", "O", "G", "N", "/", "M"])),
            max_size=15,
        ),
        "move_at": st.one_of(st.none(), st.integers(20, 520)),
        "as_of": st.integers(0, 539),
        "block": st.one_of(st.none(), st.tuples(st.integers(0, 520), st.sampled_from("GNOU"))),
        "decide": st.booleans(),
        "more": st.one_of(st.none(), st.tuples(st.integers(0, 520), st.sampled_from("GNOU"))),
    }
)


@pytest.fixture
def sibling(school: School) -> School:
    other = SchoolFactory(urn="100002", name="Test School B", trust=school.trust)
    add_calendar(other)
    return other


def _report_figures(status: PupilStatus) -> dict[str, object]:
    def iso(d: dt.date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "possible_sessions": status.possible,
        "attended_sessions": status.attended,
        "authorised_absence_sessions": status.authorised,
        "unauthorised_absence_sessions": status.unauthorised,
        "late_before_close_sessions": status.late_before_close_year,
        "late_after_close_sessions": status.late_after_close_year,
        "attendance_rate": None if status.attendance_rate is None else str(status.attendance_rate),
        "persistent_absence": status.persistent_absence,
        "severe_absence": status.severe_absence,
        "national_threshold": {
            "sessions_in_window": status.threshold_sessions_in_window,
            "window_start": iso(status.threshold_window_start),
            "window_end": iso(status.threshold_window_end),
            "met_now": status.threshold_met_now,
            "first_met_on": iso(status.threshold_first_met_on),
        },
    }


def _check_against_report(school: School, upns: dict[int, str], as_of: dt.date) -> int:
    report = {p["upn"]: p for p in attendance_report(school=school, as_of=as_of)["pupils"]}
    checked = 0
    for status in PupilStatus.objects.filter(school=school, pupil_id__in=upns):
        expected = report.get(upns[status.pupil_id])
        if expected is None:
            assert status.possible == 0
            continue
        expected = {k: v for k, v in expected.items() if k not in ("upn", "unmarked_sessions")}
        assert _report_figures(status) == expected, upns[status.pupil_id]
        checked += 1
    return checked


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=history_st)
def test_incremental_full_and_report_agree_on_random_histories(
    school: School, sibling: School, lead: User, history: dict
) -> None:
    sessions = list(
        SchoolSession.objects.filter(school=school)
        .order_by("date", "session")
        .values_list("date", "session")
    )
    pupil = PupilFactory()
    move_at = history["move_at"]
    if move_at is None:
        EnrolmentFactory(pupil=pupil, school=school, admission_date=dt.date(2024, 9, 1))
    else:
        move_at %= len(sessions)
        moved_on = sessions[move_at][0]
        EnrolmentFactory(
            pupil=pupil,
            school=school,
            admission_date=dt.date(2024, 9, 1),
            leaving_date=moved_on - dt.timedelta(days=1),
        )
        EnrolmentFactory(pupil=pupil, school=sibling, admission_date=moved_on)

    def school_for(i: int) -> School:
        return school if move_at is None or sessions[i][0] < sessions[move_at][0] else sibling

    chosen = {i % len(sessions): code for i, code in history["marks"]}
    if history["block"]:
        first, code = history["block"]
        first %= len(sessions)
        chosen.update(dict.fromkeys(range(first, min(first + 12, len(sessions))), code))
    as_of = sessions[history["as_of"] % len(sessions)][0]

    def write_all(codes: dict[int, str]) -> None:
        for target in (school, sibling):
            marks = [(*sessions[i], c) for i, c in codes.items() if school_for(i) == target]
            if marks:
                write(target, pupil, marks)
                status_recompute_pupils(school=target, pupil_ids=[pupil.pk], today=as_of)

    write_all(chosen)
    decided = _decide(pupil, lead, as_of) if history["decide"] else 0
    indexed = sorted(chosen)
    corrections = {indexed[i % len(indexed)]: code for i, code in history["corrections"] if indexed}
    if history["more"]:
        first, code = history["more"]
        first %= len(sessions)
        corrections.update(dict.fromkeys(range(first, min(first + 10, len(sessions))), code))
    write_all(corrections)
    if not chosen:
        status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=as_of)

    upns = {pupil.pk: pupil.upn}
    incremental = {
        (s.school_id, s.pupil_id): [getattr(s, f) for f in COMPARED_FIELDS]
        for s in PupilStatus.objects.filter(pupil=pupil)
    }
    for target in (school, sibling):
        _check_against_report(target, upns, as_of)

    result = status_recompute_full(schools=[school, sibling], today=as_of)
    assert result.differed == []
    full = {
        (s.school_id, s.pupil_id): [getattr(s, f) for f in COMPARED_FIELDS]
        for s in PupilStatus.objects.filter(pupil=pupil)
    }
    assert full == incremental
    for target in (school, sibling):
        _check_against_report(target, upns, as_of)
    # A decision stays recorded whatever the corrections did to the episode it answered.
    assert ThresholdDecision.objects.filter(pupil=pupil).count() == decided


def _decide(pupil, user: User, as_of: dt.date) -> int:
    """Record a decision at every school where the pupil's episode awaits one."""
    count = 0
    schools = PupilStatus.objects.filter(pupil=pupil, threshold_episode_met=True)
    for school_id in list(schools.values_list("school_id", flat=True)):
        # A decision at one school of the trust closes the episode its window shares.
        status = schools.filter(school_id=school_id).first()
        if status is None:
            continue
        threshold_decision_record(
            decision=ThresholdDecision(
                support_appropriate="yes",
                sufficient_support_provided="yes",
                penalty_best_tool="no",
                equality_considerations="None identified.",
                outcome="support",
                rationale="Support first.",
            ),
            school=status.school,
            pupil=pupil,
            user=user,
            today=as_of,
        )
        count += 1
    assert not PupilStatus.objects.filter(pupil=pupil, threshold_episode_met=True).exists()
    return count
