"""The demo's parent reports, leave requests and calls, seeded through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from absences.demo import absences_demo_seed
from absences.models import AbsenceReport, CallAttempt, LeaveRequest
from absences.services.signin import guardian_user
from registers.models import Mark, MarkSource, Role
from tests.registers.factories import (
    GuardianFactory,
    MarkFactory,
    MembershipFactory,
    PupilFactory,
    PupilGuardianFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_it_seeds_every_state(current_term, family) -> None:
    school = current_term
    today = _weekday(timezone.localdate())
    for username, role in (("office", Role.OFFICE), ("head", Role.HEADTEACHER)):
        MembershipFactory(user=UserFactory(username=username), school=school, role=role)
    parent = guardian_user(guardian=family.guardian)
    parent.username = "parent"
    parent.save()
    for n in range(8):
        pupil = PupilFactory(school=school, surname=f"Pupil{n}")
        PupilGuardianFactory(pupil=pupil, guardian=GuardianFactory())
        for back in range(1, 11):
            day = today - dt.timedelta(days=back)
            if day.weekday() < 5:
                MarkFactory(school=school, pupil=pupil, date=day, session="AM", code_id="N")
    MarkFactory(school=school, pupil=family.children[0], date=today, session="AM", code_id="N")
    result = absences_demo_seed(school=school, today=today)
    assert result.reports == 5 and result.leave_requests == 3 and result.calls == 1
    assert AbsenceReport.objects.filter(status="new").count() == 4
    assert AbsenceReport.objects.filter(status="accepted").count() == 1
    assert AbsenceReport.objects.filter(guardian=family.guardian, pupil=family.children[1]).exists()
    assert sorted(LeaveRequest.objects.values_list("status", flat=True)) == [
        "granted",
        "pending",
        "refused",
    ]
    assert Mark.objects.filter(code_id="C", source=MarkSource.PARENT_REPORT).count() == 4
    assert Mark.objects.filter(code_id="I", source=MarkSource.PARENT_REPORT).exists()
    assert CallAttempt.objects.count() == 1


def test_a_tiny_demo_gets_none(current_term, family) -> None:
    for username, role in (("office", Role.OFFICE), ("head", Role.HEADTEACHER)):
        MembershipFactory(user=UserFactory(username=username), school=current_term, role=role)
    parent = guardian_user(guardian=family.guardian)
    parent.username = "parent"
    parent.save()
    result = absences_demo_seed(school=current_term, today=timezone.localdate())
    assert (result.reports, result.leave_requests, result.calls) == (0, 0, 0)
    assert not AbsenceReport.objects.exists()


@pytest.mark.django_db
def test_loading_the_demo_adds_the_absences_part() -> None:
    from io import StringIO

    from django.core.management import call_command

    today = dt.date(2025, 1, 15)
    call_command("seed_demo", "--pupils", "60", "--today", today.isoformat(), stdout=StringIO())
    assert AbsenceReport.objects.exists()
    assert set(LeaveRequest.objects.values_list("status", flat=True)) >= {"pending", "refused"}
