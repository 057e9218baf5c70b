"""Reads behind the reports: set-based queries, one per figure family, never one per pupil.

Marks are counted as `registers.reporting` counts them: only on a session of the school's
calendar and while the pupil is on roll there, grouped per enrolment (school, pupil) in
SQL; each enrolment's counts then go through `registers.rules`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib import import_module

from django.apps import apps
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from escalation.models import Case, CaseEvent, CaseEventKind, ThresholdDecision
from registers import rules
from registers.codes import (
    ATTENDED_CODES,
    AUTHORISED_CODES,
    LATE_AFTER_CLOSE,
    LATE_BEFORE_CLOSE,
    NOT_POSSIBLE_CODES,
    UNAUTHORISED_CODES,
)
from registers.models import Enrolment, Mark, Membership, Role, School, SchoolSession, User
from reports import rules as rrules
from reports.models import Report, ReportKind

# Pupil flags of the cohort breakdown: key -> (Pupil field, value that puts a pupil in it).
COHORT_FIELDS: dict[str, tuple[str, object]] = {
    "fsm": ("fsm", True),
    "pp": ("pupil_premium", True),
    "send_k": ("send", "K"),
    "send_e": ("send", "E"),
    "eal": ("eal", True),
    "cla": ("cla", True),
    "sw": ("social_worker", True),
    "yc": ("young_carer", True),
}
_PUPIL_FIELDS = sorted({f for f, _v in COHORT_FIELDS.values()})


@dataclass(frozen=True)
class EnrolmentRow:
    """One enrolment's figures over a period, with what the breakdowns need."""

    school_id: int
    pupil_id: int
    upn: str
    name: str
    year_group: str
    dob: date
    admitted: date  # first admission at this school
    cohorts: frozenset[str]
    on_roll_sessions: int  # sessions on roll over the school's dates
    counts: rules.Counts  # over the school's dates
    census_counts: rules.Counts  # over the census dates
    late_counts: rules.Counts  # the census part on or after `split_on` (summer 2)


def session_dates(school: School) -> list[date]:
    return list(
        SchoolSession.objects.filter(school=school)
        .order_by("date")
        .values_list("date", flat=True)
        .distinct()
    )


def periods_for(school: School, *, today: date) -> list[rrules.Period]:
    return rrules.calendar_periods(session_dates=session_dates(school), today=today)


def counted_marks(school_ids: Iterable[int], start: date, end: date) -> QuerySet[Mark]:
    """Marks on a calendar session of their school, with the pupil on roll that day."""
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


def _category_counts(prefix: str = "", where: Q | None = None) -> dict[str, Count]:
    def only(q: Q) -> Q:
        return q if where is None else q & where

    return {
        f"{prefix}attended": Count("id", filter=only(Q(code_id__in=sorted(ATTENDED_CODES)))),
        f"{prefix}authorised": Count("id", filter=only(Q(code_id__in=sorted(AUTHORISED_CODES)))),
        f"{prefix}unauthorised": Count(
            "id", filter=only(Q(code_id__in=sorted(UNAUTHORISED_CODES)))
        ),
        f"{prefix}not_possible": Count(
            "id", filter=only(Q(code_id__in=sorted(NOT_POSSIBLE_CODES)))
        ),
        f"{prefix}late_before_close": Count("id", filter=only(Q(code_id=LATE_BEFORE_CLOSE))),
        f"{prefix}late_after_close": Count("id", filter=only(Q(code_id=LATE_AFTER_CLOSE))),
    }


def _counts(row: dict[str, int], prefix: str = "") -> rules.Counts:
    values = {
        name: int(row.get(f"{prefix}{name}") or 0)
        for name in (
            "attended",
            "authorised",
            "unauthorised",
            "not_possible",
            "late_before_close",
            "late_after_close",
        )
    }
    possible = values["attended"] + values["authorised"] + values["unauthorised"]
    return rules.Counts(possible=possible, **values)


def enrolment_rows(
    *,
    school: School,
    start: date,
    end: date,
    census: tuple[date, date] | None = None,
    split_on: date | None = None,
) -> list[EnrolmentRow]:
    """Every enrolment on roll for at least one session of the period, with its counts
    over the school's dates [start, end] and over the census dates (rules §2.4).

    1. Group the counted marks per pupil in one query over both ranges, counting each
       range apart, and the census range's part on or after `split_on` (the second
       half of summer) apart again: one scan of the marks, however many figures.
    2. Read the enrolments with their pupils' fields in one query; several spells at
       the school are one enrolment.
    3. Count each enrolment's sessions on roll in each range by bisecting the calendar.
    """
    census = census or (start, end)
    first, last = min(start, census[0]), max(end, census[1])
    in_school = Q(date__gte=start, date__lte=end)
    in_census = Q(date__gte=census[0], date__lte=census[1])
    split = in_census & Q(date__gte=split_on) if split_on else Q(pk__in=[])
    marks = (
        counted_marks([school.pk], first, last)
        .values("pupil_id")
        .annotate(
            **_category_counts("s_", in_school),
            **_category_counts("c_", in_census),
            **_category_counts("s2_", split),
        )
        .order_by()
    )
    by_pupil = {row["pupil_id"]: row for row in marks}
    spells: dict[int, list[tuple[date, date]]] = defaultdict(list)
    pupils: dict[int, dict] = {}
    fields = ["pupil_id", "admission_date", "leaving_date"] + [
        f"pupil__{f}" for f in ("upn", "forename", "surname", "year_group", "date_of_birth")
    ]
    enrolments = (
        Enrolment.objects.for_school(school)
        .filter(admission_date__lte=last)
        .values(*fields, *(f"pupil__{f}" for f in _PUPIL_FIELDS))
    )
    for e in enrolments:
        pupils.setdefault(e["pupil_id"], e)
        first_admitted = min(pupils[e["pupil_id"]]["admission_date"], e["admission_date"])
        pupils[e["pupil_id"]]["admission_date"] = first_admitted
        spells[e["pupil_id"]].append((e["admission_date"], e["leaving_date"] or last))
    sessions = list(
        SchoolSession.objects.filter(school=school, date__gte=first, date__lte=last)
        .order_by("date")
        .values_list("date", flat=True)
    )
    rows = []
    for pupil_id, pupil_spells in spells.items():
        merged = _merge(pupil_spells)
        on_roll = _sessions_on_roll(sessions, merged, start, end)
        census_on_roll = _sessions_on_roll(sessions, merged, *census)
        if not on_roll and not census_on_roll:
            continue
        p = pupils[pupil_id]
        marked = by_pupil.get(pupil_id, {})
        rows.append(
            EnrolmentRow(
                school_id=school.pk,
                pupil_id=pupil_id,
                upn=p["pupil__upn"],
                name=f"{p['pupil__surname']}, {p['pupil__forename']}",
                year_group=p["pupil__year_group"],
                dob=p["pupil__date_of_birth"],
                admitted=p["admission_date"],
                cohorts=frozenset(
                    key
                    for key, (name, value) in COHORT_FIELDS.items()
                    if p[f"pupil__{name}"] == value
                ),
                on_roll_sessions=on_roll,
                counts=_counts(marked, "s_"),
                census_counts=_counts(marked, "c_"),
                late_counts=_counts(marked, "s2_"),
            )
        )
    return rows


def _sessions_on_roll(
    sessions: list[date], spells: list[tuple[date, date]], start: date, end: date
) -> int:
    """Sessions of [start, end] inside the spells (`sessions` is sorted, one per session)."""
    return sum(
        bisect_right(sessions, min(last, end)) - bisect_left(sessions, max(first, start))
        for first, last in spells
        if first <= end and last >= start
    )


def _merge(spells: list[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for first, last in sorted(spells):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def weekly_counts(*, school: School, start: date, end: date) -> list[tuple[date, rules.Counts]]:
    """Pooled counts per school week (by Monday) over every enrolment, in date order."""
    rows = (
        counted_marks([school.pk], start, end)
        .values("date")
        .annotate(**_category_counts())
        .order_by("date")
    )
    weeks: dict[date, rules.Counts] = {}
    for row in rows:
        monday = rules.week_monday(row["date"])
        weeks[monday] = weeks.get(monday, rules.Counts()) + _counts(row)
    return sorted(weeks.items())


# --- The escalation engine's records ---------------------------------------------------------


def stage_counts(*, school: School, on: date) -> dict[int, int]:
    """Pupils at each stage of the ladder on a date: the stage of each case's last
    accepted move on or before it (stage 0 when none)."""
    last_accepted = (
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=CaseEventKind.ACCEPTED, on__lte=on)
        .order_by("-on", "-at", "-id")
        .values("stage_to")[:1]
    )
    rows = (
        Case.objects.filter(school=school)
        .annotate(stage_then=Subquery(last_accepted))
        .values("stage_then")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = dict.fromkeys(range(1, 5), 0)
    for row in rows:
        stage = row["stage_then"] or 0
        if stage:
            found[stage] = found.get(stage, 0) + row["n"]
    return found


def stage_moves(*, school: School, start: date, end: date) -> dict[str, int]:
    """Accepted moves up and down the ladder in the period."""
    events = CaseEvent.objects.filter(
        case__school=school, kind=CaseEventKind.ACCEPTED, on__gte=start, on__lte=end
    )
    return events.aggregate(
        up=Count("id", filter=Q(stage_to__gt=F("stage_from"))),
        down=Count("id", filter=Q(stage_to__lt=F("stage_from"))),
    )


def decision_counts(*, school: School, start: date, end: date) -> dict[str, int]:
    """Threshold decisions recorded in the period, by outcome."""
    rows = (
        ThresholdDecision.objects.filter(school=school, decided_on__gte=start, decided_on__lte=end)
        .values("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["outcome"]: row["n"] for row in rows}


def leave_counts(*, school: School, start: date, end: date) -> dict[str, int] | None:
    """Leave requests decided in the period, granted and refused; None when the system
    does not record leave requests."""
    try:
        model = apps.get_model("absences", "LeaveRequest")
    except LookupError:
        return None
    rows = (
        model.objects.filter(
            school=school,
            status__in=["granted", "refused"],
            decided_on__gte=start,
            decided_on__lte=end,
        )
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = {"granted": 0, "refused": 0}
    found.update({row["status"]: row["n"] for row in rows})
    return found


def intervention_counts(
    *, school: School, start: date, end: date
) -> dict[str, dict[str, int]] | None:
    """Notices to improve, penalty notices and alternatives dated in the period, by kind
    then status (each kind with a "total"), from the penalties app; None when it does
    not provide them."""
    try:
        selectors = import_module("penalties.selectors")
    except ImportError:
        return None
    counts = getattr(selectors, "intervention_counts", None)
    if counts is None:
        return None
    return dict(counts(schools=[school], start=start, end=end))


# --- Who sees which report ------------------------------------------------------------------


def leads_trust(user: User, school: School) -> bool:
    """The user is a trust leader of the school's trust (the trust report's audience)."""
    if school.trust_id is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, trust_id=school.trust_id, role=Role.TRUST_LEADER
    ).exists()


def reports_for(user: User, school: School) -> QuerySet[Report]:
    """The reports listed at a school: its own, and the trust's for its trust leaders.

    The caller has already checked that the user may view reports at the school.
    """
    visible = Q(kind=ReportKind.SCHOOL, school=school)
    if leads_trust(user, school):
        visible |= Q(kind=ReportKind.TRUST, trust_id=school.trust_id)
    return Report.objects.filter(visible).select_related("school")


def report_for(user: User, school: School, report_id: int) -> Report:
    """One report the user may see at this school, else 404."""
    return get_object_or_404(reports_for(user, school), pk=report_id)
