"""Set-based SQL that maintains `PupilWeek` from the marks table.

One INSERT … SELECT … GROUP BY per call, on PostgreSQL and SQLite alike; only two
expressions differ by vendor (the academic year of a date and a session's bit). A mark
counts, as in the contract report, when it is on a session of its school's calendar and
the pupil is on roll at that school that day. Code lists come from `registers.codes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from django.db import connection, transaction
from django.utils import timezone

from escalation.models import PupilWeek, PupilWeekStamp
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


def _insert_sql(pupil_filter: str, week_filter: str = "TRUE") -> str:
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
        WHERE m.school_id = %s AND {pupil_filter} AND {week_filter}
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


def rebuild_pupils(
    *, school_id: int, pupil_ids: Sequence[int], mondays: Collection[dt.date] | None = None
) -> int:
    """Replace the rows of these pupils at this school (a register save's recompute):
    only the weeks of `mondays` when given, else every week. Stamps the pupils."""
    ids = sorted(set(pupil_ids))
    if not ids:
        return 0
    pupils = ", ".join(["%s"] * len(ids))
    weeks, week_params = "TRUE", []
    if mondays is not None:
        if not mondays:
            return 0
        week_params = sorted(mondays)
        weeks = f"monday IN ({', '.join(['%s'] * len(week_params))})"
    # A week's marks are its Monday to Sunday: filter them by date so the marks index
    # (school, pupil, date, session) reads just those days.
    mark_weeks = (
        " OR ".join(["m.date BETWEEN %s AND %s"] * len(week_params)) if week_params else "TRUE"
    )
    mark_params = [d for monday in week_params for d in (monday, monday + dt.timedelta(days=6))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {PupilWeek._meta.db_table} "
            f"WHERE school_id = %s AND pupil_id IN ({pupils}) AND {weeks}",
            [school_id, *ids, *week_params],
        )
        cursor.execute(
            _insert_sql(f"m.pupil_id IN ({pupils})", f"({mark_weeks})"),
            [school_id, *ids, *mark_params],
        )
        written = cursor.rowcount
    _stamp(school_id, ids)
    return written


def _stamp(school_id: int, pupil_ids: Sequence[int]) -> None:
    """Record that these pupils' rows were rebuilt now (see `PupilWeekStamp`). On
    PostgreSQL the time is the database's, taken after the rebuild's statements."""
    table = PupilWeekStamp._meta.db_table
    now = "statement_timestamp()" if connection.vendor == "postgresql" else "%s"
    rows = ", ".join([f"(%s, %s, {now})"] * len(pupil_ids))
    params: list[object] = []
    for pupil_id in pupil_ids:
        params += [school_id, pupil_id]
        if connection.vendor != "postgresql":
            params.append(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (school_id, pupil_id, rebuilt_at) VALUES {rows} "
            "ON CONFLICT (school_id, pupil_id) DO UPDATE SET rebuilt_at = excluded.rebuilt_at",
            params,
        )


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


# --- The nightly run on PostgreSQL: one snapshot of every school, then short swaps ------

STAGE = "escalation_stage_diff"  # a temporary table: this connection's snapshot's changes
_COLUMNS = (
    "attended", "authorised", "unauthorised", "late_before_close", "late_after_close",
    "illness", "mask_attended", "mask_authorised", "mask_g", "mask_n", "mask_o", "mask_u",
    "mask_l", "mask_i",
)  # fmt: skip
_KEY = ("school_id", "pupil_id", "monday", "year_start")
_PG_YEAR = "(date_trunc('year', {d} - interval '8 months') + interval '8 months')::date"


def _stage_sql() -> str:
    """Every school's weeks in one pass over the marks.

    Each mark sets one bit of one of two 56-bit words: four families of 14 session bits
    each (present but not late, L, authorised but not I, I; then G, N, O, U). Families
    partition the possible codes, and a session holds one mark, so a week's eight masks
    and six counts are OR-ed bits and their popcounts: two cheap aggregates per mark
    instead of fourteen CASE sums. The session table gives each session its bit and a
    key `wk` = school week id * 2 + (1 when the day is in a later academic year than the
    week's Monday), so a week crossing 1 September still splits into two rows.
    """
    assert frozenset(UNAUTHORISED_CODES) == frozenset("GNOU"), "one family per code"
    present = _codes(ATTENDED_CODES - {LATE_BEFORE_CLOSE})
    authorised = _codes(AUTHORISED_CODES - {"I"})
    lo = (
        f"CASE WHEN m.code IN {present} THEN x.bit "
        f"WHEN m.code = '{LATE_BEFORE_CLOSE}' THEN x.bit << 14 "
        f"WHEN m.code IN {authorised} THEN x.bit << 28 "
        "WHEN m.code = 'I' THEN x.bit << 42 ELSE 0 END"
    )
    hi = (
        "CASE m.code WHEN 'G' THEN x.bit WHEN 'N' THEN x.bit << 14 "
        "WHEN 'O' THEN x.bit << 28 WHEN 'U' THEN x.bit << 42 ELSE 0 END"
    )

    def bits(expr: str) -> str:
        return f"bit_count(({expr})::bit(14))::int"

    return f"""
        SELECT w.school_id, g.pupil_id, w.monday,
            {_PG_YEAR.format(d="w.monday + 6 * (g.wk %% 2)::int")} AS year_start,
            {bits("f.a | f.l")} AS attended, {bits("f.au | f.i")} AS authorised,
            {bits("f.g | f.n | f.o | f.u")} AS unauthorised, {bits("f.l")} AS late_before_close,
            {bits("f.u")} AS late_after_close, {bits("f.i")} AS illness,
            (f.a | f.l)::int AS mask_attended, (f.au | f.i)::int AS mask_authorised,
            f.g::int AS mask_g, f.n::int AS mask_n, f.o::int AS mask_o, f.u::int AS mask_u,
            f.l::int AS mask_l, f.i::int AS mask_i
        FROM (
            SELECT m.pupil_id, x.wk, bit_or({lo}) AS lo, bit_or({hi}) AS hi
            FROM {Mark._meta.db_table} m
            JOIN (
                SELECT s.school_id, s.date, s.session,
                    s.week_id * 2 + CASE WHEN {_PG_YEAR.format(d="s.date")}
                        > {_PG_YEAR.format(d="w.monday")} THEN 1 ELSE 0 END AS wk,
                    1::bigint << ((s.date - w.monday) * 2
                        + CASE WHEN s.session = 'PM' THEN 1 ELSE 0 END) AS bit
                FROM {SchoolSession._meta.db_table} s
                JOIN {SchoolWeek._meta.db_table} w ON w.id = s.week_id
                WHERE s.school_id = ANY(%(schools)s)
                OFFSET 0  -- a fence: compute each session's key and bit once, not per mark
            ) x ON x.school_id = m.school_id AND x.date = m.date AND x.session = m.session
            WHERE m.school_id = ANY(%(schools)s) AND m.code IN {_codes(POSSIBLE_CODES)}
              AND EXISTS (
                SELECT 1 FROM {Enrolment._meta.db_table} e
                WHERE e.pupil_id = m.pupil_id AND e.school_id = m.school_id
                  AND e.admission_date <= m.date
                  AND (e.leaving_date IS NULL OR e.leaving_date >= m.date))
            GROUP BY m.pupil_id, x.wk
        ) g
        JOIN {SchoolWeek._meta.db_table} w ON w.id = g.wk / 2
        CROSS JOIN LATERAL (
            SELECT g.lo & 16383 AS a, (g.lo >> 14) & 16383 AS l, (g.lo >> 28) & 16383 AS au,
                (g.lo >> 42) & 16383 AS i, g.hi & 16383 AS g, (g.hi >> 14) & 16383 AS n,
                (g.hi >> 28) & 16383 AS o, (g.hi >> 42) & 16383 AS u
        ) f
    """


def _diff_sql() -> str:
    """The rows where the snapshot and the stored aggregate differ: `old_id` is a stored
    row to delete, `has_new` a snapshot row to insert (both for a changed row)."""
    table = PupilWeek._meta.db_table
    key = " AND ".join(f"s.{c} = p.{c}" for c in _KEY)
    new = ", ".join(f"s.{c}" for c in ("monday", "year_start", *_COLUMNS))
    differ = (
        f"({', '.join('s.' + c for c in _COLUMNS)}) "
        f"IS DISTINCT FROM ({', '.join('p.' + c for c in _COLUMNS)})"
    )
    return f"""
        CREATE TEMPORARY TABLE {STAGE} AS
        SELECT coalesce(s.school_id, p.school_id) AS school_id,
            coalesce(s.pupil_id, p.pupil_id) AS pupil_id, p.id AS old_id,
            s.pupil_id IS NOT NULL AS has_new, {new}
        FROM ({_stage_sql()}) s
        FULL JOIN (SELECT * FROM {table} WHERE school_id = ANY(%(schools)s)) p ON {key}
        WHERE s.pupil_id IS NULL OR p.id IS NULL OR {differ}
    """


def stage_build(*, school_ids: Sequence[int]) -> dt.datetime:
    """Snapshot every listed school's weeks, in one statement, and keep in this
    connection's staging table just the rows where the stored aggregate differs.

    Returns the database clock read just before the snapshot: a pupil whose rows were
    rebuilt (stamped) at or after it may be fresher than the snapshot.
    The planner is steered to one parallel hash plan: its row estimates for the marks
    of a set of schools are poor, and a nested loop or a sort over 23 million marks
    costs minutes where the hash joins and hash aggregate cost seconds.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        for setting in (
            "work_mem = '256MB'", "enable_nestloop = off", "enable_mergejoin = off",
            "enable_sort = off",
        ):  # fmt: skip
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute("SELECT clock_timestamp()")
        (since,) = cursor.fetchone()
        cursor.execute(_diff_sql(), {"schools": list(school_ids)})
    return since


def stage_swap(*, school_id: int, since: dt.datetime) -> int:
    """Apply the staged differences of one school, except to pupils rebuilt
    incrementally since the snapshot. A nightly run over an up-to-date aggregate finds
    none and writes nothing. Call under `lock_school`. Returns the rows written."""
    table, stamps = PupilWeek._meta.db_table, PupilWeekStamp._meta.db_table
    stale = (
        f"NOT EXISTS (SELECT 1 FROM {stamps} t WHERE t.school_id = d.school_id "
        "AND t.pupil_id = d.pupil_id AND t.rebuilt_at >= %(since)s)"
    )
    params = {"school": school_id, "since": since}
    columns = ", ".join(("school_id", "pupil_id", "monday", "year_start", *_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} p USING {STAGE} d "
            f"WHERE d.school_id = %(school)s AND p.id = d.old_id AND {stale}",
            params,
        )
        changed = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGE} d "
            f"WHERE d.school_id = %(school)s AND d.has_new AND {stale}",
            params,
        )
        return changed + cursor.rowcount


def stage_schools() -> list[int]:
    """The schools with staged differences."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT school_id FROM {STAGE}")
        return sorted(row[0] for row in cursor.fetchall())


def stage_drop(*, school_ids: Sequence[int], since: dt.datetime) -> None:
    """Drop the snapshot, and the stamps it supersedes (older than the snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"DELETE FROM {PupilWeekStamp._meta.db_table} "
            "WHERE school_id = ANY(%s) AND rebuilt_at < %s",
            [list(school_ids), since],
        )
