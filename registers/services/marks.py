"""The one way marks are written outside the bulk import.

Register saves, corrections, bulk entry, parent reports and the API all call
`marks_write`: it checks every entry against the calendar and the roll, creates new
marks, amends changed ones and records each amendment as a `MarkChange`, in a constant
number of queries however many entries there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registers.codes import CODES, LATE_CODES
from registers.models import Enrolment, Mark, MarkChange, School, SchoolSession, User
from registers.signals import send_marks_changed_on_commit

Key = tuple[int, dt.date, str]  # (pupil_id, date, session)


@dataclass(frozen=True)
class MarkEntry:
    pupil_id: int
    date: dt.date
    session: str  # "AM" or "PM"
    code: str
    minutes_late: int | None = None

    @property
    def key(self) -> Key:
        return (self.pupil_id, self.date, self.session)


@dataclass(frozen=True)
class WriteResult:
    created: list[Mark]
    changed: list[MarkChange]
    unchanged: int


def entry_error(entry: MarkEntry) -> str | None:
    """What is wrong with an entry on its own (code, session, minutes late), or None."""
    if entry.session not in ("AM", "PM"):
        return f"Session must be AM or PM, not {entry.session!r}."
    if entry.code not in CODES:
        return f"{entry.code!r} is not a 2024 attendance code."
    if entry.minutes_late is not None:
        if entry.code not in LATE_CODES:
            return "Minutes late can only be given with L or U."
        if entry.minutes_late < 0:
            return "Minutes late cannot be negative."
    return None


def _check_entries(*, school: School, entries: Sequence[MarkEntry]) -> None:
    """Refuse entries with bad codes, sessions the school does not meet, or pupils off roll.

    Two queries whatever the number of entries: the sessions of the dates involved, and
    the enrolments of the pupils involved.
    """
    errors: list[str] = []
    keys = [e.key for e in entries]
    if len(set(keys)) != len(keys):
        errors.append("The same pupil and session appears more than once.")
    errors += [msg for e in entries if (msg := entry_error(e))]
    dates = {e.date for e in entries}
    held = set(
        SchoolSession.objects.filter(school=school, date__in=dates).values_list("date", "session")
    )
    spells: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for pupil_id, start, end in Enrolment.objects.filter(
        school=school, pupil_id__in={e.pupil_id for e in entries}
    ).values_list("pupil_id", "admission_date", "leaving_date"):
        spells[pupil_id].append((start, end))
    for e in entries:
        if (e.date, e.session) not in held:
            errors.append(f"{school.name} has no {e.session} session on {e.date:%a %d %b %Y}.")
        elif not any(
            s <= e.date and (end is None or e.date <= end) for s, end in spells[e.pupil_id]
        ):
            errors.append(f"Pupil {e.pupil_id} is not on roll on {e.date:%a %d %b %Y}.")
    if errors:
        raise ValidationError(errors)


def existing_marks(*, school: School, keys: Sequence[Key]) -> dict[Key, Mark]:
    """Stored marks for `keys`, in one query (a superset is fetched, then narrowed)."""
    wanted = set(keys)
    if not wanted:
        return {}
    candidates = Mark.objects.select_related("recorded_by").filter(
        school=school,
        pupil_id__in={k[0] for k in wanted},
        date__gte=min(k[1] for k in wanted),
        date__lte=max(k[1] for k in wanted),
    )
    return {m_key: m for m in candidates if (m_key := (m.pupil_id, m.date, m.session)) in wanted}


@transaction.atomic
def marks_write(
    *,
    school: School,
    entries: Sequence[MarkEntry],
    user: User | None,
    source: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> WriteResult:
    """Create or amend marks, auditing every amendment.

    1. Check every entry (code, session held, pupil on roll); any error refuses them all.
    2. Fetch the stored marks for the entries' sessions.
    3. Create the missing marks; amend those whose code or minutes late differ, writing a
       `MarkChange` with the previous and new entry, who (name and position), when, why
       and the source; leave identical ones alone.
    4. Once committed, tell listeners (`registers.signals.marks_changed`) which pupils changed.
    """
    now = now or timezone.now()
    _check_entries(school=school, entries=entries)
    stored = existing_marks(school=school, keys=[e.key for e in entries])
    new: list[Mark] = []
    amended: list[Mark] = []
    changes: list[MarkChange] = []
    for e in entries:
        mark = stored.get(e.key)
        if mark is None:
            new.append(
                Mark(
                    school=school,
                    pupil_id=e.pupil_id,
                    date=e.date,
                    session=e.session,
                    code_id=e.code,
                    minutes_late=e.minutes_late,
                    recorded_by=user,
                    recorded_at=now,
                    source=source,
                )
            )
        elif (mark.code_id, mark.minutes_late) != (e.code, e.minutes_late):
            changes.append(
                _change(mark=mark, entry=e, user=user, source=source, reason=reason, now=now)
            )
            mark.code_id, mark.minutes_late = e.code, e.minutes_late
            mark.recorded_by, mark.recorded_at, mark.source = user, now, source
            amended.append(mark)
    created = Mark.objects.bulk_create(new)
    if amended:
        Mark.objects.bulk_update(
            amended, ["code", "minutes_late", "recorded_by", "recorded_at", "source"]
        )
    MarkChange.objects.bulk_create(changes)
    touched = (*new, *amended)
    send_marks_changed_on_commit(
        school=school,
        pupil_ids={m.pupil_id for m in touched},
        dates={m.date for m in touched},
        source=source,
    )
    return WriteResult(
        created=created, changed=changes, unchanged=len(entries) - len(new) - len(amended)
    )


def _change(
    *, mark: Mark, entry: MarkEntry, user: User | None, source: str, reason: str, now: dt.datetime
) -> MarkChange:
    return MarkChange(
        mark=mark,
        previous_code_id=mark.code_id,
        previous_minutes_late=mark.minutes_late,
        previous_recorded_at=mark.recorded_at,
        previous_source=mark.source,
        previous_recorded_by_name=_name(mark.recorded_by),
        previous_recorded_by_position=mark.recorded_by.position if mark.recorded_by else "",
        new_code_id=entry.code,
        new_minutes_late=entry.minutes_late,
        changed_by=user,
        changed_by_name=_name(user),
        changed_by_position=user.position if user else "",
        changed_at=now,
        reason=reason,
        source=source,
    )


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""
