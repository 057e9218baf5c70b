"""factory_boy factories for the register.

Related objects share one school: a mark's pupil is enrolled at the mark's school, and
`PupilFactory(school=s)` enrols the pupil there. Dates default to the autumn term of the
§6.0 fixture calendar (rules §6.0), which `conftest.school` builds.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from registers.models import (
    CalendarEntry,
    CalendarKind,
    Enrolment,
    Guardian,
    Mark,
    MarkSource,
    Membership,
    Phase,
    Pupil,
    PupilGuardian,
    Role,
    School,
    Trust,
    User,
)
from registers.upn import make_upn

PASSWORD = "correct horse battery staple"
AUTUMN_2024 = dt.date(2024, 9, 3)


class TrustFactory(DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Trust {n}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: f"{200000 + n:06d}")
    name = factory.Sequence(lambda n: f"Test Primary School {n}")
    phase = Phase.PRIMARY
    trust = None
    local_authority = "Hertfordshire"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    position = "Class teacher"
    password = factory.django.Password(PASSWORD)


class MembershipFactory(DjangoModelFactory):
    """A school role by default; pass `school=None, trust=t` for a trust role."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    trust = None
    role = Role.TEACHER


class CalendarEntryFactory(DjangoModelFactory):
    class Meta:
        model = CalendarEntry

    school = factory.SubFactory(SchoolFactory)
    start_date = dt.date(2024, 9, 2)
    end_date = dt.date(2024, 12, 20)
    kind = CalendarKind.TERM
    sessions = ""
    label = ""


class PupilFactory(DjangoModelFactory):
    """A pupil with a valid UPN; `PupilFactory(school=s)` also enrols them at s."""

    class Meta:
        model = Pupil
        skip_postgeneration_save = True

    upn = factory.Sequence(
        lambda n: make_upn(la=919, establishment=2999, year=2015 + n // 1000, serial=n % 1000)
    )
    surname = factory.Faker("last_name", locale="en_GB")
    forename = factory.Faker("first_name", locale="en_GB")
    date_of_birth = dt.date(2015, 5, 1)
    year_group = "4"

    @factory.post_generation
    def school(self, create: bool, extracted: School | None, **kwargs: object) -> None:
        if create and extracted is not None:
            EnrolmentFactory(pupil=self, school=extracted, **kwargs)


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    pupil = factory.SubFactory(PupilFactory)
    school = factory.SubFactory(SchoolFactory)
    admission_date = dt.date(2023, 9, 1)
    leaving_date = None
    registration_group = "4B"


class GuardianFactory(DjangoModelFactory):
    class Meta:
        model = Guardian

    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"guardian{n}@example.com")
    phone = factory.Sequence(lambda n: f"07700 900{n % 1000:03d}")
    address = "1 Church Road\nHatfield"
    postcode = "AL10 0AB"


class PupilGuardianFactory(DjangoModelFactory):
    class Meta:
        model = PupilGuardian

    pupil = factory.SubFactory(PupilFactory)
    guardian = factory.SubFactory(GuardianFactory)
    relationship = "Mother"
    parental_responsibility = True
    lives_with = True
    priority = 1


class MarkFactory(DjangoModelFactory):
    """A present AM mark; its pupil is enrolled at its school if not already."""

    class Meta:
        model = Mark
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    pupil = factory.SubFactory(PupilFactory)
    date = AUTUMN_2024
    session = "AM"
    code_id = "/"
    minutes_late = None
    recorded_by = None
    recorded_at = factory.LazyFunction(timezone.now)
    source = MarkSource.REGISTER

    @factory.post_generation
    def enrolment(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and not self.pupil.enrolments.filter(school=self.school).exists():
            EnrolmentFactory(pupil=self.pupil, school=self.school, **kwargs)
