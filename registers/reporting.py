"""The attendance report (data-exchange contract §2): per-pupil figures, year to date.

A selector: it reads with a handful of set-based queries (never one per pupil) and
leaves every rule to `registers.rules`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from registers import rules
from registers.codes import THRESHOLD_CODES
from registers.models import Enrolment, Mark, School, SchoolSession

Spell = tuple[date, date]
_GROUPING_MEMORY = "64MB"


@dataclass(frozen=True)
class _Pupil:
    upn: str
    spells: list[Spell]  # merged, clipped to [1 September, as_of]
    on_roll_sessions: int


def attendance_report(*, school: School, as_of: date) -> dict[str, Any]:
    """The report of contract §2 for `school` from 1 September up to and including as_of.

    1. Take the school's sessions of the year to date and each pupil's spells on roll
       (merged per pupil); pupils on roll for at least one session are listed, and the
       sessions on roll are counted by bisecting the sorted session dates.
    2. Count marks per pupil per code in one GROUP BY, keeping only marks on a calendar
       session on which the pupil is on roll; unmarked = on-roll sessions - those marks.
    3. Fetch the qualifying (G N O U) marks the threshold windows can reach, at this
       school and, for a pupil who moved inside the trust, at their other schools too,
       whose school weeks then join this school's (rules §0.10).
    4. Turn each pupil's figures into the contract's fields with `registers.rules`.
    """
    year_start, _year_end, label = rules.academic_year(as_of)
    with transaction.atomic():
        _allow_memory_for_grouping()
        pupils = _pupils_on_roll(school, year_start, as_of)
        counts = _code_counts(school, year_start, as_of)
        thresholds = _thresholds(school, pupils, year_start, as_of)
    return {
        "school": school.urn,
        "as_of": as_of.isoformat(),
        "academic_year": label,
        "pupils": [
            _pupil_figures(pupil, counts.get(pupil_id, {}), thresholds[pupil_id])
            for pupil_id, pupil in sorted(pupils.items(), key=lambda item: item[1].upn)
        ],
    }


def _allow_memory_for_grouping() -> None:
    """Let PostgreSQL group a large school's year in memory, for this transaction only.

    A 20,000-pupil year is ~200,000 (pupil, code) groups: with the default 4MB of
    work_mem they are sorted on disk, about a second slower than hashing them.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{_GROUPING_MEMORY}'")


def _pupils_on_roll(school: School, start: date, end: date) -> dict[int, _Pupil]:
    session_dates = list(
        SchoolSession.objects.filter(school=school, date__gte=start, date__lte=end)
        .order_by("date")
        .values_list("date", flat=True)
    )
    spells: dict[int, list[Spell]] = defaultdict(list)
    upns: dict[int, str] = {}
    enrolments = (
        Enrolment.objects.for_school(school)
        .overlapping(start, end)
        .values_list("pupil_id", "pupil__upn", "admission_date", "leaving_date")
    )
    for pupil_id, upn, admitted, left in enrolments:
        upns[pupil_id] = upn
        spells[pupil_id].append((max(admitted, start), min(left or end, end)))
    pupils = {}
    for pupil_id, pupil_spells in spells.items():
        merged = _merge(pupil_spells)
        sessions = sum(
            bisect_right(session_dates, last) - bisect_left(session_dates, first)
            for first, last in merged
        )
        if sessions:
            pupils[pupil_id] = _Pupil(upns[pupil_id], merged, sessions)
    return pupils


def _merge(spells: list[Spell]) -> list[Spell]:
    """Overlapping spells as one, so a session is never on roll twice."""
    merged: list[Spell] = []
    for first, last in sorted(spells):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def _counted_marks(school_ids: Iterable[int], start: date, end: date) -> QuerySet[Mark]:
    """Marks at these schools on a calendar session of their school, with the pupil on roll."""
    on_session = SchoolSession.objects.filter(
        school_id=OuterRef("school_id"), date=OuterRef("date"), session=OuterRef("session")
    )
    on_roll = Enrolment.objects.filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=OuterRef("date")),
        pupil_id=OuterRef("pupil_id"),
        school_id=OuterRef("school_id"),
        admission_date__lte=OuterRef("date"),
    )
    return Mark.objects.filter(
        Exists(on_session),
        Exists(on_roll),
        school_id__in=list(school_ids),
        date__gte=start,
        date__lte=end,
    )


def _code_counts(school: School, start: date, end: date) -> dict[int, dict[str, int]]:
    rows = (
        _counted_marks([school.pk], start, end)
        .values_list("pupil_id", "code")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for pupil_id, code, n in rows:
        counts[pupil_id][code] = n
    return counts


@cache
def _unit(code: str) -> rules.Counts:
    """What one mark of `code` adds to each count, as the rules core classifies it."""
    return rules.count_codes([code])


def _counts(per_code: dict[str, int]) -> rules.Counts:
    totals = dict.fromkeys((f.name for f in fields(rules.Counts)), 0)
    for code, n in per_code.items():
        unit = _unit(code)
        for name in totals:
            totals[name] += getattr(unit, name) * n
    return rules.Counts(**totals)


def _pupil_figures(
    pupil: _Pupil, per_code: dict[str, int], threshold: rules.ThresholdStatus
) -> dict[str, Any]:
    counts = _counts(per_code)
    marked = sum(per_code.values())
    return {
        "upn": pupil.upn,
        "possible_sessions": counts.possible,
        "attended_sessions": counts.attended,
        "authorised_absence_sessions": counts.authorised,
        "unauthorised_absence_sessions": counts.unauthorised,
        "late_before_close_sessions": counts.late_before_close,
        "late_after_close_sessions": counts.late_after_close,
        "unmarked_sessions": pupil.on_roll_sessions - marked,
        "attendance_rate": rules.attendance_rate(
            attended=counts.attended, possible=counts.possible
        ),
        "persistent_absence": rules.is_persistent_absence(
            absent=counts.absent, possible=counts.possible
        ),
        "severe_absence": rules.is_severe_absence(absent=counts.absent, possible=counts.possible),
        "national_threshold": {
            "sessions_in_window": threshold.sessions_in_window,
            "window_start": _iso(threshold.window_start),
            "window_end": _iso(threshold.window_end),
            "met_now": threshold.met_now,
            "first_met_on": _iso(threshold.first_met_on),
        },
    }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# --- National threshold ------------------------------------------------------------------


def _session_dates(school_ids: Iterable[int]) -> dict[int, list[date]]:
    found: dict[int, list[date]] = defaultdict(list)
    rows = (
        SchoolSession.objects.filter(school_id__in=list(school_ids))
        .values_list("school_id", "date")
        .distinct()
    )
    for school_id, day in rows:
        found[school_id].append(day)
    return found


def _earliest_window_day(weeks: rules.SchoolWeeks, year_start: date, as_of: date) -> date:
    """The first day any window of the report can reach: 9 school weeks before the week
    of the year's first session (or before the current week when the year has none)."""
    opening = weeks.first_session_on_or_after(year_start)
    anchor = weeks.number(opening) if opening and opening <= as_of else None
    anchor = anchor or weeks.latest_number_on_or_before(as_of)
    if anchor is None:
        return year_start
    return min(year_start, weeks.monday(max(1, anchor - 9)))


def _thresholds(
    school: School, pupils: dict[int, _Pupil], year_start: date, as_of: date
) -> dict[int, rules.ThresholdStatus]:
    """Each listed pupil's national threshold status (rules §3.3, §0.10)."""
    dates = _session_dates([school.pk])
    own_weeks = rules.SchoolWeeks.from_dates(dates[school.pk])
    lower = _earliest_window_day(own_weeks, year_start, as_of)
    schools_of = _trust_moves(school, year_start, as_of, lower)
    if schools_of:
        dates.update(_session_dates({s for ids in schools_of.values() for s in ids}))
    marks = _qualifying_marks(school, pupils, schools_of, lower, as_of)
    union_weeks: dict[frozenset[int], rules.SchoolWeeks] = {}
    statuses = {}
    for pupil_id in pupils:
        weeks = own_weeks
        if pupil_id in schools_of:
            key = frozenset(schools_of[pupil_id] | {school.pk})
            if key not in union_weeks:
                union_weeks[key] = rules.SchoolWeeks.from_dates(d for s in key for d in dates[s])
            weeks = union_weeks[key]
        statuses[pupil_id] = rules.threshold_status(
            qualifying=marks.get(pupil_id, ()), weeks=weeks, as_of=as_of
        )
    return statuses


def _qualifying_marks(
    school: School,
    pupils: dict[int, _Pupil],
    schools_of: dict[int, set[int]],
    lower: date,
    as_of: date,
) -> dict[int, list[rules.Mark]]:
    """Listed pupils' G N O U marks from `lower` to as_of: at this school, and for a pupil
    who moved inside the trust, at their other schools too."""
    elsewhere = {s for ids in schools_of.values() for s in ids}
    rows = (
        _counted_marks({school.pk} | elsewhere, lower, as_of)
        .filter(Q(school=school) | Q(pupil_id__in=sorted(schools_of)))
        .filter(code__in=sorted(THRESHOLD_CODES))
        .values_list("pupil_id", "school_id", "date", "session", "code")
    )
    marks: dict[int, list[rules.Mark]] = defaultdict(list)
    for pupil_id, school_id, day, session, code in rows:
        if pupil_id in pupils and (
            school_id == school.pk or school_id in schools_of.get(pupil_id, ())
        ):
            marks[pupil_id].append((day, rules.Half[session], code))
    return marks


def _listed(school: School, year_start: date, as_of: date) -> QuerySet[Enrolment]:
    return Enrolment.objects.for_school(school).overlapping(year_start, as_of).values("pupil_id")


def _trust_moves(school: School, year_start: date, as_of: date, lower: date) -> dict[int, set[int]]:
    """For each listed pupil also on roll at another school of the trust between `lower`
    and as_of, the ids of those other schools."""
    if school.trust_id is None:
        return {}
    others = (
        Enrolment.objects.filter(
            school__trust_id=school.trust_id,
            pupil_id__in=_listed(school, year_start, as_of),
        )
        .exclude(school=school)
        .overlapping(lower, as_of)
        .values_list("pupil_id", "school_id")
    )
    moves: dict[int, set[int]] = defaultdict(set)
    for pupil_id, school_id in others:
        moves[pupil_id].add(school_id)
    return moves


# --- CSV ---------------------------------------------------------------------------------

CSV_FIELDS = (
    "school",
    "as_of",
    "academic_year",
    "upn",
    "possible_sessions",
    "attended_sessions",
    "authorised_absence_sessions",
    "unauthorised_absence_sessions",
    "late_before_close_sessions",
    "late_after_close_sessions",
    "unmarked_sessions",
    "attendance_rate",
    "persistent_absence",
    "severe_absence",
    "national_threshold_sessions_in_window",
    "national_threshold_window_start",
    "national_threshold_window_end",
    "national_threshold_met_now",
    "national_threshold_first_met_on",
)


def _csv_value(value: object) -> object:
    """JSON spellings, so the CSV and JSON outputs read the same: true/false, blank null."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def report_csv_rows(report: dict[str, Any]) -> list[dict[str, object]]:
    """One flat row per pupil: the report's per-pupil fields plus school, as_of, year."""
    head = {key: report[key] for key in ("school", "as_of", "academic_year")}
    rows = []
    for pupil in report["pupils"]:
        row: dict[str, object] = dict(head)
        for key, value in pupil.items():
            if isinstance(value, dict):
                row.update((f"{key}_{inner}", v) for inner, v in value.items())
            else:
                row[key] = value
        rows.append({key: _csv_value(value) for key, value in row.items()})
    return rows
