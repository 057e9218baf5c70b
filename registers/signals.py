"""Events the register sends, so that apps built on it can react without it knowing them.

`marks_changed` is sent after the transaction that wrote marks commits, with
`sender=School` and keyword arguments `school` (the School), `pupil_ids` (a frozenset of
the pupils whose marks were created or amended) and `source` (a MarkSource value). The
escalation engine listens to recompute just those pupils.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

marks_changed = Signal()


def send_marks_changed_on_commit(*, school, pupil_ids: Iterable[int], source: str) -> None:
    ids = frozenset(pupil_ids)
    if not ids:
        return
    transaction.on_commit(
        lambda: marks_changed.send(sender=type(school), school=school, pupil_ids=ids, source=source)
    )
