"""Helpers shared by the services: stamping who acted, logging it, covering sessions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from penalties import selectors
from penalties.models import (
    CoveredSession,
    InterventionEvent,
    NoticeToImprove,
    PenaltyNotice,
    PenaltyRequest,
)
from penalties.models.notices import Stamped
from registers.models import Guardian, Pupil, PupilGuardian, School, User


def stamp(row: Stamped, *, school: School, pupil: Pupil, user: User | None) -> None:
    row.school, row.pupil = school, pupil
    row.created_by = user
    row.created_by_name = (user.get_full_name() or user.username) if user else ""
    row.created_by_position = user.position if user else ""
    row.created_at = timezone.now()


def log(
    *,
    school: School,
    pupil: Pupil,
    action: str,
    on: dt.date,
    user: User | None,
    note: str = "",
    nti: NoticeToImprove | None = None,
    request: PenaltyRequest | None = None,
    notice: PenaltyNotice | None = None,
) -> InterventionEvent:
    return InterventionEvent.objects.create(
        school=school,
        pupil=pupil,
        nti=nti,
        request=request,
        notice=notice,
        action=action,
        note=note,
        on=on,
        by=user,
        by_name=(user.get_full_name() or user.username) if user else "",
        by_position=user.position if user else "",
        at=timezone.now(),
    )


def lock_parents(*, pupil: Pupil, guardians: list[Guardian]) -> list[PupilGuardian]:
    """Lock each parent/child pair, so two people acting at once are checked in turn, and
    refuse anyone who is not a parent of the pupil with parental responsibility."""
    ids = sorted({g.pk for g in guardians})
    links = list(
        PupilGuardian.objects.select_for_update()
        .filter(pupil=pupil, guardian_id__in=ids, parental_responsibility=True)
        .order_by("guardian_id")
    )
    if len(links) != len(ids):
        raise ValidationError(
            "A notice can only name a parent of this pupil with parental responsibility."
        )
    return links


def cover(
    *,
    school: School,
    pupil: Pupil,
    start: dt.date,
    end: dt.date,
    nti: NoticeToImprove | None = None,
    request: PenaltyRequest | None = None,
) -> int:
    """Cover the unauthorised sessions in [start, end] not yet covered; refuse if none."""
    sessions = selectors.uncovered_sessions(school=school, pupil=pupil, start=start, end=end)
    if not sessions:
        raise ValidationError(
            f"There is no unauthorised absence from {start:%d %B %Y} to {end:%d %B %Y} that an "
            "earlier notice does not already cover."
        )
    CoveredSession.objects.bulk_create(
        CoveredSession(
            school=school,
            pupil=pupil,
            date=d,
            session=half,
            code=code,
            nti=nti,
            request=request,
        )
        for d, half, code in sessions
    )
    return len(sessions)
