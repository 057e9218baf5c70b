"""Pupils and enrolments are never deleted, except by the retention purge.

A name leaves the admission register only through `pupil_delete_from_register` on a
regulation 9 ground (rules §5.3), which ends the enrolment and keeps every record. The
rows themselves go only when their retention period is over (rules §5.9), by
`retention_purge`, which deletes inside `purge_allowed()`.

The guard is a `pre_delete` receiver rather than an overridden `delete()` because it is
the one hook every path goes through: `instance.delete()`, `QuerySet.delete()` and a
cascade from a deleted school or trust (a receiver also stops Django's fast delete,
which would skip it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_purging: ContextVar[bool] = ContextVar("registers_purging", default=False)


class RegisterRecordProtected(Exception):
    """Raised when a pupil or enrolment would be deleted outside the retention purge."""


@contextmanager
def purge_allowed() -> Iterator[None]:
    """Let pupils and enrolments be deleted inside this block (the retention purge only)."""
    token = _purging.set(True)
    try:
        yield
    finally:
        _purging.reset(token)


def refuse_register_deletion(sender: type, instance: Any, **kwargs: Any) -> None:
    if _purging.get():
        return
    raise RegisterRecordProtected(
        f"{sender.__name__} {instance.pk} cannot be deleted: a pupil leaves the register "
        "only by a deletion on a regulation 9 ground (which keeps their records), and "
        "records are removed only by the retention purge once their retention period "
        "is over."
    )
