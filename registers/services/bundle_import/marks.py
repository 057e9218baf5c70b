"""Streaming validation of marks.csv (contract §1), handing valid rows to the staging table.

A year of marks for a large school is most of a million rows, so nothing here holds a
row once it is checked: pupils are small integer keys, dates stay ISO strings (which
compare in date order) and duplicate detection is one bit per pupil per session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from registers import rules
from registers.codes import CODES, LATE_CODES
from registers.upn import upn_error

from .csvfiles import ROW, CsvFile, ErrorLog, bad_date_message, parse_iso_date

# (pupil key, ISO date, "AM"/"PM", code, minutes late) as written to the staging table.
StagedMark = tuple[int, str, str, str, int | None]
Writer = Callable[[list[StagedMark]], None]
Progress = Callable[[int], None]
Slot = int | tuple[int, str, int]

_HALVES = {"AM": 0, "PM": 1}
_BATCH = 20_000
_PROGRESS_EVERY = 0x3FFF  # report every 16,384 rows; a mask is cheaper than a modulo
_MAX_MINUTES = 32767  # the column is a small integer
_OPEN_END = "9999-12-31"


@dataclass(frozen=True)
class SessionIndex:
    """The sessions marks may use: ISO date -> (day number, halves mask: 1 AM, 2 PM).

    `checked` is False when calendar.csv had errors: a missing session is then not
    reported, since the calendar's own errors explain it.
    """

    days: dict[str, tuple[int, int]]
    checked: bool

    @classmethod
    def from_sessions(cls, sessions: list[rules.Session], *, checked: bool) -> SessionIndex:
        masks: dict[str, int] = {}
        for day, half in sessions:
            iso = day.isoformat()
            masks[iso] = masks.get(iso, 0) | (1 << half)
        days = {iso: (n, mask) for n, (iso, mask) in enumerate(sorted(masks.items()))}
        return cls(days=days, checked=checked)


@dataclass
class Roll:
    """Who may have marks: UPN -> key, and each key's spells on roll as ISO (first, last)."""

    keys: dict[str, int] = field(default_factory=dict)
    spells: list[list[tuple[str, str]]] = field(default_factory=list)
    # UPNs whose pupils.csv row failed: their marks are not reported a second time.
    suppressed: set[str] = field(default_factory=set)

    def key(self, upn: str) -> int:
        if upn not in self.keys:
            self.keys[upn] = len(self.spells)
            self.spells.append([])
        return self.keys[upn]

    def add_spell(self, upn: str, first: str, last: str | None) -> None:
        self.spells[self.key(upn)].append((first, last or _OPEN_END))


class MarkValidator:
    """Checks marks.csv row by row; stages rows until the first error anywhere.

    Staging stops at the first error (nothing will be written) but checking goes on, so
    every error in the file is reported.
    """

    def __init__(self, *, csv_file: CsvFile, roll: Roll, sessions: SessionIndex) -> None:
        self.csv_file = csv_file
        self.roll = roll
        self.sessions = sessions
        self.staging = len(csv_file.log) == 0
        self.rows = 0
        self._seen = bytearray((len(roll.spells) * len(sessions.days) * 2 + 7) // 8)
        self._seen_elsewhere: set[tuple[int, str, int]] = set()
        self._repeats: list[tuple[int, Slot]] = []
        self.failures = 0
        self._upn_errors: dict[str, str | None] = {}

    def run(self, *, write: Writer, progress: Progress | None = None) -> int:
        """Check every row, passing valid ones to `write` in batches; return the row count.

        1. Check each cell; then on roll on that date; then the session is not a repeat.
        2. After the pass, name the first line of each repeated session (a second read,
           only when there are repeats).
        """
        batch: list[StagedMark] = []
        columns: tuple[int, int, int, int, int | None] | None = None
        for line, cells in self.csv_file.rows():
            if columns is None:  # the header has been read once the first row arrives
                columns = self._columns()
            i_upn, i_date, i_session, i_code, i_minutes = columns
            self.rows += 1
            if progress is not None and not self.rows & _PROGRESS_EVERY:
                progress(self.rows)
            minutes = cells[i_minutes].strip() if i_minutes is not None else ""
            staged = self._check(
                line,
                cells[i_upn].strip(),
                cells[i_date].strip(),
                cells[i_session].strip(),
                cells[i_code].strip(),
                minutes,
            )
            if staged is not None and self.staging:
                batch.append(staged)
                if len(batch) >= _BATCH:
                    write(batch)
                    batch = []
        if batch and self.staging:
            write(batch)
        if self._repeats:
            self._report_repeats()
        return self.rows

    def _columns(self) -> tuple[int, int, int, int, int | None]:
        index = self.csv_file.index
        return (
            index["upn"],
            index["date"],
            index["session"],
            index["code"],
            index.get("minutes_late"),
        )

    def _check(
        self, line: int, upn: str, iso: str, session: str, code: str, minutes: str
    ) -> StagedMark | None:
        before = self.failures
        key = self.roll.keys.get(upn)
        if key is None:
            self._unknown_upn(line, upn)
        half = _HALVES.get(session)
        if half is None:
            self._error(line, "session", f"is {session!r}; expected AM or PM")
        day = self.sessions.days.get(iso)
        if day is None or (half is not None and not day[1] >> half & 1):
            self._no_session(line, iso, session, day)
        if code not in CODES:
            self._bad_code(line, code)
        late = self._minutes(line, minutes, code) if minutes else None
        if key is not None and day is not None and not self._on_roll(key, iso):
            self._not_on_roll(line, upn, iso, key)
        if key is not None and half is not None:
            self._check_repeat(line, key, iso, day, half)
        if self.failures != before:
            return None
        return key, iso, session, code, late  # type: ignore[return-value]

    def _on_roll(self, key: int, iso: str) -> bool:
        return any(first <= iso <= last for first, last in self.roll.spells[key])

    def _check_repeat(
        self, line: int, key: int, iso: str, day: tuple[int, int] | None, half: int
    ) -> None:
        slot = self._slot(key, iso, day, half)
        if isinstance(slot, tuple):
            if slot in self._seen_elsewhere:
                self._repeat(line, slot)
            elif parse_iso_date(iso) is not None:
                self._seen_elsewhere.add(slot)
            return
        byte, mask = slot >> 3, 1 << (slot & 7)
        if self._seen[byte] & mask:
            self._repeat(line, slot)
        self._seen[byte] |= mask

    def _slot(self, key: int, iso: str, day: tuple[int, int] | None, half: int) -> Slot:
        """The bit of (pupil, session), or a tuple for a date outside the calendar."""
        if day is None:
            return key, iso, half
        return (key * len(self.sessions.days) + day[0]) * 2 + half

    def _repeat(self, line: int, slot: Slot) -> None:
        self._repeats.append((line, slot))
        self._fail()

    def _fail(self) -> None:
        self.staging = False
        self.failures += 1

    def _error(self, line: int, column: str, message: str) -> None:
        self._fail()
        self.csv_file.log.add(self.csv_file.spec.name, line, column, message)

    def _unknown_upn(self, line: int, upn: str) -> None:
        if upn not in self._upn_errors:
            self._upn_errors[upn] = self._upn_message(upn)
        message = self._upn_errors[upn]
        if message is None:
            self._fail()
        else:
            self._error(line, "upn", message)

    def _upn_message(self, upn: str) -> str | None:
        """Why a UPN cannot take marks; None when pupils.csv already reported it."""
        if not upn:
            return "is required; the cell is blank"
        if upn in self.roll.suppressed:
            return None
        if problem := upn_error(upn):
            return f"{upn!r} is not a valid UPN: {problem}"
        return (
            f"{upn} is not in pupils.csv and has never been on roll at this school; "
            "add the pupil to pupils.csv"
        )

    def _no_session(self, line: int, iso: str, session: str, day: tuple[int, int] | None) -> None:
        parsed = parse_iso_date(iso)
        if parsed is None:
            self._error(line, "date", bad_date_message(iso))
        elif not self.sessions.checked:
            self._fail()
        elif day is None:
            self._error(
                line,
                "date",
                f"{iso} ({parsed:%A}) is not a school day in the calendar; a mark needs a "
                "session of the school calendar",
            )
        elif session in _HALVES:
            self._error(line, "session", f"the calendar has no {session} session on {iso}")

    def _bad_code(self, line: int, code: str) -> None:
        if not code:
            self._error(line, "code", "is required; the cell is blank")
            return
        hint = (
            f" (did you mean {code.upper()!r}? codes are case-sensitive)"
            if code.upper() in CODES
            else ""
        )
        self._error(
            line,
            "code",
            f"{code!r} is not a 2024 attendance code{hint}; expected one of {' '.join(CODES)}",
        )

    def _minutes(self, line: int, minutes: str, code: str) -> int | None:
        if code not in LATE_CODES:
            self._error(
                line, "minutes_late", f"is set but the code is {code!r}; only L and U take minutes"
            )
            return None
        if not (minutes.isascii() and minutes.isdigit()) or int(minutes) > _MAX_MINUTES:
            self._error(
                line,
                "minutes_late",
                f"is {minutes!r}; expected a whole number of minutes, 0 or more",
            )
            return None
        return int(minutes)

    def _not_on_roll(self, line: int, upn: str, iso: str, key: int) -> None:
        spells = self.roll.spells[key]
        shown = "; ".join(
            f"{first} to {'now' if last == _OPEN_END else last}" for first, last in sorted(spells)
        )
        self._error(
            line,
            "date",
            f"{upn} is not on roll on {iso} (on roll {shown or 'never'}); "
            "marks can only be recorded while a pupil is on roll",
        )

    def _report_repeats(self) -> None:
        """Name, for each repeated session, the line that first recorded it."""
        wanted = {slot for _line, slot in self._repeats}
        first_line: dict[Slot, int] = {}
        again = CsvFile(
            directory=self.csv_file.path.parent, spec=self.csv_file.spec, log=ErrorLog()
        )
        index = self.csv_file.index
        for line, cells in again.rows():
            slot = self._slot_of(cells, index)
            if slot in wanted and slot not in first_line:
                first_line[slot] = line
        for line, slot in self._repeats:
            self.csv_file.log.add(
                self.csv_file.spec.name,
                line,
                ROW,
                f"repeats the mark on line {first_line[slot]} (same upn, date and session); "
                "a pupil has one mark per session",
            )

    def _slot_of(self, cells: list[str], index: dict[str, int]) -> Slot | None:
        key = self.roll.keys.get(cells[index["upn"]].strip())
        iso = cells[index["date"]].strip()
        half = _HALVES.get(cells[index["session"]].strip())
        if key is None or half is None:
            return None
        return self._slot(key, iso, self.sessions.days.get(iso), half)
