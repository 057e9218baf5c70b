"""Reads of the letters app: letters by pupil or guardian, a school's current wording and
settings, and the pupils a batch can be written for."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet

from escalation.models import PupilStatus
from letters.kinds import SPECS
from letters.models import LatenessPeriod, Letter, LetterNotWritten, LetterSettings, LetterTemplate
from registers.models import Guardian, Pupil, PupilGuardian, School
from registers.selectors.marks import pupils_at


def letters_for_pupil(*, school: School, pupil: Pupil) -> QuerySet[Letter]:
    return Letter.objects.filter(school=school, pupil=pupil).select_related("guardian")


def letters_not_written(
    *, school: School, pupil: Pupil | None = None
) -> QuerySet[LetterNotWritten]:
    """Letters decisions called for that are still not written (newest first)."""
    gaps = LetterNotWritten.objects.filter(
        school=school, resolved_by__isnull=True, dismissed_at__isnull=True
    )
    return (gaps.filter(pupil=pupil) if pupil else gaps).select_related("pupil")


def letters_for_guardian(*, guardian: Guardian) -> QuerySet[Letter]:
    """Letters addressed to this guardian, at any school (the parent portal's list)."""
    return Letter.objects.filter(guardian=guardian).select_related("school", "pupil")


def letter_for_school(*, school: School, letter_id: int) -> Letter | None:
    return (
        Letter.objects.filter(school=school, pk=letter_id)
        .select_related("pupil", "guardian")
        .first()
    )


def letter_settings_for(school: School) -> LetterSettings:
    """The school's settings, or the defaults (unsaved) if it has never set them."""
    return LetterSettings.objects.filter(school=school).first() or LetterSettings(school=school)


@dataclass(frozen=True)
class Wording:
    """The text a new letter of one kind uses: a saved version, or version 0."""

    kind: str
    version: int
    subject: str
    body: str
    template: LetterTemplate | None


def current_wording(*, school: School, kind: str) -> Wording:
    row = LetterTemplate.objects.filter(school=school, kind=kind).order_by("-version").first()
    if row is not None:
        return Wording(kind, row.version, row.subject, row.body, row)
    spec = SPECS[kind]
    return Wording(kind, 0, spec.subject, spec.body, None)


def template_versions(*, school: School, kind: str) -> QuerySet[LetterTemplate]:
    return LetterTemplate.objects.filter(school=school, kind=kind).order_by("-version")


def guardians_with_responsibility(pupil: Pupil) -> list[Guardian]:
    """The pupil's guardians with parental responsibility, first contact first."""
    links = PupilGuardian.objects.filter(pupil=pupil, parental_responsibility=True)
    return [link.guardian for link in links.select_related("guardian").order_by("priority", "pk")]


# The filters a batch can be written for; each narrows the school's pupils on roll.
PUPIL_FILTERS: dict[str, str] = {
    "below_concern": "Attendance below the school's expected rate",
    "persistent": "Persistently absent (10% or more of sessions missed)",
    "threshold_met": "National threshold met",
    "late": "Late arrivals at or above the school's lateness limit",
    "registration_group": "Everyone in a registration group",
}


def pupils_for_filter(
    *, school: School, name: str, concern_rate, group: str = "", on=None
) -> QuerySet[Pupil]:
    """Pupils on roll at `school` (on `on`, if given) matching one of PUPIL_FILTERS."""
    pupils = pupils_at(school)
    if on is not None:
        pupils = pupils.filter(
            Q(enrolments__leaving_date__isnull=True) | Q(enrolments__leaving_date__gte=on),
            enrolments__school=school,
            enrolments__admission_date__lte=on,
        )
    statuses = PupilStatus.objects.filter(school=school)
    if name == "below_concern":
        # attended / possible < rate%, in integers: attended * 1000 < possible * rate * 10.
        tenths = int(Decimal(concern_rate) * 10)
        statuses = statuses.alias(a=F("attended") * 1000, p=F("possible") * tenths).filter(
            possible__gt=0, a__lt=F("p")
        )
    elif name == "persistent":
        statuses = statuses.persistent()
    elif name == "threshold_met":
        statuses = statuses.threshold_met()
    elif name == "late":
        settings = letter_settings_for(school)
        if settings.lateness_period == LatenessPeriod.YEAR:
            late = F("late_before_close_year") + F("late_after_close_year")
        else:
            late = F("late_before_close_half_term") + F("late_after_close_half_term")
        statuses = statuses.alias(late=late).filter(late__gte=settings.lateness_limit)
    elif name == "registration_group":
        return pupils.filter(
            enrolments__school=school, enrolments__registration_group=group
        ).distinct()
    else:
        raise ValueError(f"unknown filter {name!r}")
    return pupils.filter(pk__in=statuses.values("pupil_id")).distinct()
