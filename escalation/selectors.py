"""Reads of the escalation engine: the policy, calendars, and the dashboard's flag lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from escalation.models import Case, Duty, PolicyConfig, PupilStatus
from escalation.policy import DEFAULT_POLICY, Policy, policy_from_settings
from registers import rules
from registers.models import School, SchoolSession


def policy_for(school: School) -> Policy:
    """The school's policy: its own configuration, else its local authority's, else the
    defaults (see `escalation.policy`)."""
    configs = {
        (c.school_id is not None): c
        for c in PolicyConfig.objects.filter(
            Q(school=school) | Q(school=None, local_authority=school.local_authority or "-")
        )
    }
    policy = DEFAULT_POLICY
    for is_school in (False, True):  # the authority first, the school over it
        if is_school in configs:
            policy = policy_from_settings(configs[is_school].settings, base=policy)
    return policy


def session_dates(school_ids: Iterable[int]) -> dict[int, list[date]]:
    """Each school's distinct session dates, sorted."""
    found: dict[int, set[date]] = defaultdict(set)
    rows = SchoolSession.objects.filter(school_id__in=list(school_ids)).values_list(
        "school_id", "date"
    )
    for school_id, day in rows:
        found[school_id].add(day)
    return {school_id: sorted(days) for school_id, days in found.items()}


def school_sessions(school_id: int, start: date, end: date) -> list[rules.Session]:
    """The school's sessions in [start, end], in order."""
    rows = SchoolSession.objects.filter(
        school_id=school_id, date__gte=start, date__lte=end
    ).values_list("date", "session")
    return sorted((day, rules.Half[half]) for day, half in rows)


# --- Flag lists for the dashboard -------------------------------------------------------


def statuses(school: School) -> QuerySet[PupilStatus]:
    return PupilStatus.objects.for_school(school).select_related("pupil")


def threshold_met(school: School) -> QuerySet[PupilStatus]:
    return statuses(school).threshold_met().order_by("threshold_first_met_on")


def near_threshold(school: School, within: int = 2) -> QuerySet[PupilStatus]:
    return statuses(school).near_threshold(within).order_by("threshold_sessions_to_meet")


def persistent_absentees(school: School) -> QuerySet[PupilStatus]:
    return statuses(school).persistent().order_by("attendance_rate")


def at_risk_of_pa(school: School, within: int = 10) -> QuerySet[PupilStatus]:
    return statuses(school).at_risk_of_pa(within).order_by("absence_sessions_to_pa")


def in_risk_band(school: School, *bands: str) -> QuerySet[PupilStatus]:
    return statuses(school).in_band(*bands).order_by("-term_absence_sessions")


def open_duties(school: School) -> QuerySet[Duty]:
    return Duty.objects.filter(school=school).open().select_related("pupil")


def overdue_duties(school: School, today: date) -> QuerySet[Duty]:
    return Duty.objects.filter(school=school).overdue(today).select_related("pupil")


def pending_proposals(school: School) -> QuerySet[Case]:
    return (
        Case.objects.filter(school=school, proposed_stage__isnull=False)
        .select_related("pupil")
        .order_by("proposed_on")
    )
