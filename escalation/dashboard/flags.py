"""Flag lists: the pupils the engine's stored status flags, filtered and sorted.

A flag is data (a `Flag` in `FLAGS`): its filter over `PupilStatus` takes the list's
number N ("within N sessions", "N or more late") and today. Every row carries its
registration group, case stage and open duties as subqueries, so a page of the list is
one query and the counts of every flag are one more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from escalation.models import (
    AttendanceContract,
    Case,
    Duty,
    DutyKind,
    DutyStatus,
    PupilStatus,
    SupportPlan,
)
from registers.models import Enrolment, School

from .figures import at_risk_of_pa
from .overview import COHORTS

FlagFilter = Callable[[int, dt.date], Q]


def _duties(today: dt.date, **where: object) -> Exists:
    return Exists(
        Duty.objects.filter(
            school_id=OuterRef("school_id"),
            pupil_id=OuterRef("pupil_id"),
            status=DutyStatus.OPEN,
            **where,
        )
    )


def _review_due(model: type, today: dt.date) -> Exists:
    return Exists(
        model.objects.filter(
            school_id=OuterRef("school_id"),
            pupil_id=OuterRef("pupil_id"),
            reviewed_on__isnull=True,
            review_date__lte=today,
        )
    )


@dataclass(frozen=True)
class Flag:
    slug: str
    label: str
    description: str
    where: FlagFilter
    sort: str  # default sort key (see SORTS)
    n_label: str = ""  # what N means, when the flag takes one
    n_default: int = 0


FLAGS: tuple[Flag, ...] = (
    Flag(
        "threshold",
        "National threshold met",
        "10 or more sessions coded G, N, O or U within 10 school weeks, as recorded now.",
        lambda n, today: Q(threshold_met_now=True),
        "met_on",
    ),
    Flag(
        "decision-needed",
        "Threshold decision needed",
        "The national threshold is met since the last recorded decision (or met with none "
        "recorded): the school must consider whether a penalty notice can and should be issued.",
        lambda n, today: Q(threshold_episode_met=True),
        "episode_met_on",
    ),
    Flag(
        "near-threshold",
        "Near the national threshold",
        "Not met, but N more unauthorised sessions in the current window would meet it.",
        lambda n, today: Q(threshold_met_now=False, threshold_sessions_to_meet__lte=n),
        "to_threshold",
        "Within this many sessions",
        2,
    ),
    Flag(
        "local-threshold",
        "Local threshold met",
        "The school's or local authority's own threshold, where the policy sets one.",
        lambda n, today: Q(local_threshold_met_now=True),
        "attendance",
    ),
    Flag(
        "persistent",
        "Persistent absence",
        "Absent for 10% or more of possible sessions this year (inclusive).",
        lambda n, today: Q(persistent_absence=True),
        "attendance",
    ),
    Flag(
        "severe",
        "Severe absence",
        "Absent for 50% or more of possible sessions this year (inclusive).",
        lambda n, today: Q(severe_absence=True),
        "attendance",
    ),
    Flag(
        "at-risk",
        "At risk of persistent absence",
        "Not persistently absent yet, but heading there: at the recent pace the year would end "
        "at 90% or below, or N or fewer more absent sessions this year would make it so.",
        lambda n, today: at_risk_of_pa(n),
        "to_pa",
        "Absent sessions from persistent absence",
        10,
    ),
    Flag(
        "lateness",
        "Persistent lateness",
        "N or more late sessions (L before the register closed, U after) this half term.",
        lambda n, today: Q(late_half_term__gte=n),
        "late",
        "Late sessions this half term, at least",
        5,
    ),
    Flag(
        "unresolved-n",
        "Unresolved N codes",
        "An N (reason not yet provided) awaits a reason or a correct code.",
        lambda n, today: Q(_duties(today, kind=DutyKind.N_UNRESOLVED)),
        "due",
    ),
    Flag(
        "duties",
        "Duties due",
        "Open statutory or policy duties due within N days (overdue ones included).",
        lambda n, today: Q(_duties(today, due_on__lte=today + dt.timedelta(days=n))),
        "due",
        "Due within this many days",
        5,
    ),
    Flag(
        "reviews",
        "Support reviews due",
        "Attendance support plans and contracts whose review date has come.",
        lambda n, today: (
            Q(_review_due(SupportPlan, today)) | Q(_review_due(AttendanceContract, today))
        ),
        "attendance",
    ),
)
FLAGS_BY_SLUG = {f.slug: f for f in FLAGS}

# Sort keys: (label, order_by).
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("Name", ("pupil__surname", "pupil__forename")),
    "attendance": ("Attendance, lowest first", ("attendance_rate", "pupil__surname")),
    "unauthorised": ("Unauthorised sessions, most first", ("-unauthorised", "pupil__surname")),
    "met_on": ("Threshold met, earliest first", ("threshold_first_met_on", "pupil__surname")),
    "episode_met_on": (
        "Met since the last decision, earliest first",
        ("threshold_episode_met_on", "pupil__surname"),
    ),
    "to_threshold": ("Sessions to the threshold, fewest first", ("threshold_sessions_to_meet",)),
    "to_pa": ("Sessions to persistent absence, fewest first", ("absence_sessions_to_pa",)),
    "late": ("Late sessions this half term, most first", ("-late_half_term", "pupil__surname")),
    "due": ("Next duty due, soonest first", ("next_due", "pupil__surname")),
    "group": ("Registration group", ("registration_group", "pupil__surname")),
    "stage": ("Case stage, highest first", ("-stage", "pupil__surname")),
}


@dataclass(frozen=True)
class Filters:
    year_group: str = ""
    registration_group: str = ""
    cohorts: tuple[str, ...] = ()
    stage: int | None = None


def annotated(school: School) -> QuerySet[PupilStatus]:
    """The school's statuses with the columns every flag list shows."""
    enrolment = Enrolment.objects.filter(
        pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id")
    ).order_by("-admission_date")
    case = Case.objects.filter(pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id"))
    duties = (
        Duty.objects.filter(
            pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id"), status=DutyStatus.OPEN
        )
        .order_by()
        .values("pupil_id")
    )
    return (
        PupilStatus.objects.filter(school=school)
        .select_related("pupil")
        .annotate(
            registration_group=Subquery(enrolment.values("registration_group")[:1]),
            stage=Coalesce(Subquery(case.values("stage")[:1]), Value(0)),
            proposed_stage=Subquery(case.values("proposed_stage")[:1]),
            open_duties=Coalesce(
                Subquery(duties.annotate(n=Count("id")).values("n")[:1]),
                Value(0),
                output_field=IntegerField(),
            ),
            next_due=Subquery(duties.annotate(d=Min("due_on")).values("d")[:1]),
            late_half_term=F("late_before_close_half_term") + F("late_after_close_half_term"),
        )
    )


def _filtered(queryset: QuerySet[PupilStatus], filters: Filters) -> QuerySet[PupilStatus]:
    if filters.year_group:
        queryset = queryset.filter(pupil__year_group=filters.year_group)
    if filters.registration_group:
        queryset = queryset.filter(registration_group=filters.registration_group)
    wanted = {key: where for key, _label, where in COHORTS}
    for key in filters.cohorts:
        queryset = queryset.filter(wanted[key])
    if filters.stage is not None:
        queryset = queryset.filter(stage=filters.stage)
    return queryset


def flag_list(
    *, school: School, flag: Flag, n: int, today: dt.date, filters: Filters, sort: str = ""
) -> QuerySet[PupilStatus]:
    """The pupils `flag` picks at `school`, narrowed by `filters`, in `sort` order."""
    queryset = _filtered(annotated(school).filter(flag.where(n, today)), filters)
    return queryset.order_by(*SORTS[sort or flag.sort][1], "pupil_id")


def flag_counts(*, school: School, today: dt.date) -> dict[str, int]:
    """How many pupils each flag holds at its default N: one aggregate query."""
    plain = PupilStatus.objects.filter(school=school).annotate(
        late_half_term=F("late_before_close_half_term") + F("late_after_close_half_term")
    )
    return plain.aggregate(
        **{f.slug: Count("id", filter=f.where(f.n_default, today)) for f in FLAGS}
    )


def registration_groups(school: School) -> list[str]:
    return list(
        Enrolment.objects.filter(school=school)
        .exclude(registration_group="")
        .values_list("registration_group", flat=True)
        .distinct()
        .order_by("registration_group")
    )


def csv_rows(statuses: Iterable[PupilStatus]) -> Iterable[list[object]]:
    """The list as CSV rows, header first; cells that a spreadsheet would run as a
    formula are prefixed with an apostrophe."""
    yield [
        "UPN", "Surname", "Forename", "Year", "Registration group", "Possible", "Attended",
        "Authorised", "Unauthorised", "Attendance %", "Persistent absence", "Severe absence",
        "Threshold sessions in window", "Window start", "Window end", "Threshold met",
        "Provisional (includes N)", "Sessions to meet threshold", "Late this half term",
        "Case stage", "Open duties", "Next duty due",
    ]  # fmt: skip
    for s in statuses:
        yield [
            _cell(v)
            for v in (
                s.pupil.upn,
                s.pupil.surname,
                s.pupil.forename,
                s.pupil.year_group,
                s.registration_group,
                s.possible,
                s.attended,
                s.authorised,
                s.unauthorised,
                s.attendance_rate,
                s.persistent_absence,
                s.severe_absence,
                s.threshold_sessions_in_window,
                s.threshold_window_start,
                s.threshold_window_end,
                s.threshold_met_now,
                s.threshold_provisional,
                0 if s.threshold_met_now else s.threshold_sessions_to_meet,
                s.late_half_term,
                s.stage,
                s.open_duties,
                s.next_due,
            )  # fmt: skip
        ]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
