"""Retention of what escalation derives from the register: weekly figures go when the
retention purge has removed the marks they were counted from (rules §5.9)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction

from escalation.models import PupilWeek
from registers.models import Mark

BATCH_SIZE = 5000


def pupil_weeks_purge(*, cutoff: dt.date, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Delete the weekly figures of school years before `cutoff` that no mark supports
    any more; a week still holding a kept mark (one amended since the cutoff) stays.
    Batched, each batch in its own transaction; returns `QuerySet.delete()` counts."""
    kept = {
        (school_id, pupil_id, day - dt.timedelta(days=day.weekday()))
        for school_id, pupil_id, day in Mark.objects.filter(date__lt=cutoff).values_list(
            "school_id", "pupil_id", "date"
        )
    }
    old = PupilWeek.objects.filter(year_start__lt=cutoff).order_by("pk")
    counts: Counter[str] = Counter()
    last = 0
    while True:
        rows = list(
            old.filter(pk__gt=last).values_list("pk", "school_id", "pupil_id", "monday")[
                :batch_size
            ]
        )
        if not rows:
            return dict(counts)
        last = rows[-1][0]
        doomed = [
            pk
            for pk, school_id, pupil_id, monday in rows
            if (school_id, pupil_id, monday) not in kept
        ]
        with transaction.atomic():
            counts.update(PupilWeek.objects.filter(pk__in=doomed).delete()[1])
