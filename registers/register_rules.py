"""Pure rules of taking a register: arrival codes, closing times and save conflicts.

Plain values in, plain values out: no database, no clock (pass the moment in), so the
register screens, the save service and their tests share one implementation. Section
references are to `dfe-attendance-rules.md` ("rules §").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from registers.codes import LATE_AFTER_CLOSE, LATE_BEFORE_CLOSE, LATE_CODES

# Register times are wall-clock times in England (rules §5.11), whatever the server's zone.
ENGLAND = ZoneInfo("Europe/London")
PRESENT_CODES = {"AM": "/", "PM": "\\"}
MAX_MINUTES_LATE = 300  # a session is at most a few hours; more is a typing slip

# Year groups in school order, for sorting groups named like "RB", "4H" or "10A".
_YEAR_ORDER = ("N1", "N2", "R", *(str(n) for n in range(1, 15)))
# A year, then at most three letters or any non-letter: "RB", "4H", "10ABC", "6 Oak"; not "Rowan".
_YEAR_PREFIX = re.compile(r"^(N1|N2|R|1[0-4]|[1-9])(?!\d)(?=[^a-z]|[a-z]{0,3}$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Slot:
    """What one pupil's row of a register holds: a code and, for L or U, minutes late."""

    code: str
    minutes_late: int | None = None


def present_code(session: str) -> str:
    """`/` for a morning register, `\\` for an afternoon one (rules §1.2)."""
    return PRESENT_CODES[session]


def normalise_code(code: str, session: str) -> str:
    """The session's own present code for either present code; any other code unchanged."""
    return present_code(session) if code in PRESENT_CODES.values() else code


_CLOCK = re.compile(r"^\s*(\d{1,2})[:.h]?(\d{2})\s*$")


def parse_clock(text: str) -> time | None:
    """A 24-hour clock time as staff type it ("09:05", "9.05", "0905", "905"), or None."""
    match = _CLOCK.match(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _minute_of_day(t: time) -> int:
    return t.hour * 60 + t.minute


def minutes_late(*, arrival: time, opens: time) -> int:
    """Whole minutes from the register opening to the arrival; 0 for an arrival on time."""
    return max(0, _minute_of_day(arrival) - _minute_of_day(opens))


def arrival_code(*, arrival: time, opens: time, closes: time, session: str = "AM") -> str:
    """The code for a pupil who arrived at `arrival` (rules §0.6, §5.11, scenario S1).

    At or before the register opens: present (`/`, or `\\` for `session="PM"`). After it
    opens, up to and including the closing minute: `L`. After it closes: `U`.
    INTERPRETATION: an arrival in the closing minute itself (09:15 for a 09:15 close) is
    still "before the taking of the register has ended", so `L`; comparisons are in whole
    minutes because staff enter arrival times to the minute.
    """
    minute = _minute_of_day(arrival)
    if minute <= _minute_of_day(opens):
        return present_code(session)
    if minute <= _minute_of_day(closes):
        return LATE_BEFORE_CLOSE
    return LATE_AFTER_CLOSE


def slot_for_arrival(*, arrival: time, opens: time, closes: time, session: str) -> Slot:
    """The row for an arrival time: its code and, when late, the minutes late."""
    code = arrival_code(arrival=arrival, opens=opens, closes=closes, session=session)
    late = minutes_late(arrival=arrival, opens=opens) if code in LATE_CODES else None
    return Slot(code, late)


def closes_at(*, day: date, closes: time) -> datetime:
    """The moment a register of `day` closes, in England's time."""
    return datetime.combine(day, closes, tzinfo=ENGLAND)


def is_closed(*, moment: datetime, day: date, closes: time) -> bool:
    """Whether the register of `day` closing at `closes` has closed by `moment` (aware)."""
    return moment > closes_at(day=day, closes=closes)


def find_conflicts(
    *,
    baseline: Mapping[int, Slot | None],
    stored: Mapping[int, Slot | None],
    submitted: Mapping[int, Slot],
) -> list[int]:
    """The pupils whose save would silently overwrite someone else's mark.

    A pupil conflicts when their stored mark changed since the form was loaded (stored
    differs from `baseline`) and what is submitted differs from what is stored now. A
    pupil missing from `baseline` counts as loaded unmarked. Returned in `submitted` order.
    """
    return [
        pupil_id
        for pupil_id, mine in submitted.items()
        if stored.get(pupil_id) != baseline.get(pupil_id) and mine != stored.get(pupil_id)
    ]


def group_sort_key(group: str) -> tuple[int, str, str]:
    """Sort registration groups by year group (nursery, reception, 1 … 14), then name.

    Groups not named after a year ("Oak", "Sixth form A") come last, alphabetically.
    """
    match = _YEAR_PREFIX.match(group)
    if match is None:
        return (len(_YEAR_ORDER), group.casefold(), group)
    year = match.group(1).upper()
    return (_YEAR_ORDER.index(year), group[match.end() :].casefold(), group)
