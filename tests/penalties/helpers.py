"""Build notice histories through the services, as a school would."""

from __future__ import annotations

import datetime as dt

from penalties.models import PenaltyNotice
from penalties.rules import Delivery
from penalties.services.notices import (
    penalty_issue,
    penalty_request_open,
    penalty_request_submit,
)
from registers.models import Guardian, Mark, Pupil, School, User
from tests.penalties.conftest import absent


def requested(
    school: School, child: Pupil, parents: list[Guardian], on: dt.date, user: User
) -> list[PenaltyNotice]:
    """Notices requested on `on` for an unauthorised absence that morning."""
    if not Mark.objects.filter(pupil=child, date=on).exists():
        absent(school, child, [on], "O", halves=("AM",))
    request = penalty_request_open(school=school, pupil=child, user=user, today=on)
    return penalty_request_submit(
        request=request,
        guardians=parents,
        offence_start=on,
        offence_end=on,
        grounds="Unauthorised absence.",
        user=user,
        today=on,
    )


def issue(
    notice: PenaltyNotice, on: dt.date, user: User, *, received: dt.date | None = None
) -> PenaltyNotice:
    return penalty_issue(
        notice=notice,
        issued_on=on,
        issuing_officer="A. Officer, Hertfordshire",
        la_reference="",
        delivery=Delivery.HAND,
        posted_on=None,
        received_on=received,
        user=user,
        today=on,
    )


def issued(
    school: School, child: Pupil, parents: list[Guardian], on: dt.date, user: User
) -> list[PenaltyNotice]:
    return [issue(n, on, user) for n in requested(school, child, parents, on, user)]
