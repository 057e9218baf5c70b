"""Raise the duties with deadlines (rules §5) as tasks for staff, idempotently."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from escalation import rules as erules
from escalation import selectors
from escalation.models import Duty, DutyKind, DutyStatus, PupilWeek
from escalation.policy import Policy
from registers import rules
from registers.models import Pupil, School

Wanted = dict[tuple[str, int, str], tuple[dt.date, dict[str, object]]]


@dataclass(frozen=True)
class DutyResult:
    raised: int
    closed: int


@dataclass
class _Absences:
    n: set[rules.Session]
    g: set[rules.Session]
    gno: set[rules.Session]
    illness: set[rules.Session]


@transaction.atomic
def duties_raise(
    *, school: School, today: dt.date, pupil_ids: Iterable[int] | None = None
) -> DutyResult:
    """Raise each duty whose condition holds and close open ones whose condition went.

    1. Read the pupils' G/N/O/I sessions of the year from the weekly masks (N from ten
       school weeks earlier, so an N left over the summer is still chased).
    2. Work out each condition with the pure rules: N past its 5-school-day deadline
       (rules §0.7, S12, S13); 10 and 20 consecutive school days of G/N/O (§5.4–5.5, S23,
       S24); 15 days of illness, counted as sessions ÷ 2 (§5.7, S22); the policy's run of
       G sessions (Lutley's unauthorised-leave referral); an N or O today for a pupil with
       a social worker (§5.13).
    3. Insert the missing duties (the unique key makes this idempotent), then close open
       duties whose occurrence no longer holds: a replaced N is done, the rest withdrawn.
       A social-worker duty is only re-checked on its own day.
    """
    policy = selectors.policy_for(school)
    ids = None if pupil_ids is None else sorted(set(pupil_ids))
    year_start, year_end, label = rules.academic_year(today)
    sessions = selectors.school_sessions(school.pk, year_start - dt.timedelta(weeks=16), year_end)
    school_days = sorted({d for d, _h in sessions})
    absences = _absences(school, ids, year_start - dt.timedelta(weeks=14), today)
    wanted: Wanted = {}
    this_year = [s for s in sessions if year_start <= s[0] <= today]
    held: dict[dt.date, set[rules.Half]] = defaultdict(set)
    for day, half in this_year:
        held[day].add(half)
    days = [(d, frozenset(h)) for d, h in sorted(held.items())]
    for pupil_id, a in absences.items():
        _n_deadlines(wanted, pupil_id, a, school_days, today)
        _runs(wanted, pupil_id, a, days, this_year, policy, year_start)
        _sickness(wanted, pupil_id, a, policy, year_start, label)
    _social_workers(wanted, school, ids, absences, today, policy)
    return _store(school, ids, wanted, today)


def _absences(
    school: School, ids: list[int] | None, since: dt.date, today: dt.date
) -> dict[int, _Absences]:
    rows = PupilWeek.objects.filter(
        school=school,
        monday__gte=rules.week_monday(since),
        monday__lte=rules.week_monday(today),
    ).exclude(mask_g=0, mask_n=0, mask_o=0, mask_i=0)
    if ids is not None:
        rows = rows.filter(pupil_id__in=ids)
    found: dict[int, _Absences] = defaultdict(lambda: _Absences(set(), set(), set(), set()))
    for pupil_id, monday, g, n, o, i in rows.values_list(
        "pupil_id", "monday", "mask_g", "mask_n", "mask_o", "mask_i"
    ):
        cut = erules.mask_through(monday=monday, as_of=today)
        a = found[pupil_id]
        a.n.update(erules.mask_sessions(monday=monday, mask=n & cut))
        a.g.update(erules.mask_sessions(monday=monday, mask=g & cut))
        a.gno.update(erules.mask_sessions(monday=monday, mask=(g | n | o) & cut))
        a.illness.update(erules.mask_sessions(monday=monday, mask=i & cut))
    return found


def _n_deadlines(
    wanted: Wanted, pupil_id: int, a: _Absences, school_days: list[dt.date], today: dt.date
) -> None:
    for day, half in sorted(a.n):
        deadline = rules.school_day_deadline(recorded_on=day, school_days=school_days, days=5)
        if deadline is not None and deadline < today:
            wanted[(DutyKind.N_UNRESOLVED, pupil_id, f"{day} {half.name}")] = (
                deadline,
                {"date": day.isoformat(), "session": half.name},
            )


def _runs(
    wanted: Wanted,
    pupil_id: int,
    a: _Absences,
    days: list[tuple[dt.date, frozenset[rules.Half]]],
    this_year: list[rules.Session],
    policy: Policy,
    year_start: dt.date,
) -> None:
    absent = {s for s in a.gno if s[0] >= year_start}
    for kind, length in (
        (DutyKind.LA_TEN_DAYS, policy.la_notification_days),
        (DutyKind.CME_TWENTY_DAYS, policy.cme_days),
    ):
        if len(absent) >= length:
            for start, reached in erules.day_run_milestones(
                school_days=days, absent=absent, length=length
            ):
                wanted[(kind, pupil_id, start.isoformat())] = (
                    reached,
                    {"first_day": start.isoformat(), "school_days": length},
                )
    holiday = {s for s in a.g if s[0] >= year_start}
    if len(holiday) >= policy.leave_referral_sessions:
        for start, reached in erules.session_run_milestones(
            school_sessions=this_year, marked=holiday, length=policy.leave_referral_sessions
        ):
            wanted[(DutyKind.LEAVE_REFERRAL, pupil_id, start.isoformat())] = (
                reached,
                {"first_day": start.isoformat(), "sessions": policy.leave_referral_sessions},
            )


def _sickness(
    wanted: Wanted,
    pupil_id: int,
    a: _Absences,
    policy: Policy,
    year_start: dt.date,
    label: str,
) -> None:
    """One return per pupil per school year, due the day the 15th day is reached."""
    reached = erules.nth_session_day(
        (s for s in a.illness if s[0] >= year_start), 2 * policy.sickness_days
    )
    if reached is not None:
        wanted[(DutyKind.SICKNESS_RETURN, pupil_id, label)] = (
            reached,
            {"school_days": policy.sickness_days},
        )


def _social_workers(
    wanted: Wanted,
    school: School,
    ids: list[int] | None,
    absences: dict[int, _Absences],
    today: dt.date,
    policy: Policy,
) -> None:
    codes = set(policy.social_worker_codes)
    flagged = (
        Q(social_worker=True) | Q(cla=True)
        if policy.include_looked_after
        else Q(social_worker=True)
    )
    candidates = [p for p, a in absences.items() if any(d == today for d, _h in a.gno)]
    if ids is not None:
        candidates = [p for p in candidates if p in ids]
    if not candidates:
        return
    pupils = set(Pupil.objects.filter(flagged, pk__in=candidates).values_list("pk", flat=True))
    for pupil_id in pupils:
        a = absences[pupil_id]
        today_codes = {
            code
            for code, found in (("N", a.n), ("G", a.g), ("O", a.gno - a.n - a.g))
            for d, _h in found
            if d == today
        }
        if today_codes & codes:
            wanted[(DutyKind.SOCIAL_WORKER, pupil_id, today.isoformat())] = (
                today,
                {"codes": sorted(today_codes & codes)},
            )


def _store(school: School, ids: list[int] | None, wanted: Wanted, today: dt.date) -> DutyResult:
    now = timezone.now()
    before = Duty.objects.filter(school=school).count()
    Duty.objects.bulk_create(
        [
            Duty(
                kind=kind,
                school=school,
                pupil_id=pupil_id,
                key=key,
                due_on=due,
                details=details,
                raised_at=now,
            )
            for (kind, pupil_id, key), (due, details) in wanted.items()
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    raised = Duty.objects.filter(school=school).count() - before
    open_duties = Duty.objects.filter(school=school, status=DutyStatus.OPEN)
    if ids is not None:
        open_duties = open_duties.filter(pupil_id__in=ids)
    done, withdrawn = [], []
    for duty_id, kind, pupil_id, key in open_duties.values_list("id", "kind", "pupil_id", "key"):
        if (kind, pupil_id, key) in wanted:
            continue
        if kind == DutyKind.SOCIAL_WORKER and key != today.isoformat():
            continue
        (done if kind == DutyKind.N_UNRESOLVED else withdrawn).append(duty_id)
    Duty.objects.filter(id__in=done).update(status=DutyStatus.DONE, resolved_at=now)
    Duty.objects.filter(id__in=withdrawn).update(status=DutyStatus.WITHDRAWN, resolved_at=now)
    return DutyResult(raised=raised, closed=len(done) + len(withdrawn))
