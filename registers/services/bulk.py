"""Bulk entry: one code for a pupil or a registration group over a range of sessions.

Used for granted leave (`C`), an emergency closure (`Y4`), a planned closure (`#`) and
the like. `bulk_preview` says what would happen without writing; `bulk_apply` works the
plan out again inside its transaction and writes it through `marks_write`, so every
amended mark keeps its previous entry (rules §5.10).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from registers.codes import CODES
from registers.models import Enrolment, MarkSource, Pupil, School, SchoolSession, User
from registers.services.marks import MarkEntry, WriteResult, existing_marks, marks_write

# About one term: a longer range is almost certainly a mistake in a date.
MAX_SCHOOL_DAYS = 100
SESSIONS = ("AM", "PM")
# The present codes are specific to a half of the day (rules §1.2).
_SESSION_ONLY = {"/": "AM", "\\": "PM"}

Spell = tuple[dt.date, dt.date | None]


@dataclass(frozen=True)
class OffRoll:
    """A pupil of the group who is off roll for some of the sessions: skipped, not written."""

    name: str
    upn: str
    sessions: int
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class BulkPlan:
    entries: list[MarkEntry]
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    pupils: int = 0
    school_days: int = 0
    off_roll: tuple[OffRoll, ...] = ()
    refusals: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.refusals


@dataclass(frozen=True)
class BulkResult:
    plan: BulkPlan
    written: WriteResult


def _d(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _request_errors(
    *,
    code: str,
    start: dt.date,
    end: dt.date,
    sessions: Sequence[str],
    pupil: Pupil | None,
    registration_group: str,
) -> list[str]:
    """What is wrong with the request itself, before looking at the calendar or roll."""
    errors = []
    if code not in CODES:
        errors.append(f"{code!r} is not a 2024 attendance code.")
    if not sessions or any(s not in SESSIONS for s in sessions):
        errors.append("Choose the morning, the afternoon or both.")
    if end < start:
        errors.append("The end date is before the start date.")
    if (pupil is None) == (not registration_group):
        errors.append("Choose either one pupil or one registration group.")
    only = _SESSION_ONLY.get(code)
    if only and any(s != only for s in sessions):
        errors.append(f"Code {code} is for {only} sessions only.")
    return errors


def _targets(
    *, school: School, start: dt.date, end: dt.date, pupil: Pupil | None, registration_group: str
) -> dict[int, tuple[str, str, list[Spell]]]:
    """pupil_id → (name, UPN, roll spells) for the pupil or the group's enrolments (1 query)."""
    enrolments = Enrolment.objects.for_school(school)
    if pupil is not None:
        enrolments = enrolments.filter(pupil=pupil)
    else:
        enrolments = enrolments.filter(registration_group=registration_group).overlapping(
            start, end
        )
    targets: dict[int, tuple[str, str, list[Spell]]] = {}
    for pid, adm, leave, forename, surname, upn in enrolments.order_by(
        "pupil__surname", "pupil__forename", "admission_date"
    ).values_list(
        "pupil_id",
        "admission_date",
        "leaving_date",
        "pupil__forename",
        "pupil__surname",
        "pupil__upn",
    ):
        targets.setdefault(pid, (f"{forename} {surname}", upn, []))[2].append((adm, leave))
    return targets


def _on_roll(spells: list[Spell], day: dt.date) -> bool:
    return any(s <= day and (e is None or day <= e) for s, e in spells)


def _spells_text(spells: list[Spell]) -> str:
    return "; ".join(f"{_d(s)} to {_d(e) if e else 'now'}" for s, e in spells)


def bulk_preview(
    *,
    school: School,
    code: str,
    start: dt.date,
    end: dt.date,
    sessions: Sequence[str],
    pupil: Pupil | None = None,
    registration_group: str = "",
) -> BulkPlan:
    """Work out what applying `code` would do; nothing is written.

    1. Refuse a malformed request: unknown code, no session chosen, end before start,
       not exactly one target, a present code on the wrong half of the day.
    2. Fetch the school's sessions in the range; refuse a range of no sessions or of more
       than `MAX_SCHOOL_DAYS` school days. Days the school does not meet are left alone.
    3. Fetch the target's roll spells. One pupil off roll for any session is refused
       (the dates are wrong); pupils of a group off roll for some sessions are skipped
       and reported, never written.
    4. Compare with the stored marks: how many would be created, changed, left unchanged.
    Four queries at most, whatever the size of the group.
    """
    errors = _request_errors(
        code=code,
        start=start,
        end=end,
        sessions=sessions,
        pupil=pupil,
        registration_group=registration_group,
    )
    if errors:
        return BulkPlan(entries=[], refusals=tuple(errors))
    held = list(
        SchoolSession.objects.filter(school=school, date__range=(start, end), session__in=sessions)
        .order_by("date", "session")
        .values_list("date", "session")
    )
    school_days = len({day for day, _ in held})
    halves = " and ".join(sorted(sessions)) if len(sessions) > 1 else sessions[0]
    if not held:
        refusal = f"{school.name} has no {halves} sessions from {_d(start)} to {_d(end)}."
        return BulkPlan(entries=[], refusals=(refusal,))
    if school_days > MAX_SCHOOL_DAYS:
        refusal = (
            f"The range covers {school_days} school days; bulk entry is limited to "
            f"{MAX_SCHOOL_DAYS} (about a term). Split it into shorter ranges."
        )
        return BulkPlan(entries=[], school_days=school_days, refusals=(refusal,))
    targets = _targets(
        school=school, start=start, end=end, pupil=pupil, registration_group=registration_group
    )
    if not targets:
        who = str(pupil) if pupil else f"registration group {registration_group}"
        refusal = f"No pupils of {who} are on roll from {_d(start)} to {_d(end)}."
        return BulkPlan(entries=[], school_days=school_days, refusals=(refusal,))
    entries: list[MarkEntry] = []
    off_roll: list[OffRoll] = []
    for pupil_id, (name, upn, spells) in targets.items():
        missed = [day for day, _ in held if not _on_roll(spells, day)]
        if missed:
            off_roll.append(OffRoll(name, upn, len(missed), missed[0], missed[-1]))
        entries += [
            MarkEntry(pupil_id=pupil_id, date=day, session=session, code=code)
            for day, session in held
            if _on_roll(spells, day)
        ]
    if pupil is not None and off_roll:
        spells = targets[pupil.id][2]
        refusal = (
            f"{pupil} is not on roll for {off_roll[0].sessions} of these sessions "
            f"({_d(off_roll[0].first)} to {_d(off_roll[0].last)}). On roll: "
            f"{_spells_text(spells)}."
        )
        return BulkPlan(entries=[], school_days=school_days, refusals=(refusal,))
    stored = existing_marks(school=school, keys=[e.key for e in entries])
    created = changed = 0
    for e in entries:
        mark = stored.get(e.key)
        if mark is None:
            created += 1
        elif (mark.code_id, mark.minutes_late) != (e.code, e.minutes_late):
            changed += 1
    return BulkPlan(
        entries=entries,
        created=created,
        changed=changed,
        unchanged=len(entries) - created - changed,
        pupils=len(targets) - sum(1 for o in off_roll if o.sessions == len(held)),
        school_days=school_days,
        off_roll=tuple(off_roll),
    )


@transaction.atomic
def bulk_apply(
    *,
    school: School,
    user: User,
    code: str,
    start: dt.date,
    end: dt.date,
    sessions: Sequence[str],
    reason: str,
    pupil: Pupil | None = None,
    registration_group: str = "",
    now: dt.datetime | None = None,
) -> BulkResult:
    """Apply `code` as previewed, in one transaction, through `marks_write` (source bulk).

    The plan is worked out again here, so marks changed since the preview are compared
    afresh. Raises `ValidationError` with the refusals if the request does not fit.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give a reason for the bulk entry.")
    plan = bulk_preview(
        school=school,
        code=code,
        start=start,
        end=end,
        sessions=sessions,
        pupil=pupil,
        registration_group=registration_group,
    )
    if not plan.ok:
        raise ValidationError(list(plan.refusals))
    written = marks_write(
        school=school,
        entries=plan.entries,
        user=user,
        source=MarkSource.BULK,
        reason=reason,
        now=now,
    )
    return BulkResult(plan=plan, written=written)
