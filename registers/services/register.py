"""Saving a register: one group, one session, the whole register in one transaction.

Two people may have the same register open (a teacher in class, the office at a desk).
The form carries what each row showed when it was loaded (the *baseline*); a save that
would overwrite a mark someone else stored since then is refused as a whole with a
`RegisterConflict`, so that the person can choose per pupil and save again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registers.codes import CODES
from registers.models import Mark, MarkSource, RegisterTaking, School, User
from registers.register_rules import ENGLAND, Slot, find_conflicts, is_closed
from registers.selectors.register import group_roll, person_name, register_times
from registers.services.marks import MarkEntry, WriteResult, marks_write


@dataclass(frozen=True)
class Conflict:
    """One pupil whose stored mark changed since the form was loaded."""

    pupil_id: int
    name: str
    theirs: Slot | None  # stored now
    theirs_by: str
    theirs_at: dt.datetime | None
    mine: Slot  # submitted
    loaded: Slot | None  # what the form showed when it was loaded

    @property
    def untouched(self) -> bool:
        """The person did not change this row: their page still showed the old mark."""
        return self.mine == self.loaded

    @property
    def theirs_meaning(self) -> str:
        return CODES[self.theirs.code].meaning if self.theirs else ""

    @property
    def mine_meaning(self) -> str:
        return CODES[self.mine.code].meaning


class RegisterConflict(Exception):
    """Nothing was saved: marks changed since the form was loaded (see `conflicts`).

    `stored` holds every row of the register as stored now: the baseline of the next save.
    """

    def __init__(self, conflicts: list[Conflict], stored: dict[int, Slot | None]) -> None:
        self.conflicts = conflicts
        self.stored = stored
        super().__init__(f"{len(conflicts)} marks changed since the register was loaded.")


@dataclass(frozen=True)
class RegisterSaveResult:
    taking: RegisterTaking
    written: WriteResult
    first_save: bool


def _locked_taking(
    *, school: School, group: str, day: dt.date, session: str, user: User, now: dt.datetime
) -> RegisterTaking:
    """The register's taking row, locked until commit; a new one has `saves == 0`.

    Inserting with ON CONFLICT DO NOTHING before locking makes two first saves of the same
    register queue behind each other instead of both finding no row to lock.
    """
    RegisterTaking.objects.bulk_create(
        [
            RegisterTaking(
                school=school,
                registration_group=group,
                date=day,
                session=session,
                taken_by=user,
                taken_at=now,
                last_saved_by=user,
                last_saved_at=now,
                saves=0,
            )
        ],
        ignore_conflicts=True,
    )
    return RegisterTaking.objects.select_for_update().get(
        school=school, registration_group=group, date=day, session=session
    )


def _stored(
    *, school: School, day: dt.date, session: str, pupil_ids: list[int]
) -> dict[int, tuple[Slot, str, dt.datetime]]:
    """The register's stored marks, locked: `pupil_id -> (slot, recorded by, recorded at)`."""
    rows = (
        Mark.objects.select_for_update(of=("self",))
        .filter(school=school, date=day, session=session, pupil_id__in=pupil_ids)
        .values_list(
            "pupil_id",
            "code_id",
            "minutes_late",
            "recorded_at",
            "recorded_by__first_name",
            "recorded_by__last_name",
            "recorded_by__username",
        )
    )
    return {
        pupil_id: (Slot(code, late), person_name(*who), at)
        for pupil_id, code, late, at, *who in rows
    }


@transaction.atomic
def register_save(
    *,
    school: School,
    group: str,
    day: dt.date,
    session: str,
    entries: Mapping[int, Slot],
    baseline: Mapping[int, Slot | None],
    user: User,
    now: dt.datetime | None = None,
    source: str = MarkSource.REGISTER,
) -> RegisterSaveResult:
    """Save a whole register, refusing to overwrite marks changed since it was loaded.

    1. Refuse a register of a future day, and pupils not on the group's roll that day.
    2. Lock the register's taking row (creating it), then the stored marks of its pupils.
    3. Find conflicts (`register_rules.find_conflicts`): if any, raise `RegisterConflict`
       and write nothing.
    4. Write the entries with `marks_write` (source "register"), which creates, amends with
       an audit row, or leaves alone each mark.
    5. Record the save on the taking row; the first save sets who took it, when, and
       whether after the register closed (Europe/London).
    A constant number of queries whatever the number of pupils.
    """
    now = now or timezone.now()
    if day > now.astimezone(ENGLAND).date():
        raise ValidationError("A register cannot be taken before its day.")
    roll = dict(group_roll(school, group, day))
    strangers = sorted(set(entries) - set(roll))
    if strangers:
        raise ValidationError(f"{len(strangers)} of these pupils are not on the {group} register.")
    taking = _locked_taking(
        school=school, group=group, day=day, session=session, user=user, now=now
    )
    stored = _stored(school=school, day=day, session=session, pupil_ids=list(roll))
    stored_slots = {pid: stored[pid][0] if pid in stored else None for pid in roll}
    clashes = find_conflicts(baseline=baseline, stored=stored_slots, submitted=entries)
    if clashes:
        raise RegisterConflict(
            [
                Conflict(
                    pupil_id=pid,
                    name=roll[pid],
                    theirs=stored_slots[pid],
                    theirs_by=stored[pid][1] if pid in stored else "",
                    theirs_at=stored[pid][2] if pid in stored else None,
                    mine=entries[pid],
                    loaded=baseline.get(pid),
                )
                for pid in clashes
            ],
            stored_slots,
        )
    written = marks_write(
        school=school,
        entries=[
            MarkEntry(
                pupil_id=pid, date=day, session=session, code=s.code, minutes_late=s.minutes_late
            )
            for pid, s in entries.items()
        ],
        user=user,
        source=source,
        reason=f"Changed on the {group} register ({session} {day:%d %b %Y})",
        now=now,
    )
    first_save = taking.saves == 0
    if first_save:
        taking.taken_by, taking.taken_at = user, now
        taking.taken_late = is_closed(
            moment=now, day=day, closes=register_times(school, session)[1]
        )
    taking.last_saved_by, taking.last_saved_at = user, now
    taking.saves += 1  # the row is locked until commit, so no other save can interleave
    taking.save(
        update_fields=[
            "taken_by",
            "taken_at",
            "taken_late",
            "last_saved_by",
            "last_saved_at",
            "saves",
        ]
    )
    return RegisterSaveResult(taking=taking, written=written, first_save=first_save)
