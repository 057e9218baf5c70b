"""Rows of the absences app for tests: reports, leave requests and families."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from absences.models import AbsenceReport, LeaveAdult, LeaveRequest
from registers.models import Guardian, Pupil, School
from tests.registers.factories import GuardianFactory, PupilFactory, PupilGuardianFactory

MONDAY = dt.date(2025, 1, 13)  # school week 17 of the §6.0 calendar


class AbsenceReportFactory(DjangoModelFactory):
    class Meta:
        model = AbsenceReport

    reference = factory.Sequence(lambda n: f"AB-TEST-{n:04d}")
    channel = "public"
    submitted_at = factory.LazyFunction(timezone.now)
    child_name = "Amelia Hart"
    child_date_of_birth = dt.date(2015, 5, 1)
    child_class = "4B"
    reporter_name = "Jo Hart"
    reporter_relationship = "Mother"
    reporter_phone = "07700 900123"
    reporter_email = ""
    reason = "illness"
    details = ""
    first_day = MONDAY
    expected_return = None
    part_of_day = ""


class LeaveRequestFactory(DjangoModelFactory):
    class Meta:
        model = LeaveRequest

    reference = factory.Sequence(lambda n: f"LV-TEST-{n:04d}")
    submitted_at = factory.LazyFunction(timezone.now)
    start_date = MONDAY
    end_date = MONDAY + dt.timedelta(days=4)
    school_days = 5
    reason = "A family funeral abroad"
    signed_name = "Jo Hart"
    declaration = True


class LeaveAdultFactory(DjangoModelFactory):
    class Meta:
        model = LeaveAdult

    name = "Jo Hart"
    lives_with = True
    parental_responsibility = True


@dataclass
class Family:
    guardian: Guardian
    children: list[Pupil]


def family_create(
    school: School, *, surname: str = "Hart", children: int = 2, **guardian
) -> Family:
    """A guardian with `children` pupils on roll at `school` (4B, born 1 May 2015 on)."""
    parent = GuardianFactory(name=f"Jo {surname}", **guardian)
    kids = []
    for i in range(children):
        pupil = PupilFactory(
            school=school,
            surname=surname,
            forename=("Amelia", "Ben", "Cara")[i],
            date_of_birth=dt.date(2015, 5, 1 + i),
        )
        PupilGuardianFactory(pupil=pupil, guardian=parent, relationship="Mother", priority=1)
        kids.append(pupil)
    return Family(parent, kids)
