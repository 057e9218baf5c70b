"""Pure rules of deletion from the register and of retention, table-driven, no database
(rules §5.2–5.4, §5.9, scenario S24)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from registers.deletion_rules import (
    CONTINUOUS_ABSENCE,
    GROUNDS_BY_KEY,
    AbsenceRun,
    Confirmation,
    GroundIChecks,
    absence_run,
    deletion_problems,
    deletion_return_due,
    most_senior_year,
    register_retention_cutoff,
    years_before,
)
from registers.rules import Half

# Autumn 2 2025 of the §6.0 fixture calendar: Mon 3 Nov – Fri 19 Dec, AM and PM.
BOTH = frozenset(Half)
AUTUMN_2 = [
    (date(2025, 11, 3) + timedelta(days=n), BOTH)
    for n in range(47)
    if (date(2025, 11, 3) + timedelta(days=n)).weekday() < 5
]
S24_START = date(2025, 11, 10)


def _codes(start: date, through: date, code: str = "O") -> dict:
    """`code` for every session from start to through; present before start."""
    codes = {}
    for day, halves in AUTUMN_2:
        for half in halves:
            if day < start:
                codes[(day, half)] = "/" if half is Half.AM else "\\"
            elif day <= through:
                codes[(day, half)] = code
    return codes


S24 = _codes(S24_START, date(2025, 12, 19))
S24_VARIANT = {**S24, (date(2025, 11, 20), Half.AM): "I"}
MIXED = {
    **S24,
    (date(2025, 11, 11), Half.AM): "G",
    (date(2025, 11, 12), Half.PM): "N",
}


@pytest.mark.parametrize(
    ("codes", "through", "days", "first", "reached"),
    [
        # S24: G/N/O every session from Mon 10 Nov 2025: the 20th school day is Fri 5 Dec.
        (S24, date(2025, 12, 4), 19, S24_START, None),
        (S24, date(2025, 12, 5), 20, S24_START, date(2025, 12, 5)),
        (S24, date(2025, 12, 7), 20, S24_START, date(2025, 12, 5)),  # the weekend adds none
        (S24, date(2025, 12, 12), 25, S24_START, date(2025, 12, 5)),
        (MIXED, date(2025, 12, 5), 20, S24_START, date(2025, 12, 5)),  # G, N and O all count
        # Variant: Thu 20 Nov AM coded I breaks continuity; the count restarts on Fri 21 Nov.
        (S24_VARIANT, date(2025, 12, 5), 11, date(2025, 11, 21), None),
        (S24_VARIANT, date(2025, 12, 17), 19, date(2025, 11, 21), None),
        (S24_VARIANT, date(2025, 12, 18), 20, date(2025, 11, 21), date(2025, 12, 18)),
        # Present on the last day: no run.
        ({**S24, (date(2025, 12, 5), Half.PM): "\\"}, date(2025, 12, 5), 0, None, None),
    ],
)
def test_absence_run(codes, through, days, first, reached) -> None:
    run = absence_run(school_days=AUTUMN_2, codes=codes, through=through)

    assert (run.days, run.first_day, run.reached_on) == (days, first, reached)


@pytest.mark.parametrize(
    ("codes", "through", "days"),
    [
        # Today's afternoon register not taken yet: today neither counts nor breaks.
        (
            {k: v for k, v in S24.items() if k != (date(2025, 12, 5), Half.PM)},
            date(2025, 12, 5),
            19,
        ),
        # Registers not taken after the 5th (the future): the run ends on the 5th.
        ({k: v for k, v in S24.items() if k[0] <= date(2025, 12, 5)}, date(2025, 12, 12), 20),
        # A missing mark inside the period is not G, N or O: the run restarts after it.
        (
            {k: v for k, v in S24.items() if k != (date(2025, 11, 20), Half.AM)},
            date(2025, 12, 5),
            11,
        ),
        # U is late after the register closed: the pupil came, so it breaks the run.
        ({**S24, (date(2025, 12, 1), Half.AM): "U"}, date(2025, 12, 5), 4),
    ],
    ids=["today-pm-untaken", "future-untaken", "gap-in-period", "late-U"],
)
def test_absence_run_edges(codes, through, days) -> None:
    assert absence_run(school_days=AUTUMN_2, codes=codes, through=through).days == days


def test_a_one_session_day_counts_as_a_school_day() -> None:
    days = [(date(2025, 7, 18), BOTH), (date(2025, 7, 21), frozenset({Half.AM}))]
    codes = {(date(2025, 7, 18), h): "O" for h in Half} | {(date(2025, 7, 21), Half.AM): "O"}

    run = absence_run(school_days=days, codes=codes, through=date(2025, 7, 21), length=2)

    assert (run.days, run.reached_on) == (2, date(2025, 7, 21))


CONFIRMED = Confirmation(confirmed=True, by="A Head, headteacher", on=date(2025, 12, 5))
BOTH_CHECKS = GroundIChecks(no_sickness_grounds=CONFIRMED, enquiries_failed=CONFIRMED)
TWENTY = AbsenceRun(
    days=20, first_day=S24_START, last_day=date(2025, 12, 5), reached_on=date(2025, 12, 5)
)
NINETEEN = AbsenceRun(days=19, first_day=S24_START, last_day=date(2025, 12, 4))
TODAY = date(2025, 12, 8)


def _problems(**overrides: object) -> list[tuple[str, str]]:
    values: dict = {
        "ground": CONTINUOUS_ABSENCE,
        "deletion_date": TODAY,
        "ground_met_on": None,
        "today": TODAY,
        "admission_date": date(2023, 9, 1),
        "leaving_date": None,
        "compulsory_school_age": True,
        "run": TWENTY,
        "checks": BOTH_CHECKS,
    }
    return deletion_problems(**{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({}, []),
        ({"run": NINETEEN}, ["ground"]),
        ({"checks": GroundIChecks()}, ["no_sickness_grounds", "enquiries_failed"]),
        ({"checks": GroundIChecks(no_sickness_grounds=CONFIRMED)}, ["enquiries_failed"]),
        (
            {
                "checks": GroundIChecks(
                    no_sickness_grounds=Confirmation(True), enquiries_failed=CONFIRMED
                )
            },
            ["no_sickness_grounds_by", "no_sickness_grounds_on"],
        ),
        (
            {
                "checks": GroundIChecks(
                    no_sickness_grounds=CONFIRMED,
                    enquiries_failed=Confirmation(True, "LA", TODAY + timedelta(days=1)),
                )
            },
            ["enquiries_failed_on"],
        ),
        ({"deletion_date": TODAY - timedelta(days=1)}, ["deletion_date"]),  # retrospective
        ({"deletion_date": TODAY + timedelta(days=7)}, []),
        ({"leaving_date": TODAY - timedelta(days=3), "deletion_date": TODAY}, ["deletion_date"]),
        ({"ground": "zz"}, ["ground"]),
        ({"ground": "k", "ground_met_on": date(2025, 12, 1)}, []),
        ({"ground": "k"}, ["ground_met_on"]),
        ({"ground": "k", "ground_met_on": TODAY + timedelta(days=1)}, ["ground_met_on"]),
        ({"ground": "9(3)", "ground_met_on": TODAY}, ["ground"]),
        ({"ground": "9(3)", "ground_met_on": TODAY, "compulsory_school_age": False}, []),
        # Grounds other than (i) need neither the run nor the checks.
        (
            {"ground": "a", "ground_met_on": TODAY, "run": AbsenceRun(), "checks": GroundIChecks()},
            [],
        ),
    ],
)
def test_deletion_problems(overrides, fields) -> None:
    assert [field for field, _message in _problems(**overrides)] == fields


def test_the_19_day_message_says_how_long_the_run_is() -> None:
    [(_field, message)] = _problems(run=NINETEEN)

    assert "20 school days" in message and "19 school days" in message


def test_every_ground_of_regulation_9_is_listed() -> None:
    assert [g.regulation for g in GROUNDS_BY_KEY.values()] == [
        *(f"9(1)({c})" for c in "abcdefghijklmno"),
        "9(3)",
    ]


@pytest.mark.parametrize(
    ("year", "senior", "deleted", "last_day", "due"),
    [
        ("6", "6", date(2025, 7, 21), date(2025, 7, 21), False),  # end of year, most senior
        ("6", "6", date(2025, 8, 31), date(2025, 7, 21), False),
        ("6", "6", date(2025, 7, 18), date(2025, 7, 21), True),  # before the end of term
        ("5", "6", date(2025, 7, 21), date(2025, 7, 21), True),  # not the most senior class
        ("6", None, date(2025, 7, 21), date(2025, 7, 21), True),  # unknown: due
        ("6", "6", date(2025, 7, 21), None, True),
    ],
)
def test_deletion_return_due(year, senior, deleted, last_day, due) -> None:
    result, reason = deletion_return_due(
        year_group=year, senior_year=senior, deletion_date=deleted, last_school_day=last_day
    )

    assert result is due
    assert bool(reason) is not due


@pytest.mark.parametrize(
    ("years", "expected"),
    [(["R", "1", "6", "N2"], "6"), (["7", "11", "13", "12"], "13"), ([], None), (["?"], None)],
)
def test_most_senior_year(years, expected) -> None:
    assert most_senior_year(years) == expected


@pytest.mark.parametrize(
    ("today", "years", "cutoff"),
    [
        # Whole academic years: the year containing the day 6 years ago is kept.
        (date(2031, 8, 31), 6, date(2024, 9, 1)),
        (date(2031, 9, 1), 6, date(2025, 9, 1)),
        (date(2032, 2, 29), 6, date(2025, 9, 1)),
        (date(2034, 10, 1), 8, date(2026, 9, 1)),
    ],
)
def test_register_retention_cutoff(today, years, cutoff) -> None:
    assert register_retention_cutoff(today=today, years=years) == cutoff


def test_every_entry_is_kept_at_least_six_years() -> None:
    for offset in range(0, 800, 7):
        today = date(2031, 1, 1) + timedelta(days=offset)
        cutoff = register_retention_cutoff(today=today, years=6)
        last_removed = cutoff - timedelta(days=1)
        assert years_before(today, 6) > last_removed


def test_a_retention_under_six_years_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 6"):
        register_retention_cutoff(today=date(2031, 9, 1), years=5)
