"""Who may do what, in one place.

Views and services declare the capability they need; `user_can`, `schools_for` and
`get_school_for_user` answer it from the user's memberships. Later features add
capabilities here rather than checking roles themselves.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Membership, Role, School, User


class Capability(StrEnum):
    VIEW_SCHOOL = "view_school"  # the school's pages and aggregate figures
    VIEW_PUPILS = "view_pupils"  # pupil-level data: names, marks, status
    TAKE_REGISTER = "take_register"
    CORRECT_MARKS = "correct_marks"  # amend past marks, bulk entry
    MANAGE_SCHOOL = "manage_school"  # register times, calendar, imports
    MANAGE_CASES = "manage_cases"  # escalation decisions, letters, penalties
    VIEW_REPORTS = "view_reports"  # aggregate termly reports
    REPORT_ABSENCES = "report_absences"  # pass on a parent's report of an absence


_STAFF = {Capability.VIEW_SCHOOL, Capability.VIEW_PUPILS, Capability.VIEW_REPORTS}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.TEACHER: frozenset(_STAFF | {Capability.TAKE_REGISTER, Capability.REPORT_ABSENCES}),
    Role.OFFICE: frozenset(
        _STAFF | {Capability.TAKE_REGISTER, Capability.CORRECT_MARKS, Capability.REPORT_ABSENCES}
    ),
    Role.ATTENDANCE_LEAD: frozenset(
        _STAFF
        | {
            Capability.TAKE_REGISTER,
            Capability.CORRECT_MARKS,
            Capability.MANAGE_CASES,
            Capability.REPORT_ABSENCES,
        }
    ),
    Role.HEADTEACHER: frozenset(
        _STAFF
        | {
            Capability.TAKE_REGISTER,
            Capability.CORRECT_MARKS,
            Capability.MANAGE_CASES,
            Capability.MANAGE_SCHOOL,
            Capability.REPORT_ABSENCES,
        }
    ),
    # Governors hold leaders to account from aggregates: never pupil-level data.
    Role.GOVERNOR: frozenset({Capability.VIEW_SCHOOL, Capability.VIEW_REPORTS}),
    Role.TRUST_LEADER: frozenset(_STAFF | {Capability.MANAGE_CASES}),
}


def roles_with(capability: Capability) -> list[str]:
    return [role.value for role, caps in ROLE_CAPABILITIES.items() if capability in caps]


def schools_for(user: User, capability: Capability) -> QuerySet[School]:
    """The schools where `user` holds `capability`, directly or through a trust role."""
    if not user.is_authenticated or not user.is_active:
        return School.objects.none()
    memberships = Membership.objects.filter(user=user, role__in=roles_with(capability))
    return School.objects.filter(
        Q(id__in=memberships.filter(school__isnull=False).values("school_id"))
        | Q(trust_id__in=memberships.filter(trust__isnull=False).values("trust_id"))
    )


def user_can(user: User, school: School, capability: Capability) -> bool:
    return schools_for(user, capability).filter(id=school.id).exists()


def get_school_for_user(user: User, urn: str, capability: Capability) -> School:
    """The school with this URN if the user holds the capability there, else 404.

    A 404 rather than a 403 so that staff of one school cannot learn what another holds.
    """
    school = schools_for(user, capability).filter(urn=urn).first()
    if school is None:
        raise Http404("No such school")
    return school


def capabilities_at(user: User, school: School) -> frozenset[Capability]:
    """Every capability `user` holds at `school`, in one query."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    roles = Membership.objects.filter(
        Q(school=school) | Q(trust_id=school.trust_id, trust__isnull=False), user=user
    ).values_list("role", flat=True)
    return frozenset().union(*(ROLE_CAPABILITIES[Role(r)] for r in roles))
