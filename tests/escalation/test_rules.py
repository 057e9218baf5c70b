"""The pure rules of the escalation engine, table-driven, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from escalation import rules as r
from escalation.policy import DEFAULT_POLICY, policy_from_settings
from registers.rules import Half, SchoolWeeks

D = dt.date.fromisoformat
MON = D("2025-01-13")


@pytest.mark.parametrize(
    ("day", "half", "bit"),
    [("2025-01-13", Half.AM, 0), ("2025-01-13", Half.PM, 1), ("2025-01-17", Half.PM, 9)],
)
def test_a_session_has_one_bit_in_its_week(day: str, half: Half, bit: int) -> None:
    assert r.session_bit(monday=MON, day=D(day), half=half) == bit
    assert r.mask_sessions(monday=MON, mask=1 << bit) == [(D(day), half)]


@pytest.mark.parametrize(
    ("as_of", "mask"),
    [("2025-01-12", 0), ("2025-01-13", 0b11), ("2025-01-15", 0b111111), ("2025-01-19", 2**14 - 1)],
)
def test_the_mask_through_a_day_keeps_that_day_and_earlier(as_of: str, mask: int) -> None:
    assert r.mask_through(monday=MON, as_of=D(as_of)) == mask


WEEKS = SchoolWeeks.from_dates(
    [D("2024-10-14"), D("2024-10-21"), D("2024-11-04"), D("2024-11-11"), D("2024-11-18")]
)


@pytest.mark.parametrize(
    ("as_of", "start"),
    [("2024-10-23", "2024-10-14"), ("2024-10-30", "2024-10-14"), ("2024-11-20", "2024-11-04")],
)
def test_a_half_term_is_a_run_of_consecutive_school_weeks(as_of: str, start: str) -> None:
    assert r.half_term_start(weeks=WEEKS, as_of=D(as_of)) == D(start)


@pytest.mark.parametrize(
    ("day", "term", "start"),
    [
        ("2024-09-03", "autumn", "2024-09-01"),
        ("2025-04-20", "spring", "2025-01-01"),  # Easter Sunday 2025
        ("2025-04-21", "summer", "2025-04-21"),
        ("2026-04-06", "summer", "2026-04-06"),  # Easter Monday 2026
    ],
)
def test_census_terms_turn_at_easter(day: str, term: str, start: str) -> None:
    assert r.term_of(D(day)) == (term, D(start))


@pytest.mark.parametrize(
    ("absent", "possible", "remaining", "more"),
    [(0, 0, 380, 38), (10, 100, 280, 28), (38, 200, 180, 0), (40, 380, 0, 0), (37, 371, 0, 1)],
)
def test_sessions_of_absence_before_pa_by_the_years_end(
    absent: int, possible: int, remaining: int, more: int
) -> None:
    assert r.absence_sessions_to_pa(absent=absent, possible=possible, remaining=remaining) == more


def test_the_projected_rate_follows_the_recent_pace() -> None:
    # 190/200 so far, 8/10 lately, 180 to go: (190 + 144) / 380 = 87.9%.
    assert (
        r.projected_attendance_rate(
            attended=190, possible=200, recent_attended=8, recent_possible=10, remaining=180
        )
        == "87.9"
    )
    assert (
        r.projected_attendance_rate(
            attended=0, possible=0, recent_attended=0, recent_possible=0, remaining=10
        )
        is None
    )


@pytest.mark.parametrize(
    ("term", "sessions", "band", "tier"),
    [
        ("autumn", 0, "none", None),
        ("autumn", 2, "low", None),
        ("autumn", 11, "low", None),
        ("autumn", 12, "moderate", 1),
        ("autumn", 22, "high", 2),
        ("spring", 32, "high", 3),
        ("summer", 22, "moderate", 1),
        ("summer", 32, "high", 2),
        ("summer", 38, "locked", 3),
    ],
)
def test_the_lutley_bands_by_days_absent_in_the_term(
    term: str, sessions: int, band: str, tier: int | None
) -> None:
    rules = DEFAULT_POLICY.risk_bands[term]
    assert r.risk_band(rules=rules, absence_sessions=sessions) == (band, tier)


def test_day_runs_need_every_session_of_the_day() -> None:
    days = [(D(f"2025-01-{d:02d}"), frozenset(Half)) for d in (13, 14, 15, 16)]
    absent = {(D(f"2025-01-{d:02d}"), h) for d in (13, 14, 16) for h in Half}
    absent.add((D("2025-01-15"), Half.AM))
    assert r.day_run_milestones(school_days=days, absent=absent, length=2) == [
        (D("2025-01-13"), D("2025-01-14"))
    ]


def test_session_runs_count_consecutive_school_sessions() -> None:
    sessions = [(D("2025-01-13"), h) for h in Half] + [(D("2025-01-14"), h) for h in Half]
    assert r.session_run_milestones(school_sessions=sessions, marked=set(sessions), length=3) == [
        (D("2025-01-13"), D("2025-01-14"))
    ]


S = r.Standing
C = r.CaseState


@pytest.mark.parametrize(
    ("standing", "case", "expected"),
    [
        (S(attended=96, possible=100), C(), None),
        (S(attended=95, possible=100), C(), (1, "letter_1")),
        (S(attended=9, possible=10), C(), None),  # too little data yet
        (S(attended=90, possible=100), C(1, 5, 90, 100), None),  # period not over
        (S(attended=90, possible=100), C(1, 6, 90, 100), (2, "letter_2_and_support_meeting")),
        (S(attended=92, possible=100), C(1, 6, 90, 100), None),  # improved 2 points
        (S(attended=90, possible=100), C(2, 6, 91, 100), (3, "formal_attendance_meeting")),
        (S(attended=90, possible=100), C(3, 6, 91, 100), None),  # no threshold: no legal step
        (
            S(attended=90, possible=100, threshold_met_now=True),
            C(3, 6, 91, 100),
            (4, "notice_to_improve"),
        ),
        (S(attended=97, possible=100), C(2, 6, 90, 100), (0, "close_case")),
        (S(attended=97, possible=100), C(2, 2, 90, 100), None),
        (
            S(attended=95, possible=100, threshold_met_now=True, threshold_holiday_sessions=10),
            C(),
            (4, "penalty_notice_request"),
        ),
    ],
)
def test_the_ladder_proposes_one_step_at_a_time(
    standing: r.Standing, case: r.CaseState, expected: tuple[int, str] | None
) -> None:
    step = r.ladder_step(policy=DEFAULT_POLICY, standing=standing, case=case)
    assert (step and (step.stage, step.action)) == expected
    if step:
        assert step.reasons


def test_a_policy_can_lower_the_concern_rate_and_drop_the_threshold_condition() -> None:
    policy = policy_from_settings({"concern_below_rate": "90", "legal_needs_threshold": False})
    assert r.ladder_step(policy=policy, standing=S(91, 100), case=C()) is None
    step = r.ladder_step(policy=policy, standing=S(80, 100), case=C(3, 6, 80, 100))
    assert step is not None and step.stage == 4
    assert policy.concern_below_rate == Decimal("90")


@pytest.mark.parametrize(
    "settings",
    [
        {"no_such_setting": 1},
        {"local_threshold_limit": 12},
        {"stage_weeks": [6, 6]},
        {"national_limit": 9},
        {"risk_bands": {"autumn": [[6, "high", 1], [1, "low", None]]}},
    ],
)
def test_a_policy_refuses_bad_settings(settings: dict) -> None:
    with pytest.raises((TypeError, ValueError)):
        policy_from_settings(settings)


def test_school_weeks_at_a_stage_count_weeks_begun_since() -> None:
    assert r.school_weeks_between(weeks=WEEKS, start=D("2024-10-16"), today=D("2024-11-18")) == 4
