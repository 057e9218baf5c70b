"""Generate letters: freeze everything a letter shows onto its row, then queue its PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from escalation import selectors as escalation_selectors
from escalation.models import Case, PupilStatus
from letters import merge
from letters.kinds import SPECS, LetterKind
from letters.models import LatenessPeriod, Letter, LetterNotWritten, LetterSettings
from letters.pdf import iso_timestamp
from letters.selectors import current_wording, guardians_with_responsibility, letter_settings_for
from registers.models import Enrolment, Guardian, Pupil, School, User

DEFAULT_IMPROVEMENT_WEEKS = 6  # rules §0.9: the default improvement period
DEFAULT_IMPROVEMENT_TARGET = (
    "no unauthorised absence, and every absence for illness reported to the school on its "
    "first morning"
)
DEFAULT_MEETING = "at a time that suits you, which we will agree with you by telephone"
_NAMED = (
    ("staff_contact_name", "staff contact's name"),
    ("staff_contact_position", "staff contact's position"),
    ("signatory_name", "signatory's name"),
    ("signatory_position", "signatory's position"),
)
KIND_CODES = {
    LetterKind.BELOW_96_FIRST: "A1",
    LetterKind.BELOW_96_SECOND: "A2",
    LetterKind.LATENESS: "LT",
    LetterKind.MEDICAL: "MD",
    LetterKind.SUPPORT_MEETING: "SM",
    LetterKind.CONTRACT: "AC",
    LetterKind.NOTICE_TO_IMPROVE: "NI",
    LetterKind.THRESHOLD_WARNING: "TW",
    LetterKind.LEAVE_OUTCOME: "LV",
}


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def date_range(start: dt.date, end: dt.date) -> str:
    if start == end:
        return f"on {long_date(start)}"
    return f"from {long_date(start)} to {long_date(end)}"


@transaction.atomic
def letter_generate(
    *,
    school: School,
    pupil: Pupil,
    kind: str,
    as_at: dt.date,
    created_by: User | None,
    case: Case | None = None,
    guardians: Sequence[Guardian] | None = None,
    extra: Mapping[str, str] | None = None,
    batch=None,
    queue_render: bool = True,
) -> list[Letter]:
    """One letter per guardian (by default each with parental responsibility), frozen.

    1. Check the kind and the guardians: each needs a postal address.
    2. Gather the merge values: school, pupil, the stored status's figures, the school's
       letter settings and named staff, then `extra` (which wins) and per-kind defaults.
    3. Merge the school's current wording (or version 0); any field without a value
       refuses the whole call, so no letter is sent with a blank.
    4. Save the rows and queue their PDFs once the transaction commits; a letter of
       this kind recorded as not written for the pupil now has been.
    """
    if kind not in SPECS:
        raise ValidationError(f"Unknown kind of letter {kind!r}.")
    recipients = list(guardians) if guardians is not None else guardians_with_responsibility(pupil)
    if not recipients:
        raise ValidationError(f"{pupil} has no parent or carer with parental responsibility.")
    for guardian in recipients:
        if not guardian.address.strip():
            raise ValidationError(f"{guardian.name} has no postal address on record.")
    settings = letter_settings_for(school)
    status = PupilStatus.objects.filter(school=school, pupil=pupil).first()
    values = _common_values(school, pupil, status, settings, created_by)
    values.update(_kind_defaults(school, kind, as_at))
    values.update({k: str(v) for k, v in (extra or {}).items() if k in merge.FIELD_NAMES})
    for field, label in _NAMED:
        if not values[field].strip():
            raise ValidationError(
                f"Letters need the {label}: set it in the school's letter settings."
            )
    wording = current_wording(school=school, kind=kind)
    now = timezone.now()
    today = timezone.localdate(now)
    values["letter_date"] = long_date(today)
    letters = []
    for guardian in recipients:
        fields = {**values, "guardian_name": guardian.name}
        try:
            subject = merge.merge(wording.subject, fields)
            body = merge.merge(wording.body, fields)
        except merge.MergeError as error:
            raise ValidationError(f"{LetterKind(kind).label}: {error}") from error
        data = _snapshot(school, pupil, guardian, status, fields, subject, body, kind, now)
        data["template"] = {"version": wording.version}
        letters.append(
            Letter(
                school=school,
                pupil=pupil,
                guardian=guardian,
                kind=kind,
                as_at=status.as_of if status else as_at,
                letter_date=today,
                case=case,
                batch=batch,
                template=wording.template,
                template_version=wording.version,
                data=data,
                created_at=now,
                created_by=created_by,
                created_by_name=_name(created_by),
            )
        )
    Letter.objects.bulk_create(letters)
    LetterNotWritten.objects.filter(
        school=school, pupil=pupil, kind=kind, resolved_by__isnull=True, dismissed_at__isnull=True
    ).update(resolved_by=letters[0])
    if queue_render:
        from letters.tasks import letters_render_task

        letters_render_task.delay_on_commit([letter.pk for letter in letters])
    return letters


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _rate_text(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def _common_values(
    school: School,
    pupil: Pupil,
    status: PupilStatus | None,
    settings: LetterSettings,
    user: User | None,
) -> dict[str, str]:
    policy = escalation_selectors.policy_for(school)
    values = {
        "school_name": school.name,
        "school_phone": school.phone,
        "school_email": school.email,
        "pupil_name": f"{pupil.forename} {pupil.surname}",
        "pupil_forename": pupil.forename,
        "year_group": pupil.get_year_group_display(),
        "concern_rate": _rate_text(policy.concern_below_rate),
        "staff_contact_name": settings.staff_contact_name or _name(user),
        "staff_contact_position": settings.staff_contact_position
        or (user.position if user else ""),
        "signatory_name": settings.signatory_name or school.headteacher,
        "signatory_position": settings.signatory_position,
        "lateness_limit": str(settings.lateness_limit),
    }
    if status is not None:
        values.update(_figures(status, settings))
    return {name: str(value) for name, value in values.items()}


def _figures(status: PupilStatus, settings: LetterSettings) -> dict[str, str]:
    missed = status.possible - status.attended
    if settings.lateness_period == LatenessPeriod.YEAR:
        before, after = status.late_before_close_year, status.late_after_close_year
    else:
        before, after = status.late_before_close_half_term, status.late_after_close_half_term
    values = {
        "figures_date": long_date(status.as_of),
        "sessions_possible": str(status.possible),
        "sessions_attended": str(status.attended),
        "sessions_missed": str(missed),
        "days_missed": _rate_text(Decimal(missed) / 2),
        "authorised_sessions": str(status.authorised),
        "unauthorised_sessions": str(status.unauthorised),
        "illness_sessions": str(status.illness_year),
        "late_before_close": str(before),
        "late_after_close": str(after),
        "late_count": str(before + after),
        "lateness_period": str(LatenessPeriod(settings.lateness_period).label).lower(),
        "threshold_sessions": str(status.threshold_sessions_in_window),
    }
    if status.attendance_rate is not None:
        values["attendance_rate"] = f"{status.attendance_rate:.1f}"
    if status.threshold_window_start and status.threshold_window_end:
        values["threshold_window"] = date_range(
            status.threshold_window_start, status.threshold_window_end
        ).removeprefix("from ")
    met = sorted(status.threshold_met_dates or [])
    met_on = dt.date.fromisoformat(met[-1]) if met else status.threshold_first_met_on
    if met_on:
        values["threshold_met_on"] = long_date(met_on)
    return values


def _kind_defaults(school: School, kind: str, as_at: dt.date) -> dict[str, str]:
    if kind == LetterKind.NOTICE_TO_IMPROVE:
        start, end = improvement_period(school=school, after=as_at, weeks=DEFAULT_IMPROVEMENT_WEEKS)
        return {
            "improvement_start": long_date(start),
            "improvement_end": long_date(end),
            "improvement_weeks": str(DEFAULT_IMPROVEMENT_WEEKS),
            "improvement_target": DEFAULT_IMPROVEMENT_TARGET,
        }
    if kind in (LetterKind.SUPPORT_MEETING, LetterKind.CONTRACT):
        return {"meeting_arrangements": DEFAULT_MEETING}
    return {}


def improvement_period(*, school: School, after: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """From the first school day after `after`, to the last school day of the `weeks`-th
    school week counting the first day's week (holiday weeks are not counted)."""
    days = [
        d for d in escalation_selectors.session_dates([school.pk]).get(school.pk, []) if d > after
    ]
    if not days:
        start = after + dt.timedelta(days=1)
        return start, start + dt.timedelta(weeks=weeks, days=-1)
    mondays: list[dt.date] = []
    end = days[0]
    for day in days:
        monday = day - dt.timedelta(days=day.weekday())
        if monday not in mondays:
            if len(mondays) == weeks:
                break
            mondays.append(monday)
        end = day
    return days[0], end


def _snapshot(
    school: School,
    pupil: Pupil,
    guardian: Guardian,
    status: PupilStatus | None,
    fields: dict[str, str],
    subject: str,
    body: str,
    kind: str,
    now: dt.datetime,
) -> dict[str, Any]:
    today = timezone.localdate(now)
    enrolment = (
        Enrolment.objects.filter(school=school, pupil=pupil).order_by("-admission_date").first()
    )
    return {
        "created": iso_timestamp(now),
        "letter_date_text": long_date(today),
        "figures_date_text": fields.get("figures_date", long_date(today)),
        "reference": f"{school.urn}-{pupil.pk}-{KIND_CODES[kind]}-{today:%Y%m%d}-{guardian.pk}",
        "school": {
            "name": school.name,
            "urn": school.urn,
            "headteacher": school.headteacher,
            "address_lines": _lines(school.address, school.postcode),
            "phone": school.phone,
            "email": school.email,
        },
        "recipient": {
            "name": guardian.name,
            "address_lines": _lines(guardian.address, guardian.postcode),
            "email": guardian.email,
        },
        "pupil": {
            "name": f"{pupil.forename} {pupil.surname}",
            "date_of_birth_text": long_date(pupil.date_of_birth),
            "year_group": pupil.get_year_group_display(),
            "registration_group": enrolment.registration_group if enrolment else "",
        },
        "staff_contact": {
            "name": fields["staff_contact_name"],
            "position": fields["staff_contact_position"],
        },
        "signatory": {"name": fields["signatory_name"], "position": fields["signatory_position"]},
        "subject": subject,
        "body": body,
        "fields": fields,
        "status_as_of": status.as_of.isoformat() if status else None,
    }


def _lines(address: str, postcode: str) -> list[str]:
    lines = [line.strip() for line in address.replace("\r", "").split("\n") if line.strip()]
    if postcode and postcode.strip() not in lines:
        lines.append(postcode.strip())
    return lines


def letter_not_written_record(
    *, school: School, pupil: Pupil, kind: str, occasion: str, reason: str
) -> LetterNotWritten:
    """Keep, for the school to see, that a letter a decision called for was not written."""
    return LetterNotWritten.objects.create(
        school=school,
        pupil=pupil,
        kind=kind,
        occasion=occasion[:200],
        reason=reason,
        created_at=timezone.now(),
    )


@transaction.atomic
def letter_not_written_dismiss(*, gap: LetterNotWritten, user: User) -> LetterNotWritten:
    """Record that a letter not written was dealt with another way (told in person, say)."""
    gap = LetterNotWritten.objects.select_for_update().get(pk=gap.pk)
    if gap.dismissed_at is None and gap.resolved_by_id is None:
        gap.dismissed_at, gap.dismissed_by_name = timezone.now(), _name(user)[:200]
        gap.save(update_fields=["dismissed_at", "dismissed_by_name"])
    return gap
