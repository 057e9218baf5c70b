"""The pure rules of parent reports, leave and calling, table-driven without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from absences import rules
from absences.rules import CallPriority, Candidate

MON = dt.date(2025, 1, 13)
WEEK = [(MON + dt.timedelta(days=d), h) for d in range(5) for h in ("AM", "PM")]


@pytest.mark.parametrize(
    ("reason", "code"), [("illness", "I"), ("medical", "M"), ("other", None), ("nonsense", None)]
)
def test_code_for_reason(reason: str, code: str | None) -> None:
    assert rules.code_for_reason(reason) == code


def test_the_office_cannot_choose_n_or_u_or_a_present_code() -> None:
    assert "N" not in rules.OFFICE_CODES and "U" not in rules.OFFICE_CODES
    assert "/" not in rules.OFFICE_CODES and "D" not in rules.OFFICE_CODES
    assert {"I", "M", "C", "G", "O", "R"} <= set(rules.OFFICE_CODES)


@pytest.mark.parametrize(
    ("first", "back", "part", "expected"),
    [
        (MON, None, "", [(MON, "AM"), (MON, "PM")]),
        (MON, None, "PM", [(MON, "PM")]),
        (MON, MON + dt.timedelta(days=2), "", WEEK[:4]),
        (MON, MON + dt.timedelta(days=7), "", WEEK),  # the weekend has no sessions
        (
            MON,
            MON + dt.timedelta(days=3),
            "AM",
            [(MON + dt.timedelta(days=d), "AM") for d in range(3)],
        ),
        (MON + dt.timedelta(days=5), None, "", []),  # a Saturday
    ],
)
def test_reported_sessions(first, back, part, expected) -> None:
    assert (
        rules.reported_sessions(first_day=first, expected_return=back, part_of_day=part, held=WEEK)
        == expected
    )


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (MON, MON, 1),
        (MON, MON + dt.timedelta(days=6), 5),
        (MON + dt.timedelta(days=5), MON + dt.timedelta(days=6), 0),
    ],
)
def test_school_days_between(start, end, days) -> None:
    assert rules.school_days(rules.sessions_between(start=start, end=end, held=WEEK)) == days


def test_a_half_day_is_a_school_day() -> None:
    assert rules.school_days([(MON, "AM")]) == 1


AMELIA = Candidate(1, "Amelia", "O'Neill", dt.date(2015, 5, 1), "4B")


@pytest.mark.parametrize(
    ("name", "dob", "group", "score"),
    [
        ("Amelia O'Neill", dt.date(2015, 5, 1), "4B", 9),
        ("amélie amelia o'neill", dt.date(2015, 5, 1), "4b", 9),
        ("Amelia Oneill", dt.date(2015, 5, 1), "4B", 6),  # surname typed differently
        ("Millie O'Neill", dt.date(2015, 5, 2), "4B", 4),
        ("Someone Else", dt.date(2016, 1, 1), "5H", 0),
        ("Someone Else", dt.date(2015, 5, 1), "", 3),
    ],
)
def test_match_score(name, dob, group, score) -> None:
    assert (
        rules.match_score(child_name=name, date_of_birth=dob, child_class=group, candidate=AMELIA)
        == score
    )


def test_best_matches_are_ordered_and_cut() -> None:
    twin = Candidate(2, "Ava", "O'Neill", dt.date(2015, 5, 1), "4B")
    stranger = Candidate(3, "Zed", "Zephyr", dt.date(2012, 1, 1), "6H")
    found = rules.best_matches(
        child_name="Amelia O'Neill",
        date_of_birth=dt.date(2015, 5, 1),
        child_class="4B",
        candidates=[stranger, twin, AMELIA],
    )
    assert [c.pupil_id for _s, c in found] == [1, 2]


def _p(**kw) -> CallPriority:
    base = {
        "social_worker": False,
        "cla": False,
        "persistent_absence": False,
        "attendance_rate": "97.0",
        "earlier_absences_this_week": 0,
    }
    return CallPriority(**{**base, **kw})


def test_call_rank_puts_safeguarding_then_repeated_absence_then_low_attendance_first() -> None:
    ordered = sorted(
        [
            ("low", _p(attendance_rate="80.0")),
            ("plain", _p()),
            ("pa", _p(persistent_absence=True)),
            ("cla", _p(cla=True)),
            ("week", _p(earlier_absences_this_week=2)),
            ("sw", _p(social_worker=True, attendance_rate="90.0")),
            ("new", _p(attendance_rate=None)),
        ],
        key=lambda item: rules.call_rank(item[1]),
    )
    assert [name for name, _p2 in ordered] == ["sw", "cla", "pa", "week", "low", "plain", "new"]


def test_call_reasons_are_words() -> None:
    assert rules.call_reasons(_p(social_worker=True, earlier_absences_this_week=1)) == [
        "has a social worker",
        "absent 1 earlier session(s) this week",
    ]
