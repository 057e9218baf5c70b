"""Set-based SQL that maintains `PupilWeek` from the marks table.

One INSERT … SELECT … GROUP BY per call, on PostgreSQL and SQLite alike; only two
expressions differ by vendor (the academic year of a date and a session's bit). A mark
counts, as in the contract report, when it is on a session of its school's calendar and
the pupil is on roll at that school that day. Code lists come from `registers.codes`.

The nightly check on PostgreSQL (`differing_pupils`) computes every school's weeks in
one pass over the marks without a join per mark, fingerprints each pupil's weeks and
compares them with the stored rows; only the pupils that differ are rebuilt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from django.db import connection, transaction

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


def _pg() -> bool:
    return connection.vendor == "postgresql"


def lock_school(school_id: int) -> None:
    """Serialise rebuilds of one school's rows (PostgreSQL; SQLite writes are serial).

    Without it an incremental rebuild and a full chunk could both delete, then both
    insert, the same pupil's rows. Held to the end of the (short) transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7283, school_id])


def rebuild_pupils(
    *,
    school_id: int,
    pupil_ids: Sequence[int],
    mondays: Collection[dt.date] | None = None,
    lock: bool = False,
) -> int:
    """Replace the rows of these pupils at this school (a register save's recompute, or
    the nightly run's repair): only the weeks of `mondays` when given, else every week."""
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
    # One round trip (a register save pays for each): the lock when asked (see
    # `lock_school`), the delete and the insert; the row count is the insert's.
    delete = (
        f"DELETE FROM {PupilWeek._meta.db_table} "
        f"WHERE school_id = %s AND pupil_id IN ({pupils}) AND {weeks}"
    )
    insert = _insert_sql(f"m.pupil_id IN ({pupils})", f"({mark_weeks})")
    if not _pg():  # SQLite runs one statement per call, and its writes are serial
        with connection.cursor() as cursor:
            cursor.execute(delete, [school_id, *ids, *week_params])
            cursor.execute(insert, [school_id, *ids, *mark_params])
            return cursor.rowcount
    locking = "SELECT pg_advisory_xact_lock(%s, %s); " if lock else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"{locking}{delete}; {insert}",
            [*([7283, school_id] if locking else []), school_id, *ids, *week_params]
            + [school_id, *ids, *mark_params],
        )
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


# --- The nightly check on PostgreSQL: one pass over the marks, compared per pupil -------

_PG_YEAR = "(date_trunc('year', {d} - interval '8 months') + interval '8 months')::date"
_EPOCH = "DATE '2000-01-03'"  # a Monday: (date - epoch) / 7 numbers weeks, % 7 is the weekday


def _weeks_sql() -> str:
    """Every listed school's weeks in one pass over the marks, with no join per mark.

    1. Group the marks by school, pupil and week number, computed from the date alone.
       Each mark sets one bit of one of two 56-bit words: four families of 14 session
       bits each (present but not late, L, authorised but not I, I; then G, N, O, U).
       Families partition the possible codes and a session holds one mark, so a week's
       eight masks are OR-ed bits: two `bit_or`s per mark instead of fourteen CASE sums
       and two joins. Codes that are not possible sessions set no bit.
    2. Join the groups (a tenth of the marks) to the calendar's weeks: one row per
       school week and academic year (a week crossing 1 September has two), holding the
       bits of its sessions, and to the pupil's spells on roll, which give the bits of
       the days on roll. A mark counts, as in the contract report, only where both bits
       are set; weeks left with no bit set have no row.
    3. Split the words into the eight masks (the counts are their popcounts).
    Each step is fenced (OFFSET 0) so the planner computes a mask once, not once per use.
    """
    assert frozenset(UNAUTHORISED_CODES) == frozenset("GNOU"), "one family per code"
    present = _codes(ATTENDED_CODES - {LATE_BEFORE_CLOSE})
    authorised = _codes(AUTHORISED_CODES - {"I"})
    bit = (
        f"(1::bigint << (((m.date - {_EPOCH}) %% 7) * 2 "
        "+ CASE WHEN m.session = 'PM' THEN 1 ELSE 0 END))"
    )
    lo = (
        f"CASE WHEN m.code IN {present} THEN {bit} "
        f"WHEN m.code = '{LATE_BEFORE_CLOSE}' THEN {bit} << 14 "
        f"WHEN m.code IN {authorised} THEN {bit} << 28 "
        f"WHEN m.code = 'I' THEN {bit} << 42 ELSE 0 END"
    )
    hi = (
        f"CASE m.code WHEN 'G' THEN {bit} WHEN 'N' THEN {bit} << 14 "
        f"WHEN 'O' THEN {bit} << 28 WHEN 'U' THEN {bit} << 42 ELSE 0 END"
    )
    monday = f"({_EPOCH} + 7 * g.wk)"

    def days(first: str, last: str) -> str:
        """The bits of the days first..last of the week (0 when empty)."""
        lo_day, hi_day = f"greatest(0, {first} - {monday})", f"least(6, {last} - {monday})"
        return (
            f"CASE WHEN {lo_day} > {hi_day} THEN 0 ELSE "
            f"((1::bigint << (2 * ({hi_day} + 1))) - 1) # ((1::bigint << (2 * {lo_day})) - 1) END"
        )

    one_spell = days("r.admitted", "coalesce(r.leaving, DATE '9999-12-31')")
    spells = days("e.admission_date", "coalesce(e.leaving_date, DATE '9999-12-31')")

    return f"""
        WITH g AS (
            SELECT m.school_id, m.pupil_id, (m.date - {_EPOCH}) / 7 AS wk,
                bit_or({lo}) AS lo, bit_or({hi}) AS hi
            FROM {Mark._meta.db_table} m
            WHERE m.school_id + 0 = ANY(%(schools)s)  -- every mark: scan, do not walk an index
            GROUP BY 1, 2, 3
        ),
        parts AS (
            SELECT s.school_id, (s.date - {_EPOCH}) / 7 AS wk,
                {_PG_YEAR.format(d="s.date")} AS year_start,
                bit_or(1::bigint << (((s.date - {_EPOCH}) %% 7) * 2
                    + CASE WHEN s.session = 'PM' THEN 1 ELSE 0 END)) AS bits
            FROM {SchoolSession._meta.db_table} s
            WHERE s.school_id = ANY(%(schools)s)
            GROUP BY 1, 2, 3
        ),
        roll AS (
            SELECT e.school_id, e.pupil_id, count(*) AS spells,
                min(e.admission_date) AS admitted, max(e.leaving_date) AS leaving
            FROM {Enrolment._meta.db_table} e
            WHERE e.school_id = ANY(%(schools)s)
            GROUP BY 1, 2
        ),
        kept AS (
            SELECT g.school_id, g.pupil_id, {monday} AS monday, p.year_start, g.lo, g.hi,
                p.bits & CASE WHEN r.spells = 1 THEN {one_spell} ELSE (
                    SELECT bit_or({spells}) FROM {Enrolment._meta.db_table} e
                    WHERE e.school_id = g.school_id AND e.pupil_id = g.pupil_id) END AS k
            FROM g
            JOIN parts p ON p.school_id = g.school_id AND p.wk = g.wk
            JOIN roll r ON r.school_id = g.school_id AND r.pupil_id = g.pupil_id
            OFFSET 0
        ),
        f AS (
            SELECT school_id, pupil_id, monday, year_start,
                lo & k AS a, (lo >> 14) & k AS l, (lo >> 28) & k AS au, (lo >> 42) & k AS i,
                hi & k AS g, (hi >> 14) & k AS n, (hi >> 28) & k AS o, (hi >> 42) & k AS u
            FROM kept
            OFFSET 0
        )
        SELECT school_id, pupil_id, monday, year_start,
            (a | l)::int AS mask_attended, (au | i)::int AS mask_authorised,
            g::int AS mask_g, n::int AS mask_n, o::int AS mask_o, u::int AS mask_u,
            l::int AS mask_l, i::int AS mask_i
        FROM f
        WHERE (a | l | au | i | g | n | o | u) <> 0
    """


def _signature(alias: str) -> str:
    """A 64-bit hash of one week row: its key and its eight masks packed into two words.
    XOR-ed over a pupil's rows it fingerprints them all (the counts are the masks'
    popcounts, in the snapshot and in the incremental path alike)."""
    a = alias
    key = f"(({a}.monday - {_EPOCH}) * 1000 + ({a}.year_start - {_EPOCH}) / 365)::bigint"
    words = (
        f"({a}.mask_attended::bigint | ({a}.mask_authorised::bigint << 14) "
        f"| ({a}.mask_g::bigint << 28) | ({a}.mask_n::bigint << 42))",
        f"({a}.mask_o::bigint | ({a}.mask_u::bigint << 14) "
        f"| ({a}.mask_l::bigint << 28) | ({a}.mask_i::bigint << 42))",
    )
    return f"hashint8extended({words[0]}, hashint8extended({words[1]}, {key}))"


def _differing_sql() -> str:
    """The (school, pupil) pairs whose stored weeks differ from a snapshot of the marks:
    both sides are reduced to one fingerprint per pupil (`_signature`) and compared."""
    table = PupilWeek._meta.db_table
    return f"""
        SELECT coalesce(s.school_id, t.school_id), coalesce(s.pupil_id, t.pupil_id)
        FROM (
            SELECT w.school_id, w.pupil_id, bit_xor({_signature("w")}) AS sig
            FROM ({_weeks_sql()}) w GROUP BY 1, 2
        ) s
        FULL JOIN (
            SELECT w.school_id, w.pupil_id, bit_xor({_signature("w")}) AS sig
            FROM {table} w WHERE w.school_id + 0 = ANY(%(schools)s) GROUP BY 1, 2
        ) t ON t.school_id = s.school_id AND t.pupil_id = s.pupil_id
        WHERE s.sig IS DISTINCT FROM t.sig
        ORDER BY 1, 2
    """


def _counts(alias: str) -> str:
    """The six counts of a week: popcounts of its masks (see `_weeks_sql`)."""

    def bits(expr: str) -> str:
        return f"bit_count(({expr})::bit(14))::int"

    a = alias
    return ", ".join(
        (
            bits(f"{a}.mask_attended"),
            bits(f"{a}.mask_authorised"),
            bits(f"{a}.mask_g | {a}.mask_n | {a}.mask_o | {a}.mask_u"),
            bits(f"{a}.mask_l"),
            bits(f"{a}.mask_u"),
            bits(f"{a}.mask_i"),
        )
    )


# The counts, in `_counts` order, then the masks.
_COLUMNS = (
    "attended",
    "authorised",
    "unauthorised",
    "late_before_close",
    "late_after_close",
    "illness",
    "mask_attended",
    "mask_authorised",
    "mask_g",
    "mask_n",
    "mask_o",
    "mask_u",
    "mask_l",
    "mask_i",
)  # fmt: skip
_PLAN = (
    "work_mem = '512MB'", "max_parallel_workers_per_gather = 0", "join_collapse_limit = 1",
    "enable_mergejoin = off", "enable_sort = off", "jit = off",
)  # fmt: skip


def rebuild_many(*, pupils: Sequence[tuple[int, int]]) -> int:
    """Replace the rows of many (school id, pupil id) pairs in one pass over their
    schools' marks (a first build, or a repair too large for `rebuild_pupils`).

    Holds the rebuild lock of each school to the end of the transaction, so register
    saves at those schools wait for it: only for an aggregate that is missing or
    wrong on a large scale, when the statuses read from it are wrong anyway.
    """
    schools = sorted({school for school, _pupil in pupils})
    masks = ", ".join(f"w.{c}" for c in _COLUMNS if c.startswith("mask_"))
    table = PupilWeek._meta.db_table
    columns = ", ".join(("school_id", "pupil_id", "monday", "year_start", *_COLUMNS))
    pairs = {"schools": schools, "s": [s for s, _p in pupils], "p": [p for _s, p in pupils]}
    listed = "SELECT unnest(%(s)s::bigint[]) AS school_id, unnest(%(p)s::bigint[]) AS pupil_id"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "".join(f"SET LOCAL {setting}; " for setting in _PLAN)
            + "".join(f"SELECT pg_advisory_xact_lock(7283, {int(s)}); " for s in schools)
            + f"DELETE FROM {table} t USING ({listed}) d "
            "WHERE t.school_id = d.school_id AND t.pupil_id = d.pupil_id; "
            f"INSERT INTO {table} ({columns}) "
            f"SELECT w.school_id, w.pupil_id, w.monday, w.year_start, {_counts('w')}, {masks} "
            f"FROM ({_weeks_sql()}) w JOIN ({listed}) d "
            "ON d.school_id = w.school_id AND d.pupil_id = w.pupil_id "
            # In index order: each index page is then written once, not once per row.
            "ORDER BY w.school_id, w.pupil_id, w.monday",
            pairs,
        )
        return cursor.rowcount


def differing_pupils(*, school_ids: Sequence[int]) -> list[tuple[int, int]]:
    """The (school id, pupil id) of every pupil whose `PupilWeek` rows differ from what
    the marks give now (the incremental path drifted, or never ran): one statement,
    which reads the marks once and writes nothing.

    The plan is fixed to one serial pass of hash aggregates and hash joins: the marks
    of a set of schools are most of the table, so a scan beats any index, and on two
    shared cores parallel workers would each build the whole hash table of weeks.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in _PLAN:
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute(_differing_sql(), {"schools": list(school_ids)})
        return [(school, pupil) for school, pupil in cursor.fetchall()]
