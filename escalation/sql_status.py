"""Set-based status computation on PostgreSQL: every `PupilStatus` field from `PupilWeek`.

`escalation.services.status` passes one `SchoolParams` per school (the calendar facts
`registers.rules` derives: today's week, the windows, the half term, the pace weeks, the
risk bands) and this module turns them, in one statement, into a temporary table of
fresh statuses, one row per pupil on roll, with the same integer arithmetic as
`registers.rules` and `escalation.rules`:

* year-to-date counts: complete weeks' counts plus today's week's masks cut at today;
* rate and projected rate: `percentage` rounds half up, so tenths = (2000·part + whole)
  div (2·whole); PA and SA compare absent·10 and absent·2 with possible;
* the threshold's current window: popcounts of the G|N|O|U masks of its weeks;
* `needs_python`: pupils whose threshold needs the session sequence (first met on, met
  dates, the current episode after a decision, moves inside the trust). Only a pupil with `limit` qualifying sessions inside
  some `window_weeks` school weeks can ever meet a threshold, so the statement finds
  them with a window sum over school week numbers; everyone else has met nothing.
Then `upsert` compares the fresh rows with the stored ones and writes them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from escalation.models import PupilStatus, PupilWeek, ThresholdDecision
from escalation.policy import RiskBandRule
from registers.models import Enrolment, School, SchoolSession, SchoolWeek

FRESH = "escalation_fresh_status"
_PARAMS = "escalation_status_params"
_BANDS = "escalation_status_bands"
_ALL = 16383  # the 14 session bits of a week


@dataclass(frozen=True)
class SchoolParams:
    school_id: int
    trust_id: int | None
    label: str
    term: str
    year_start: dt.date
    year_end: dt.date
    monday: dt.date  # today's week
    cut: int  # bits of today's week on or before today
    half_term: dt.date
    term_monday: dt.date
    pace_monday: dt.date
    lower: dt.date  # the first day a threshold window of the year can reach
    window_start: dt.date | None
    window_end: dt.date | None
    limit: int  # of `registers.rules.threshold_status`: met now, provisional
    to_meet_limit: int  # the policy's, for sessions to meet
    local_label: str
    local_limit: int | None
    local_window_start: dt.date | None
    remaining: int  # sessions after today to the year's end, for a pupil still on roll
    bands: Sequence[RiskBandRule]


_FRESH_COLUMNS = (
    ("school_id", "bigint"), ("pupil_id", "bigint"), ("as_of", "date"),
    ("academic_year", "text"), ("possible", "int"), ("attended", "int"),
    ("authorised", "int"), ("unauthorised", "int"), ("attendance_rate", "numeric(4, 1)"),
    ("persistent_absence", "bool"), ("severe_absence", "bool"),
    ("late_before_close_half_term", "int"), ("late_after_close_half_term", "int"),
    ("late_before_close_year", "int"), ("late_after_close_year", "int"),
    ("illness_year", "int"), ("threshold_sessions_in_window", "int"),
    ("threshold_window_start", "date"), ("threshold_window_end", "date"),
    ("threshold_met_now", "bool"), ("threshold_provisional", "bool"),
    ("threshold_first_met_on", "date"), ("threshold_met_dates", "jsonb"),
    ("threshold_sessions_to_meet", "int"), ("threshold_holiday_sessions", "int"),
    ("threshold_spans_move", "bool"), ("threshold_episode_met", "bool"),
    ("threshold_episode_met_on", "date"), ("threshold_episode_provisional", "bool"),
    ("threshold_episode_window_start", "date"), ("threshold_episode_window_end", "date"),
    ("threshold_episode_sessions", "int"), ("threshold_episode_sessions_to_meet", "int"),
    ("threshold_episode_last_on", "date"), ("threshold_episode_last_pm", "bool"),
    ("threshold_decision_withdrawn", "bool"), ("local_threshold_label", "text"),
    ("local_threshold_sessions_in_window", "int"), ("local_threshold_met_now", "bool"),
    ("local_threshold_provisional", "bool"), ("local_threshold_first_met_on", "date"),
    ("absence_sessions_to_pa", "int"), ("projected_attendance_rate", "numeric(4, 1)"),
    ("term", "text"), ("term_absence_sessions", "int"), ("risk_band", "text"),
    ("support_tier", "int"), ("needs_python", "bool"),
)  # fmt: skip


def _setup_sql() -> str:
    """This connection's scratch tables, created once and emptied at every commit
    (creating tables per call would cost a register save more than the computation),
    emptied again here for a second call in one transaction."""
    columns = ", ".join(f"{name} {kind}" for name, kind in _FRESH_COLUMNS)
    return f"""
        CREATE TEMPORARY TABLE IF NOT EXISTS {_PARAMS} (
            school_id bigint PRIMARY KEY, trust_id bigint, label text, term text,
            year_start date, year_end date, monday date, cut int, half_term date,
            term_monday date, pace_monday date, lower_day date, window_start date,
            window_end date, lim int, to_meet int, local_label text, local_limit int,
            local_window_start date, remaining int, today date) ON COMMIT DELETE ROWS;
        CREATE TEMPORARY TABLE IF NOT EXISTS {_BANDS} (school_id bigint, ord int,
            min_sessions int, band text, tier int) ON COMMIT DELETE ROWS;
        CREATE TEMPORARY TABLE IF NOT EXISTS {FRESH} ({columns}) ON COMMIT DELETE ROWS;
        DELETE FROM {_PARAMS}; DELETE FROM {_BANDS}; DELETE FROM {FRESH};
    """


def _params_sql(today: dt.date, params: Sequence[SchoolParams]) -> tuple[str, list[object]]:
    """The statements filling the parameter tables, and their parameters."""
    rows: list[object] = []
    for p in params:
        rows += [
            p.school_id, p.trust_id, p.label, p.term, p.year_start, p.year_end,
            p.monday, p.cut, p.half_term, p.term_monday, p.pace_monday, p.lower,
            p.window_start, p.window_end, p.limit, p.to_meet_limit, p.local_label, p.local_limit,
            p.local_window_start, p.remaining, today,
        ]  # fmt: skip
    types = (
        "bigint", "bigint", "text", "text", "date", "date", "date", "int", "date", "date",
        "date", "date", "date", "date", "int", "int", "text", "int", "date", "int", "date",
    )  # fmt: skip
    row = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
    sql = f"INSERT INTO {_PARAMS} VALUES {', '.join([row] * len(params))};"
    bands = [
        (p.school_id, n, 2 * rule.min_days, rule.band, rule.tier)
        for p in params
        for n, rule in enumerate(p.bands)
    ]
    if bands:
        sql += f" INSERT INTO {_BANDS} VALUES " + ", ".join(
            ["(%s::bigint, %s::int, %s::int, %s::text, %s::int)"] * len(bands)
        )
        rows += [value for band in bands for value in band]
    return sql, rows


def _bits(expr: str) -> str:
    return f"bit_count(({expr})::bit(14))::int"


def _fresh_sql(pupil_filter: str, week_filter: str, window_weeks: int, min_limit: int) -> str:
    week, roll = PupilWeek._meta.db_table, Enrolment._meta.db_table
    # A week's figures as of today: whole for earlier weeks, cut at today for this week.
    cut = "CASE WHEN w.monday < p.monday THEN " + str(_ALL) + " ELSE p.cut END"
    unauth = "w.mask_g | w.mask_n | w.mask_o | w.mask_u"

    def count(column: str, mask: str) -> str:
        return f"CASE WHEN w.monday < p.monday THEN w.{column} ELSE {_bits(mask + ' & p.cut')} END"

    def year(expr: str, since: str | None = None) -> str:
        extra = f" AND (w.monday >= p.{since} OR w.monday = p.monday)" if since else ""
        return f"coalesce(sum({expr}) FILTER (WHERE w.year_start = p.year_start{extra}), 0)::int"

    att, auth = count("attended", "w.mask_attended"), count("authorised", "w.mask_authorised")
    una = count("unauthorised", f"({unauth})")
    q = _bits(f"({unauth}) & {cut}")
    # School week numbers: joined for a trust's pupils, looked up by the unique (school,
    # monday) index for a register's few, where the planner would otherwise misjudge
    # the join into a nested loop over every week of the school.
    weeks = SchoolWeek._meta.db_table
    if week_filter == "TRUE":
        number = "sw.number"
        number_join = f"JOIN {weeks} sw ON sw.school_id = w.school_id AND sw.monday = w.monday"
    else:
        number = (
            f"(SELECT sw.number FROM {weeks} sw "
            "WHERE sw.school_id = w.school_id AND sw.monday = w.monday)"
        )
        number_join = ""
    in_window = "w.monday >= p.window_start"
    in_local = "w.monday >= p.local_window_start"
    return f"""
    INSERT INTO {FRESH} ({", ".join(name for name, _kind in _FRESH_COLUMNS)})
    WITH roll AS (
        SELECT e.school_id, e.pupil_id,
            CASE WHEN bool_or(e.leaving_date IS NULL) THEN NULL
                 ELSE max(e.leaving_date) END AS leaving
        FROM {roll} e JOIN {_PARAMS} p ON p.school_id = e.school_id
        WHERE e.admission_date <= p.today
          AND (e.leaving_date IS NULL OR e.leaving_date >= p.year_start) AND {pupil_filter}
        GROUP BY e.school_id, e.pupil_id
    ),
    sums AS (
        SELECT w.school_id, w.pupil_id,
            {year(att)} AS att, {year(auth)} AS auth, {year(una)} AS unauth,
            {year(count("late_before_close", "w.mask_l"))} AS late_l,
            {year(count("late_after_close", "w.mask_u"))} AS late_u,
            {year(count("illness", "w.mask_i"))} AS ill,
            {year(count("late_before_close", "w.mask_l"), "half_term")} AS ht_late_l,
            {year(count("late_after_close", "w.mask_u"), "half_term")} AS ht_late_u,
            {year(auth, "term_monday")} AS term_auth, {year(una, "term_monday")} AS term_unauth,
            {year(att, "pace_monday")} AS pace_att, {year(auth, "pace_monday")} AS pace_auth,
            {year(una, "pace_monday")} AS pace_unauth,
            coalesce(sum({q}) FILTER (WHERE {in_window}), 0)::int AS siw,
            coalesce(sum({_bits(f"w.mask_g & {cut}")}) FILTER (WHERE {in_window}), 0)::int AS hol,
            coalesce(sum({_bits(f"(w.mask_g | w.mask_o | w.mask_u) & {cut}")})
                FILTER (WHERE {in_window}), 0)::int AS firm,
            coalesce(sum({q}) FILTER (WHERE {in_local}), 0)::int AS lsiw,
            coalesce(sum({_bits(f"(w.mask_g | w.mask_o | w.mask_u) & {cut}")})
                FILTER (WHERE {in_local}), 0)::int AS lfirm
        FROM {week} w JOIN {_PARAMS} p ON p.school_id = w.school_id
        WHERE w.monday <= p.monday AND {week_filter}
        GROUP BY w.school_id, w.pupil_id
    ),
    qualifying AS (
        SELECT w.school_id, w.pupil_id, {number} AS number, sum({q}) AS n
        FROM {week} w JOIN {_PARAMS} p ON p.school_id = w.school_id
        {number_join}
        WHERE w.monday <= p.monday AND w.monday >= p.lower_day - 6 AND {week_filter}
          AND (w.mask_g | w.mask_n | w.mask_o | w.mask_u) <> 0
        GROUP BY 1, 2, 3
    ),
    candidates AS (
        SELECT DISTINCT school_id, pupil_id FROM (
            SELECT school_id, pupil_id, sum(n) OVER (
                PARTITION BY school_id, pupil_id ORDER BY number
                RANGE BETWEEN {window_weeks - 1} PRECEDING AND CURRENT ROW) AS reached
            FROM qualifying
        ) t WHERE reached >= {min_limit}
    ),
    base AS (
        SELECT r.school_id, r.pupil_id, r.leaving, p.label, p.term, p.today, p.window_start,
            p.window_end, p.lim, p.to_meet, p.local_label, p.local_limit,
            coalesce(s.att, 0) AS att, coalesce(s.auth, 0) AS auth,
            coalesce(s.unauth, 0) AS unauth, coalesce(s.late_l, 0) AS late_l,
            coalesce(s.late_u, 0) AS late_u, coalesce(s.ill, 0) AS ill,
            coalesce(s.ht_late_l, 0) AS ht_late_l, coalesce(s.ht_late_u, 0) AS ht_late_u,
            coalesce(s.term_auth, 0) + coalesce(s.term_unauth, 0) AS term_absence,
            coalesce(s.pace_att, 0) AS pace_att,
            coalesce(s.pace_att, 0) + coalesce(s.pace_auth, 0)
                + coalesce(s.pace_unauth, 0) AS pace_possible,
            coalesce(s.siw, 0) AS siw, coalesce(s.hol, 0) AS hol, coalesce(s.firm, 0) AS firm,
            coalesce(s.lsiw, 0) AS lsiw, coalesce(s.lfirm, 0) AS lfirm,
            CASE WHEN r.leaving IS NULL THEN p.remaining ELSE (
                SELECT count(*) FROM {SchoolSession._meta.db_table} ss
                WHERE ss.school_id = r.school_id AND ss.date > p.today
                  AND ss.date <= LEAST(r.leaving, p.year_end)) END AS remaining_here,
            c.pupil_id IS NOT NULL OR EXISTS (
                SELECT 1 FROM {ThresholdDecision._meta.db_table} d
                WHERE d.school_id = r.school_id AND d.pupil_id = r.pupil_id
            ) OR (p.trust_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM {roll} e JOIN {School._meta.db_table} o ON o.id = e.school_id
                WHERE e.pupil_id = r.pupil_id AND e.school_id <> r.school_id
                  AND o.trust_id = p.trust_id AND e.admission_date <= p.today
                  AND (e.leaving_date IS NULL OR e.leaving_date >= p.lower_day)
            )) AS needs_python
        FROM roll r JOIN {_PARAMS} p ON p.school_id = r.school_id
        LEFT JOIN sums s ON s.school_id = r.school_id AND s.pupil_id = r.pupil_id
        LEFT JOIN candidates c ON c.school_id = r.school_id AND c.pupil_id = r.pupil_id
    ),
    counted AS (
        SELECT b.*, b.att + b.auth + b.unauth AS possible, b.auth + b.unauth AS absent,
            CASE WHEN b.pace_possible > 0 THEN b.pace_att ELSE b.att END AS ra,
            CASE WHEN b.pace_possible > 0 THEN b.pace_possible
                 ELSE b.att + b.auth + b.unauth END AS rp
        FROM base b
    )
    SELECT c.school_id, c.pupil_id, c.today AS as_of, c.label AS academic_year,
        c.possible, c.att AS attended, c.auth AS authorised, c.unauth AS unauthorised,
        CASE WHEN c.possible > 0 THEN ((2000 * c.att::bigint + c.possible)
            / (2 * c.possible))::numeric / 10 END::numeric(4, 1) AS attendance_rate,
        c.possible > 0 AND c.absent * 10 >= c.possible AS persistent_absence,
        c.possible > 0 AND c.absent * 2 >= c.possible AS severe_absence,
        c.ht_late_l AS late_before_close_half_term, c.ht_late_u AS late_after_close_half_term,
        c.late_l AS late_before_close_year, c.late_u AS late_after_close_year,
        c.ill AS illness_year,
        c.siw AS threshold_sessions_in_window, c.window_start AS threshold_window_start,
        c.window_end AS threshold_window_end, c.siw >= c.lim AS threshold_met_now,
        c.siw >= c.lim AND c.firm < c.lim AS threshold_provisional,
        NULL::date AS threshold_first_met_on, '[]'::jsonb AS threshold_met_dates,
        GREATEST(0, c.to_meet - c.siw) AS threshold_sessions_to_meet,
        c.hol AS threshold_holiday_sessions, false AS threshold_spans_move,
        false AS threshold_episode_met, NULL::date AS threshold_episode_met_on,
        false AS threshold_episode_provisional, c.window_start AS threshold_episode_window_start,
        c.window_end AS threshold_episode_window_end, c.siw AS threshold_episode_sessions,
        GREATEST(0, c.to_meet - c.siw) AS threshold_episode_sessions_to_meet,
        NULL::date AS threshold_episode_last_on, false AS threshold_episode_last_pm,
        false AS threshold_decision_withdrawn,
        CASE WHEN c.local_limit IS NULL THEN '' ELSE c.local_label END AS local_threshold_label,
        CASE WHEN c.local_limit IS NULL THEN 0 ELSE c.lsiw END
            AS local_threshold_sessions_in_window,
        coalesce(c.lsiw >= c.local_limit, false) AS local_threshold_met_now,
        coalesce(c.lsiw >= c.local_limit AND c.lfirm < c.local_limit, false)
            AS local_threshold_provisional,
        NULL::date AS local_threshold_first_met_on,
        CASE WHEN c.possible + c.remaining_here = 0 THEN 0 ELSE GREATEST(0,
            (c.possible + c.remaining_here + 9) / 10 - c.absent) END AS absence_sessions_to_pa,
        CASE WHEN c.rp > 0 THEN ((2000 * (c.att::bigint * c.rp + c.remaining_here * c.ra)
            + (c.possible + c.remaining_here)::bigint * c.rp)
            / (2 * (c.possible + c.remaining_here)::bigint * c.rp))::numeric / 10
            END::numeric(4, 1) AS projected_attendance_rate,
        c.term, c.term_absence AS term_absence_sessions,
        coalesce(band.band, 'none') AS risk_band, band.tier AS support_tier,
        c.needs_python
    FROM counted c
    LEFT JOIN LATERAL (
        SELECT x.band, x.tier FROM {_BANDS} x
        WHERE x.school_id = c.school_id AND c.term_absence >= x.min_sessions
        ORDER BY x.ord DESC LIMIT 1
    ) band ON true
    """


def fresh_build(
    *,
    today: dt.date,
    params: Sequence[SchoolParams],
    pupil_ids: Sequence[int] | None,
    window_weeks: int,
    min_limit: int,
) -> list[tuple[int, int]]:
    """Compute the statuses into this connection's `FRESH` table; return the (school id,
    pupil id) of the rows whose threshold fields Python must fill in."""
    listed = pupil_ids is not None
    settings = ["jit = off"]  # compiling costs more than running, for a register's pupils
    if not listed:
        # Every pupil: one scan of the weeks with hash joins and hash aggregates. The
        # planner underestimates the rows of the parameter table's joins and would
        # otherwise walk the weeks' index once per pupil.
        settings += [
            "enable_nestloop = off", "enable_mergejoin = off", "enable_sort = off",
            "work_mem = '256MB'",
        ]  # fmt: skip
    fill, values = _params_sql(today, params)
    with connection.cursor() as cursor:
        # One round trip for the set-up: a register save pays for each one.
        cursor.execute("".join(f"SET LOCAL {s}; " for s in settings) + _setup_sql() + fill, values)
        if len(params) > 1:
            cursor.execute(f"ANALYZE {_PARAMS}")
        cursor.execute(
            _fresh_sql(
                "e.pupil_id = ANY(%(pupils)s)" if listed else "TRUE",
                "w.pupil_id = ANY(%(pupils)s)" if listed else "TRUE",
                window_weeks,
                min_limit,
            )
            + " RETURNING school_id, pupil_id, needs_python",
            {"pupils": list(pupil_ids or [])},
        )
        return [(s, p) for s, p, needs in cursor.fetchall() if needs]


THRESHOLD_FIELDS = (
    "threshold_sessions_in_window", "threshold_window_start", "threshold_window_end",
    "threshold_met_now", "threshold_provisional", "threshold_first_met_on",
    "threshold_met_dates", "threshold_sessions_to_meet", "threshold_holiday_sessions",
    "threshold_spans_move", "threshold_episode_met", "threshold_episode_met_on",
    "threshold_episode_provisional", "threshold_episode_window_start",
    "threshold_episode_window_end", "threshold_episode_sessions",
    "threshold_episode_sessions_to_meet", "threshold_episode_last_on",
    "threshold_episode_last_pm", "threshold_decision_withdrawn",
    "local_threshold_label", "local_threshold_sessions_in_window",
    "local_threshold_met_now", "local_threshold_provisional", "local_threshold_first_met_on",
)  # fmt: skip


def fresh_patch(statuses: Sequence[PupilStatus]) -> None:
    """Overwrite the threshold fields of these rows with Python's."""
    if not statuses:
        return
    sets = ", ".join(
        f"{f} = %s::jsonb" if f == "threshold_met_dates" else f"{f} = %s" for f in THRESHOLD_FIELDS
    )
    rows = []
    for s in statuses:
        values = [getattr(s, f) for f in THRESHOLD_FIELDS]
        values[THRESHOLD_FIELDS.index("threshold_met_dates")] = json.dumps(s.threshold_met_dates)
        rows.append([*values, s.school_id, s.pupil_id])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {FRESH} SET {sets} WHERE school_id = %s AND pupil_id = %s", rows
        )


def upsert(
    *,
    compared: Sequence[str],
    now: dt.datetime,
    schools: Sequence[int],
    pupils: Sequence[int] | None,
) -> tuple[int, int, list[tuple[int, int]]]:
    """Write the fresh statuses over the stored ones.

    1. Count the rows new to the table, and list the stored rows as of the same day
       whose compared figures differ (the incremental path drifted): for the full run
       (`pupils` None) only.
    2. INSERT … ON CONFLICT DO UPDATE, except over a row computed after `now` (a
       register save's recompute that ran while this one did is fresher). The full run
       writes only the rows that are new or differ.
    3. Delete the stored rows at `schools` (of `pupils`, or of everyone when None) that
       have no fresh row: pupils no longer on roll this year.
    Returns (written, created, differed).
    """
    table = PupilStatus._meta.db_table
    fields = ", ".join(compared)
    differ = f"({', '.join('s.' + f for f in compared)}) IS DISTINCT FROM " + (
        f"({', '.join('f.' + f for f in compared)})"
    )
    insert = f"""INSERT INTO {table} (school_id, pupil_id, computed_at, {fields})
        SELECT school_id, pupil_id, %(now)s, {fields} FROM {FRESH} f {{where}}
        ON CONFLICT (school_id, pupil_id) DO UPDATE SET
            computed_at = excluded.computed_at,
            {", ".join(f"{f} = excluded.{f}" for f in compared)}
        WHERE {table}.computed_at <= excluded.computed_at"""
    delete = f"""DELETE FROM {table} s WHERE s.school_id = ANY(%(schools)s)
        AND (%(all)s OR s.pupil_id = ANY(%(pupils)s)) AND NOT EXISTS (
            SELECT 1 FROM {FRESH} f WHERE f.school_id = s.school_id AND f.pupil_id = s.pupil_id)"""
    args = {
        "now": now,
        "schools": list(schools),
        "all": pupils is None,
        "pupils": list(pupils or []),
    }
    if pupils is not None:
        # A register's pupils: steps 2 and 3 in one round trip; the drift check is the
        # nightly run's.
        with connection.cursor() as cursor:
            cursor.execute(
                f"""WITH written AS ({insert.format(where="")} RETURNING 1),
                    deleted AS ({delete} RETURNING 1)
                SELECT (SELECT count(*) FROM {FRESH}), (SELECT count(*) FROM {FRESH} f
                    WHERE NOT EXISTS (SELECT 1 FROM {table} s
                        WHERE s.school_id = f.school_id AND s.pupil_id = f.pupil_id))""",
                args,
            )
            count, created = cursor.fetchone()
        return count, created, []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*), count(*) FILTER (WHERE s.id IS NULL),
                    array_agg(ARRAY[f.school_id, f.pupil_id] ORDER BY f.school_id, f.pupil_id)
                    FILTER (WHERE s.as_of = f.as_of AND {differ})
                FROM {FRESH} f LEFT JOIN {table} s
                  ON s.school_id = f.school_id AND s.pupil_id = f.pupil_id"""
        )
        written, created, differed = cursor.fetchone()
        # The full run leaves alone the rows it found unchanged: it confirmed them, and
        # rewriting 60,000 rows would cost more than computing them.
        unchanged = f"""WHERE NOT EXISTS (SELECT 1 FROM {table} s
            WHERE s.school_id = f.school_id AND s.pupil_id = f.pupil_id AND NOT ({differ}))"""
        cursor.execute(insert.format(where=unchanged), args)
        cursor.execute(delete, args)
        cursor.execute(f"DELETE FROM {FRESH}")
    return written, created, [(s, p) for s, p in differed or []]
