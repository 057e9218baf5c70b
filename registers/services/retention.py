"""The retention purge: register records kept as the regulations require, then removed.

Every register entry is kept for at least `REGISTER_RETENTION_YEARS` (6 or more) years
from its date (rules §5.9); the access audit for `ACCESS_AUDIT_RETENTION_YEARS`. Once
over, the purge removes, in batches of `batch_size` rows, each batch in its own
transaction:

1. **Marks** dated before the register cutoff (a 1 September; see
   `register_retention_cutoff`) with their amendment history (`MarkChange`), unless
   the mark was amended on or after the cutoff: an amendment is an entry of the
   register too (rules §5.10, S26), kept for its own 6 years. The links of absence
   reports and leave requests to those marks go with them (Django's many-to-many
   tables cascade). Then `registers.signals.marks_purged` lets apps drop what they
   derived from the removed marks (escalation's weekly figures).
2. **Pupils** who have at least one enrolment, none of them on roll on or after the
   cutoff, and no mark left. Their enrolments, guardian links and register deletions
   go with them; so do guardians left with no pupil, and parents' sign-in accounts
   left with neither a guardian nor a staff role.
3. **Access events** older than the audit cutoff.

Rows of other apps that point at a pupil: the register cannot import its consumers,
so for each batch of pupils it sends `registers.signals.pupils_purging` first, inside
the batch's transaction. Rows that CASCADE from the pupil (escalation's statuses,
weeks, cases, duties, notes, plans and contracts; absences' leave requests and call
attempts; penalties' notices, requests, NTIs and events) go with the pupil: they are
about the same child and their retention period is over too, so cascading is the
right outcome. Rows that would stop that cascade are deleted by their own app's
receiver: letters PROTECT their pupil (and have stored PDFs to remove), and a penalty
notice PROTECTs its penalty request. Absence reports keep no pupil (SET_NULL,
as the access audit does): the report row itself is the parent's message. A pupil or
guardian that something still protects after that is kept, counted in the report
(`*_kept_protected`) and logged, never silently skipped or left half-deleted.

The purge is idempotent (a second run finds nothing), claims each batch with
`select_for_update(skip_locked=True)` so two runs never fight over rows, never loads
more than a batch of ids, and writes a `RetentionPurge` row: started and finished
times, cutoffs, rows deleted per table (Django's `app.Model` labels, cascades
included) and whether it was a dry run. A dry run changes nothing and counts the
register's own rows that a real run would remove (not the cascades).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, ProtectedError, Q, RestrictedError
from django.utils import timezone

from registers import deletion_rules
from registers.models import (
    AccessEvent,
    Enrolment,
    Guardian,
    Mark,
    MarkChange,
    Membership,
    Pupil,
    PupilGuardian,
    RetentionPurge,
    User,
)
from registers.protection import purge_allowed
from registers.signals import marks_purged, pupils_purging

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
KEPT_PUPILS = "pupils_kept_protected"
KEPT_GUARDIANS = "guardians_kept_protected"


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def purgeable_marks(*, cutoff: dt.date) -> models.QuerySet[Mark]:
    """Marks dated before the cutoff whose every entry (amendments too) is older."""
    amended_since = MarkChange.objects.filter(
        mark=OuterRef("pk"), changed_at__gte=_start_of(cutoff)
    )
    return Mark.objects.filter(date__lt=cutoff).exclude(Exists(amended_since))


def purgeable_pupils(*, cutoff: dt.date, marks: models.QuerySet[Mark]) -> models.QuerySet[Pupil]:
    """Pupils enrolled somewhere, off roll everywhere before the cutoff, with none of `marks`."""
    enrolments = Enrolment.objects.filter(pupil=OuterRef("pk"))
    recent = enrolments.filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=cutoff))
    return (
        Pupil.objects.filter(Exists(enrolments))
        .exclude(Exists(recent))
        .exclude(Exists(marks.filter(pupil=OuterRef("pk"))))
    )


def _delete_or_keep(
    model: type[models.Model], ids: Iterable[int], counts: Counter[str], kept_key: str
) -> set[int]:
    """Delete the rows (cascades included); any a PROTECT or RESTRICT key still holds are
    kept, logged and counted under `kept_key`. Returns the kept ids.

    One DELETE for the batch when nothing is protected; otherwise one savepoint per row,
    so one protected pupil never holds back the rest of the batch.
    """
    ids = sorted(ids)
    try:
        with transaction.atomic():
            counts.update(model._base_manager.filter(pk__in=ids).delete()[1])
        return set()
    except (ProtectedError, RestrictedError):
        pass
    kept: set[int] = set()
    for pk in ids:
        try:
            with transaction.atomic():
                counts.update(model._base_manager.filter(pk=pk).delete()[1])
        except (ProtectedError, RestrictedError) as error:
            logger.warning("retention purge kept %s %s: %s", model.__name__, pk, error)
            kept.add(pk)
    counts[kept_key] += len(kept)
    return kept


def _claim(queryset: models.QuerySet, batch_size: int, skip: Iterable[int] = ()) -> list[int]:
    rows = queryset.exclude(pk__in=list(skip)).order_by("pk")
    return list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch_size])


def _purge_marks(counts: Counter[str], *, cutoff: dt.date, batch_size: int) -> None:
    while True:
        with transaction.atomic():
            ids = _claim(purgeable_marks(cutoff=cutoff), batch_size)
            if not ids:
                return
            counts.update(MarkChange.objects.filter(mark_id__in=ids).delete()[1])
            counts.update(Mark.objects.filter(pk__in=ids).delete()[1])


def _purge_people(counts: Counter[str], *, cutoff: dt.date, batch_size: int) -> None:
    kept: set[int] = set()
    while True:
        with transaction.atomic(), purge_allowed():
            ids = _claim(
                purgeable_pupils(cutoff=cutoff, marks=Mark.objects.all()), batch_size, kept
            )
            if not ids:
                return
            for _receiver, deleted in pupils_purging.send(sender=Pupil, pupil_ids=frozenset(ids)):
                counts.update(deleted or {})
            guardian_ids = set(
                PupilGuardian.objects.filter(pupil_id__in=ids).values_list("guardian_id", flat=True)
            )
            kept |= _delete_or_keep(Pupil, ids, counts, KEPT_PUPILS)
            _purge_guardians(counts, guardian_ids)


def _purge_guardians(counts: Counter[str], guardian_ids: set[int]) -> None:
    """Guardians of purged pupils left with no pupil, then their parent-only accounts."""
    orphans = set(
        Guardian.objects.filter(pk__in=guardian_ids)
        .exclude(Exists(PupilGuardian.objects.filter(guardian=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    user_ids = set(
        Guardian.objects.filter(pk__in=orphans, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    _delete_or_keep(Guardian, orphans, counts, KEPT_GUARDIANS)
    parents_only = (
        User.objects.filter(pk__in=user_ids, is_staff=False, is_superuser=False)
        .exclude(Exists(Membership.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(Guardian.objects.filter(user=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    _delete_or_keep(User, set(parents_only), counts, "parent_accounts_kept_protected")


def _purge_access_events(counts: Counter[str], *, cutoff: dt.date, batch_size: int) -> None:
    old = AccessEvent.objects.filter(at__lt=_start_of(cutoff))
    while True:
        with transaction.atomic():
            ids = _claim(old, batch_size)
            if not ids:
                return
            counts.update(AccessEvent.objects.filter(pk__in=ids).delete()[1])


def _dry_run_counts(*, cutoff: dt.date, audit_cutoff: dt.date) -> Counter[str]:
    marks = purgeable_marks(cutoff=cutoff)
    pupils = purgeable_pupils(cutoff=cutoff, marks=Mark.objects.exclude(pk__in=marks.values("pk")))
    return Counter(
        {
            "registers.Mark": marks.count(),
            "registers.MarkChange": MarkChange.objects.filter(mark__in=marks.values("pk")).count(),
            "registers.Pupil": pupils.count(),
            "registers.Enrolment": Enrolment.objects.filter(pupil__in=pupils.values("pk")).count(),
            "registers.AccessEvent": AccessEvent.objects.filter(
                at__lt=_start_of(audit_cutoff)
            ).count(),
        }
    )


def retention_purge(
    *,
    today: dt.date,
    dry_run: bool = False,
    register_years: int | None = None,
    audit_years: int | None = None,
    batch_size: int = BATCH_SIZE,
    now: dt.datetime | None = None,
) -> RetentionPurge:
    """Remove what is past its retention period (see the module docstring) and report it.

    Not atomic as a whole on purpose: each batch commits on its own, so a long purge
    holds no lock for long and an interrupted one resumes where it stopped. The report
    row is written first and finished last; an unfinished row shows an interrupted run.
    """
    register_years = register_years or settings.REGISTER_RETENTION_YEARS
    audit_years = audit_years or settings.ACCESS_AUDIT_RETENTION_YEARS
    cutoff = deletion_rules.register_retention_cutoff(today=today, years=register_years)
    audit_cutoff = deletion_rules.years_before(today, audit_years)
    report = RetentionPurge.objects.create(
        started_at=now or timezone.now(),
        today=today,
        register_cutoff=cutoff,
        audit_cutoff=audit_cutoff,
        dry_run=dry_run,
    )
    if dry_run:
        counts = _dry_run_counts(cutoff=cutoff, audit_cutoff=audit_cutoff)
    else:
        counts = Counter()
        _purge_marks(counts, cutoff=cutoff, batch_size=batch_size)
        for _receiver, deleted in marks_purged.send(sender=Mark, cutoff=cutoff):
            counts.update(deleted or {})
        _purge_people(counts, cutoff=cutoff, batch_size=batch_size)
        _purge_access_events(counts, cutoff=audit_cutoff, batch_size=batch_size)
    report.counts = {label: n for label, n in sorted(counts.items()) if n}
    report.finished_at = timezone.now()
    report.save(update_fields=["counts", "finished_at"])
    return report
