"""The staging tables of an import and the set-based merge of staged marks into the register.

Validated marks go into a temporary table (psycopg COPY on PostgreSQL, large executemany
batches on SQLite) keyed by the import's own pupil keys; a second temporary table maps
those keys to pupil ids once the pupils are written. Counting, the audit trail and the
merge are then a few statements over whole tables, never a query per mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from registers.codes import CODES
from registers.models import MarkSource

from .marks import StagedMark

STAGE = "bundle_import_mark_stage"
PUPILS = "bundle_import_pupil_map"
CHANGED_BY_NAME = "Bundle import"
_ANALYSE_AFTER_ROWS = 50_000

# The join of a staged mark to the stored mark of the same pupil and session.
_MATCH = f"""
    FROM {STAGE} s
    JOIN {PUPILS} p ON p.pupil_key = s.pupil_key
    JOIN registers_mark m
      ON m.school_id = %(school)s AND m.pupil_id = p.pupil_id
     AND m.date = s.date AND m.session = s.session
"""


@dataclass(frozen=True)
class MarkCounts:
    created: int
    changed: int
    unchanged: int


def _differs() -> str:
    """Null-safe "the staged mark is not the stored one" in this database's dialect."""
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return f"(m.code <> s.code OR m.minutes_late {distinct} s.minutes_late)"


def create_tables() -> None:
    """(Re)create the temporary tables; they live in this connection only."""
    with connection.cursor() as cursor:
        for table in (STAGE, PUPILS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (pupil_key integer NOT NULL, date date NOT NULL, "
            "session varchar(2) NOT NULL, code varchar(2) NOT NULL, minutes_late smallint)"
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {PUPILS} (pupil_key integer PRIMARY KEY, pupil_id bigint)"
        )


def drop_tables() -> None:
    with connection.cursor() as cursor:
        for table in (STAGE, PUPILS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


_NULL = "\\N"
# COPY's text format escapes a backslash; "\\" is the only code that has one.
_COPY_CODE = {code: code.replace("\\", "\\\\") for code in CODES}


class _Writer:
    """Writes batches of validated marks to a table; use as a context manager.

    On PostgreSQL one COPY stays open for the whole file, so the server parses and
    stores rows while the next ones are being checked. Elsewhere, executemany batches.
    """

    table: str
    columns: tuple[str, ...]

    def __enter__(self) -> _Writer:
        self._cursor = connection.cursor()
        self._copy = None
        if connection.vendor == "postgresql":
            sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
            self._copy_cm = self._cursor.cursor.copy(sql)
            self._copy = self._copy_cm.__enter__()
        return self

    def __call__(self, rows: list[StagedMark]) -> None:
        if self._copy is not None:
            self._copy.write("".join(map(self.copy_line, rows)))
        else:
            placeholders = ", ".join(["%s"] * len(self.columns))
            self._cursor.executemany(
                f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({placeholders})",
                list(map(self.params, rows)),
            )

    def __exit__(self, *exc_info: object) -> None:
        try:
            if self._copy is not None:
                self._copy_cm.__exit__(*exc_info)
        finally:
            self._cursor.close()

    def copy_line(self, row: StagedMark) -> str:
        raise NotImplementedError

    def params(self, row: StagedMark) -> tuple[object, ...]:
        raise NotImplementedError


class StageWriter(_Writer):
    """Into the staging table, for a merge with the marks already stored."""

    table = STAGE
    columns = ("pupil_key", "date", "session", "code", "minutes_late")

    def copy_line(self, row: StagedMark) -> str:
        key, iso, session, code, late = row
        return f"{key}\t{iso}\t{session}\t{_COPY_CODE[code]}\t{_NULL if late is None else late}\n"

    def params(self, row: StagedMark) -> tuple[object, ...]:
        return row


class RegisterWriter(_Writer):
    """Straight into the register: for a school with no stored marks there is nothing to
    merge with, and the server stores rows while the rest of the file is checked."""

    table = "registers_mark"
    columns = ("school_id", "pupil_id", "date", "session", "code", "minutes_late")
    columns += ("recorded_by_id", "recorded_at", "source")

    def __init__(self, *, school_id: int, pupil_ids: list[int], now: datetime) -> None:
        self.pupil_ids = pupil_ids
        self.school_id = school_id
        self.recorded_at = connection.ops.adapt_datetimefield_value(now)
        self.rows = 0
        self._head = f"{school_id}\t"
        self._tail = f"\t{_NULL}\t{now.isoformat()}\t{MarkSource.IMPORT.value}\n"

    def __call__(self, rows: list[StagedMark]) -> None:
        super().__call__(rows)
        self.rows += len(rows)

    def copy_line(self, row: StagedMark) -> str:
        key, iso, session, code, late = row
        late_text = _NULL if late is None else late
        return (
            f"{self._head}{self.pupil_ids[key]}\t{iso}\t{session}\t{_COPY_CODE[code]}"
            f"\t{late_text}{self._tail}"
        )

    def params(self, row: StagedMark) -> tuple[object, ...]:
        key, iso, session, code, late = row
        pupil_id = self.pupil_ids[key]
        return self.school_id, pupil_id, iso, session, code, late, None, self.recorded_at, "import"


def map_pupils(ids: dict[int, int | None]) -> None:
    """Record which pupil each key names (None for a pupil a dry run would create)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PUPILS}")
        cursor.executemany(f"INSERT INTO {PUPILS} VALUES (%s, %s)", list(ids.items()))
        if connection.vendor == "postgresql":
            # Temporary tables are never auto-analysed; without statistics the planner
            # guesses a few rows and may choose nested loops over 760,000.
            cursor.execute(f"ANALYZE {STAGE}")
            cursor.execute(f"ANALYZE {PUPILS}")


def preview(*, school_id: int | None) -> MarkCounts:
    """What merging would do, without doing it (dry run)."""
    sql = f"""
        SELECT COUNT(*), COUNT(m.id),
               COALESCE(SUM(CASE WHEN m.id IS NOT NULL AND {_differs()} THEN 1 ELSE 0 END), 0)
        FROM {STAGE} s
        JOIN {PUPILS} p ON p.pupil_key = s.pupil_key
        LEFT JOIN registers_mark m
          ON m.school_id = %(school)s AND m.pupil_id = p.pupil_id
         AND m.date = s.date AND m.session = s.session
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"school": school_id})
        total, matched, changed = cursor.fetchone()
    return MarkCounts(created=total - matched, changed=changed, unchanged=matched - changed)


def merge(*, school_id: int, now: datetime, reason: str) -> MarkCounts:
    """Write the staged marks into the register, keeping the audit trail.

    1. Every stored mark the bundle changes gets a MarkChange holding its previous entry,
       exactly as a change made in the browser (rules §5.10).
    2. Those marks take the bundle's code and minutes, with source `import`.
    3. Staged marks with no stored mark are inserted; a stored mark the bundle does not
       mention is left alone.
    """
    params = {
        "school": school_id,
        "now": connection.ops.adapt_datetimefield_value(now),
        "reason": reason,
        "name": CHANGED_BY_NAME,
        "source": MarkSource.IMPORT.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO registers_markchange
                (mark_id, previous_code, previous_minutes_late, previous_recorded_at,
                 previous_source, previous_recorded_by_name, previous_recorded_by_position,
                 new_code, new_minutes_late, changed_by_id, changed_by_name,
                 changed_by_position, changed_at, reason, source)
            SELECT m.id, m.code, m.minutes_late, m.recorded_at, m.source,
                   COALESCE(NULLIF(TRIM(u.first_name || ' ' || u.last_name), ''), u.username, ''),
                   COALESCE(u.position, ''),
                   s.code, s.minutes_late, NULL, %(name)s, '', %(now)s, %(reason)s, %(source)s
            {_MATCH}
            LEFT JOIN registers_user u ON u.id = m.recorded_by_id
            WHERE {_differs()}
            """,
            params,
        )
        changed = cursor.rowcount
        cursor.execute(
            f"""
            UPDATE registers_mark AS m
               SET code = s.code, minutes_late = s.minutes_late, recorded_at = %(now)s,
                   recorded_by_id = NULL, source = %(source)s
              FROM {STAGE} s
              JOIN {PUPILS} p ON p.pupil_key = s.pupil_key
             WHERE m.school_id = %(school)s AND m.pupil_id = p.pupil_id
               AND m.date = s.date AND m.session = s.session AND {_differs()}
            """,
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO registers_mark
                (school_id, pupil_id, date, session, code, minutes_late, recorded_by_id,
                 recorded_at, source)
            SELECT %(school)s, p.pupil_id, s.date, s.session, s.code, s.minutes_late, NULL,
                   %(now)s, %(source)s
            FROM {STAGE} s JOIN {PUPILS} p ON p.pupil_key = s.pupil_key
            WHERE true
            ON CONFLICT (school_id, pupil_id, date, session) DO NOTHING
            """,
            params,
        )
        created = cursor.rowcount
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")
        total = cursor.fetchone()[0]
    return MarkCounts(created=created, changed=changed, unchanged=total - created - changed)


def refresh_statistics(*, rows: int) -> None:
    """Re-analyse the register's tables after a large import (PostgreSQL).

    Until autovacuum catches up the planner thinks a new school has no marks and picks
    nested loops for the report's year-long GROUP BY, ten times slower than hash joins.
    """
    if connection.vendor != "postgresql" or rows < _ANALYSE_AFTER_ROWS:
        return
    with connection.cursor() as cursor:
        for table in ("registers_mark", "registers_enrolment", "registers_schoolsession"):
            cursor.execute(f"ANALYZE {table}")
