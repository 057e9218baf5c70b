"""The school overview and the trust's schools side by side, from the stored status.

Every figure is an aggregate query over `PupilStatus` (year to date, one row per
enrolment) or `PupilWeek` (per pupil per school week, with a bit per session), so the
number of queries is the same for 30 pupils or 2,000.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum

from escalation import rules as erules
from escalation.models import (
    AttendanceContract,
    Case,
    Duty,
    DutyKind,
    PolicyConfig,
    PupilStatus,
    PupilWeek,
    SupportPlan,
)
from escalation.policy import DEFAULT_POLICY, policy_from_settings
from escalation.selectors import policy_for
from registers import rules
from registers.models import Enrolment, School, YearGroup

from .figures import Enrolments, National, Sessions, at_risk_of_pa, gap, national_figures

NEAR_THRESHOLD = 2  # "near": this many more unauthorised sessions would meet it
AT_RISK_OF_PA = 10  # absent sessions from becoming persistently absent

# (label, filter on PupilStatus): the cohorts of the overview's breakdown.
COHORTS: tuple[tuple[str, str, Q], ...] = (
    ("fsm", "Free school meals", Q(pupil__fsm=True)),
    ("pp", "Pupil premium", Q(pupil__pupil_premium=True)),
    ("send_k", "SEN support (K)", Q(pupil__send="K")),
    ("send_e", "EHC plan (E)", Q(pupil__send="E")),
    ("eal", "English as an additional language", Q(pupil__eal=True)),
    ("cla", "Looked after (CLA)", Q(pupil__cla=True)),
    ("sw", "Has a social worker", Q(pupil__social_worker=True)),
    ("yc", "Young carer", Q(pupil__young_carer=True)),
)
_COUNTED = (
    "threshold_met",
    "threshold_provisional",
    "near_threshold",
    "local_threshold",
    "at_risk",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _enrolment_sums(prefix: str = "", where: Q | None = None) -> dict[str, Any]:
    def only(q: Q | None) -> Q | None:
        return q if where is None else (where if q is None else where & q)

    return {
        f"{prefix}pupils": Count("id", filter=only(None)),
        f"{prefix}attended": Sum("attended", filter=only(None)),
        f"{prefix}authorised": Sum("authorised", filter=only(None)),
        f"{prefix}unauthorised": Sum("unauthorised", filter=only(None)),
        f"{prefix}persistent": Count("id", filter=only(Q(persistent_absence=True))),
        f"{prefix}severe": Count("id", filter=only(Q(severe_absence=True))),
    }


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figures: Enrolments
    rest: Enrolments | None = None

    @property
    def attendance_gap(self) -> str | None:
        return (
            None
            if self.rest is None
            else gap(self.figures.sessions.attendance, self.rest.sessions.attendance)
        )

    @property
    def pa_gap(self) -> str | None:
        return None if self.rest is None else gap(self.figures.pa_rate, self.rest.pa_rate)


@dataclass(frozen=True)
class Week:
    monday: dt.date
    sessions: Sessions


@dataclass(frozen=True)
class SessionPattern:
    day: str
    half: str
    possible: int
    absent: int
    unauthorised: int

    @property
    def absence(self) -> str | None:
        return rules.percentage(part=self.absent, whole=self.possible)


@dataclass
class Overview:
    school: School
    today: dt.date
    target: str
    national: National
    year: Enrolments
    today_sessions: Sessions
    week: Sessions
    term: Sessions
    term_name: str
    counts: dict[str, int]
    stages: dict[int, int]
    weeks: list[Week]
    sessions: list[SessionPattern]
    year_groups: list[Row] = field(default_factory=list)
    groups: list[Row] = field(default_factory=list)
    cohorts: list[Row] = field(default_factory=list)

    @property
    def open_cases(self) -> int:
        return sum(n for stage, n in self.stages.items() if stage > 0)

    @property
    def day_of_week(self) -> list[SessionPattern]:
        """The AM and PM patterns added up per day."""
        return [
            SessionPattern(
                day,
                "",
                sum(s.possible for s in self.sessions if s.day == day),
                sum(s.absent for s in self.sessions if s.day == day),
                sum(s.unauthorised for s in self.sessions if s.day == day),
            )
            for day in DAYS
        ]


def _statuses(school: School) -> QuerySet[PupilStatus]:
    return PupilStatus.objects.filter(school=school, possible__gt=0)


def _counts(school: School) -> dict[str, Any]:
    """Year to date, the threshold and risk counts, and each cohort's sums: one query."""
    aggregates: dict[str, Any] = {
        **_enrolment_sums("all_"),
        "threshold_met": Count("id", filter=Q(threshold_met_now=True)),
        "threshold_provisional": Count(
            "id", filter=Q(threshold_met_now=True, threshold_provisional=True)
        ),
        "near_threshold": Count(
            "id",
            filter=Q(threshold_met_now=False, threshold_sessions_to_meet__lte=NEAR_THRESHOLD),
        ),
        "local_threshold": Count("id", filter=Q(local_threshold_met_now=True)),
        "at_risk": Count("id", filter=at_risk_of_pa(AT_RISK_OF_PA)),
    }
    for key, _label, where in COHORTS:
        aggregates.update(_enrolment_sums(f"{key}_", where))
    return _statuses(school).aggregate(**aggregates)


def _rows(queryset: QuerySet, key: str, labels: dict[str, str]) -> list[Row]:
    rows = queryset.values(key).annotate(**_enrolment_sums("g_")).order_by(key)
    return [
        Row(
            str(r[key] or ""),
            labels.get(r[key], r[key] or "None"),
            Enrolments.from_row(r, "g_"),
        )
        for r in rows
    ]


def _registration_group_rows(school: School) -> list[Row]:
    """Per registration group (each pupil's latest enrolment here). Two flat reads added
    up in Python: a correlated subquery per status row costs more at 2,000 pupils."""
    group_of = dict(
        Enrolment.objects.filter(school=school)
        .order_by("admission_date")
        .values_list("pupil_id", "registration_group")
    )
    sums: dict[str, list[int]] = {}
    for pupil_id, att, auth, unauth, pa, sa in _statuses(school).values_list(
        "pupil_id", "attended", "authorised", "unauthorised", "persistent_absence",
        "severe_absence",
    ):  # fmt: skip
        row = sums.setdefault(group_of.get(pupil_id, ""), [0, 0, 0, 0, 0, 0])
        for i, value in enumerate((1, att, auth, unauth, pa, sa)):
            row[i] += int(value)
    return [
        Row(group, group, Enrolments(n[0], Sessions(n[1], n[2], n[3]), n[4], n[5]))
        for group, n in sorted(sums.items())
    ]


def _bit(mask: Any, bit: int) -> Any:
    """1 when the session's bit is set in `mask`, else 0 (integer division)."""
    return mask.bitand(1 << bit) / (1 << bit)


def _weeks(school: School, year_start: dt.date, today: dt.date) -> list[dict[str, Any]]:
    """Per school week: the sessions, and per session of the week (bits 0–9, Monday AM to
    Friday PM) the possible, absent and unauthorised counts. One query."""
    unauth = F("mask_g").bitor(F("mask_n")).bitor(F("mask_o")).bitor(F("mask_u"))
    absent = F("mask_authorised").bitor(unauth)
    possible = F("mask_attended").bitor(absent)
    per_bit: dict[str, Any] = {}
    for bit in range(10):
        per_bit[f"p{bit}"] = Sum(_bit(possible, bit), output_field=IntegerField())
        per_bit[f"a{bit}"] = Sum(_bit(absent, bit), output_field=IntegerField())
        per_bit[f"u{bit}"] = Sum(_bit(unauth, bit), output_field=IntegerField())
    return list(
        # Weeks up to this one: leave granted in advance pre-enters marks in later weeks.
        PupilWeek.objects.filter(school=school, year_start=year_start, monday__lte=today)
        .values("monday")
        .annotate(
            attended_sum=Sum("attended"),
            authorised_sum=Sum("authorised"),
            unauthorised_sum=Sum("unauthorised"),
            **per_bit,
        )
        .order_by("monday")
    )


def _week_sessions(row: dict[str, Any]) -> Sessions:
    return Sessions(
        int(row["attended_sum"] or 0),
        int(row["authorised_sum"] or 0),
        int(row["unauthorised_sum"] or 0),
    )


def _today(rows: list[dict[str, Any]], today: dt.date) -> Sessions:
    monday = rules.week_monday(today)
    row = next((r for r in rows if r["monday"] == monday), None)
    if row is None or today.weekday() > 4:
        return Sessions()
    bits = (2 * today.weekday(), 2 * today.weekday() + 1)
    possible = sum(int(row[f"p{b}"] or 0) for b in bits)
    absent = sum(int(row[f"a{b}"] or 0) for b in bits)
    unauth = sum(int(row[f"u{b}"] or 0) for b in bits)
    return Sessions(possible - absent, absent - unauth, unauth)


def _patterns(rows: list[dict[str, Any]]) -> list[SessionPattern]:
    return [
        SessionPattern(
            DAYS[bit // 2],
            "AM" if bit % 2 == 0 else "PM",
            sum(int(r[f"p{bit}"] or 0) for r in rows),
            sum(int(r[f"a{bit}"] or 0) for r in rows),
            sum(int(r[f"u{bit}"] or 0) for r in rows),
        )
        for bit in range(10)
    ]


def _stages(school: School) -> dict[int, int]:
    counts = Case.objects.filter(school=school).aggregate(
        pending=Count("id", filter=Q(proposed_stage__isnull=False)),
        **{f"s{n}": Count("id", filter=Q(stage=n)) for n in range(1, 5)},
    )
    return {n: counts[f"s{n}"] for n in range(1, 5)} | {-1: counts["pending"]}


def _tasks(school: School, today: dt.date) -> dict[str, int]:
    duties = (
        Duty.objects.filter(school=school)
        .open()
        .aggregate(
            duties_open=Count("id"),
            duties_overdue=Count("id", filter=Q(due_on__lt=today)),
            unresolved_n=Count("id", filter=Q(kind=DutyKind.N_UNRESOLVED)),
        )
    )
    due = Q(school=school, reviewed_on__isnull=True, review_date__lte=today)
    reviews = (
        SupportPlan.objects.filter(due).count() + AttendanceContract.objects.filter(due).count()
    )
    return {**duties, "reviews_due": reviews}


def school_overview(*, school: School, today: dt.date) -> Overview:
    """The overview of issue #5 point 1, from the engine's stored status.

    1. Year to date, threshold and risk counts, and every cohort: one aggregate query.
    2. Year groups, then registration groups: one grouped query each.
    3. The school weeks of the year with per-session sums: the trend, this week, this
       term, today, and the day-of-week and AM/PM patterns.
    4. Cases by stage, open duties and reviews due.
    """
    policy = policy_for(school)
    year_start = rules.academic_year(today)[0]
    counts = _counts(school)
    year = Enrolments.from_row(counts, "all_")
    weeks_rows = _weeks(school, year_start, today)
    weeks = [Week(r["monday"], _week_sessions(r)) for r in weeks_rows]
    term_name, term_start = erules.term_of(today)
    monday = rules.week_monday(today)
    overview = Overview(
        school=school,
        today=today,
        target=f"{policy.concern_below_rate:.1f}",
        national=national_figures(),
        year=year,
        today_sessions=_today(weeks_rows, today),
        week=sum((w.sessions for w in weeks if w.monday == monday), Sessions()),
        term=sum((w.sessions for w in weeks if w.monday >= term_start), Sessions()),
        term_name=term_name,
        counts={k: counts[k] for k in _COUNTED} | _tasks(school, today),
        stages=_stages(school),
        weeks=weeks,
        sessions=_patterns(weeks_rows),
    )
    overview.year_groups = _rows(_statuses(school), "pupil__year_group", dict(YearGroup.choices))
    overview.groups = _registration_group_rows(school)
    overview.cohorts = [
        Row(key, label, cohort, year - cohort)
        for key, label, _where in COHORTS
        for cohort in [Enrolments.from_row(counts, f"{key}_")]
        if cohort.pupils
    ]
    return overview


# --- The trust's schools side by side --------------------------------------------------


@dataclass(frozen=True)
class SchoolColumn:
    school: School
    target: str
    year: Enrolments
    week: Sessions
    term: Sessions
    threshold_met: int
    near_threshold: int
    open_cases: int


def trust_overview(*, schools: list[School], today: dt.date) -> list[SchoolColumn]:
    """Each school's headline figures, in a constant number of queries however many
    schools: one grouped query per source, not one per school."""
    ids = [s.pk for s in schools]
    year_start = rules.academic_year(today)[0]
    _name, term_start = erules.term_of(today)
    monday = rules.week_monday(today)
    ytd = {
        r["school_id"]: r
        for r in PupilStatus.objects.filter(school_id__in=ids, possible__gt=0)
        .values("school_id")
        .annotate(
            **_enrolment_sums("y_"),
            threshold_met=Count("id", filter=Q(threshold_met_now=True)),
            near_threshold=Count(
                "id",
                filter=Q(threshold_met_now=False, threshold_sessions_to_meet__lte=NEAR_THRESHOLD),
            ),
        )
        .order_by()
    }
    weekly = (
        PupilWeek.objects.filter(school_id__in=ids, year_start=year_start, monday__gte=term_start)
        .values("school_id")
        .annotate(
            t_att=Sum("attended"),
            t_auth=Sum("authorised"),
            t_unauth=Sum("unauthorised"),
            w_att=Sum("attended", filter=Q(monday=monday)),
            w_auth=Sum("authorised", filter=Q(monday=monday)),
            w_unauth=Sum("unauthorised", filter=Q(monday=monday)),
        )
        .order_by()
    )
    weeks = {r["school_id"]: r for r in weekly}
    cases = dict(
        Case.objects.filter(school_id__in=ids, stage__gt=0)
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
        .order_by()
    )
    targets = _targets(schools)
    columns = []
    for school in schools:
        w = weeks.get(school.pk, {})
        y = ytd.get(school.pk, {})
        columns.append(
            SchoolColumn(
                school=school,
                target=targets[school.pk],
                year=Enrolments.from_row(y, "y_"),
                week=Sessions(w.get("w_att") or 0, w.get("w_auth") or 0, w.get("w_unauth") or 0),
                term=Sessions(w.get("t_att") or 0, w.get("t_auth") or 0, w.get("t_unauth") or 0),
                threshold_met=y.get("threshold_met", 0),
                near_threshold=y.get("near_threshold", 0),
                open_cases=cases.get(school.pk, 0),
            )
        )
    return columns


def _targets(schools: list[School]) -> dict[int, str]:
    """Each school's target (its policy's concern rate), reading the policy rows once."""
    authorities = {s.local_authority for s in schools if s.local_authority}
    rows = list(
        PolicyConfig.objects.filter(
            Q(school__in=schools) | Q(school=None, local_authority__in=authorities)
        )
    )
    by_school = {r.school_id: r for r in rows if r.school_id}
    by_la = {r.local_authority: r for r in rows if not r.school_id}
    targets = {}
    for school in schools:
        policy = DEFAULT_POLICY
        for row in (by_la.get(school.local_authority), by_school.get(school.pk)):
            if row is not None:
                policy = policy_from_settings(row.settings, base=policy)
        targets[school.pk] = f"{policy.concern_below_rate:.1f}"
    return targets


@dataclass(frozen=True)
class TrustTotals:
    """The trust's schools pooled: weekly trend, year to date, year groups and cohorts."""

    year: Enrolments
    weeks: list[Week]
    year_groups: list[Row]
    cohorts: list[Row]


def trust_totals(*, schools: list[School], today: dt.date) -> TrustTotals:
    """Pooled over `schools` in three queries: the cohort sums, the year groups and the
    school weeks (weeks are matched by their Monday across the schools' calendars)."""
    ids = [s.pk for s in schools]
    statuses = PupilStatus.objects.filter(school_id__in=ids, possible__gt=0)
    aggregates: dict[str, Any] = dict(_enrolment_sums("all_"))
    for key, _label, where in COHORTS:
        aggregates.update(_enrolment_sums(f"{key}_", where))
    counts = statuses.aggregate(**aggregates)
    year = Enrolments.from_row(counts, "all_")
    weekly = (
        PupilWeek.objects.filter(
            school_id__in=ids, year_start=rules.academic_year(today)[0], monday__lte=today
        )
        .values("monday")
        .annotate(
            attended_sum=Sum("attended"),
            authorised_sum=Sum("authorised"),
            unauthorised_sum=Sum("unauthorised"),
        )
        .order_by("monday")
    )
    return TrustTotals(
        year=year,
        weeks=[Week(r["monday"], _week_sessions(r)) for r in weekly],
        year_groups=_rows(statuses, "pupil__year_group", dict(YearGroup.choices)),
        cohorts=[
            Row(key, label, cohort, year - cohort)
            for key, label, _where in COHORTS
            for cohort in [Enrolments.from_row(counts, f"{key}_")]
            if cohort.pupils
        ],
    )
