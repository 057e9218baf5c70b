"""Reads for the register screens: a day's registers, and one register to take.

Each read is a constant number of queries whatever the size of the group or school, so
the screens cost the same for a class of 5 and a class of 30 (tests pin the counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Q

from registers.codes import CODES
from registers.models import (
    Enrolment,
    Mark,
    MarkSource,
    Membership,
    RegisterTaking,
    School,
    SchoolSession,
    User,
)
from registers.register_rules import Slot, group_sort_key, is_closed


def register_times(school: School, session: str) -> tuple[dt.time, dt.time]:
    """When the school's register of `session` opens and closes."""
    if session == "AM":
        return school.am_opens, school.am_closes
    return school.pm_opens, school.pm_closes


def person_name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or username or ""


# --- One register --------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredMark:
    code: str
    minutes_late: int | None
    source: str
    recorded_by: str
    recorded_at: dt.datetime

    @property
    def slot(self) -> Slot:
        return Slot(self.code, self.minutes_late)

    @property
    def meaning(self) -> str:
        return CODES[self.code].meaning

    @property
    def pre_entered(self) -> bool:
        """Entered before the register by someone else: leave, a parent's report, a closure."""
        return self.source != MarkSource.REGISTER

    @property
    def source_label(self) -> str:
        return MarkSource(self.source).label


@dataclass(frozen=True)
class RegisterPupil:
    pupil_id: int
    name: str
    current: StoredMark | None
    previous: StoredMark | None


@dataclass(frozen=True)
class RegisterSheet:
    """One group's register for one session, as stored now."""

    school: School
    group: str
    day: dt.date
    session: str
    previous_session: tuple[dt.date, str] | None
    pupils: list[RegisterPupil]
    taking: RegisterTaking | None

    @property
    def opens(self) -> dt.time:
        return register_times(self.school, self.session)[0]

    @property
    def closes(self) -> dt.time:
        return register_times(self.school, self.session)[1]

    @property
    def baseline(self) -> dict[int, Slot | None]:
        return {p.pupil_id: p.current.slot if p.current else None for p in self.pupils}


def _held_sessions(school: School, day: dt.date, session: str) -> list[tuple[dt.date, str]]:
    """This session if the school meets for it, preceded by the school session before it."""
    return list(
        SchoolSession.objects.filter(school=school)
        .filter(Q(date__lt=day) | Q(date=day, session__lte=session))
        .order_by("-date", "-session")
        .values_list("date", "session")[:2]
    )


def group_roll(school: School, group: str, day: dt.date) -> list[tuple[int, str]]:
    """`(pupil_id, name)` of the pupils of `group` on roll on `day`, by surname."""
    rows = (
        Enrolment.objects.for_school(school)
        .on_roll(day)
        .filter(registration_group=group)
        .order_by("pupil__surname", "pupil__forename", "pupil_id")
        .values_list("pupil_id", "pupil__forename", "pupil__surname")
    )
    seen: dict[int, str] = {}
    for pupil_id, forename, surname in rows:
        seen.setdefault(pupil_id, f"{forename} {surname}")
    return list(seen.items())


def _marks_of(
    school: School, pupil_ids: list[int], sessions: list[tuple[dt.date, str]]
) -> dict[tuple[int, dt.date, str], StoredMark]:
    where = Q()
    for day, session in sessions:
        where |= Q(date=day, session=session)
    rows = Mark.objects.filter(where, school=school, pupil_id__in=pupil_ids).values_list(
        "pupil_id",
        "date",
        "session",
        "code_id",
        "minutes_late",
        "source",
        "recorded_at",
        "recorded_by__first_name",
        "recorded_by__last_name",
        "recorded_by__username",
    )
    return {
        (pupil_id, day, session): StoredMark(code, late, source, person_name(*who), at)
        for pupil_id, day, session, code, late, source, at, *who in rows
    }


def register_sheet(
    *, school: School, group: str, day: dt.date, session: str
) -> RegisterSheet | None:
    """The register of `group` for `session` on `day`, or None if there is none to take.

    There is none when the school does not meet for that session or no pupil of the group
    is on roll that day. Four queries: the sessions, the roll, the marks of this session
    and the previous school session, and the register's taking row.
    """
    held = _held_sessions(school, day, session)
    if not held or held[0] != (day, session):
        return None
    roll = group_roll(school, group, day)
    if not roll:
        return None
    previous = held[1] if len(held) > 1 else None
    marks = _marks_of(school, [pid for pid, _ in roll], held)
    pupils = [
        RegisterPupil(
            pupil_id=pid,
            name=name,
            current=marks.get((pid, day, session)),
            previous=marks.get((pid, *previous)) if previous else None,
        )
        for pid, name in roll
    ]
    taking = (
        RegisterTaking.objects.filter(
            school=school, registration_group=group, date=day, session=session
        )
        .select_related("taken_by", "last_saved_by")
        .first()
    )
    return RegisterSheet(school, group, day, session, previous, pupils, taking)


# --- A day's registers -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterStatus:
    """The state of one group's register for one session."""

    group: str
    day: dt.date
    session: str
    closes: dt.time
    taking: RegisterTaking | None
    unexplained: int  # pupils marked N
    closed: bool

    @property
    def state(self) -> str:
        if self.taking is None:
            return "not_taken"
        return "taken_late" if self.taking.taken_late else "taken"

    @property
    def overdue(self) -> bool:
        """Closed and still not taken: the banner names these."""
        return self.closed and self.taking is None


@dataclass(frozen=True)
class GroupRow:
    group: str
    pupils: int
    own: bool
    registers: list[RegisterStatus]


@dataclass(frozen=True)
class RegistersDay:
    school: School
    day: dt.date
    sessions: list[str]
    rows: list[GroupRow]
    previous_day: dt.date | None
    next_day: dt.date | None
    own_groups: list[str] = field(default_factory=list)

    @property
    def is_school_day(self) -> bool:
        return bool(self.sessions)

    @cached_property
    def own_rows(self) -> list[GroupRow]:
        return [r for r in self.rows if r.own]

    @cached_property
    def other_rows(self) -> list[GroupRow]:
        return [r for r in self.rows if not r.own]

    @cached_property
    def overdue(self) -> list[RegisterStatus]:
        return [s for r in self.rows for s in r.registers if s.overdue]


def own_groups(user: User, school: School) -> list[str]:
    """The registration groups a member of staff names as their own at `school`."""
    values = Membership.objects.filter(user=user, school=school).values_list(
        "registration_groups", flat=True
    )
    return [g.strip() for value in values for g in value.split(",") if g.strip()]


def _group_sizes(school: School, day: dt.date) -> dict[str, int]:
    rows = (
        Enrolment.objects.for_school(school)
        .on_roll(day)
        .exclude(registration_group="")
        .values("registration_group")
        .annotate(pupils=Count("pupil_id", distinct=True))
        .values_list("registration_group", "pupils")
    )
    return dict(rows)


def _unexplained(school: School, day: dt.date) -> dict[tuple[str, str], int]:
    """Pupils marked N on `day`, per (group, session), by the group they are on roll in."""
    on_roll = Q(pupil__enrolments__leaving_date__isnull=True) | Q(
        pupil__enrolments__leaving_date__gte=day
    )
    rows = (
        Mark.objects.filter(
            on_roll,
            school=school,
            date=day,
            code_id="N",
            pupil__enrolments__school=school,
            pupil__enrolments__admission_date__lte=day,
        )
        .values("pupil__enrolments__registration_group", "session")
        .annotate(n=Count("pupil_id", distinct=True))
        .values_list("pupil__enrolments__registration_group", "session", "n")
    )
    return {(group, session): n for group, session, n in rows}


def _neighbour_day(school: School, day: dt.date, *, later: bool) -> dt.date | None:
    sessions = SchoolSession.objects.filter(school=school)
    if later:
        sessions = sessions.filter(date__gt=day).order_by("date")
    else:
        sessions = sessions.filter(date__lt=day).order_by("-date")
    return sessions.values_list("date", flat=True).first()


def registers_day(*, school: School, day: dt.date, user: User, now: dt.datetime) -> RegistersDay:
    """Every group's registers on `day`: state, who took them, pupils marked N.

    The user's own groups (their membership's registration groups) are flagged so the
    screen lists them first. Seven queries whatever the number of groups.
    """
    sessions = list(
        SchoolSession.objects.filter(school=school, date=day)
        .order_by("session")
        .values_list("session", flat=True)
    )
    mine = own_groups(user, school)
    rows: list[GroupRow] = []
    if sessions:
        sizes = _group_sizes(school, day)
        takings = {
            (t.registration_group, t.session): t
            for t in RegisterTaking.objects.filter(school=school, date=day).select_related(
                "taken_by"
            )
        }
        unexplained = _unexplained(school, day)
        closes = {s: register_times(school, s)[1] for s in sessions}
        closed = {s: is_closed(moment=now, day=day, closes=closes[s]) for s in sessions}
        rows = [
            GroupRow(
                group=group,
                pupils=sizes[group],
                own=group in mine,
                registers=[
                    RegisterStatus(
                        group=group,
                        day=day,
                        session=s,
                        closes=closes[s],
                        taking=takings.get((group, s)),
                        unexplained=unexplained.get((group, s), 0),
                        closed=closed[s],
                    )
                    for s in sessions
                ],
            )
            for group in sorted(sizes, key=group_sort_key)
        ]
    return RegistersDay(
        school=school,
        day=day,
        sessions=sessions,
        rows=rows,
        previous_day=_neighbour_day(school, day, later=False),
        next_day=_neighbour_day(school, day, later=True),
        own_groups=mine,
    )
