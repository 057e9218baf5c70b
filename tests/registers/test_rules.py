"""Tests for the pure attendance rules, driven by the worked scenarios of rules §6.

Dates and expectations are copied from `dfe-attendance-rules.md` §6 so a reader can check
each row against the spec. Everything runs on the §6.0 fixture calendar, built once below
through `calendar_sessions` exactly as an imported calendar.csv would be.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registers.codes import CODES, THRESHOLD_CODES
from registers.rules import (
    CalendarRange,
    Counts,
    Half,
    SchoolWeeks,
    ThresholdStatus,
    academic_year,
    attendance_rate,
    calendar_sessions,
    compulsory_school_age_end,
    compulsory_school_age_start,
    count_codes,
    is_compulsory_school_age,
    is_persistent_absence,
    is_severe_absence,
    percentage,
    school_day_deadline,
    threshold_met_sessions,
    threshold_status,
    week_monday,
)

AM, PM = Half.AM, Half.PM
BOTH = (AM, PM)
Mark = tuple[date, Half, str]
Session = tuple[date, Half]


def d(iso: str) -> date:
    return date.fromisoformat(iso)


# --- §6.0 fixture calendar ("Test School A") ----------------------------------------------
# Rows deliberately mix styles: some terms are split around holidays, others carry holiday
# rows inside them, so removal-wins is exercised by the fixture itself.
FIXTURE_RANGES = (
    CalendarRange(d("2024-09-02"), d("2024-12-20"), "term"),
    CalendarRange(d("2024-09-02"), d("2024-09-02"), "inset"),
    CalendarRange(d("2024-10-28"), d("2024-11-01"), "holiday"),
    CalendarRange(d("2025-01-06"), d("2025-02-14"), "term"),
    CalendarRange(d("2025-02-24"), d("2025-05-23"), "term"),
    CalendarRange(d("2025-04-07"), d("2025-04-18"), "holiday"),  # Easter
    CalendarRange(d("2025-04-21"), d("2025-04-21"), "holiday"),  # Easter Monday
    CalendarRange(d("2025-05-05"), d("2025-05-05"), "holiday"),  # May bank holiday
    CalendarRange(d("2025-06-02"), d("2025-07-21"), "term"),
    CalendarRange(d("2025-07-21"), d("2025-07-21"), "closure", frozenset({PM})),
    CalendarRange(d("2025-09-01"), d("2025-10-24"), "term"),
    CalendarRange(d("2025-09-01"), d("2025-09-02"), "inset"),
    CalendarRange(d("2025-11-03"), d("2025-12-19"), "term"),
)
SESSIONS: list[Session] = calendar_sessions(FIXTURE_RANGES)
SCHOOL_DAYS: list[date] = sorted({day for day, _ in SESSIONS})
WEEKS = SchoolWeeks.from_dates(SCHOOL_DAYS)


def sessions(start: str, end: str, halves: Sequence[Half] = BOTH) -> list[Session]:
    """The fixture's sessions from start to end inclusive, restricted to `halves`."""
    lo, hi = d(start), d(end)
    return [(day, half) for day, half in SESSIONS if lo <= day <= hi and half in halves]


def marked(code: str, chosen: Iterable[Session]) -> list[Mark]:
    return [(day, half, code) for day, half in chosen]


def at(*items: tuple[str, Half]) -> list[Session]:
    return [(d(iso), half) for iso, half in items]


# --- Dates and the calendar -----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        ("2024-09-02", "2024-09-02"),
        ("2024-09-08", "2024-09-02"),
        ("2025-01-01", "2024-12-30"),
        ("2025-07-27", "2025-07-21"),
    ],
)
def test_it_finds_the_monday_of_the_week(day: str, monday: str) -> None:
    assert week_monday(d(day)) == d(monday)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-09-01", ("2024-09-01", "2025-08-31", "2024/25")),
        ("2025-08-31", ("2024-09-01", "2025-08-31", "2024/25")),
        ("2025-09-01", ("2025-09-01", "2026-08-31", "2025/26")),
        ("2000-01-15", ("1999-09-01", "2000-08-31", "1999/00")),
    ],
)
def test_it_runs_the_academic_year_from_september_to_august(
    day: str, expected: tuple[str, str, str]
) -> None:
    start, end, label = expected
    assert academic_year(d(day)) == (d(start), d(end), label)


@pytest.mark.parametrize(
    ("start", "end", "session_count", "day_count"),
    [
        ("2024-09-01", "2024-12-31", 148, 74),  # autumn 2024
        ("2024-09-03", "2025-07-21", 385, 193),  # school year 2024/25; 21 Jul is AM only
        ("2025-01-06", "2025-04-04", 120, 60),  # spring 2025
    ],
)
def test_the_fixture_calendar_has_the_spec_derived_counts(
    start: str, end: str, session_count: int, day_count: int
) -> None:
    chosen = sessions(start, end)
    assert len(chosen) == session_count
    assert len({day for day, _ in chosen}) == day_count


@pytest.mark.parametrize(
    ("number", "monday"),
    [
        (1, "2024-09-02"),
        (8, "2024-10-21"),
        (9, "2024-11-04"),
        (15, "2024-12-16"),
        (16, "2025-01-06"),
        (21, "2025-02-10"),
        (22, "2025-02-24"),
        (27, "2025-03-31"),
        (28, "2025-04-21"),
        (32, "2025-05-19"),
        (33, "2025-06-02"),
        (39, "2025-07-14"),
        (40, "2025-07-21"),
        (41, "2025-09-01"),
        (48, "2025-10-20"),
        (49, "2025-11-03"),
        (55, "2025-12-15"),
    ],
)
def test_it_numbers_school_weeks_as_the_spec_table(number: int, monday: str) -> None:
    assert WEEKS.monday(number) == d(monday)
    assert WEEKS.number(d(monday)) == number


def test_the_fixture_has_fifty_five_school_weeks() -> None:
    assert len(WEEKS) == 55


@pytest.mark.parametrize(
    ("monday", "session_count"),
    [
        ("2024-09-02", 8),  # SW1: INSET Monday
        ("2025-04-21", 8),  # SW28: Easter Monday
        ("2025-05-05", 8),  # SW30: bank holiday
        ("2025-07-21", 1),  # SW40: the one-session week
        ("2025-09-01", 6),  # SW41: two INSET days
        ("2025-10-27", 0),  # half term
    ],
)
def test_it_derives_short_weeks_from_the_calendar(monday: str, session_count: int) -> None:
    start = d(monday)
    assert len(sessions(monday, (start + timedelta(days=6)).isoformat())) == session_count


@pytest.mark.parametrize(
    ("ranges", "expected"),
    [
        pytest.param(
            [CalendarRange(d("2025-01-04"), d("2025-01-06"), "term")],
            at(("2025-01-06", AM), ("2025-01-06", PM)),
            id="weekends-are-never-sessions",
        ),
        pytest.param(
            [
                CalendarRange(d("2025-01-07"), d("2025-01-07"), "holiday"),
                CalendarRange(d("2025-01-06"), d("2025-01-07"), "term"),
            ],
            at(("2025-01-06", AM), ("2025-01-06", PM)),
            id="removal-wins-whatever-the-row-order",
        ),
        pytest.param(
            [
                CalendarRange(d("2025-01-06"), d("2025-01-06"), "term"),
                CalendarRange(d("2025-01-06"), d("2025-01-06"), "closure", frozenset({PM})),
            ],
            at(("2025-01-06", AM)),
            id="a-half-day-closure-keeps-the-other-half",
        ),
        pytest.param(
            [
                CalendarRange(d("2025-01-06"), d("2025-01-06"), "term"),
                CalendarRange(d("2025-01-06"), d("2025-01-06"), "inset", frozenset(BOTH)),
            ],
            [],
            id="naming-both-halves-removes-the-day",
        ),
        pytest.param(
            [
                CalendarRange(d("2025-01-06"), d("2025-01-07"), "term"),
                CalendarRange(d("2025-01-07"), d("2025-01-07"), "term"),
            ],
            at(("2025-01-06", AM), ("2025-01-06", PM), ("2025-01-07", AM), ("2025-01-07", PM)),
            id="overlapping-terms-do-not-duplicate",
        ),
        pytest.param(
            [CalendarRange(d("2025-01-06"), d("2025-01-10"), "holiday")],
            [],
            id="a-holiday-without-a-term-holds-nothing",
        ),
    ],
)
def test_it_derives_sessions_from_calendar_ranges(
    ranges: list[CalendarRange], expected: list[Session]
) -> None:
    assert calendar_sessions(ranges) == expected


def test_it_lists_sessions_in_order_am_before_pm() -> None:
    assert sorted(SESSIONS) == SESSIONS
    assert SESSIONS[:3] == at(("2024-09-03", AM), ("2024-09-03", PM), ("2024-09-04", AM))


@pytest.mark.parametrize(
    ("start", "end", "kind"),
    [("2025-01-06", "2025-01-06", "weekend"), ("2025-01-07", "2025-01-06", "term")],
)
def test_it_refuses_bad_calendar_ranges(start: str, end: str, kind: str) -> None:
    with pytest.raises(ValueError):
        CalendarRange(d(start), d(end), kind)


# --- School weeks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "number"),
    [
        ("2024-09-02", 1),  # INSET Monday: its week still holds sessions
        ("2024-09-07", 1),  # Saturday of a school week
        ("2024-09-01", None),  # before the calendar
        ("2024-10-30", None),  # half term
        ("2025-07-27", 40),  # Sunday of the one-session week
        ("2025-07-28", None),  # summer holiday
        ("2025-09-29", 45),  # S11: SW45, not SW44
        ("2025-12-22", None),  # after the calendar
    ],
)
def test_it_numbers_the_school_week_containing_a_date(day: str, number: int | None) -> None:
    assert WEEKS.number(d(day)) == number


@pytest.mark.parametrize(
    ("day", "number"),
    [
        ("2024-09-01", None),
        ("2024-09-02", 1),
        ("2024-10-30", 8),  # half term: the week before
        ("2025-08-15", 40),  # summer: the one-session week
        ("2025-09-01", 41),
        ("2026-03-01", 55),
    ],
)
def test_it_finds_the_latest_school_week_starting_on_or_before_a_date(
    day: str, number: int | None
) -> None:
    assert WEEKS.latest_number_on_or_before(d(day)) == number


@pytest.mark.parametrize(
    ("last", "size", "expected"),
    [(1, 10, (1, 1)), (5, 10, (1, 5)), (10, 10, (1, 10)), (45, 10, (36, 45)), (45, 12, (34, 45))],
)
def test_it_clamps_the_window_to_the_first_school_week(
    last: int, size: int, expected: tuple[int, int]
) -> None:
    assert WEEKS.window(last, size) == expected


def test_a_school_week_runs_monday_to_sunday() -> None:
    assert (WEEKS.monday(40), WEEKS.sunday(40)) == (d("2025-07-21"), d("2025-07-27"))


@pytest.mark.parametrize("number", [0, 56, -1])
def test_it_refuses_week_numbers_outside_the_calendar(number: int) -> None:
    with pytest.raises(IndexError):
        WEEKS.monday(number)


def test_it_builds_school_weeks_from_unordered_repeated_dates() -> None:
    shuffled = list(reversed(SCHOOL_DAYS)) + SCHOOL_DAYS[:5]
    assert SchoolWeeks.from_dates(shuffled) == WEEKS


def test_it_refuses_unsorted_dates_given_directly() -> None:
    with pytest.raises(ValueError):
        SchoolWeeks((d("2025-01-07"), d("2025-01-06")))


def test_a_trust_move_counts_weeks_of_either_school() -> None:
    # School B is open in A's half term, so for the mover that week is a school week.
    school_b_days = [d("2024-10-28")]
    union = SchoolWeeks.from_dates([*SCHOOL_DAYS, *school_b_days])
    assert union.number(d("2024-10-28")) == 9
    assert union.number(d("2024-11-04")) == 10
    assert len(union) == len(WEEKS) + 1


# --- Counts, rates, PA and SA ----------------------------------------------------------

# S2's twenty entries, in the spec's order.
# fmt: off
S2_CODES = [
    "/", "\\", "L", "\\", "I", "I", "/", "U", "Y1", "Y1",
    "/", "\\", "#", "#", "M", "\\", "O", "N", "B", "V",
]
# fmt: on


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        pytest.param(
            ["/", "L", "U", "L"],
            Counts(possible=4, attended=3, unauthorised=1, late_before_close=2, late_after_close=1),
            id="S1-late-before-and-after-close",
        ),
        pytest.param(
            S2_CODES,
            Counts(
                possible=16,
                attended=10,
                authorised=3,
                unauthorised=3,
                late_before_close=1,
                late_after_close=1,
                not_possible=4,
            ),
            id="S2-not-possible-codes-are-excluded",
        ),
        pytest.param(["#", "Z", "D", "X"], Counts(not_possible=4), id="admin-codes"),
        pytest.param([], Counts(), id="nothing"),
    ],
)
def test_it_counts_codes_by_category(entries: list[str], expected: Counts) -> None:
    assert count_codes(entries) == expected


@pytest.mark.parametrize("code", sorted(CODES))
def test_it_puts_every_2024_code_in_exactly_one_category(code: str) -> None:
    counts = count_codes([code])
    assert counts.attended + counts.authorised + counts.unauthorised + counts.not_possible == 1


@pytest.mark.parametrize("code", ["J", "H", "Y", "-", "", "o"])
def test_it_refuses_codes_outside_the_2024_table(code: str) -> None:
    with pytest.raises(ValueError, match="unknown attendance code"):
        count_codes(["/", code])


def test_it_adds_counts_field_by_field() -> None:
    total = count_codes(["/", "L"]) + count_codes(["U", "#"])
    assert total == Counts(
        possible=3, attended=2, unauthorised=1, late_before_close=1, late_after_close=1,
        not_possible=1,
    )  # fmt: skip
    assert sum([count_codes(["I"]), count_codes(["O"])], Counts()).absent == 2


def test_counts_refuse_an_inconsistent_possible() -> None:
    with pytest.raises(ValueError):
        Counts(possible=5, attended=3)


@pytest.mark.parametrize(
    ("attended", "possible", "rate"),
    [
        (0, 0, None),
        (3, 4, "75.0"),  # S1
        (10, 16, "62.5"),  # S2
        (171, 190, "90.0"),  # S3
        (344, 382, "90.1"),  # S4a: 90.052…
        (334, 371, "90.0"),  # S4c: 90.027…
        (1, 16, "6.3"),  # 6.25 exactly: half up
        (1999, 2000, "100.0"),  # 99.95 exactly: half up
        (2, 3, "66.7"),
        (1, 3, "33.3"),
        (0, 5, "0.0"),
        (5, 5, "100.0"),
    ],
)
def test_it_rounds_the_attendance_rate_half_up(
    attended: int, possible: int, rate: str | None
) -> None:
    assert attendance_rate(attended=attended, possible=possible) == rate


@pytest.mark.parametrize(
    ("absent", "possible", "display"),
    [(6, 16, "37.5"), (3, 16, "18.8"), (38, 382, "9.9"), (37, 371, "10.0")],  # S2, S2, S4a, S4c
)
def test_it_displays_absence_percentages_to_one_place(
    absent: int, possible: int, display: str
) -> None:
    assert percentage(part=absent, whole=possible) == display


@pytest.mark.parametrize(("part", "whole"), [(5, 4), (-1, 4), (0, -1)])
def test_it_refuses_impossible_rates(part: int, whole: int) -> None:
    with pytest.raises(ValueError):
        percentage(part=part, whole=whole)


@pytest.mark.parametrize(
    ("absent", "possible", "persistent", "severe"),
    [
        pytest.param(6, 16, True, False, id="S2"),
        pytest.param(19, 190, True, False, id="S3-exactly-10-percent"),
        pytest.param(18, 190, False, False, id="S3b"),
        pytest.param(38, 382, False, False, id="S4a"),
        pytest.param(38, 380, True, False, id="S4b"),
        pytest.param(37, 371, False, False, id="S4c-displays-10.0-but-is-not-pa"),
        pytest.param(50, 100, True, True, id="S5-exactly-50-percent"),
        pytest.param(49, 100, True, False, id="S5-49-percent"),
        pytest.param(12, 120, True, False, id="S6-part-year"),
        pytest.param(12, 385, False, False, id="S6-full-year-peer"),
        pytest.param(0, 0, False, False, id="no-possible-sessions"),
    ],
)
def test_it_classifies_persistent_and_severe_absence_in_integers(
    absent: int, possible: int, persistent: bool, severe: bool
) -> None:
    assert is_persistent_absence(absent=absent, possible=possible) is persistent
    assert is_severe_absence(absent=absent, possible=possible) is severe


def test_it_counts_a_part_year_enrolment_from_its_starting_day() -> None:
    # S6: joins Mon 6 Jan 2025; earlier sessions are Z; 12 I sessions by 4 Apr.
    before = sessions("2024-09-03", "2025-01-05")
    on_roll = sessions("2025-01-06", "2025-04-04")
    codes = ["Z"] * len(before) + ["I"] * 12 + ["/"] * (len(on_roll) - 12)
    counts = count_codes(codes)
    assert (counts.possible, counts.absent, counts.not_possible) == (120, 12, 148)
    assert is_persistent_absence(absent=counts.absent, possible=counts.possible)


def test_a_full_year_peer_with_the_same_absence_is_not_persistent() -> None:
    year = sessions("2024-09-03", "2025-07-21")
    counts = count_codes(["I"] * 12 + ["/"] * (len(year) - 12))
    assert counts.possible == 385
    assert not is_persistent_absence(absent=counts.absent, possible=counts.possible)


# --- National threshold: worked scenarios ----------------------------------------------


def s14_marks() -> list[Mark]:
    """S14: 9 O on AMs in SW16–SW18, the other sessions I, M, C and L (never counted)."""
    o_days = ["2025-01-07", "2025-01-08", "2025-01-09", "2025-01-14", "2025-01-15"]
    o_days += ["2025-01-16", "2025-01-21", "2025-01-22", "2025-01-23"]
    o_sessions = at(*((day, AM) for day in o_days))
    others = [s for s in sessions("2025-01-06", "2025-01-24") if s not in o_sessions]
    codes = ["I"] * 6 + ["M"] * 2 + ["C"] * 4 + ["L"] * 8 + ["/"]  # 21 other sessions
    return marked("O", o_sessions) + [(*s, c) for s, c in zip(others, codes, strict=True)]


S9_FIRST = at(
    ("2024-09-16", AM), ("2024-09-16", PM), ("2024-09-17", AM), ("2024-09-17", PM),
    ("2024-09-18", AM),
)  # fmt: skip
S11_FIRST = at(
    ("2025-06-16", AM), ("2025-06-16", PM), ("2025-06-17", AM), ("2025-06-17", PM),
    ("2025-06-18", AM),
)  # fmt: skip
S10_BEFORE_MONDAY = marked("U", sessions("2025-07-14", "2025-07-17", [AM])) + marked(
    "O", sessions("2025-09-15", "2025-09-15") + sessions("2025-09-22", "2025-09-22")
)
S10 = S10_BEFORE_MONDAY + marked("O", sessions("2025-09-29", "2025-09-29"))
S12_WEEK = sessions("2025-01-13", "2025-01-17")
# INSET days recorded as # (1–2 Sep 2025) in SW41: never qualifying, even if passed in.
S28_INSET = [(d("2025-09-01"), half, "#") for half in BOTH] + [
    (d("2025-09-02"), half, "#") for half in BOTH
]
S15_U = at(
    *((day, AM) for day in ["2025-01-06", "2025-01-13", "2025-01-20", "2025-01-27"]),
    *((day, AM) for day in ["2025-02-03", "2025-02-10", "2025-02-24", "2025-03-03"]),
    ("2025-02-26", AM),
    ("2025-03-05", AM),
)
S16A = at(
    *((day, AM) for day in ["2025-01-06", "2025-01-13", "2025-01-20", "2025-01-27"]),
    *((day, AM) for day in ["2025-02-03", "2025-02-24", "2025-03-03", "2025-03-10"]),
    *((day, AM) for day in ["2025-03-17", "2025-03-24"]),
)
S16C = at(
    *((day, AM) for day in ["2025-01-06", "2025-01-13", "2025-01-20", "2025-01-27"]),
    *((day, AM) for day in ["2025-02-03", "2025-02-10", "2025-02-24", "2025-03-03"]),
    *((day, AM) for day in ["2025-03-10", "2025-03-17"]),
)

THRESHOLD_SCENARIOS = [
    pytest.param(
        marked("G", sessions("2025-03-10", "2025-03-14")),
        ("2025-03-14", PM),
        id="S8-ten-G-in-one-week",
    ),
    pytest.param(
        marked("O", S9_FIRST + sessions("2024-11-25", "2024-11-26") + at(("2024-11-27", AM))),
        ("2024-11-27", AM),
        id="S9-window-spans-half-term",
    ),
    pytest.param(
        marked("O", S9_FIRST + sessions("2024-12-02", "2024-12-03") + at(("2024-12-04", AM))),
        None,
        id="S9b-eleven-school-weeks",
    ),
    pytest.param(S10, ("2025-09-29", PM), id="S10-window-spans-two-school-years"),
    pytest.param(
        marked("O", S11_FIRST + sessions("2025-09-29", "2025-09-30") + at(("2025-10-01", AM))),
        None,
        id="S11-one-session-week-counts",
    ),
    pytest.param(marked("N", S12_WEEK), ("2025-01-17", PM), id="S12-ten-N"),
    pytest.param(marked("I", S12_WEEK), None, id="S12a-recoded-I"),
    pytest.param(marked("G", S12_WEEK), ("2025-01-17", PM), id="S12b-recoded-G"),
    pytest.param(marked("O", S12_WEEK), ("2025-01-17", PM), id="S12c-recoded-O"),
    pytest.param(
        [
            (day, half, "I" if (day, half) == (d("2025-01-15"), PM) else "O")
            for day, half in S12_WEEK
        ],
        None,
        id="S12d-one-recoded-I",
    ),
    pytest.param(s14_marks(), None, id="S14-authorised-and-present-never-count"),
    pytest.param(
        s14_marks() + [(d("2025-01-27"), AM, "U")], ("2025-01-27", AM), id="S14-one-more-U"
    ),
    pytest.param(marked("U", S15_U), ("2025-03-05", AM), id="S15-persistent-lateness"),
    pytest.param(marked("O", S16A), None, id="S16a-one-a-week-over-eleven-weeks"),
    pytest.param(
        marked("O", S16A + at(("2025-03-25", AM))), ("2025-03-25", AM), id="S16b-one-more"
    ),
    pytest.param(marked("O", S16C), ("2025-03-17", AM), id="S16c-ten-consecutive-weeks"),
    pytest.param(
        S28_INSET + marked("G", sessions("2025-09-03", "2025-09-09")),
        ("2025-09-09", PM),
        id="S28-around-inset",
    ),
    pytest.param(
        S28_INSET + marked("G", sessions("2025-09-03", "2025-09-05")),
        None,
        id="S28-returned-on-monday",
    ),
    pytest.param(
        marked("O", sessions("2025-10-20", "2025-11-07")), ("2025-10-24", PM), id="S23-threshold"
    ),
]


@pytest.mark.parametrize(("marks", "met_at"), THRESHOLD_SCENARIOS)
def test_it_meets_the_threshold_at_the_session_completing_ten(
    marks: list[Mark], met_at: tuple[str, Half] | None
) -> None:
    met = threshold_met_sessions(qualifying=marks, weeks=WEEKS)
    assert (met[0] if met else None) == (at(met_at)[0] if met_at else None)


@pytest.mark.parametrize(("marks", "met_at"), THRESHOLD_SCENARIOS)
def test_the_report_dates_first_met_on_the_session_completing_ten(
    marks: list[Mark], met_at: tuple[str, Half] | None
) -> None:
    as_of = max(day for day, _, _ in marks)
    status = threshold_status(qualifying=marks, weeks=WEEKS, as_of=as_of)
    assert status.first_met_on == (d(met_at[0]) if met_at else None)


@pytest.mark.parametrize(
    ("marks", "as_of", "expected"),
    [
        pytest.param(
            marked("G", sessions("2025-03-10", "2025-03-14")),
            "2025-03-14",
            ThresholdStatus(10, d("2024-12-16"), d("2025-03-16"), True, d("2025-03-14"), False),
            id="S8-on-the-day",
        ),
        pytest.param(
            marked("G", sessions("2025-03-10", "2025-03-14")),
            "2025-03-12",
            ThresholdStatus(6, d("2024-12-16"), d("2025-03-16"), False, None, False),
            id="S8-later-sessions-never-count",
        ),
        pytest.param(
            S10_BEFORE_MONDAY,
            "2025-09-28",
            ThresholdStatus(8, d("2025-06-16"), d("2025-09-28"), False, None, False),
            id="S10-window-reaches-into-last-year",
        ),
        pytest.param(
            S10,
            "2025-09-29",
            ThresholdStatus(10, d("2025-06-23"), d("2025-10-05"), True, d("2025-09-29"), False),
            id="S10-met-on-the-tenth",
        ),
        pytest.param(
            marked("N", S12_WEEK),
            "2025-01-17",
            ThresholdStatus(10, d("2024-10-21"), d("2025-01-19"), True, d("2025-01-17"), True),
            id="S12-provisional-while-N",
        ),
        pytest.param(
            marked("N", S12_WEEK[:5]) + marked("O", S12_WEEK[5:]),
            "2025-01-17",
            ThresholdStatus(10, d("2024-10-21"), d("2025-01-19"), True, d("2025-01-17"), True),
            id="S12-provisional-while-any-counted-N",
        ),
        pytest.param(
            marked("I", S12_WEEK),
            "2025-01-20",
            ThresholdStatus(0, d("2024-11-04"), d("2025-01-26"), False, None, False),
            id="S12a-withdrawn-when-recoded-I",
        ),
        pytest.param(
            marked("O", S12_WEEK),
            "2025-01-24",
            ThresholdStatus(10, d("2024-11-04"), d("2025-01-26"), True, d("2025-01-17"), False),
            id="S12c-met-date-is-the-tenth-session",
        ),
        pytest.param(
            marked("O", S12_WEEK),
            "2024-09-01",
            ThresholdStatus(0, None, None, False, None, False),
            id="no-school-week-yet",
        ),
        pytest.param(
            marked("O", S12_WEEK),
            "2025-08-15",
            ThresholdStatus(0, d("2025-05-12"), d("2025-07-27"), False, d("2025-01-17"), False),
            id="window-in-the-summer-holiday",
        ),
        pytest.param(
            marked("O", [*S12_WEEK, (d("2024-10-30"), AM)]),
            "2025-01-17",
            ThresholdStatus(10, d("2024-10-21"), d("2025-01-19"), True, d("2025-01-17"), False),
            id="sessions-in-no-school-week-are-ignored",
        ),
        pytest.param(
            marked("O", S12_WEEK) + marked("U", S12_WEEK[:3]) + marked("/", S12_WEEK[:1]),
            "2025-01-17",
            ThresholdStatus(10, d("2024-10-21"), d("2025-01-19"), True, d("2025-01-17"), False),
            id="two-marks-for-one-session-count-once",
        ),
    ],
)
def test_it_reports_the_threshold_as_of_a_date(
    marks: list[Mark], as_of: str, expected: ThresholdStatus
) -> None:
    assert threshold_status(qualifying=marks, weeks=WEEKS, as_of=d(as_of)) == expected


SUMMER_G = marked("G", sessions("2025-07-14", "2025-07-18"))  # SW39: met Fri 18 Jul PM


@pytest.mark.parametrize(
    ("as_of", "in_window", "first_met_on"),
    [
        ("2025-08-15", 10, "2025-07-18"),  # 2024/25: the session completing the 10
        ("2025-09-01", 10, None),  # 2025/26 has no session yet (INSET)
        ("2025-09-03", 10, "2025-09-03"),  # carried over: the year's first session date
        ("2025-10-24", 10, "2025-09-03"),  # window SW39–SW48 still holds them
        ("2025-11-03", 0, "2025-09-03"),  # window SW40–SW49: no longer met now
    ],
)
def test_sessions_before_september_count_in_the_window_of_the_new_year(
    as_of: str, in_window: int, first_met_on: str | None
) -> None:
    status = threshold_status(qualifying=SUMMER_G, weeks=WEEKS, as_of=d(as_of))
    assert status.sessions_in_window == in_window
    assert status.met_now is (in_window >= 10)
    assert status.first_met_on == (d(first_met_on) if first_met_on else None)


@pytest.mark.parametrize(
    ("limit", "window_weeks", "met_at"),
    [
        (10, 10, None),  # S9b
        (10, 11, ("2024-12-04", AM)),
        (11, 11, None),
        (3, 1, ("2024-09-17", AM)),
        (12, 12, None),
    ],
)
def test_local_thresholds_reuse_the_same_rule(
    limit: int, window_weeks: int, met_at: tuple[str, Half] | None
) -> None:
    marks = marked("O", S9_FIRST + sessions("2024-12-02", "2024-12-03") + at(("2024-12-04", AM)))
    met = threshold_met_sessions(
        qualifying=marks, weeks=WEEKS, limit=limit, window_weeks=window_weeks
    )
    assert (met[0] if met else None) == (at(met_at)[0] if met_at else None)


def test_it_lists_every_session_at_which_the_test_holds() -> None:
    marks = marked("G", sessions("2025-03-10", "2025-03-14") + sessions("2025-03-17", "2025-03-17"))
    met = threshold_met_sessions(qualifying=marks, weeks=WEEKS)
    assert met == at(("2025-03-14", PM), ("2025-03-17", AM), ("2025-03-17", PM))


@pytest.mark.parametrize(("limit", "window_weeks"), [(0, 10), (10, 0)])
def test_it_refuses_empty_thresholds(limit: int, window_weeks: int) -> None:
    with pytest.raises(ValueError):
        threshold_met_sessions(qualifying=[], weeks=WEEKS, limit=limit, window_weeks=window_weeks)


# --- N deadline and compulsory school age ---------------------------------------------


@pytest.mark.parametrize(
    ("recorded_on", "days", "deadline"),
    [
        ("2025-01-13", 5, "2025-01-20"),  # S12: N of Mon 13 Jan
        ("2025-01-17", 5, "2025-01-24"),  # S12: N of Fri 17 Jan
        ("2024-10-21", 5, "2024-11-04"),  # S13: half term skipped
        ("2024-10-24", 5, "2024-11-07"),  # S13
        ("2025-04-03", 5, "2025-04-25"),  # S13: Easter and the bank holiday skipped
        ("2025-01-18", 5, "2025-01-24"),  # recorded on a Saturday
        ("2025-01-13", 1, "2025-01-14"),
        ("2025-12-15", 5, None),  # the calendar ends first
    ],
)
def test_it_dates_the_n_deadline_in_school_days(
    recorded_on: str, days: int, deadline: str | None
) -> None:
    result = school_day_deadline(recorded_on=d(recorded_on), school_days=SCHOOL_DAYS, days=days)
    assert result == (d(deadline) if deadline else None)


def test_it_refuses_a_deadline_of_no_days() -> None:
    with pytest.raises(ValueError):
        school_day_deadline(recorded_on=d("2025-01-13"), school_days=SCHOOL_DAYS, days=0)


@pytest.mark.parametrize(
    ("dob", "start"),
    [
        ("2019-12-31", "2024-12-31"),  # 5th birthday on a prescribed day
        ("2019-09-01", "2024-12-31"),
        ("2020-01-01", "2025-03-31"),
        ("2020-03-31", "2025-03-31"),
        ("2020-04-01", "2025-08-31"),
        ("2020-08-31", "2025-08-31"),
        ("2020-02-29", "2025-03-31"),  # leap-day birthday
    ],
)
def test_compulsory_school_age_starts_on_the_next_prescribed_day(dob: str, start: str) -> None:
    assert compulsory_school_age_start(d(dob)) == d(start)


@pytest.mark.parametrize(
    ("dob", "end"),
    [
        ("2008-09-01", "2025-06-27"),  # oldest in the year group: 16 on 1 Sep 2024
        ("2009-06-27", "2025-06-27"),  # 16 on the leaving date itself
        ("2009-07-10", "2025-06-27"),  # 16 in the summer holiday: leaves at 15
        ("2009-08-31", "2025-06-27"),
        ("2009-09-01", "2026-06-26"),
        ("2008-02-29", "2024-06-28"),
    ],
)
def test_compulsory_school_age_ends_on_the_last_friday_in_june(dob: str, end: str) -> None:
    assert compulsory_school_age_end(d(dob)) == d(end)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2024-12-30", False),
        ("2024-12-31", True),  # born 1 Sep 2019: the first prescribed day after turning 5
        ("2036-06-27", True),  # 16 on 1 Sep 2035, so the leaving date of 2035/36
        ("2036-06-28", False),
    ],
)
def test_it_tells_whether_a_child_is_of_compulsory_school_age(on: str, expected: bool) -> None:
    assert is_compulsory_school_age(dob=d("2019-09-01"), on=d(on)) is expected


# --- Properties -------------------------------------------------------------------------
# Random calendars of weekdays over 30 weeks straddling 1 September, with marks that are
# mostly G/N/O/U. The oracles restate the contract directly (numbering by list position,
# windows by enumeration) and share no code with the rules.

ORACLE_QUALIFYING = {"G", "N", "O", "U"}
PROPERTY_MONDAY = d("2025-06-02")
PROPERTY_WEEKDAYS = 30 * 5
MARK_CODES = [*sorted(THRESHOLD_CODES), "N", "N", "I", "/"]  # N is common: provisional cases
thresholds = st.tuples(st.integers(1, 10), st.integers(1, 10))


def _weekday(offset: int) -> date:
    return PROPERTY_MONDAY + timedelta(days=7 * (offset // 5) + offset % 5)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[date], list[Mark]]:
    """Session dates of a random calendar and a pupil's marks on its sessions.

    The calendar is every weekday less random holiday weeks and days off; the marks fall
    in a random band of sessions so that thresholds are met often enough to test.
    """
    weeks_off = draw(st.sets(st.integers(0, PROPERTY_WEEKDAYS // 5 - 1), max_size=12))
    days_off = draw(st.sets(st.integers(0, PROPERTY_WEEKDAYS - 1), max_size=60))
    days = [
        _weekday(offset)
        for offset in range(PROPERTY_WEEKDAYS)
        if offset // 5 not in weeks_off and offset not in days_off
    ] or [PROPERTY_MONDAY]
    slots = [(day, half) for day in days for half in Half]
    low = draw(st.integers(0, len(slots) - 1))
    band = slots[low : low + draw(st.integers(1, 100))]
    picked = draw(
        st.lists(
            st.tuples(st.sampled_from(band), st.sampled_from(MARK_CODES)), min_size=1, max_size=40
        )
    )
    return days, [(day, half, code) for (day, half), code in picked]


@st.composite
def evaluations(draw: st.DrawFn) -> tuple[list[date], list[Mark], date]:
    """A history and an as_of date, usually near the marks, any day of the week."""
    days, marks = draw(histories())
    anchor = draw(st.sampled_from(marks))[0]
    as_of = anchor + timedelta(days=draw(st.integers(-3, 42)))
    if draw(st.integers(0, 19)) == 7:  # now and then; 0 would be drawn far too often
        as_of = PROPERTY_MONDAY - timedelta(days=1)  # before any school week
    return days, marks, as_of


def oracle_numbering(days: Iterable[date]) -> dict[date, int]:
    mondays = sorted({day - timedelta(days=day.weekday()) for day in days})
    return {monday: number for number, monday in enumerate(mondays, start=1)}


def oracle_week(day: date, numbering: dict[date, int]) -> int | None:
    return numbering.get(day - timedelta(days=day.weekday()))


def oracle_sessions(marks: Iterable[Mark], numbering: dict[date, int]) -> list[Session]:
    return sorted(
        {
            (day, half)
            for day, half, code in marks
            if code in ORACLE_QUALIFYING and oracle_week(day, numbering) is not None
        }
    )


def oracle_met_sessions(
    marks: list[Mark], days: list[date], *, limit: int, window_weeks: int
) -> list[Session]:
    """q_k is met when some run of `window_weeks` consecutive school weeks containing q_k's
    week holds at least `limit` of q_1 … q_k."""
    numbering = oracle_numbering(days)
    qs = oracle_sessions(marks, numbering)
    weeks = [oracle_week(day, numbering) for day, _ in qs]
    met = []
    for k, session in enumerate(qs):
        week_k = weeks[k]
        assert week_k is not None
        for first in range(week_k - window_weeks + 1, week_k + 1):
            inside = [
                w for w in weeks[: k + 1] if w is not None and first <= w < first + window_weeks
            ]
            if len(inside) >= limit:
                met.append(session)
                break
    return met


def oracle_status(
    marks: list[Mark], days: list[date], *, as_of: date, limit: int, window_weeks: int
) -> ThresholdStatus:
    """Contract §2 word for word, by enumeration."""
    numbering = oracle_numbering(days)
    qs = [q for q in oracle_sessions(marks, numbering) if q[0] <= as_of]

    def week(q: Session) -> int:
        number = oracle_week(q[0], numbering)
        assert number is not None
        return number

    started = [monday for monday in sorted(numbering) if monday <= as_of]
    if started:
        last = len(started)
        first = max(1, last - window_weeks + 1)
        in_window = [q for q in qs if first <= week(q) <= last]
        start, end = started[first - 1], started[-1] + timedelta(days=6)
    else:
        in_window, start, end = [], None, None
    only_n = {
        (day, half)
        for day, half, _ in marks
        if all(
            c == "N" for dd, hh, c in marks if (dd, hh) == (day, half) and c in ORACLE_QUALIFYING
        )
    }
    firm = [q for q in in_window if q not in only_n]
    year_start = date(as_of.year if as_of.month >= 9 else as_of.year - 1, 9, 1)
    first_met_on = None
    for day in days:
        if year_start <= day <= as_of:
            w = oracle_week(day, numbering)
            assert w is not None
            if sum(1 for q in qs if q[0] <= day and w - window_weeks < week(q) <= w) >= limit:
                first_met_on = day
                break
    met_now = len(in_window) >= limit
    return ThresholdStatus(
        sessions_in_window=len(in_window),
        window_start=start,
        window_end=end,
        met_now=met_now,
        first_met_on=first_met_on,
        provisional=met_now and len(firm) < limit,
    )


@given(
    st.lists(st.sampled_from(sorted(CODES)), max_size=60), st.lists(st.sampled_from(sorted(CODES)))
)
def test_possible_is_always_attended_plus_authorised_plus_unauthorised(
    first: list[str], second: list[str]
) -> None:
    counts = count_codes(first)
    assert counts.possible == counts.attended + counts.authorised + counts.unauthorised
    assert counts.possible + counts.not_possible == len(first)
    assert counts.late_before_close == first.count("L")
    assert counts.late_after_close == first.count("U")
    assert count_codes(first) + count_codes(second) == count_codes(first + second)


part_of_whole = st.integers(0, 10**6).flatmap(
    lambda whole: st.tuples(st.integers(0, whole), st.just(whole))
)


@given(part_of_whole)
def test_pa_and_sa_agree_with_exact_fractions(pair: tuple[int, int]) -> None:
    absent, possible = pair
    share = Fraction(absent, possible) if possible else None
    assert is_persistent_absence(absent=absent, possible=possible) is (
        share is not None and share >= Fraction(1, 10)
    )
    assert is_severe_absence(absent=absent, possible=possible) is (
        share is not None and share >= Fraction(1, 2)
    )


@given(part_of_whole)
def test_the_rate_agrees_with_exact_half_up_rounding(pair: tuple[int, int]) -> None:
    attended, possible = pair
    rate = attendance_rate(attended=attended, possible=possible)
    if possible == 0:
        assert rate is None
        return
    tenths = int(Fraction(1000 * attended, possible) + Fraction(1, 2))  # floor: non-negative
    assert rate == f"{tenths // 10}.{tenths % 10}"


@settings(deadline=None)
@given(histories(), thresholds)
def test_met_sessions_agree_with_a_brute_force_window_search(
    history: tuple[list[date], list[Mark]], threshold: tuple[int, int]
) -> None:
    days, marks = history
    limit, window_weeks = threshold
    weeks = SchoolWeeks.from_dates(days)
    found = threshold_met_sessions(
        qualifying=marks, weeks=weeks, limit=limit, window_weeks=window_weeks
    )
    assert found == oracle_met_sessions(marks, days, limit=limit, window_weeks=window_weeks)


@settings(deadline=None)
@given(evaluations(), thresholds)
def test_the_status_agrees_with_the_contract_definition(
    evaluation: tuple[list[date], list[Mark], date], threshold: tuple[int, int]
) -> None:
    days, marks, as_of = evaluation
    limit, window_weeks = threshold
    status = threshold_status(
        qualifying=marks,
        weeks=SchoolWeeks.from_dates(days),
        as_of=as_of,
        limit=limit,
        window_weeks=window_weeks,
    )
    assert status == oracle_status(marks, days, as_of=as_of, limit=limit, window_weeks=window_weeks)


@settings(deadline=None)
@given(evaluations(), st.data())
def test_adding_a_qualifying_mark_never_lowers_the_count_nor_delays_first_met_on(
    evaluation: tuple[list[date], list[Mark], date], data: st.DataObject
) -> None:
    days, marks, as_of = evaluation
    weeks = SchoolWeeks.from_dates(days)
    extra = (
        data.draw(st.sampled_from(days)),
        data.draw(st.sampled_from(list(Half))),
        data.draw(st.sampled_from(sorted(THRESHOLD_CODES))),
    )
    before = threshold_status(qualifying=marks, weeks=weeks, as_of=as_of, limit=4)
    after = threshold_status(qualifying=[*marks, extra], weeks=weeks, as_of=as_of, limit=4)
    assert after.sessions_in_window >= before.sessions_in_window
    if before.first_met_on is not None:
        assert after.first_met_on is not None
        assert after.first_met_on <= before.first_met_on


calendar_rows = st.builds(
    CalendarRange,
    start=st.dates(d("2025-01-01"), d("2025-01-21")),
    end=st.just(d("2025-01-21")),
    kind=st.sampled_from(sorted({"term", "holiday", "inset", "closure"})),
    halves=st.frozensets(st.sampled_from(list(Half))),
)


@given(st.lists(calendar_rows, max_size=6))
def test_a_session_is_a_term_weekday_half_that_no_row_removes(rows: list[CalendarRange]) -> None:
    def covered(day: date, kinds: set[str], half: Half | None = None) -> bool:
        return any(
            r.start <= day <= r.end
            and r.kind in kinds
            and (half is None or not r.halves or half in r.halves)
            for r in rows
        )

    expected = [
        (day, half)
        for day in (d("2025-01-01") + timedelta(days=i) for i in range(21))
        for half in Half
        if day.weekday() < 5
        and covered(day, {"term"})
        and not covered(day, {"holiday", "inset", "closure"}, half)
    ]
    assert calendar_sessions(rows) == expected
