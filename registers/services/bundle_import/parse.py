"""Validating the small bundle files (school, calendar, pupils, guardians) into plain rows.

Everything here is checked against the files alone; checks against the database (a
stored enrolment, a stored pupil) happen in `service`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from registers import rules
from registers.models import CalendarKind, Phase, SendStatus, YearGroup

from .cells import Cells
from .csvfiles import ROW, CsvFile, ErrorLog, FileSpec

FLAG_COLUMNS = ("fsm", "pupil_premium", "eal", "cla", "social_worker", "young_carer")
GUARDIAN_FIELDS = ("email", "phone", "address", "postcode")

SCHOOL = FileSpec("school.csv", ("urn", "name", "phase"))
CALENDAR = FileSpec("calendar.csv", ("start_date", "end_date", "kind"), ("sessions", "label"))
PUPILS = FileSpec(
    "pupils.csv",
    ("upn", "surname", "forename", "date_of_birth", "year_group", "admission_date"),
    ("registration_group", "leaving_date", *FLAG_COLUMNS, "send"),
)
GUARDIANS = FileSpec(
    "guardians.csv",
    ("upn", "name"),
    ("relationship", "parental_responsibility", "lives_with", "email", "phone", "priority")
    + ("address", "postcode"),
)
MARKS = FileSpec("marks.csv", ("upn", "date", "session", "code"), ("minutes_late",))
REQUIRED_FILES = (SCHOOL, CALENDAR, PUPILS)


@dataclass(frozen=True)
class SchoolRow:
    urn: str
    name: str
    phase: str


@dataclass(frozen=True)
class CalendarRow:
    start: date
    end: date
    kind: str
    sessions: str
    label: str

    def as_range(self) -> rules.CalendarRange:
        halves = frozenset({rules.Half[self.sessions]}) if self.sessions else frozenset()
        return rules.CalendarRange(start=self.start, end=self.end, kind=self.kind, halves=halves)


@dataclass(frozen=True)
class PupilRow:
    """One enrolment row of pupils.csv; the pupil's own fields come from its latest row."""

    line: int
    upn: str
    surname: str
    forename: str
    date_of_birth: date
    year_group: str
    registration_group: str
    admission_date: date
    leaving_date: date | None
    flags: dict[str, bool]
    send: str

    def pupil_fields(self) -> dict[str, object]:
        return {
            "surname": self.surname,
            "forename": self.forename,
            "date_of_birth": self.date_of_birth,
            "year_group": self.year_group,
            "send": self.send,
            **self.flags,
        }


@dataclass(frozen=True)
class GuardianRow:
    """A guardian of one pupil; None and "" mean the cell was blank (no value)."""

    line: int
    upn: str
    name: str
    email: str
    phone: str
    address: str
    postcode: str
    relationship: str
    parental_responsibility: bool | None
    lives_with: bool | None
    priority: int | None

    @property
    def person(self) -> tuple[str, str]:
        """Same name and email is the same person (contract §1 guardians.csv)."""
        return self.name, self.email.lower()


@dataclass
class ParsedBundle:
    school: SchoolRow | None = None
    calendar: list[CalendarRow] = field(default_factory=list)
    calendar_ok: bool = True
    pupils: list[PupilRow] = field(default_factory=list)
    # UPNs named by pupils.csv rows that failed: marks for them are not reported again.
    failed_upns: set[str] = field(default_factory=set)
    guardians: list[GuardianRow] = field(default_factory=list)


def parse_small_files(directory: Path, log: ErrorLog) -> ParsedBundle:
    """Check the required files exist, then validate school, calendar, pupils, guardians."""
    parsed = ParsedBundle()
    for spec in REQUIRED_FILES:
        if not (directory / spec.name).is_file():
            log.add(spec.name, 1, "(file)", f"is missing; a bundle must hold {spec.name}")
    if (directory / SCHOOL.name).is_file():
        parsed.school = _parse_school(CsvFile(directory=directory, spec=SCHOOL, log=log))
    if (directory / CALENDAR.name).is_file():
        before = len(log)
        parsed.calendar = _parse_calendar(CsvFile(directory=directory, spec=CALENDAR, log=log))
        parsed.calendar_ok = len(log) == before
    else:
        parsed.calendar_ok = False
    if (directory / PUPILS.name).is_file():
        _parse_pupils(CsvFile(directory=directory, spec=PUPILS, log=log), parsed)
    if (directory / GUARDIANS.name).is_file():
        parsed.guardians = _parse_guardians(CsvFile(directory=directory, spec=GUARDIANS, log=log))
    return parsed


def _parse_school(csv_file: CsvFile) -> SchoolRow | None:
    rows = []
    for line, record in csv_file.records():
        if rows:
            csv_file.log.add(
                SCHOOL.name, line, ROW, "a bundle describes exactly one school; remove this row"
            )
            continue
        cells = Cells(log=csv_file.log, file=SCHOOL.name, line=line, record=record)
        urn = cells.text("urn", max_length=6, required=True)
        if urn and not (urn.isascii() and urn.isdigit() and len(urn) == 6):
            cells.error("urn", f"{urn!r} is not a URN; a URN is 6 digits, e.g. 100001")
        name = cells.text("name", max_length=200, required=True)
        phase = cells.choice("phase", Phase.values)
        rows.append(None if cells.failed else SchoolRow(urn=urn, name=name, phase=phase or ""))
    if not rows and csv_file.usable:
        csv_file.log.add(SCHOOL.name, 2, ROW, "no school row; the file needs exactly one")
    return rows[0] if rows else None


def _parse_calendar(csv_file: CsvFile) -> list[CalendarRow]:
    rows = []
    for line, record in csv_file.records():
        cells = Cells(log=csv_file.log, file=CALENDAR.name, line=line, record=record)
        start = cells.date("start_date", required=True)
        end = cells.date("end_date", required=True)
        kind = cells.choice("kind", CalendarKind.values)
        sessions = cells.choice("sessions", ["AM", "PM"]) if record["sessions"] else ""
        label = cells.text("label", max_length=100)
        if start and end and end < start:
            cells.error("end_date", f"{end} is before start_date {start}; the range is inclusive")
        if kind == CalendarKind.TERM and sessions:
            cells.error(
                "sessions", "applies only to holiday, inset and closure rows; leave it blank"
            )
        if not cells.failed:
            rows.append(CalendarRow(start, end, kind, sessions or "", label))  # type: ignore[arg-type]
    return rows


def _parse_pupils(csv_file: CsvFile, parsed: ParsedBundle) -> None:
    for line, record in csv_file.records():
        cells = Cells(log=csv_file.log, file=PUPILS.name, line=line, record=record)
        row = _pupil_row(cells, line)
        if row is None:
            if record["upn"]:
                parsed.failed_upns.add(record["upn"])
        else:
            parsed.pupils.append(row)
    _check_overlaps(parsed, csv_file.log)


def _pupil_row(cells: Cells, line: int) -> PupilRow | None:
    upn = cells.upn()
    surname = cells.text("surname", max_length=100, required=True)
    forename = cells.text("forename", max_length=100, required=True)
    date_of_birth = cells.date("date_of_birth", required=True)
    year_group = cells.choice("year_group", YearGroup.values)
    registration_group = cells.text("registration_group", max_length=20)
    admission = cells.date("admission_date", required=True)
    leaving = cells.date("leaving_date")
    flags = {column: bool(cells.flag(column)) for column in FLAG_COLUMNS}
    send = cells.choice("send", SendStatus.values, default=SendStatus.NONE)
    if admission and leaving and leaving < admission:
        cells.error("leaving_date", f"{leaving} is before admission_date {admission}")
    if cells.failed:
        return None
    return PupilRow(
        line=line,
        upn=upn,
        surname=surname,
        forename=forename,
        date_of_birth=date_of_birth,  # type: ignore[arg-type]
        year_group=year_group,  # type: ignore[arg-type]
        registration_group=registration_group,
        admission_date=admission,  # type: ignore[arg-type]
        leaving_date=leaving,
        flags=flags,
        send=send,  # type: ignore[arg-type]
    )


def _check_overlaps(parsed: ParsedBundle, log: ErrorLog) -> None:
    """A pupil is on roll at most once at a time: two rows of one UPN must not overlap."""
    by_upn: dict[str, list[PupilRow]] = defaultdict(list)
    for row in parsed.pupils:
        by_upn[row.upn].append(row)
    bad: set[int] = set()
    for rows in by_upn.values():
        rows.sort(key=lambda r: r.admission_date)
        for earlier, later in zip(rows, rows[1:], strict=False):
            if earlier.leaving_date is None or later.admission_date <= earlier.leaving_date:
                first, second = sorted((earlier, later), key=lambda r: r.line)
                log.add(
                    PUPILS.name,
                    second.line,
                    "admission_date",
                    f"this enrolment overlaps the one on line {first.line} for the same pupil; "
                    "a pupil who left and rejoined needs a leaving_date before the new "
                    "admission_date",
                )
                bad.add(second.line)
    if bad:
        parsed.failed_upns.update(r.upn for r in parsed.pupils if r.line in bad)
        parsed.pupils = [r for r in parsed.pupils if r.line not in bad]


def _parse_guardians(csv_file: CsvFile) -> list[GuardianRow]:
    rows: list[GuardianRow] = []
    seen_links: dict[tuple[str, tuple[str, str]], int] = {}
    people: dict[tuple[str, str], GuardianRow] = {}
    for line, record in csv_file.records():
        cells = Cells(log=csv_file.log, file=GUARDIANS.name, line=line, record=record)
        row = _guardian_row(cells, line)
        if row is None:
            continue
        link = (row.upn, row.person)
        if link in seen_links:
            cells.error(
                "name", f"this guardian is already listed for {row.upn} on line {seen_links[link]}"
            )
            continue
        seen_links[link] = line
        if _conflicts(cells, row, people.setdefault(row.person, row)):
            continue
        rows.append(row)
    return rows


def _guardian_row(cells: Cells, line: int) -> GuardianRow | None:
    row = GuardianRow(
        line=line,
        upn=cells.upn(),
        name=cells.text("name", max_length=200, required=True),
        email=cells.email("email"),
        phone=cells.text("phone", max_length=30),
        address="\n".join(
            part.strip() for part in cells.record["address"].split(";") if part.strip()
        ),
        postcode=cells.text("postcode", max_length=10),
        relationship=cells.text("relationship", max_length=50),
        parental_responsibility=cells.flag("parental_responsibility"),
        lives_with=cells.flag("lives_with"),
        priority=cells.positive_int("priority"),
    )
    return None if cells.failed else row


def _conflicts(cells: Cells, row: GuardianRow, first: GuardianRow) -> bool:
    """One person has one phone, address and postcode: rows that disagree are an error."""
    for name in GUARDIAN_FIELDS[1:]:
        mine, theirs = getattr(row, name), getattr(first, name)
        if mine and theirs and mine != theirs:
            cells.error(
                name,
                f"differs from line {first.line} for the same guardian (same name and email); "
                "give one value",
            )
    return cells.failed
