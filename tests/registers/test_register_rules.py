"""The pure rules of taking a register, table-driven (rules §0.6, §5.11, scenario S1)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from registers.register_rules import (
    Slot,
    arrival_code,
    closes_at,
    find_conflicts,
    group_sort_key,
    is_closed,
    minutes_late,
    normalise_code,
    parse_clock,
    present_code,
    slot_for_arrival,
)

AM = (time(8, 45), time(9, 15))
PM = (time(13, 15), time(13, 45))


@pytest.mark.parametrize(
    ("arrival", "times", "session", "expected"),
    [
        # Scenario S1.
        (time(8, 40), AM, "AM", "/"),
        (time(9, 5), AM, "AM", "L"),
        (time(9, 25), AM, "AM", "U"),
        (time(13, 20), PM, "PM", "L"),
        # Boundaries: at the opening minute on time; the closing minute still L.
        (time(8, 45), AM, "AM", "/"),
        (time(8, 46), AM, "AM", "L"),
        (time(9, 15), AM, "AM", "L"),
        (time(9, 15, 59), AM, "AM", "L"),
        (time(9, 16), AM, "AM", "U"),
        (time(13, 0), PM, "PM", "\\"),
        (time(13, 46), PM, "PM", "U"),
        (time(15, 0), PM, "PM", "U"),
    ],
)
def test_arrival_code(arrival: time, times: tuple[time, time], session: str, expected: str) -> None:
    opens, closes = times
    assert arrival_code(arrival=arrival, opens=opens, closes=closes, session=session) == expected


def test_arrival_code_defaults_to_the_morning_present_code() -> None:
    assert arrival_code(arrival=time(8, 30), opens=AM[0], closes=AM[1]) == "/"


@pytest.mark.parametrize(
    ("arrival", "opens", "expected"),
    [
        (time(8, 40), time(8, 45), 0),
        (time(8, 45), time(8, 45), 0),
        (time(9, 5), time(8, 45), 20),
        (time(9, 25), time(8, 45), 40),
        (time(9, 25, 59), time(8, 45), 40),
        (time(13, 20), time(13, 15), 5),
    ],
)
def test_minutes_late(arrival: time, opens: time, expected: int) -> None:
    assert minutes_late(arrival=arrival, opens=opens) == expected


@pytest.mark.parametrize(
    ("arrival", "session", "expected"),
    [
        (time(8, 40), "AM", Slot("/")),
        (time(9, 5), "AM", Slot("L", 20)),
        (time(9, 25), "AM", Slot("U", 40)),
    ],
)
def test_slot_for_arrival_gives_minutes_only_when_late(
    arrival: time, session: str, expected: Slot
) -> None:
    assert slot_for_arrival(arrival=arrival, opens=AM[0], closes=AM[1], session=session) == expected


@pytest.mark.parametrize(
    ("code", "session", "expected"),
    [("/", "AM", "/"), ("/", "PM", "\\"), ("\\", "AM", "/"), ("\\", "PM", "\\"), ("N", "PM", "N")],
)
def test_normalise_code_uses_the_sessions_present_code(
    code: str, session: str, expected: str
) -> None:
    assert normalise_code(code, session) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:05", time(9, 5)),
        ("9:05", time(9, 5)),
        ("9.05", time(9, 5)),
        ("0905", time(9, 5)),
        ("905", time(9, 5)),
        (" 13:40 ", time(13, 40)),
        ("23:59", time(23, 59)),
        ("00:00", time(0, 0)),
        ("24:00", None),
        ("09:60", None),
        ("9", None),
        ("9:5", None),
        ("nine", None),
        ("", None),
        ("09:05:30", None),
    ],
)
def test_parse_clock(text: str, expected: time | None) -> None:
    assert parse_clock(text) == expected


def test_present_code() -> None:
    assert (present_code("AM"), present_code("PM")) == ("/", "\\")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 13 January 2025 is in GMT: 09:15 London is 09:15 UTC.
        (datetime(2025, 1, 13, 9, 15, tzinfo=UTC), False),
        (datetime(2025, 1, 13, 9, 15, 1, tzinfo=UTC), True),
        (datetime(2025, 1, 14, 8, 0, tzinfo=UTC), True),
        (datetime(2025, 1, 12, 23, 0, tzinfo=UTC), False),
    ],
)
def test_is_closed_in_winter(moment: datetime, expected: bool) -> None:
    assert is_closed(moment=moment, day=date(2025, 1, 13), closes=time(9, 15)) is expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 9 September 2024 is in BST: 09:15 London is 08:15 UTC.
        (datetime(2024, 9, 9, 8, 10, tzinfo=UTC), False),
        (datetime(2024, 9, 9, 8, 16, tzinfo=UTC), True),
        (datetime(2024, 9, 9, 9, 0, tzinfo=UTC), True),
    ],
)
def test_is_closed_in_summer_time(moment: datetime, expected: bool) -> None:
    assert is_closed(moment=moment, day=date(2024, 9, 9), closes=time(9, 15)) is expected


def test_closes_at_is_london_wall_clock() -> None:
    closing = closes_at(day=date(2024, 9, 9), closes=time(9, 15))
    assert closing.astimezone(UTC) == datetime(2024, 9, 9, 8, 15, tzinfo=UTC)


_P, _L5, _N, _I, _M = Slot("/"), Slot("L", 5), Slot("N"), Slot("I"), Slot("M")


@pytest.mark.parametrize(
    ("baseline", "stored", "submitted", "expected"),
    [
        # Nobody else saved: whatever I enter goes in.
        ({1: None}, {1: None}, {1: _P}, []),
        ({1: _N}, {1: _N}, {1: _I}, []),
        # Someone saved since I loaded, and I entered something else: conflict.
        ({1: None}, {1: _M}, {1: _P}, [1]),
        ({1: _P}, {1: _L5}, {1: _N}, [1]),
        # ... including when I left the row as it was loaded: my page is out of date.
        ({1: _P}, {1: _M}, {1: _P}, [1]),
        # Someone saved the same thing I entered: no conflict.
        ({1: None}, {1: _M}, {1: _M}, []),
        # Minutes late count: L with other minutes is a different mark.
        ({1: _L5}, {1: Slot("L", 10)}, {1: _L5}, [1]),
        # A pupil missing from the baseline counts as loaded unmarked.
        ({}, {1: _I}, {1: _P}, [1]),
        ({}, {1: None}, {1: _P}, []),
        # Only the rows that clash, in submitted order.
        ({1: None, 2: None, 3: None}, {1: _I, 2: None, 3: _M}, {3: _P, 2: _P, 1: _I}, [3]),
    ],
)
def test_find_conflicts(
    baseline: dict[int, Slot | None],
    stored: dict[int, Slot | None],
    submitted: dict[int, Slot],
    expected: list[int],
) -> None:
    assert find_conflicts(baseline=baseline, stored=stored, submitted=submitted) == expected


def test_groups_sort_by_year_then_name() -> None:
    groups = ["Oak", "10A", "2H", "RB", "1H", "N1", "1B", "Rowan", "RH", "Ash", "12B", "2B"]
    assert sorted(groups, key=group_sort_key) == [
        "N1",
        "RB",
        "RH",
        "1B",
        "1H",
        "2B",
        "2H",
        "10A",
        "12B",
        "Ash",
        "Oak",
        "Rowan",
    ]
