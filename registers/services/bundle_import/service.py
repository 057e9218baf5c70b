"""`bundle_import`: load a school bundle (contract §1) into the register in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from registers.models import Mark, MarkSource, Pupil, School
from registers.signals import send_marks_changed_on_commit

from . import staging
from .csvfiles import CsvFile, ErrorLog
from .marks import MarkValidator, Progress, Roll
from .parse import MARKS, ParsedBundle, parse_small_files
from .state import (
    Stored,
    build_roll,
    check_guardian_pupils,
    load_stored,
    merged_sessions,
)
from .writes import (
    CalendarPlan,
    EnrolmentPlan,
    GuardianPlan,
    PupilPlan,
    SchoolPlan,
    plan_calendar,
    plan_enrolments,
    plan_guardians,
    plan_pupils,
    plan_school,
)


@dataclass
class BundleImportResult:
    """What an import did (or, for a dry run, would do); `errors` empty means it worked."""

    bundle: str
    dry_run: bool
    errors: list[str] = field(default_factory=list)
    school_urn: str = ""
    schools_created: int = 0
    schools_updated: int = 0
    calendar_replaced: bool = False
    pupils_created: int = 0
    pupils_updated: int = 0
    enrolments_created: int = 0
    enrolments_updated: int = 0
    guardians_created: int = 0
    mark_rows: int = 0
    marks_created: int = 0
    marks_changed: int = 0
    marks_unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def bundle_import(
    *, bundle_dir: Path, dry_run: bool = False, progress: Progress | None = None
) -> BundleImportResult:
    """Validate a bundle and merge it into the register (contract §1).

    1. Validate school, calendar, pupils and guardians, then check them against what is
       stored (enrolments at this school, pupils already on roll).
    2. Plan every change to the small tables (the counts a dry run reports).
    3. Stream marks.csv through validation, against the calendar as it will be once the
       bundle's calendar is merged in. A school with no stored marks (a first import)
       has its small tables written first and marks copied straight into the register;
       otherwise marks go to a staging table and are merged set-based afterwards.
    4. On any error, roll back and return every error: nothing is written. A dry run
       counts the marks it would merge and rolls back too.
    5. Once committed, tell `marks_changed` listeners which pupils the bundle touched.
    """
    bundle_dir = Path(bundle_dir)
    if not bundle_dir.is_dir():
        raise NotADirectoryError(f"{bundle_dir} is not a folder")
    result = BundleImportResult(bundle=str(bundle_dir), dry_run=dry_run)
    log = ErrorLog()
    parsed = parse_small_files(bundle_dir, log)
    stored = load_stored(parsed)
    roll = build_roll(parsed, stored, log)
    check_guardian_pupils(parsed, roll, log)
    plans = _plan(parsed, stored, result) if not log.errors else None
    if plans is not None and not dry_run and not _has_marks(stored.school):
        counts = _import_first_marks(bundle_dir, parsed, stored, roll, plans, log, progress)
    else:
        counts = _stage_and_merge(bundle_dir, parsed, stored, roll, plans, log, progress, result)
    result.mark_rows = counts.created + counts.changed + counts.unchanged
    if log.errors:
        result.errors = log.errors
        transaction.set_rollback(True)
        return result
    result.marks_created = counts.created
    result.marks_changed = counts.changed
    result.marks_unchanged = counts.unchanged
    if dry_run:
        transaction.set_rollback(True)
    elif counts.created + counts.changed:
        staging.refresh_statistics(rows=counts.created + counts.changed)
        # Listeners (the escalation engine) recompute the bundle's pupils once committed.
        send_marks_changed_on_commit(
            school=School.objects.get(urn=result.school_urn),
            pupil_ids=_ids_of(list(roll.keys)).values(),
            source=MarkSource.IMPORT,
        )
    return result


@dataclass
class _Plans:
    school: SchoolPlan
    calendar: CalendarPlan
    pupils: PupilPlan
    enrolments: EnrolmentPlan
    guardians: GuardianPlan
    known: dict[str, int]  # UPN -> id of every stored pupil the bundle can name

    def apply(self) -> tuple[School, dict[str, int]]:
        """Write the small tables; return the school and every UPN's pupil id."""
        school = self.school.apply()
        self.calendar.apply(school)
        self.pupils.apply()
        pupil_ids = self.known | _ids_of([p.upn for p in self.pupils.new])
        self.enrolments.apply(school, pupil_ids)
        self.guardians.apply(pupil_ids)
        return school, pupil_ids


def _plan(parsed: ParsedBundle, stored: Stored, result: BundleImportResult) -> _Plans:
    """Work out the changes to the small tables and record their counts in `result`."""
    assert parsed.school is not None  # school.csv had no error
    known = {upn: pupil.pk for upn, pupil in stored.pupils.items()}
    known.update((e.upn, e.pupil_id) for e in stored.enrolments)  # type: ignore[attr-defined]
    plans = _Plans(
        school=plan_school(parsed.school, stored.school),
        calendar=plan_calendar(parsed, stored),
        pupils=plan_pupils(parsed, stored),
        enrolments=plan_enrolments(parsed, stored),
        guardians=plan_guardians(parsed, known),
        known=known,
    )
    result.school_urn = parsed.school.urn
    result.schools_created = int(plans.school.created)
    result.schools_updated = int(plans.school.changed)
    result.calendar_replaced = plans.calendar.changed
    result.pupils_created = len(plans.pupils.new)
    result.pupils_updated = len(plans.pupils.changed)
    result.enrolments_created = plans.enrolments.created
    result.enrolments_updated = len(plans.enrolments.changed)
    result.guardians_created = plans.guardians.created
    return plans


def _has_marks(school: School | None) -> bool:
    return school is not None and Mark.objects.filter(school=school).exists()


def _validator(
    bundle_dir: Path, parsed: ParsedBundle, stored: Stored, roll: Roll, log: ErrorLog
) -> MarkValidator | None:
    if not (bundle_dir / MARKS.name).is_file():
        return None
    return MarkValidator(
        csv_file=CsvFile(directory=bundle_dir, spec=MARKS, log=log),
        roll=roll,
        sessions=merged_sessions(parsed, stored),
    )


def _import_first_marks(
    bundle_dir: Path,
    parsed: ParsedBundle,
    stored: Stored,
    roll: Roll,
    plans: _Plans,
    log: ErrorLog,
    progress: Progress | None,
) -> staging.MarkCounts:
    """No stored marks to merge with: write pupils first, then copy marks in directly."""
    school, pupil_ids = plans.apply()
    validator = _validator(bundle_dir, parsed, stored, roll, log)
    if validator is None:
        return staging.MarkCounts(created=0, changed=0, unchanged=0)
    ids = [0] * len(roll.spells)
    for upn, key in roll.keys.items():
        ids[key] = pupil_ids[upn]
    writer = staging.RegisterWriter(school_id=school.pk, pupil_ids=ids, now=timezone.now())
    with writer:
        rows = validator.run(write=writer, progress=progress)
    return staging.MarkCounts(created=writer.rows, changed=0, unchanged=rows - writer.rows)


def _stage_and_merge(
    bundle_dir: Path,
    parsed: ParsedBundle,
    stored: Stored,
    roll: Roll,
    plans: _Plans | None,
    log: ErrorLog,
    progress: Progress | None,
    result: BundleImportResult,
) -> staging.MarkCounts:
    """Stage every valid mark, then count (dry run) or merge them with the stored ones."""
    staging.create_tables()
    validator = _validator(bundle_dir, parsed, stored, roll, log)
    rows = 0
    if validator is not None:
        with staging.StageWriter() as write:
            rows = validator.run(write=write, progress=progress)
    if log.errors or plans is None:
        return staging.MarkCounts(created=rows, changed=0, unchanged=0)
    if result.dry_run:
        staging.map_pupils({key: plans.known.get(upn) for upn, key in roll.keys.items()})
        return staging.preview(school_id=stored.school.pk if stored.school else None)
    school, pupil_ids = plans.apply()
    staging.map_pupils({key: pupil_ids[upn] for upn, key in roll.keys.items()})
    counts = staging.merge(
        school_id=school.pk, now=timezone.now(), reason=f"Bundle import from {bundle_dir.resolve()}"
    )
    staging.drop_tables()
    return counts


def _ids_of(upns: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for i in range(0, len(upns), 5000):
        chunk = upns[i : i + 5000]
        ids.update(Pupil.objects.filter(upn__in=chunk).values_list("upn", "pk"))
    return ids
