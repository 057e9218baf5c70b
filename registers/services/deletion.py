"""Deleting a pupil's name from the admission register (rules §5.2–5.4, scenario S24)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registers import deletion_rules
from registers.models import Enrolment, RegisterDeletion, User
from registers.rules import is_compulsory_school_age
from registers.selectors.deletion import (
    absence_run_for,
    last_school_day_of_year,
    parents_lived_with,
    senior_year_on,
)


def _full_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def pupil_delete_from_register(
    *,
    enrolment: Enrolment,
    ground: str,
    deletion_date: dt.date,
    user: User,
    today: dt.date,
    ground_met_on: dt.date | None = None,
    checks: deletion_rules.GroundIChecks | None = None,
    notes: str = "",
    pupil_address: str = "",
    future_address: str = "",
    future_school: str = "",
    now: dt.datetime | None = None,
) -> RegisterDeletion:
    """Delete the name on a regulation 9 ground, ending the enrolment; keep every record.

    1. Lock the enrolment; refuse one already deleted.
    2. For ground (i), work out the pupil's latest run of G/N/O school days up to today
       (never past the deletion date, which is today or later), and take the day its
       20th school day fell as the date the ground was met.
    3. Check everything with `deletion_problems`; any problem refuses the deletion with
       every problem named against its field.
    4. Snapshot the deletion return (rules §5.2) and whether it is due, set the
       enrolment's leaving date to the deletion date, and store the record.

    Marks and their amendments are left exactly as they are: deleting a name from the
    register is not erasure (rules §5.9); the retention purge removes them later.
    INTERPRETATION: the deletion date is the pupil's last day on roll.
    """
    enrolment = (
        Enrolment.objects.select_for_update().select_related("pupil", "school").get(pk=enrolment.pk)
    )
    if RegisterDeletion.objects.filter(enrolment=enrolment).exists():
        raise ValidationError("This pupil's name has already been deleted from the register.")
    checks = checks or deletion_rules.GroundIChecks()
    pupil = enrolment.pupil
    is_ground_i = ground == deletion_rules.CONTINUOUS_ABSENCE
    run = (
        absence_run_for(enrolment=enrolment, through=min(today, deletion_date))
        if is_ground_i
        else deletion_rules.AbsenceRun()
    )
    problems = deletion_rules.deletion_problems(
        ground=ground,
        deletion_date=deletion_date,
        ground_met_on=ground_met_on,
        today=today,
        admission_date=enrolment.admission_date,
        leaving_date=enrolment.leaving_date,
        compulsory_school_age=is_compulsory_school_age(dob=pupil.date_of_birth, on=deletion_date),
        run=run,
        checks=checks,
    )
    if problems:
        by_field: dict[str, list[str]] = defaultdict(list)
        for field, message in problems:
            by_field[field].append(message)
        raise ValidationError(dict(by_field))
    return_due, exemption = deletion_rules.deletion_return_due(
        year_group=pupil.year_group,
        senior_year=senior_year_on(school=enrolment.school, day=deletion_date),
        deletion_date=deletion_date,
        last_school_day=last_school_day_of_year(school=enrolment.school, day=deletion_date),
    )
    parents = parents_lived_with(enrolment)
    enrolment.leaving_date = deletion_date
    enrolment.save(update_fields=["leaving_date"])
    ground_i = checks if is_ground_i else deletion_rules.GroundIChecks()
    return RegisterDeletion.objects.create(
        enrolment=enrolment,
        ground=ground,
        ground_met_on=run.reached_on if is_ground_i else ground_met_on,
        deletion_date=deletion_date,
        recorded_by=user,
        recorded_by_name=_full_name(user)[:200],
        recorded_by_position=user.position,
        recorded_at=now or timezone.now(),
        notes=notes.strip(),
        absence_days=run.days if is_ground_i else None,
        absence_first_day=run.first_day,
        no_sickness_grounds=ground_i.no_sickness_grounds.confirmed,
        no_sickness_grounds_by=ground_i.no_sickness_grounds.by.strip(),
        no_sickness_grounds_on=ground_i.no_sickness_grounds.on,
        enquiries_failed=ground_i.enquiries_failed.confirmed,
        enquiries_failed_by=ground_i.enquiries_failed.by.strip(),
        enquiries_failed_on=ground_i.enquiries_failed.on,
        pupil_name=f"{pupil.forename} {pupil.surname}",
        pupil_upn=pupil.upn,
        pupil_date_of_birth=pupil.date_of_birth,
        pupil_year_group=pupil.year_group,
        pupil_address=(pupil_address.strip() or (parents[0]["address"] if parents else "")),
        parents=parents,
        future_address=future_address.strip(),
        future_school=future_school.strip(),
        return_due=return_due,
        return_exemption=exemption,
    )
