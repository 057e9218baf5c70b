"""Pupils and enrolments are never deleted except by the retention purge (rules §5.3, §5.9).

Each refused delete runs in its own savepoint, as a caller's transaction would need: the
refusal is raised inside Django's delete transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from registers.models import Enrolment, Pupil, School
from registers.protection import RegisterRecordProtected, purge_allowed
from tests.registers.factories import PupilFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_pupil_delete_raises() -> None:
    pupil = PupilFactory(school=SchoolFactory())

    with pytest.raises(RegisterRecordProtected, match="regulation 9 ground"), transaction.atomic():
        pupil.delete()

    assert Pupil.objects.filter(pk=pupil.pk).exists()


def test_enrolment_delete_raises() -> None:
    enrolment = PupilFactory(school=SchoolFactory()).enrolments.get()

    with pytest.raises(RegisterRecordProtected), transaction.atomic():
        enrolment.delete()


def test_a_queryset_delete_raises_too() -> None:
    PupilFactory(school=SchoolFactory())

    with pytest.raises(RegisterRecordProtected), transaction.atomic():
        Enrolment.objects.all().delete()

    assert Enrolment.objects.count() == 1


def test_deleting_a_school_does_not_cascade_to_its_enrolments() -> None:
    school = SchoolFactory()
    PupilFactory(school=school)

    with pytest.raises(RegisterRecordProtected), transaction.atomic():
        school.delete()

    assert School.objects.filter(pk=school.pk).exists()
    assert Enrolment.objects.count() == 1


def test_the_purge_may_delete() -> None:
    pupil = PupilFactory(school=SchoolFactory())

    with purge_allowed():
        pupil.delete()

    assert not Pupil.objects.exists() and not Enrolment.objects.exists()


def test_the_permission_ends_with_the_block() -> None:
    pupil = PupilFactory(school=SchoolFactory())
    with purge_allowed():
        pass

    with pytest.raises(RegisterRecordProtected), transaction.atomic():
        pupil.delete()
