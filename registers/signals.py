"""Events the register sends, so that apps built on it can react without it knowing them.

`marks_changed` is sent after the transaction that wrote marks commits, with
`sender=School` and keyword arguments `school` (the School), `pupil_ids` (a frozenset of
the pupils whose marks were created or amended), `dates` (a frozenset of the dates of
those marks, or None when the writer does not say, e.g. a whole-bundle import) and
`source` (a MarkSource value). The escalation engine listens to recompute just those
pupils, and just the weeks of those dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

marks_changed = Signal()

# Sent by the retention purge inside each batch's transaction, just before it deletes
# pupils whose retention period is over, with `pupil_ids` (a frozenset). Apps holding
# rows that PROTECT a pupil delete them here (their own files on commit); rows that
# CASCADE go with the pupil. A pupil still protected afterwards is kept and counted.
# A receiver returns what it deleted as `QuerySet.delete()` counts it ({"app.Model": n}),
# so the purge's report includes it.
pupils_purging = Signal()

# Sent by the retention purge after it removed marks dated before `cutoff` (a date; the
# marks amended since are kept). Apps drop what they derived from those marks (weekly
# figures), returning what they deleted as `QuerySet.delete()` counts it, for the report.
marks_purged = Signal()

# Sent when the demo has been loaded, with `school` (the first demo school), `today` and
# `seed`, so that apps add their own demo records (parent reports, leave requests …).
demo_seeded = Signal()


def send_marks_changed_on_commit(
    *, school, pupil_ids: Iterable[int], source: str, dates: Iterable[dt.date] | None = None
) -> None:
    ids = frozenset(pupil_ids)
    if not ids:
        return
    days = frozenset(dates) if dates is not None else None
    transaction.on_commit(
        lambda: marks_changed.send(
            sender=type(school), school=school, pupil_ids=ids, dates=days, source=source
        )
    )
