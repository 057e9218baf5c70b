"""What the database already holds for a bundle, and the checks that need it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F

from registers import rules
from registers.models import CalendarEntry, Enrolment, Pupil, School

from .csvfiles import ErrorLog
from .marks import Roll, SessionIndex
from .parse import GUARDIANS, PUPILS, CalendarRow, ParsedBundle, PupilRow

_CHUNK = 5000  # below every database's limit on query parameters


@dataclass
class Stored:
    school: School | None = None
    calendar: list[CalendarEntry] = field(default_factory=list)
    pupils: dict[str, Pupil] = field(default_factory=dict)  # by UPN
    # The school's enrolments, each annotated with its pupil's `upn`.
    enrolments: list[Enrolment] = field(default_factory=list)

    def enrolments_by_upn(self) -> dict[str, list[Enrolment]]:
        found: dict[str, list[Enrolment]] = defaultdict(list)
        for enrolment in self.enrolments:
            found[enrolment.upn].append(enrolment)  # type: ignore[attr-defined]
        return found


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def load_stored(parsed: ParsedBundle) -> Stored:
    """The stored school (by URN), its calendar, the bundle's pupils and its enrolments."""
    stored = Stored()
    if parsed.school is not None:
        stored.school = School.objects.filter(urn=parsed.school.urn).first()
    if stored.school is not None:
        stored.calendar = list(CalendarEntry.objects.filter(school=stored.school))
        stored.enrolments = list(
            Enrolment.objects.filter(school=stored.school).annotate(
                upn=F("pupil__upn"), deleted_on=F("register_deletion__deletion_date")
            )
        )
    upns = sorted({row.upn for row in parsed.pupils})
    for chunk in _chunks(upns):
        stored.pupils.update((p.upn, p) for p in Pupil.objects.filter(upn__in=chunk))
    return stored


def calendar_span(rows: Iterable[CalendarRow]) -> tuple[date, date] | None:
    rows = list(rows)
    if not rows:
        return None
    return min(r.start for r in rows), max(r.end for r in rows)


def replaced_entries(parsed: ParsedBundle, stored: Stored) -> list[CalendarEntry]:
    """Stored entries lying within the bundle calendar's span: the bundle replaces them."""
    span = calendar_span(parsed.calendar)
    if span is None:
        return []
    return [e for e in stored.calendar if span[0] <= e.start_date and e.end_date <= span[1]]


def merged_sessions(parsed: ParsedBundle, stored: Stored) -> SessionIndex:
    """The sessions of the calendar as it will be: kept stored entries plus the bundle's."""
    replaced = {e.pk for e in replaced_entries(parsed, stored)}
    kept = [
        rules.CalendarRange(
            start=e.start_date,
            end=e.end_date,
            kind=e.kind,
            halves=frozenset({rules.Half[e.sessions]}) if e.sessions else frozenset(),
        )
        for e in stored.calendar
        if e.pk not in replaced
    ]
    ranges = kept + [row.as_range() for row in parsed.calendar]
    return SessionIndex.from_sessions(rules.calendar_sessions(ranges), checked=parsed.calendar_ok)


def build_roll(parsed: ParsedBundle, stored: Stored, log: ErrorLog) -> Roll:
    """Every pupil who may have marks, with their spells on roll at this school.

    A bundle row and a stored enrolment with the same admission date are one enrolment
    (the row wins); a stored enrolment overlapping a different bundle row is an error,
    since the pupil would be on roll twice.
    """
    roll = Roll(suppressed=set(parsed.failed_upns))
    bundle_rows: dict[str, list[PupilRow]] = defaultdict(list)
    for row in parsed.pupils:
        bundle_rows[row.upn].append(row)
        roll.add_spell(row.upn, row.admission_date.isoformat(), _iso(row.leaving_date))
    for upn, enrolments in stored.enrolments_by_upn().items():
        starts = {row.admission_date: row for row in bundle_rows.get(upn, ())}
        for enrolment in enrolments:
            if enrolment.admission_date in starts:
                _check_deleted_name(enrolment, starts[enrolment.admission_date], log)
                continue
            _check_stored_overlap(enrolment, bundle_rows.get(upn, ()), log)
            roll.add_spell(upn, enrolment.admission_date.isoformat(), _iso(enrolment.leaving_date))
    return roll


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _check_deleted_name(enrolment: Enrolment, row: PupilRow, log: ErrorLog) -> None:
    """A name deleted from the register on a regulation 9 ground (rules §5.3) keeps the
    leaving date its deletion set: an import may neither put the pupil back on roll nor
    move the date."""
    deleted_on = enrolment.deleted_on  # type: ignore[attr-defined]
    if deleted_on is not None and row.leaving_date != enrolment.leaving_date:
        log.add(
            PUPILS.name,
            row.line,
            "leaving_date",
            f"this pupil's name was deleted from the admission register on {deleted_on}, "
            f"so their leaving_date stays {enrolment.leaving_date}; a deletion is final (a "
            "pupil who returns is admitted again with a new admission_date)",
        )


def _check_stored_overlap(enrolment: Enrolment, rows: Iterable[PupilRow], log: ErrorLog) -> None:
    end = enrolment.leaving_date or date.max
    for row in rows:
        if row.admission_date <= end and enrolment.admission_date <= (row.leaving_date or date.max):
            shown = enrolment.leaving_date or "now"
            log.add(
                PUPILS.name,
                row.line,
                "admission_date",
                f"overlaps the enrolment already stored for this pupil at this school "
                f"({enrolment.admission_date} to {shown}); use the stored admission_date to "
                "update that enrolment, or end it before this one starts",
            )


def check_guardian_pupils(parsed: ParsedBundle, roll: Roll, log: ErrorLog) -> None:
    """A guardian's pupil must be in pupils.csv or on this school's roll already."""
    kept = []
    for row in parsed.guardians:
        if row.upn in roll.keys:
            kept.append(row)
        elif row.upn not in roll.suppressed:
            log.add(
                GUARDIANS.name,
                row.line,
                "upn",
                f"{row.upn} is not in pupils.csv and has never been on roll at this school",
            )
    parsed.guardians = kept
