"""The debounced queue of incremental recomputes.

A register save marks its pupils dirty (one row per school and pupil, however many
saves; one per week when the save says which dates changed) and queues one drain task
after commit. The drain claims rows with
`select_for_update(skip_locked=True)`, so two workers never take the same pupil, and a
burst of saves costs one recompute per pupil. Re-running it is harmless: an empty queue
is a no-op, and a recompute is idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from escalation.models import DirtyPupil
from escalation.services.cases import cases_propose
from escalation.services.duties import duties_raise
from escalation.services.status import status_recompute_pupils
from registers import rules
from registers.models import School


def status_enqueue(
    *, school: School, pupil_ids: Iterable[int], dates: Iterable[dt.date] | None = None
) -> int:
    """Mark pupils dirty (in the weeks of `dates`, or every week when None) and queue the
    drain once the current transaction commits. Returns the rows queued."""
    from escalation.tasks import status_drain_task

    mondays = {DirtyPupil.ALL_WEEKS} if dates is None else {rules.week_monday(d) for d in dates}
    rows = [
        DirtyPupil(school=school, pupil_id=p, monday=monday)
        for p in set(pupil_ids)
        for monday in mondays
    ]
    if not rows:
        return 0
    DirtyPupil.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    status_drain_task.delay_on_commit()
    return len(rows)


def status_drain(*, batch: int = 500, today: dt.date | None = None) -> int:
    """Recompute every dirty pupil, a batch per transaction. Returns how many pupils.

    A batch's rows are grouped by school and by the set of weeks to rebuild, so a
    register save's class (one week) is one rebuild of one week.
    """
    today = today or timezone.localdate()
    done = 0
    while True:
        with transaction.atomic():
            claimed = list(
                DirtyPupil.objects.select_for_update(skip_locked=True)
                .order_by("id")
                .values_list("id", "school_id", "pupil_id", "monday")[:batch]
            )
            if not claimed:
                return done
            DirtyPupil.objects.filter(id__in=[row[0] for row in claimed]).delete()
            weeks: dict[tuple[int, int], set[dt.date]] = defaultdict(set)
            for _id, school_id, pupil_id, monday in claimed:
                weeks[school_id, pupil_id].add(monday)
            groups: dict[int, dict[frozenset[dt.date] | None, set[int]]] = defaultdict(
                lambda: defaultdict(set)
            )
            for (school_id, pupil_id), mondays in weeks.items():
                key = None if DirtyPupil.ALL_WEEKS in mondays else frozenset(mondays)
                groups[school_id][key].add(pupil_id)
            for school in School.objects.filter(pk__in=groups):
                for mondays, ids in groups[school.pk].items():
                    status_recompute_pupils(
                        school=school, pupil_ids=ids, today=today, dates=mondays
                    )
                everyone = set().union(*groups[school.pk].values())
                duties_raise(school=school, today=today, pupil_ids=everyone)
                cases_propose(school=school, today=today, pupil_ids=everyone)
            done += len(weeks)
