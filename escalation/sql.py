"""Set-based SQL that maintains `PupilWeek` from the marks table.

One INSERT … SELECT … GROUP BY per call, on PostgreSQL and SQLite alike; only two
expressions differ by vendor (the academic year of a date and a session's bit). A mark
counts, as in the contract report, when it is on a session of its school's calendar and
the pupil is on roll at that school that day. Code lists come from `registers.codes`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from escalation.models import PupilWeek
from registers.codes import (
    ATTENDED_CODES,
    AUTHORISED_CODES,
    LATE_AFTER_CLOSE,
    LATE_BEFORE_CLOSE,
    POSSIBLE_CODES,
    UNAUTHORISED_CODES,
)
from registers.models import Enrolment, Mark, SchoolSession, SchoolWeek

_YEAR_START = {
    "postgresql": "(date_trunc('year', m.date - interval '8 months') + interval '8 months')::date",
    "sqlite": "date(m.date, '-8 months', 'start of year', '+8 months')",
}
_DAY_OFFSET = {
    "postgresql": "(m.date - w.monday)",
    "sqlite": "CAST(julianday(m.date) - julianday(w.monday) AS INTEGER)",
}


def _codes(codes: Sequence[str] | frozenset[str]) -> str:
    """A literal SQL list of trusted code constants (none holds a quote)."""
    assert all("'" not in c for c in codes)
    return "(" + ", ".join(f"'{c}'" for c in sorted(codes)) + ")"


def _insert_sql(pupil_filter: str) -> str:
    vendor = connection.vendor
    bit = f"(1 << ({_DAY_OFFSET[vendor]} * 2 + CASE WHEN m.session = 'PM' THEN 1 ELSE 0 END))"
    year = _YEAR_START[vendor]

    def count(codes: str) -> str:
        return f"SUM(CASE WHEN m.code IN {codes} THEN 1 ELSE 0 END)"

    def mask(codes: str) -> str:
        return f"SUM(CASE WHEN m.code IN {codes} THEN {bit} ELSE 0 END)"

    att, auth, unauth = _codes(ATTENDED_CODES), _codes(AUTHORISED_CODES), _codes(UNAUTHORISED_CODES)
    late_l, late_u = _codes([LATE_BEFORE_CLOSE]), _codes([LATE_AFTER_CLOSE])
    return f"""
        INSERT INTO {PupilWeek._meta.db_table} (
            school_id, pupil_id, monday, year_start, attended, authorised, unauthorised,
            late_before_close, late_after_close, illness, mask_attended, mask_authorised,
            mask_g, mask_n, mask_o, mask_u, mask_l, mask_i)
        SELECT m.school_id, m.pupil_id, w.monday, {year},
            {count(att)}, {count(auth)}, {count(unauth)}, {count(late_l)}, {count(late_u)},
            {count("('I')")}, {mask(att)}, {mask(auth)}, {mask("('G')")}, {mask("('N')")},
            {mask("('O')")}, {mask(late_u)}, {mask(late_l)}, {mask("('I')")}
        FROM {Mark._meta.db_table} m
        JOIN {SchoolSession._meta.db_table} s
          ON s.school_id = m.school_id AND s.date = m.date AND s.session = m.session
        JOIN {SchoolWeek._meta.db_table} w ON w.id = s.week_id
        WHERE m.school_id = %s AND {pupil_filter}
          AND m.code IN {_codes(POSSIBLE_CODES)}
          AND EXISTS (
            SELECT 1 FROM {Enrolment._meta.db_table} e
            WHERE e.pupil_id = m.pupil_id AND e.school_id = m.school_id
              AND e.admission_date <= m.date
              AND (e.leaving_date IS NULL OR e.leaving_date >= m.date))
        GROUP BY m.school_id, m.pupil_id, w.monday, {year}
    """


def lock_school(school_id: int) -> None:
    """Serialise rebuilds of one school's rows (PostgreSQL; SQLite writes are serial).

    Without it an incremental rebuild and a full chunk could both delete, then both
    insert, the same pupil's rows. Held to the end of the (short) transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7283, school_id])


def rebuild_pupils(*, school_id: int, pupil_ids: Sequence[int]) -> int:
    """Replace the rows of these pupils at this school (a register save's recompute)."""
    ids = sorted(set(pupil_ids))
    if not ids:
        return 0
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {PupilWeek._meta.db_table} "
            f"WHERE school_id = %s AND pupil_id IN ({placeholders})",
            [school_id, *ids],
        )
        cursor.execute(_insert_sql(f"m.pupil_id IN ({placeholders})"), [school_id, *ids])
        return cursor.rowcount


def rebuild_range(*, school_id: int, first_pupil: int, last_pupil: int) -> int:
    """Replace the rows of the pupils with ids in [first, last] at this school (a chunk
    of the full run)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {PupilWeek._meta.db_table} "
            "WHERE school_id = %s AND pupil_id BETWEEN %s AND %s",
            [school_id, first_pupil, last_pupil],
        )
        cursor.execute(
            _insert_sql("m.pupil_id BETWEEN %s AND %s"), [school_id, first_pupil, last_pupil]
        )
        return cursor.rowcount


def set_work_mem() -> None:
    """Let PostgreSQL hash a school's groups in memory, for this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")


def analyze() -> None:
    """Refresh PostgreSQL's statistics of the aggregate after a full rebuild, so that the
    incremental path's pupil-filtered reads are planned as index lookups at once rather
    than after autovacuum gets round to it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {PupilWeek._meta.db_table}")
