"""Reads of marks for the correction, week-grid and bulk-entry screens.

Every function here runs a fixed number of queries, whatever the number of pupils.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from registers import rules
from registers.codes import CODES, CodeDef
from registers.models import Enrolment, Mark, MarkSource, Pupil, School, SchoolSession, SchoolWeek
from registers.upn import upn_error

# A page of the week grid; a 2,000-pupil school is shown 100 rows at a time.
GRID_PAGE_SIZE = 100
_WEEKDAYS = 5
_SESSIONS = ("AM", "PM")

Spell = tuple[dt.date, dt.date | None]


def _on_roll(spells: list[Spell], day: dt.date) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in spells)


def _source_label(source: str) -> str:
    return str(MarkSource(source).label) if source in MarkSource.values else source


# --- One pupil ---------------------------------------------------------------------------


def school_pupil(*, school: School, upn: str) -> Pupil | None:
    """The pupil with this UPN if they have ever been on roll at `school`, else None."""
    return Pupil.objects.filter(upn=upn.upper(), enrolments__school=school).distinct().first()


def pupils_at(school: School) -> QuerySet[Pupil]:
    """Pupils ever on roll at the school: the scope of every page and export about one."""
    return Pupil.objects.filter(enrolments__school=school).distinct()


def school_pupil_by_id(*, school: School, pupil_id: int) -> Pupil | None:
    """The pupil with this id if they have ever been on roll at `school`, else None."""
    return pupils_at(school).filter(pk=pupil_id).first()


def roll_spells(*, school: School, pupil: Pupil) -> list[Enrolment]:
    return list(Enrolment.objects.for_school(school).filter(pupil=pupil).order_by("admission_date"))


def session_is_held(*, school: School, day: dt.date, session: str) -> bool:
    return SchoolSession.objects.filter(school=school, date=day, session=session).exists()


def registration_groups(school: School) -> list[str]:
    """Every registration group the school has used, for filter and bulk-entry choices."""
    groups = (
        Enrolment.objects.for_school(school)
        .exclude(registration_group="")
        .values_list("registration_group", flat=True)
        .distinct()
    )
    return sorted(set(groups))


# --- A mark's history --------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the amendment history; `previous` is None for the original entry."""

    label: str
    previous: CodeDef | None
    previous_minutes_late: int | None
    code: CodeDef
    minutes_late: int | None
    at: dt.datetime
    by_name: str
    by_position: str
    reason: str
    source: str


@dataclass(frozen=True)
class MarkHistory:
    mark: Mark | None
    entries: list[HistoryEntry]

    @property
    def current(self) -> CodeDef | None:
        return CODES[self.mark.code_id] if self.mark else None


def mark_history(*, school: School, pupil: Pupil, day: dt.date, session: str) -> MarkHistory:
    """The mark for one session with its original entry and every amendment, oldest first.

    The original entry is the current mark when it was never amended; otherwise it is the
    first amendment's "previous" side, which keeps who recorded it.
    """
    mark = (
        Mark.objects.filter(school=school, pupil=pupil, date=day, session=session)
        .select_related("recorded_by")
        .first()
    )
    if mark is None:
        return MarkHistory(mark=None, entries=[])
    changes = list(mark.changes.order_by("changed_at", "id"))
    if changes:
        first = changes[0]
        original = HistoryEntry(
            label="Original entry",
            previous=None,
            previous_minutes_late=None,
            code=CODES[first.previous_code_id],
            minutes_late=first.previous_minutes_late,
            at=first.previous_recorded_at,
            by_name=first.previous_recorded_by_name,
            by_position=first.previous_recorded_by_position,
            reason="",
            source=_source_label(first.previous_source),
        )
    else:
        recorder = mark.recorded_by
        original = HistoryEntry(
            label="Original entry",
            previous=None,
            previous_minutes_late=None,
            code=CODES[mark.code_id],
            minutes_late=mark.minutes_late,
            at=mark.recorded_at,
            by_name=str(recorder) if recorder else "",
            by_position=recorder.position if recorder else "",
            reason="",
            source=_source_label(mark.source),
        )
    amendments = [
        HistoryEntry(
            label=f"Amendment {n}",
            previous=CODES[c.previous_code_id],
            previous_minutes_late=c.previous_minutes_late,
            code=CODES[c.new_code_id],
            minutes_late=c.new_minutes_late,
            at=c.changed_at,
            by_name=c.changed_by_name,
            by_position=c.changed_by_position,
            reason=c.reason,
            source=_source_label(c.source),
        )
        for n, c in enumerate(changes, start=1)
    ]
    return MarkHistory(mark=mark, entries=[original, *amendments])


# --- The week grid -----------------------------------------------------------------------


class CellState(StrEnum):
    MARK = "mark"
    EMPTY = "empty"  # a session the pupil should have a mark for, and has none
    OFF_ROLL = "off_roll"
    CLOSED = "closed"  # the school does not meet


@dataclass(frozen=True)
class GridColumn:
    day: dt.date
    session: str
    held: bool


@dataclass(frozen=True)
class GridCell:
    day: dt.date
    session: str
    state: CellState
    code: CodeDef | None = None
    minutes_late: int | None = None


@dataclass(frozen=True)
class GridRow:
    pupil_id: int
    upn: str
    forename: str
    surname: str
    year_group: str
    registration_group: str
    cells: list[GridCell]


@dataclass(frozen=True)
class WeekGrid:
    monday: dt.date
    school_week: int | None
    columns: list[GridColumn]
    rows: list[GridRow]
    page: Page

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=n) for n in range(_WEEKDAYS)]

    @property
    def friday(self) -> dt.date:
        return self.monday + dt.timedelta(days=_WEEKDAYS - 1)

    @property
    def total(self) -> int:
        return self.page.paginator.count


def _search(q: str) -> Q:
    """Each word must match a forename, surname or the start of a UPN."""
    if not upn_error(q.upper()):
        return Q(pupil__upn=q.upper())
    query = Q()
    for word in q.split():
        query &= (
            Q(pupil__forename__icontains=word)
            | Q(pupil__surname__icontains=word)
            | Q(pupil__upn__istartswith=word)
        )
    return query


@dataclass
class _Pupil:
    row: dict[str, object]
    spells: list[Spell]


def _week_pupils(
    *, school: School, monday: dt.date, year_group: str, registration_group: str, search: str
) -> list[_Pupil]:
    """Pupils on roll some day of the week, sorted by name, with their roll spells (1 query)."""
    enrolments = Enrolment.objects.for_school(school).overlapping(
        monday, monday + dt.timedelta(days=_WEEKDAYS - 1)
    )
    if year_group:
        enrolments = enrolments.filter(pupil__year_group=year_group)
    if registration_group:
        enrolments = enrolments.filter(registration_group=registration_group)
    if search.strip():
        enrolments = enrolments.filter(_search(search.strip()))
    pupils: dict[int, _Pupil] = {}
    for e in enrolments.order_by(
        "pupil__surname", "pupil__forename", "pupil_id", "admission_date"
    ).values(
        "pupil_id",
        "admission_date",
        "leaving_date",
        "registration_group",
        "pupil__upn",
        "pupil__forename",
        "pupil__surname",
        "pupil__year_group",
    ):
        entry = pupils.setdefault(e["pupil_id"], _Pupil(row=e, spells=[]))
        entry.row = e  # the latest spell's registration group is the one shown
        entry.spells.append((e["admission_date"], e["leaving_date"]))
    return list(pupils.values())


def _cell(
    *, column: GridColumn, spells: list[Spell], mark: tuple[str, int | None] | None
) -> GridCell:
    if mark is not None:  # shown even if the calendar changed after it was recorded
        code, minutes = mark
        return GridCell(column.day, column.session, CellState.MARK, CODES[code], minutes)
    if not column.held:
        return GridCell(column.day, column.session, CellState.CLOSED)
    if not _on_roll(spells, column.day):
        return GridCell(column.day, column.session, CellState.OFF_ROLL)
    return GridCell(column.day, column.session, CellState.EMPTY)


def week_grid(
    *,
    school: School,
    day: dt.date,
    year_group: str = "",
    registration_group: str = "",
    search: str = "",
    page: int = 1,
    per_page: int = GRID_PAGE_SIZE,
) -> WeekGrid:
    """Pupils × sessions (Mon AM … Fri PM) of the week containing `day`, one page of rows.

    1. Fetch the week's held sessions and its school-week number.
    2. Fetch the matching pupils on roll some day of the week, with their spells.
    3. Paginate by pupil, then fetch the marks of that page's pupils for the week.
    Four queries whatever the number of pupils.
    """
    monday = rules.week_monday(day)
    friday = monday + dt.timedelta(days=_WEEKDAYS - 1)
    held = set(
        SchoolSession.objects.filter(school=school, date__range=(monday, friday)).values_list(
            "date", "session"
        )
    )
    number = (
        SchoolWeek.objects.filter(school=school, monday=monday)
        .values_list("number", flat=True)
        .first()
    )
    columns = [
        GridColumn(d, s, (d, s) in held)
        for d in (monday + dt.timedelta(days=n) for n in range(_WEEKDAYS))
        for s in _SESSIONS
    ]
    pupils = _week_pupils(
        school=school,
        monday=monday,
        year_group=year_group,
        registration_group=registration_group,
        search=search,
    )
    page_obj = Paginator(pupils, per_page).get_page(page)
    shown: list[_Pupil] = list(page_obj.object_list)
    marks: dict[tuple[int, dt.date, str], tuple[str, int | None]] = {}
    if shown:
        for pupil_id, date, session, code, minutes in (
            Mark.objects.for_school(school)
            .between(monday, friday)
            .filter(pupil_id__in=[p.row["pupil_id"] for p in shown])
            .values_list("pupil_id", "date", "session", "code_id", "minutes_late")
        ):
            marks[(pupil_id, date, session)] = (code, minutes)
    rows = [
        GridRow(
            pupil_id=p.row["pupil_id"],
            upn=p.row["pupil__upn"],
            forename=p.row["pupil__forename"],
            surname=p.row["pupil__surname"],
            year_group=p.row["pupil__year_group"],
            registration_group=p.row["registration_group"],
            cells=[
                _cell(
                    column=c,
                    spells=p.spells,
                    mark=marks.get((p.row["pupil_id"], c.day, c.session)),
                )
                for c in columns
            ],
        )
        for p in shown
    ]
    return WeekGrid(monday=monday, school_week=number, columns=columns, rows=rows, page=page_obj)
