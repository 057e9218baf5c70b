"""The debounced queue of incremental recomputes.

A register save marks its pupils dirty (one row per school and pupil, however many
saves) and queues one drain task after commit. The drain claims rows with
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
from registers.models import School


def status_enqueue(*, school: School, pupil_ids: Iterable[int]) -> int:
    """Mark pupils dirty and queue the drain once the current transaction commits."""
    from escalation.tasks import status_drain_task

    rows = [DirtyPupil(school=school, pupil_id=p) for p in set(pupil_ids)]
    if not rows:
        return 0
    DirtyPupil.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    status_drain_task.delay_on_commit()
    return len(rows)


def status_drain(*, batch: int = 500, today: dt.date | None = None) -> int:
    """Recompute every dirty pupil, a batch per transaction. Returns how many."""
    today = today or timezone.localdate()
    done = 0
    while True:
        with transaction.atomic():
            claimed = list(
                DirtyPupil.objects.select_for_update(skip_locked=True)
                .order_by("id")
                .values_list("id", "school_id", "pupil_id")[:batch]
            )
            if not claimed:
                return done
            DirtyPupil.objects.filter(id__in=[row[0] for row in claimed]).delete()
            by_school: dict[int, set[int]] = defaultdict(set)
            for _id, school_id, pupil_id in claimed:
                by_school[school_id].add(pupil_id)
            for school in School.objects.filter(pk__in=by_school):
                ids = by_school[school.pk]
                status_recompute_pupils(school=school, pupil_ids=ids, today=today)
                duties_raise(school=school, today=today, pupil_ids=ids)
                cases_propose(school=school, today=today, pupil_ids=ids)
            done += len(claimed)
