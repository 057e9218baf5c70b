"""Recompute pupils' stored status from the maintained aggregates.

`status_recompute_pupils` is the incremental path (a register save's pupils);
`status_recompute_full` the nightly path (every school, in short chunked transactions,
reporting pupils whose stored status differed from the recomputed one). Both rebuild
`PupilWeek` rows with `escalation.sql` and derive `PupilStatus` rows with the same
function, `_compute`, so they cannot disagree by construction; the property tests check
it against marks anyway.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Sum, When
from django.utils import timezone

from escalation import rules as erules
from escalation import selectors, sql, sql_status
from escalation.models import PolicyConfig, PupilStatus, PupilWeek, ThresholdDecision
from escalation.policy import Policy
from registers import rules
from registers.models import Enrolment, School, SchoolSession

Progress = Callable[[int], None]
# Past this many pupils whose weeks differ from their marks, the nightly run rebuilds
# them in one pass over the marks rather than a register-sized rebuild per 500 pupils.
REBUILD_MANY = 5000
_Q = tuple[dt.date, rules.Half, str, int]  # qualifying session: day, half, code, school id

# The stored fields compared by the nightly run (everything but ids and computed_at).
COMPARED_FIELDS = (
    "as_of", "academic_year", "possible", "attended", "authorised", "unauthorised",
    "attendance_rate", "persistent_absence", "severe_absence",
    "late_before_close_half_term", "late_after_close_half_term", "late_before_close_year",
    "late_after_close_year", "illness_year", "threshold_sessions_in_window",
    "threshold_window_start", "threshold_window_end", "threshold_met_now",
    "threshold_provisional", "threshold_first_met_on", "threshold_met_dates",
    "threshold_sessions_to_meet", "threshold_holiday_sessions", "threshold_spans_move",
    "threshold_episode_met", "threshold_episode_met_on", "threshold_episode_provisional",
    "threshold_episode_window_start", "threshold_episode_window_end",
    "threshold_episode_sessions", "threshold_episode_sessions_to_meet",
    "threshold_episode_last_on", "threshold_episode_last_pm", "threshold_decision_withdrawn",
    "local_threshold_label", "local_threshold_sessions_in_window", "local_threshold_met_now",
    "local_threshold_provisional", "local_threshold_first_met_on", "absence_sessions_to_pa",
    "projected_attendance_rate", "term", "term_absence_sessions", "risk_band", "support_tier",
)  # fmt: skip


@dataclass
class FullResult:
    schools: int = 0
    pupils: int = 0
    created: int = 0
    differed: list[tuple[int, int]] = field(default_factory=list)  # (school id, pupil id)
    weeks_differed: int = 0  # pupils whose weekly aggregate was rebuilt (PostgreSQL)


def status_recompute_pupils(
    *,
    school: School,
    pupil_ids: Iterable[int],
    today: dt.date | None = None,
    dates: Iterable[dt.date] | None = None,
) -> int:
    """Rebuild these pupils' aggregates at `school` (only the weeks of `dates` when the
    writer said which marks changed), then their status at every school where they are
    on roll this year (a trust move makes another school's window read these marks).
    Returns the number of statuses written."""
    today = today or timezone.localdate()
    ids = sorted(set(pupil_ids))
    if not ids:
        return 0
    mondays = None if dates is None else {rules.week_monday(d) for d in dates}
    year_start = rules.academic_year(today)[0]
    with transaction.atomic():
        sql.rebuild_pupils(school_id=school.pk, pupil_ids=ids, mondays=mondays, lock=True)
        at: dict[int, set[int]] = defaultdict(set, {school.pk: set(ids)})
        rows = (
            Enrolment.objects.filter(pupil_id__in=ids)
            .overlapping(year_start, today)
            .values_list("school_id", "pupil_id")
        )
        for school_id, pupil_id in rows:
            at[school_id].add(pupil_id)
        others = set(at) - {school.pk}
        schools = [school, *School.objects.filter(pk__in=others)] if others else [school]
        if connection.vendor == "postgresql":
            return _statuses_write_sql(schools=schools, today=today, pupil_ids=ids)[0]
        written = 0
        for school_obj in schools:
            written += statuses_write(school=school_obj, pupil_ids=at[school_obj.pk], today=today)[
                0
            ]
    return written


def status_recompute_full(
    *,
    schools: Sequence[School] | None = None,
    today: dt.date | None = None,
    chunk_size: int = 2000,
    progress: Progress | None = None,
) -> FullResult:
    """Rebuild every aggregate and status.

    On PostgreSQL, set-based over all the schools at once (see `_full_postgresql`).
    Elsewhere (SQLite, tests), one short transaction per chunk of pupils:
    1. Per school, per chunk of pupil ids: delete and re-insert the chunk's `PupilWeek`
       rows (one INSERT … SELECT … GROUP BY), under the school's rebuild lock.
    2. Per school, per chunk: recompute the statuses, compare them with the stored ones
       and upsert. A stored row as of the same date with other figures is reported in
       `differed` (the incremental path drifted); older rows are simply refreshed.
    3. Delete statuses of pupils no longer on roll this year.
    Register saves never wait on this: it only reads marks, and the chunks' locks are
    on escalation rows for a fraction of a second.
    """
    today = today or timezone.localdate()
    schools = list(schools if schools is not None else School.objects.order_by("pk"))
    if connection.vendor == "postgresql":
        return _full_postgresql(schools=schools, today=today, progress=progress)
    result = FullResult(schools=len(schools))
    year_start = rules.academic_year(today)[0]
    for school in schools:
        ids = sorted(
            set(Enrolment.objects.filter(school=school).values_list("pupil_id", flat=True))
        )
        for first, last, size in _ranges(ids, chunk_size):
            with transaction.atomic():
                sql.set_work_mem()
                sql.lock_school(school.pk)
                sql.rebuild_range(school_id=school.pk, first_pupil=first, last_pupil=last)
            if progress:
                progress(size)
    sql.analyze()
    for school in schools:
        listed = sorted(
            set(
                Enrolment.objects.filter(school=school)
                .overlapping(year_start, today)
                .values_list("pupil_id", flat=True)
            )
        )
        for start in range(0, len(listed), chunk_size):
            chunk = listed[start : start + chunk_size]
            with transaction.atomic():
                written, created, differed = statuses_write(
                    school=school, pupil_ids=chunk, today=today, compare=True
                )
            result.pupils += written
            result.created += created
            result.differed += [(school.pk, p) for p in differed]
        PupilStatus.objects.filter(school=school).exclude(pupil_id__in=listed).delete()
    return result


def _full_postgresql(
    *, schools: Sequence[School], today: dt.date, progress: Progress | None
) -> FullResult:
    """The nightly run on PostgreSQL.

    1. Read every school's marks once and fingerprint each pupil's weeks, comparing
       them with the stored `PupilWeek` rows (`sql.differing_pupils`). Nothing is
       written and nothing is locked, so register saves never wait on it.
    2. Rebuild the weeks of the pupils that differ from their marks, a school's chunk
       per short transaction under the school's rebuild lock (as a register save does);
       past `REBUILD_MANY` pupils (a first build), all of them in one pass.
    3. Compute every status in one statement, Python filling in the threshold sequence
       fields of the few pupils who need them, and upsert (`escalation.sql_status`);
       stored rows as of today that differ are reported in `differed`.
    """
    ids = [s.pk for s in schools]
    result = FullResult(schools=len(schools))
    drifted: dict[int, list[int]] = defaultdict(list)
    for school_id, pupil_id in sql.differing_pupils(school_ids=ids):
        drifted[school_id].append(pupil_id)
    result.weeks_differed = sum(len(p) for p in drifted.values())
    if result.weeks_differed > REBUILD_MANY:
        sql.rebuild_many(pupils=[(s, p) for s, listed in drifted.items() for p in listed])
    else:
        for school_id, pupil_ids in drifted.items():
            for start in range(0, len(pupil_ids), 500):
                with transaction.atomic():
                    sql.rebuild_pupils(
                        school_id=school_id, pupil_ids=pupil_ids[start : start + 500], lock=True
                    )
    if drifted:
        sql.analyze()
    with transaction.atomic():
        written, created, differed = _statuses_write_sql(
            schools=schools, today=today, pupil_ids=None
        )
    result.pupils, result.created, result.differed = written, created, differed
    if progress:
        progress(written)
    return result


def _statuses_write_sql(
    *, schools: Sequence[School], today: dt.date, pupil_ids: Sequence[int] | None
) -> tuple[int, int, list[tuple[int, int]]]:
    """Compute and upsert, set-based, the statuses at these schools of these pupils (or
    of every pupil on roll). Returns (written, created, differed)."""
    now = timezone.now()
    contexts = {s.pk: _Context.cached(s, today) for s in schools}
    policies = [c.policy for c in contexts.values()]
    window_weeks = max(
        max(p.national_window_weeks, p.local_threshold_weeks or 0, 10) for p in policies
    )
    min_limit = min(min(p.national_limit, p.local_threshold_limit or 10, 10) for p in policies)
    needs = sql_status.fresh_build(
        today=today,
        params=[c.params for c in contexts.values()],
        pupil_ids=pupil_ids,
        window_weeks=window_weeks,
        min_limit=min_limit,
    )
    by_school: dict[int, list[int]] = defaultdict(list)
    for school_id, pupil_id in needs:
        by_school[school_id].append(pupil_id)
    patched = []
    for school_id, ids in by_school.items():
        c = contexts[school_id]
        thresholds = _Thresholds(c.school, ids, today, c.policy, c.weeks, dict(c.dates))
        for pupil_id in ids:
            status = PupilStatus(school=c.school, pupil_id=pupil_id)
            _set_thresholds(status, pupil_id, thresholds, c.calendar)
            patched.append(status)
    sql_status.fresh_patch(patched)
    return sql_status.upsert(
        compared=COMPARED_FIELDS, now=now, schools=list(contexts), pupils=pupil_ids
    )


@dataclass(frozen=True)
class _Context:
    """One school's policy and calendar as of today, and the SQL's parameters."""

    school: School
    policy: Policy
    weeks: rules.SchoolWeeks
    dates: dict[int, list[dt.date]]
    calendar: _Calendar
    params: sql_status.SchoolParams

    @classmethod
    def cached(cls, school: School, today: dt.date) -> _Context:
        """The context, built once per school, day, calendar and policy in this process:
        a register save then reads one fingerprint row instead of the whole calendar."""
        key = (school.pk, school.trust_id, school.local_authority, today, *_fingerprint(school))
        found = _CONTEXTS.get(key)
        if found is None:
            if len(_CONTEXTS) >= 512:
                _CONTEXTS.clear()
            found = _CONTEXTS[key] = cls.build(school, today)
        return found

    @classmethod
    def build(cls, school: School, today: dt.date) -> _Context:
        policy = selectors.policy_for(school)
        year_start, year_end, label = rules.academic_year(today)
        dates = selectors.session_dates([school.pk])
        weeks = rules.SchoolWeeks.from_dates(dates.get(school.pk, []))
        sessions = [d for d, _h in selectors.school_sessions(school.pk, year_start, year_end)]
        calendar = _Calendar(weeks, sessions, year_start, year_end, label)
        monday = rules.week_monday(today)
        term, term_start = erules.term_of(today)
        latest = weeks.latest_number_on_or_before(today)

        def window_start(size: int | None) -> dt.date | None:
            return weeks.monday(weeks.window(latest, size)[0]) if latest and size else None

        lower = erules.earliest_window_day(
            weeks=weeks, as_of=today, window_weeks=policy.national_window_weeks
        )
        if policy.local_threshold_weeks:
            lower = min(
                lower,
                erules.earliest_window_day(
                    weeks=weeks, as_of=today, window_weeks=policy.local_threshold_weeks
                ),
            )
        local = policy.local_threshold_limit is not None and policy.local_threshold_weeks
        params = sql_status.SchoolParams(
            school_id=school.pk,
            trust_id=school.trust_id,
            label=label,
            term=term,
            year_start=year_start,
            year_end=year_end,
            monday=monday,
            cut=erules.mask_through(monday=monday, as_of=today),
            half_term=erules.half_term_start(weeks=weeks, as_of=today) or monday,
            term_monday=rules.week_monday(max(term_start, year_start)),
            pace_monday=erules.window_first_monday(weeks=weeks, as_of=today, size=policy.pace_weeks)
            or monday,
            lower=lower,
            window_start=window_start(10),
            window_end=weeks.sunday(latest) if latest else None,
            limit=10,
            to_meet_limit=policy.national_limit,
            local_label=policy.local_threshold_label if local else "",
            local_limit=policy.local_threshold_limit if local else None,
            local_window_start=window_start(policy.local_threshold_weeks) if local else None,
            remaining=max(0, bisect_right(sessions, year_end) - bisect_right(sessions, today)),
            bands=policy.risk_bands[term],
        )
        return cls(school, policy, weeks, dates, calendar, params)


_CONTEXTS: dict[tuple[object, ...], _Context] = {}


def _fingerprint(school: School) -> tuple[object, ...]:
    """What a context is built from, in one row: the school's sessions (a calendar
    rebuild deletes or adds rows, changing the count or the largest id) and the
    policy configurations that apply to it (their ids and when they last changed)."""
    sessions, configs = SchoolSession._meta.db_table, PolicyConfig._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT (SELECT count(*) FROM {sessions} WHERE school_id = %(school)s),
                (SELECT max(id) FROM {sessions} WHERE school_id = %(school)s),
                (SELECT array_agg(ARRAY[id::text, updated_at::text] ORDER BY id) FROM {configs}
                 WHERE school_id = %(school)s
                    OR (school_id IS NULL AND local_authority = %(authority)s))""",
            {"school": school.pk, "authority": school.local_authority or "-"},
        )
        return tuple(repr(v) for v in cursor.fetchone())


def _ranges(ids: list[int], size: int) -> Iterable[tuple[int, int, int]]:
    """(first, last, count): contiguous id ranges holding `size` ids each, covering the
    gaps and everything above the last id, so rows of unlisted pupils are cleared too."""
    first = 0
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        last = chunk[-1] if start + size < len(ids) else 2**62
        yield first, last, len(chunk)
        first = chunk[-1] + 1


def statuses_write(
    *, school: School, pupil_ids: Iterable[int], today: dt.date, compare: bool = False
) -> tuple[int, int, list[int]]:
    """Compute and upsert the statuses of these pupils at `school`.

    Returns (written, created, pupil ids whose stored status as of today differed).
    """
    ids = sorted(set(pupil_ids))
    fresh = _compute(school=school, pupil_ids=ids, today=today)
    created, differed = 0, []
    if compare:
        stored = {
            row["pupil_id"]: row
            for row in PupilStatus.objects.filter(school=school, pupil_id__in=ids).values(
                "pupil_id", *COMPARED_FIELDS
            )
        }
        for status in fresh:
            old = stored.get(status.pupil_id)
            if old is None:
                created += 1
            elif old["as_of"] == today and any(
                old[name] != getattr(status, name) for name in COMPARED_FIELDS
            ):
                differed.append(status.pupil_id)
    PupilStatus.objects.bulk_create(
        fresh,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["school", "pupil"],
        update_fields=[*COMPARED_FIELDS, "computed_at"],
    )
    computed = {s.pupil_id for s in fresh}
    PupilStatus.objects.filter(school=school, pupil_id__in=set(ids) - computed).delete()
    return len(fresh), created, differed


# --- The computation ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    weeks: rules.SchoolWeeks
    session_dates: list[dt.date]  # one entry per session this year, sorted
    year_start: dt.date
    year_end: dt.date
    label: str


def _sum(field_name: str, since: dt.date | None = None) -> Sum:
    if since is None:
        return Sum(field_name)
    return Sum(
        Case(When(monday__gte=since, then=F(field_name)), default=0, output_field=IntegerField())
    )


def _decimal(rate: str | None) -> Decimal | None:
    return Decimal(rate) if rate is not None else None


def _compute(*, school: School, pupil_ids: Sequence[int], today: dt.date) -> list[PupilStatus]:
    """The statuses of the pupils (on roll this year) at `school`, as of today.

    1. Year-to-date sums of the complete school weeks before today's week, in SQL, with
       conditional sums for the half term, the term and the recent pace.
    2. Today's week from its bitmasks, cut at today, so marks entered ahead of the day
       do not count (as in the contract report).
    3. The threshold windows from the weeks' G/N/O/U bits, here and at any school of the
       trust the pupil was on roll at (rules §0.10), fed to `registers.rules`.
    4. PA risk, projected rate and the term's risk band with `escalation.rules`.
    """
    policy = selectors.policy_for(school)
    year_start, year_end, label = rules.academic_year(today)
    spells: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for pupil_id, admitted, left in (
        Enrolment.objects.filter(school=school, pupil_id__in=pupil_ids)
        .overlapping(year_start, today)
        .values_list("pupil_id", "admission_date", "leaving_date")
    ):
        spells[pupil_id].append((admitted, left))
    if not spells:
        return []
    ids = sorted(spells)
    dates = selectors.session_dates([school.pk])
    own_dates = dates.get(school.pk, [])
    weeks = rules.SchoolWeeks.from_dates(own_dates)
    calendar = _Calendar(
        weeks=weeks,
        session_dates=[d for d, _h in selectors.school_sessions(school.pk, year_start, year_end)],
        year_start=year_start,
        year_end=year_end,
        label=label,
    )
    monday = rules.week_monday(today)
    half_term = erules.half_term_start(weeks=weeks, as_of=today) or monday
    term, term_start = erules.term_of(today)
    term_monday = rules.week_monday(max(term_start, year_start))
    pace_monday = (
        erules.window_first_monday(weeks=weeks, as_of=today, size=policy.pace_weeks) or monday
    )
    sums = _year_sums(school, ids, year_start, monday, half_term, term_monday, pace_monday)
    current = _current_week(school, ids, year_start, monday, today)
    thresholds = _Thresholds(school, ids, today, policy, weeks, dates)
    now = timezone.now()
    statuses = []
    for pupil_id in ids:
        s = dict(sums.get(pupil_id, {}))
        for key, value in current.get(pupil_id, {}).items():
            s[key] = s.get(key, 0) + value
        statuses.append(
            _status(
                school=school,
                pupil_id=pupil_id,
                today=today,
                now=now,
                s=s,
                policy=policy,
                calendar=calendar,
                term=term,
                leaving=_leaving(spells[pupil_id]),
                thresholds=thresholds,
            )
        )
    return statuses


def _leaving(spells: list[tuple[dt.date, dt.date | None]]) -> dt.date | None:
    """The last day on roll this year, or None while a spell is open."""
    ends = [left for _a, left in spells]
    return None if None in ends else max(d for d in ends if d is not None)


def _year_sums(
    school: School,
    ids: Sequence[int],
    year_start: dt.date,
    monday: dt.date,
    half_term: dt.date,
    term_monday: dt.date,
    pace_monday: dt.date,
) -> dict[int, dict[str, int]]:
    rows = (
        PupilWeek.objects.filter(
            school=school, pupil_id__in=ids, year_start=year_start, monday__lt=monday
        )
        .values("pupil_id")
        .annotate(
            att=_sum("attended"),
            auth=_sum("authorised"),
            unauth=_sum("unauthorised"),
            late_l=_sum("late_before_close"),
            late_u=_sum("late_after_close"),
            ill=_sum("illness"),
            ht_late_l=_sum("late_before_close", half_term),
            ht_late_u=_sum("late_after_close", half_term),
            term_auth=_sum("authorised", term_monday),
            term_unauth=_sum("unauthorised", term_monday),
            pace_att=_sum("attended", pace_monday),
            pace_auth=_sum("authorised", pace_monday),
            pace_unauth=_sum("unauthorised", pace_monday),
        )
        .order_by()
    )
    return {row.pop("pupil_id"): row for row in rows}


def _current_week(
    school: School, ids: Sequence[int], year_start: dt.date, monday: dt.date, today: dt.date
) -> dict[int, dict[str, int]]:
    """Today's week, counted from its masks up to and including today."""
    cut = erules.mask_through(monday=monday, as_of=today)
    found: dict[int, dict[str, int]] = {}
    rows = PupilWeek.objects.filter(
        school=school, pupil_id__in=ids, year_start=year_start, monday=monday
    ).values_list(
        "pupil_id", "mask_attended", "mask_authorised", "mask_g", "mask_n", "mask_o",
        "mask_u", "mask_l", "mask_i",
    )  # fmt: skip
    for pupil_id, att, auth, g, n, o, u, late_l, ill in rows:
        attended = (att & cut).bit_count()
        authorised = (auth & cut).bit_count()
        unauthorised = ((g | n | o | u) & cut).bit_count()
        found[pupil_id] = {
            "att": attended,
            "auth": authorised,
            "unauth": unauthorised,
            "late_l": (late_l & cut).bit_count(),
            "late_u": (u & cut).bit_count(),
            "ill": (ill & cut).bit_count(),
            "ht_late_l": (late_l & cut).bit_count(),
            "ht_late_u": (u & cut).bit_count(),
            "term_auth": authorised,
            "term_unauth": unauthorised,
            "pace_att": attended,
            "pace_auth": authorised,
            "pace_unauth": unauthorised,
        }
    return found


class _Thresholds:
    """Each pupil's qualifying sessions and school weeks, loaded set-based up front."""

    def __init__(
        self,
        school: School,
        ids: Sequence[int],
        today: dt.date,
        policy: Policy,
        weeks: rules.SchoolWeeks,
        dates: dict[int, list[dt.date]],
    ) -> None:
        self.school, self.today, self.policy, self.weeks = school, today, policy, weeks
        self.lower = erules.earliest_window_day(
            weeks=weeks, as_of=today, window_weeks=policy.national_window_weeks
        )
        self.local_lower = (
            erules.earliest_window_day(
                weeks=weeks, as_of=today, window_weeks=policy.local_threshold_weeks
            )
            if policy.local_threshold_weeks
            else self.lower
        )
        self.moves = self._moves(ids)
        self.boundaries = self._boundaries(ids)
        others = {s for schools in self.moves.values() for s in schools} - set(dates)
        if others:
            dates.update(selectors.session_dates(others))
        self.dates = dates
        self.marks = self._marks(ids)
        self._union: dict[frozenset[int], rules.SchoolWeeks] = {}

    def _moves(self, ids: Sequence[int]) -> dict[int, set[int]]:
        if self.school.trust_id is None:
            return {}
        rows = (
            Enrolment.objects.filter(school__trust_id=self.school.trust_id, pupil_id__in=ids)
            .exclude(school=self.school)
            .overlapping(self.lower, self.today)
            .values_list("pupil_id", "school_id")
        )
        moves: dict[int, set[int]] = defaultdict(set)
        for pupil_id, school_id in rows:
            moves[pupil_id].add(school_id)
        return moves

    def _boundaries(self, ids: Sequence[int]) -> dict[int, list[rules.Session]]:
        """Where each recorded decision closed its episode, here or at a school of the
        trust whose sessions the pupil's window reads."""
        rows = ThresholdDecision.objects.filter(pupil_id__in=ids).values_list(
            "pupil_id", "school_id", "last_session_on", "last_session_pm", "window_end"
        )
        found: dict[int, list[rules.Session]] = defaultdict(list)
        for pupil_id, school_id, on, pm, window_end in rows:
            if school_id != self.school.pk and school_id not in self.moves.get(pupil_id, ()):
                continue
            if on is not None:
                found[pupil_id].append((on, rules.Half(int(pm))))
            elif window_end is not None:
                found[pupil_id].append((window_end, rules.Half.PM))
        return found

    def _marks(self, ids: Sequence[int]) -> dict[int, list[_Q]]:
        lower = min(self.lower, self.local_lower)
        movers = sorted(self.moves)
        elsewhere = {s for schools in self.moves.values() for s in schools}
        where = Q(school=self.school, pupil_id__in=ids)
        if movers:
            where |= Q(school_id__in=elsewhere, pupil_id__in=movers)
        rows = (
            PupilWeek.objects.filter(
                where,
                monday__gte=rules.week_monday(lower),
                monday__lte=rules.week_monday(self.today),
            )
            .exclude(mask_g=0, mask_n=0, mask_o=0, mask_u=0)
            .values_list("pupil_id", "school_id", "monday", "mask_g", "mask_n", "mask_o", "mask_u")
        )
        marks: dict[int, list[_Q]] = defaultdict(list)
        for pupil_id, school_id, monday, *masks in rows:
            if school_id != self.school.pk and school_id not in self.moves.get(pupil_id, ()):
                continue
            for code, mask in zip("GNOU", masks, strict=True):
                for day, half in erules.mask_sessions(monday=monday, mask=mask):
                    if lower <= day <= self.today:
                        marks[pupil_id].append((day, half, code, school_id))
        return marks

    def weeks_for(self, pupil_id: int) -> rules.SchoolWeeks:
        others = self.moves.get(pupil_id)
        if not others:
            return self.weeks
        key = frozenset(others | {self.school.pk})
        if key not in self._union:
            self._union[key] = rules.SchoolWeeks.from_dates(
                d for s in key for d in self.dates.get(s, ())
            )
        return self._union[key]


def _status(
    *,
    school: School,
    pupil_id: int,
    today: dt.date,
    now: dt.datetime,
    s: dict[str, int],
    policy: Policy,
    calendar: _Calendar,
    term: str,
    leaving: dt.date | None,
    thresholds: _Thresholds,
) -> PupilStatus:
    counts = rules.Counts(
        possible=s.get("att", 0) + s.get("auth", 0) + s.get("unauth", 0),
        attended=s.get("att", 0),
        authorised=s.get("auth", 0),
        unauthorised=s.get("unauth", 0),
    )
    end = min(leaving, calendar.year_end) if leaving else calendar.year_end
    dates = calendar.session_dates
    remaining = max(0, bisect_right(dates, end) - bisect_right(dates, today))
    pace_possible = s.get("pace_att", 0) + s.get("pace_auth", 0) + s.get("pace_unauth", 0)
    term_absence = s.get("term_auth", 0) + s.get("term_unauth", 0)
    band, tier = erules.risk_band(rules=policy.risk_bands[term], absence_sessions=term_absence)
    status = PupilStatus(
        school=school,
        pupil_id=pupil_id,
        as_of=today,
        computed_at=now,
        academic_year=calendar.label,
        possible=counts.possible,
        attended=counts.attended,
        authorised=counts.authorised,
        unauthorised=counts.unauthorised,
        attendance_rate=_decimal(
            rules.attendance_rate(attended=counts.attended, possible=counts.possible)
        ),
        persistent_absence=rules.is_persistent_absence(
            absent=counts.absent, possible=counts.possible
        ),
        severe_absence=rules.is_severe_absence(absent=counts.absent, possible=counts.possible),
        late_before_close_half_term=s.get("ht_late_l", 0),
        late_after_close_half_term=s.get("ht_late_u", 0),
        late_before_close_year=s.get("late_l", 0),
        late_after_close_year=s.get("late_u", 0),
        illness_year=s.get("ill", 0),
        absence_sessions_to_pa=erules.absence_sessions_to_pa(
            absent=counts.absent, possible=counts.possible, remaining=remaining
        ),
        projected_attendance_rate=_decimal(
            erules.projected_attendance_rate(
                attended=counts.attended,
                possible=counts.possible,
                recent_attended=s.get("pace_att", 0),
                recent_possible=pace_possible,
                remaining=remaining,
            )
        ),
        term=term,
        term_absence_sessions=term_absence,
        risk_band=band,
        support_tier=tier,
    )
    _set_thresholds(status, pupil_id, thresholds, calendar)
    return status


def _set_episode(
    status: PupilStatus,
    national: list[rules.Mark],
    weeks: rules.SchoolWeeks,
    t: _Thresholds,
    boundaries: list[rules.Session],
) -> None:
    """The threshold's current episode (rules §0.5, `escalation.rules.threshold_episode`)."""
    e = erules.threshold_episode(
        qualifying=national,
        weeks=weeks,
        as_of=t.today,
        boundaries=boundaries,
        known_from=t.lower,
        limit=t.policy.national_limit,
        window_weeks=t.policy.national_window_weeks,
    )
    status.threshold_episode_met = e.met
    status.threshold_episode_met_on = e.met_on
    status.threshold_episode_provisional = e.provisional
    status.threshold_episode_window_start = e.window_start
    status.threshold_episode_window_end = e.window_end
    status.threshold_episode_sessions = e.sessions
    status.threshold_episode_sessions_to_meet = e.sessions_to_meet
    status.threshold_episode_last_on = e.last[0] if e.last else None
    status.threshold_episode_last_pm = bool(e.last and e.last[1] == rules.Half.PM)
    status.threshold_decision_withdrawn = e.decided_withdrawn


def _set_thresholds(
    status: PupilStatus, pupil_id: int, t: _Thresholds, calendar: _Calendar
) -> None:
    """National and local threshold fields, from `registers.rules` (rules §3.3)."""
    found = t.marks.get(pupil_id, [])
    weeks = t.weeks_for(pupil_id)
    national = [(d, h, c) for d, h, c, _s in found if d >= t.lower]
    ts = rules.threshold_status(qualifying=national, weeks=weeks, as_of=t.today)
    status.threshold_sessions_in_window = ts.sessions_in_window
    status.threshold_window_start = ts.window_start
    status.threshold_window_end = ts.window_end
    status.threshold_met_now = ts.met_now
    status.threshold_provisional = ts.provisional
    status.threshold_first_met_on = ts.first_met_on
    status.threshold_sessions_to_meet = max(0, t.policy.national_limit - ts.sessions_in_window)
    met_dates: list[str] = []
    if ts.first_met_on is not None:
        met = rules.threshold_met_sessions(qualifying=national, weeks=weeks)
        met_dates = sorted({d.isoformat() for d, _h in met if calendar.year_start <= d <= t.today})
    status.threshold_met_dates = met_dates
    in_window = [
        (d, h, c, s)
        for d, h, c, s in found
        if ts.window_start and ts.window_start <= d and d >= t.lower
    ]
    status.threshold_holiday_sessions = len({(d, h) for d, h, c, _s in in_window if c == "G"})
    status.threshold_spans_move = any(s != t.school.pk for *_x, s in in_window)
    _set_episode(status, national, weeks, t, t.boundaries.get(pupil_id, []))
    p = t.policy
    if p.local_threshold_limit is not None and p.local_threshold_weeks is not None:
        local = [(d, h, c) for d, h, c, _s in found if d >= t.local_lower]
        ls = rules.threshold_status(
            qualifying=local,
            weeks=weeks,
            as_of=t.today,
            limit=p.local_threshold_limit,
            window_weeks=p.local_threshold_weeks,
        )
        status.local_threshold_label = p.local_threshold_label
        status.local_threshold_sessions_in_window = ls.sessions_in_window
        status.local_threshold_met_now = ls.met_now
        status.local_threshold_provisional = ls.provisional
        status.local_threshold_first_met_on = ls.first_met_on
