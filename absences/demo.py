"""Parent reports, leave requests and first-day calls for the demo school.

Called by the demo seeding after the logins and marks exist:
`absences_demo_seed(school=first_school, today=today)`. Everything goes through the
services, so the marks it enters are audited like any others. Deterministic for `seed`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from absences import selectors
from absences.models import CallOutcome
from absences.services.calling import call_attempt_record
from absences.services.leave import Adult, leave_request_decide, leave_request_submit
from absences.services.reports import ReportFields, report_accept, report_submit
from registers.models import Enrolment, Guardian, Mark, PupilGuardian, School, User


@dataclass(frozen=True)
class DemoAbsences:
    reports: int
    leave_requests: int
    calls: int


def _staff(username: str) -> User:
    return User.objects.get(username=username)


def _fields(
    *, enrolment: Enrolment | None, day: dt.date, reason: str, **kw: object
) -> ReportFields:
    pupil = enrolment.pupil if enrolment else None
    base: dict[str, object] = {
        "child_name": f"{pupil.forename} {pupil.surname}" if pupil else "Maisie Fairweather",
        "child_date_of_birth": pupil.date_of_birth if pupil else dt.date(2017, 3, 14),
        "child_class": enrolment.registration_group if enrolment else "3H",
        "reporter_name": f"Alex {pupil.surname}" if pupil else "Dana Fairweather",
        "reporter_relationship": "Parent",
        "reporter_phone": "07700 900461",
        "reporter_email": "",
        "reason": reason,
        "details": "",
        "first_day": day,
        "expected_return": None,
        "part_of_day": "",
    }
    return ReportFields(**{**base, **kw})  # type: ignore[arg-type]


def _school_days(school: School, start: dt.date, end: dt.date) -> list[dt.date]:
    return sorted({d for d, _h in selectors.held_sessions(school, start, end)})


@transaction.atomic
def absences_demo_seed(*, school: School, today: dt.date, seed: int = 1) -> DemoAbsences:
    """Reports waiting for the office today, one dealt with last week, leave requests in
    each state and a first-day call.

    1. Three public reports for today: two for real pupils (their name, date of birth
       and class as a parent would type them), one for a child who is not on roll.
    2. From the demo parent's portal: an illness report for their second child.
    3. Last school week: an illness report the office accepted (N marks become I).
    4. Leave: the demo parent asks for leave in a few weeks (pending); another family's
       request refused, and one granted (C pre-entered).
    5. A first-day call logged for a pupil of today's list, if anyone is marked N today.
    """
    rng = random.Random(seed)
    office, head = _staff("office"), _staff("head")
    parent = Guardian.objects.select_related("user").get(user__username="parent")
    roll = list(
        Enrolment.objects.for_school(school)
        .on_roll(today)
        .select_related("pupil")
        .order_by("pupil__surname", "pupil__forename", "pk")
    )
    own = {link.pupil_id for link in PupilGuardian.objects.filter(guardian=parent)}
    others = [e for e in roll if e.pupil_id not in own]
    if len(others) < 6:  # too small a demo for every state: leave it without
        return DemoAbsences(reports=0, leave_requests=0, calls=0)
    picked = rng.sample(others, 6)
    reports = 0
    if today in _school_days(school, today, today):
        report_submit(
            school=school, fields=_fields(enrolment=picked[0], day=today, reason="illness")
        )
        report_submit(
            school=school,
            fields=_fields(
                enrolment=picked[1],
                day=today,
                reason="medical",
                part_of_day="PM",
                details="Orthodontist at 1.30pm",
            ),
        )
        report_submit(school=school, fields=_fields(enrolment=None, day=today, reason="other"))
        reports += 3
        mine = [e for e in roll if e.pupil_id in own]
        if len(mine) > 1:
            child = mine[1]
            report_submit(
                school=school,
                fields=_fields(
                    enrolment=child,
                    day=today,
                    reason="illness",
                    reporter_name=parent.name,
                    reporter_email=parent.email,
                    details="Sickness bug overnight",
                ),
                guardian=parent,
                pupil=child.pupil,
            )
            reports += 1
    last_week = _school_days(school, today - dt.timedelta(days=10), today - dt.timedelta(days=1))
    if len(last_week) >= 2:
        report = report_submit(
            school=school,
            fields=_fields(
                enrolment=picked[2],
                day=last_week[-2],
                reason="illness",
                expected_return=last_week[-1],
                details="Chest infection",
            ),
        )
        report_accept(report=report, pupil=picked[2].pupil, user=office)
        reports += 1
    leave = _leave(school=school, today=today, parent=parent, own=own, picked=picked, head=head)
    calls = _call(school=school, today=today, office=office)
    return DemoAbsences(reports=reports, leave_requests=leave, calls=calls)


def _leave(
    *,
    school: School,
    today: dt.date,
    parent: Guardian,
    own: set[int],
    picked: list[Enrolment],
    head: User,
) -> int:
    ahead = _school_days(school, today + dt.timedelta(days=14), today + dt.timedelta(days=70))
    if len(ahead) < 15:
        return 0
    made = 0
    if own:
        leave_request_submit(
            guardian=parent,
            pupil=Enrolment.objects.filter(pupil_id__in=own, school=school).first().pupil,
            school=school,
            start_date=ahead[0],
            end_date=ahead[2],
            reason="My sister's wedding in Kraków; the family travels together.",
            adults=[Adult(parent.name, "", True, True, True)],
            signed_name=parent.name,
            declaration=True,
            address=parent.address,
            postcode=parent.postcode,
            today=today,
        )
        made += 1
    for enrolment, start, granted, reason, decision in (
        (
            picked[3],
            ahead[5],
            False,
            "A family holiday while flights are cheaper.",
            "A holiday is not an exceptional circumstance.",
        ),
        (
            picked[4],
            ahead[10],
            True,
            "The funeral of the child's grandfather abroad.",
            "Exceptional: a close family bereavement. Granted for the days of travel.",
        ),
    ):
        guardian = (
            Guardian.objects.filter(pupil_links__pupil=enrolment.pupil).order_by("pk").first()
        )
        if guardian is None:
            continue
        leave = leave_request_submit(
            guardian=guardian,
            pupil=enrolment.pupil,
            school=school,
            start_date=start,
            end_date=ahead[ahead.index(start) + 1],
            reason=reason,
            adults=[Adult(guardian.name, "", True, True, True)],
            signed_name=guardian.name,
            declaration=True,
            address=guardian.address,
            postcode=guardian.postcode,
            today=today,
        )
        leave_request_decide(
            leave_request=leave, user=head, granted=granted, reason=decision, today=today
        )
        made += 1
    return made


def _call(*, school: School, today: dt.date, office: User) -> int:
    mark = Mark.objects.filter(school=school, date=today, code_id="N").order_by("pupil_id").first()
    if mark is None:
        return 0
    first = PupilGuardian.objects.filter(pupil_id=mark.pupil_id).order_by("priority").first()
    call_attempt_record(
        school=school,
        pupil=mark.pupil,
        day=today,
        guardian=first.guardian if first else None,
        outcome=CallOutcome.NO_ANSWER,
        reason_given="",
        user=office,
    )
    return 1
