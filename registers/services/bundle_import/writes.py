"""Planning and writing the bundle's school, calendar, pupils, enrolments and guardians.

Each `plan_*` works out what would change without writing, so a dry run reports the
same counts a real import produces; each `apply_*` then writes only what differs, which
makes re-importing the same bundle a no-op.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from registers.models import CalendarEntry, Enrolment, Guardian, Pupil, PupilGuardian, School
from registers.services.calendar import calendar_rebuild

from .parse import GUARDIAN_FIELDS, GuardianRow, ParsedBundle, PupilRow, SchoolRow
from .state import Stored, replaced_entries

_PUPIL_FIELDS = ("surname", "forename", "date_of_birth", "year_group", "send") + (
    "fsm",
    "pupil_premium",
    "eal",
    "cla",
    "social_worker",
    "young_carer",
)
_LINK_FIELDS = ("relationship", "parental_responsibility", "lives_with", "priority")
_BATCH = 1000


def _assign(obj: object, values: dict[str, object]) -> bool:
    """Set the values that differ; True if any did. Blank and None mean "no value"."""
    changed = False
    for name, value in values.items():
        if value not in (None, "") and getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


@dataclass
class SchoolPlan:
    school: School
    created: bool
    changed: bool

    def apply(self) -> School:
        if self.created or self.changed:
            self.school.save()
        return self.school


def plan_school(row: SchoolRow, stored: School | None) -> SchoolPlan:
    if stored is None:
        return SchoolPlan(School(urn=row.urn, name=row.name, phase=row.phase), True, False)
    return SchoolPlan(stored, False, _assign(stored, {"name": row.name, "phase": row.phase}))


@dataclass
class CalendarPlan:
    """Replace the stored entries within the bundle's span, unless they are the same."""

    parsed: ParsedBundle
    replaced: list[CalendarEntry]

    @property
    def changed(self) -> bool:
        stored = sorted(
            (e.start_date, e.end_date, e.kind, e.sessions, e.label) for e in self.replaced
        )
        bundle = sorted((r.start, r.end, r.kind, r.sessions, r.label) for r in self.parsed.calendar)
        return stored != bundle

    def apply(self, school: School) -> None:
        if not self.changed:
            return
        CalendarEntry.objects.filter(pk__in=[e.pk for e in self.replaced]).delete()
        CalendarEntry.objects.bulk_create(
            CalendarEntry(
                school=school,
                start_date=r.start,
                end_date=r.end,
                kind=r.kind,
                sessions=r.sessions,
                label=r.label,
            )
            for r in self.parsed.calendar
        )
        calendar_rebuild(school=school)


def plan_calendar(parsed: ParsedBundle, stored: Stored) -> CalendarPlan:
    return CalendarPlan(parsed, replaced_entries(parsed, stored))


@dataclass
class PupilPlan:
    new: list[Pupil] = field(default_factory=list)
    changed: list[Pupil] = field(default_factory=list)

    def apply(self) -> None:
        Pupil.objects.bulk_create(self.new, batch_size=_BATCH)
        Pupil.objects.bulk_update(self.changed, _PUPIL_FIELDS, batch_size=_BATCH)


def plan_pupils(parsed: ParsedBundle, stored: Stored) -> PupilPlan:
    """Create or update each pupil by UPN from their latest enrolment row."""
    latest: dict[str, PupilRow] = {}
    for row in parsed.pupils:
        if row.upn not in latest or row.admission_date > latest[row.upn].admission_date:
            latest[row.upn] = row
    plan = PupilPlan()
    for upn, row in latest.items():
        pupil = stored.pupils.get(upn)
        if pupil is None:
            plan.new.append(Pupil(upn=upn, **row.pupil_fields()))
        elif _assign_all(pupil, row.pupil_fields()):
            plan.changed.append(pupil)
    return plan


def _assign_all(obj: object, values: dict[str, object]) -> bool:
    """Set every value that differs, blank included (pupils.csv defines every blank)."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return bool(changed)


@dataclass
class EnrolmentPlan:
    """Enrolments matched by (pupil, school, admission date)."""

    rows: list[PupilRow]
    stored: dict[tuple[str, object], Enrolment]
    created: int = 0
    changed: list[Enrolment] = field(default_factory=list)

    def apply(self, school: School, pupil_ids: dict[str, int]) -> None:
        Enrolment.objects.bulk_create(
            (
                Enrolment(
                    pupil_id=pupil_ids[row.upn],
                    school=school,
                    admission_date=row.admission_date,
                    leaving_date=row.leaving_date,
                    registration_group=row.registration_group,
                )
                for row in self.rows
                if (row.upn, row.admission_date) not in self.stored
            ),
            batch_size=_BATCH,
        )
        Enrolment.objects.bulk_update(
            self.changed, ["leaving_date", "registration_group"], batch_size=_BATCH
        )


def plan_enrolments(parsed: ParsedBundle, stored: Stored) -> EnrolmentPlan:
    by_start = {(e.upn, e.admission_date): e for e in stored.enrolments}  # type: ignore[attr-defined]
    plan = EnrolmentPlan(rows=parsed.pupils, stored=by_start)
    for row in parsed.pupils:
        enrolment = by_start.get((row.upn, row.admission_date))
        if enrolment is None:
            plan.created += 1
        elif _assign_all(
            enrolment,
            {"leaving_date": row.leaving_date, "registration_group": row.registration_group},
        ):
            plan.changed.append(enrolment)
    return plan


@dataclass
class GuardianPlan:
    """Guardians by person (name and email) and their links to pupils."""

    people: dict[tuple[str, str], Guardian]
    changed: set[tuple[str, str]]
    rows: list[GuardianRow]
    links: dict[tuple[int, int], PupilGuardian]

    @property
    def created(self) -> int:
        return sum(1 for g in self.people.values() if g.pk is None)

    def apply(self, pupil_ids: dict[str, int]) -> None:
        for person, guardian in self.people.items():
            if guardian.pk is None or person in self.changed:
                guardian.save()
        new_links = []
        for row in self.rows:
            guardian = self.people[row.person]
            link = self.links.get((pupil_ids[row.upn], guardian.pk))
            values = {name: getattr(row, name) for name in _LINK_FIELDS}
            if link is None:
                link = PupilGuardian(pupil_id=pupil_ids[row.upn], guardian=guardian)
                _assign(link, values)
                new_links.append(link)
            elif _assign(link, values):
                link.save(update_fields=list(_LINK_FIELDS))
        PupilGuardian.objects.bulk_create(new_links, batch_size=_BATCH)


def plan_guardians(parsed: ParsedBundle, pupil_ids: dict[str, int]) -> GuardianPlan:
    """Match each person to a stored guardian, and gather their values (first non-blank).

    A stored guardian is the same person when name and email match. With no email, only
    a guardian already linked to one of the bundle's pupils matches, so two parents who
    share a common name and gave no email are not merged across schools.
    """
    values: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for row in parsed.guardians:
        merged = values[row.person]
        merged.setdefault("name", row.name)
        for name in GUARDIAN_FIELDS:
            if getattr(row, name) and not merged.get(name):
                merged[name] = getattr(row, name)
    linked = PupilGuardian.objects.filter(pupil_id__in=list(pupil_ids.values()))
    links = {(link.pupil_id, link.guardian_id): link for link in linked}
    linked_ids = {guardian_id for _pupil, guardian_id in links}
    candidates = Guardian.objects.filter(name__in=list({name for name, _email in values}))
    stored: dict[tuple[str, str], Guardian] = {}
    for guardian in candidates.order_by("pk"):
        person = (guardian.name, guardian.email.lower())
        if person in values and (guardian.email or guardian.pk in linked_ids):
            stored.setdefault(person, guardian)
    people, changed = {}, set()
    for person, fields in values.items():
        guardian = stored.get(person) or Guardian()
        if _assign(guardian, fields) and guardian.pk is not None:
            changed.add(person)
        people[person] = guardian
    return GuardianPlan(people=people, changed=changed, rows=parsed.guardians, links=links)
