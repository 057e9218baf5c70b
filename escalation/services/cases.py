"""Propose stage moves on the support-first ladder, and record people's decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from escalation import rules as erules
from escalation import selectors, signals
from escalation.models import Case, CaseEvent, CaseEventKind, PupilStatus
from registers import rules
from registers.models import School, User


def _event(case: Case, kind: str, *, stage_to: int, on: dt.date, now: dt.datetime, **extra):
    return CaseEvent(
        case=case,
        kind=kind,
        stage_from=case.stage,
        stage_to=stage_to,
        on=on,
        at=now,
        **extra,
    )


@transaction.atomic
def cases_propose(*, school: School, today: dt.date, pupil_ids: Iterable[int] | None = None) -> int:
    """Propose the ladder's next step for each pupil's case; returns how many proposed.

    1. Read the pupils' stored statuses and cases; skip cases snoozed past today.
    2. Ask `escalation.rules.ladder_step` for the step, counting school weeks at the stage.
    3. No step: withdraw a pending proposal that no longer applies. The same step as the
       pending one: nothing (so re-runs are idempotent). Otherwise withdraw the old
       proposal, record the new one and its reasons, opening a case if needed.
    Nothing is ever decided here: `case_decide` is the only way a stage changes.
    """
    policy = selectors.policy_for(school)
    weeks = rules.SchoolWeeks.from_dates(selectors.session_dates([school.pk]).get(school.pk, []))
    statuses = PupilStatus.objects.filter(school=school)
    cases_qs = Case.objects.select_for_update().filter(school=school)
    if pupil_ids is not None:
        ids = set(pupil_ids)
        statuses = statuses.filter(pupil_id__in=ids)
        cases_qs = cases_qs.filter(pupil_id__in=ids)
    cases = {c.pupil_id: c for c in cases_qs}
    now = timezone.now()
    events: list[tuple[Case, CaseEvent]] = []
    new_cases: list[Case] = []
    changed: list[Case] = []
    for status in statuses.only(
        "pupil_id", "attended", "possible", "threshold_met_now", "local_threshold_met_now",
        "threshold_holiday_sessions",
    ):  # fmt: skip
        case = cases.get(status.pupil_id)
        if case and case.snoozed_until and today < case.snoozed_until:
            continue
        state = erules.CaseState()
        if case:
            state = erules.CaseState(
                stage=case.stage,
                weeks_at_stage=erules.school_weeks_between(
                    weeks=weeks, start=case.stage_since, today=today
                )
                if case.stage_since
                else 0,
                stage_attended=case.stage_attended,
                stage_possible=case.stage_possible,
            )
        step = erules.ladder_step(
            policy=policy,
            standing=erules.Standing(
                attended=status.attended,
                possible=status.possible,
                threshold_met_now=status.threshold_met_now,
                local_threshold_met_now=status.local_threshold_met_now,
                threshold_holiday_sessions=status.threshold_holiday_sessions,
            ),
            case=state,
        )
        if (
            case
            and case.has_proposal
            and (
                step is None
                or (case.proposed_stage, case.proposed_action) != (step.stage, step.action)
            )
        ):
            events.append((case, _withdrawal(case, today, now)))
            _clear(case)
            changed.append(case)
        if step is None or (case and case.has_proposal):
            continue
        if case is None:
            case = Case(school=school, pupil_id=status.pupil_id)
            new_cases.append(case)
        elif case not in changed:
            changed.append(case)
        case.proposed_stage, case.proposed_action = step.stage, step.action
        case.proposed_reasons, case.proposed_on = list(step.reasons), today
        events.append(
            (
                case,
                _event(
                    case,
                    CaseEventKind.PROPOSED,
                    stage_to=step.stage,
                    on=today,
                    now=now,
                    action=step.action,
                    reasons=list(step.reasons),
                ),
            )
        )
    Case.objects.bulk_create(new_cases, batch_size=1000)
    Case.objects.bulk_update(
        changed,
        ["proposed_stage", "proposed_action", "proposed_reasons", "proposed_on"],
        batch_size=1000,
    )
    for case, event in events:
        event.case = case
    CaseEvent.objects.bulk_create([e for _c, e in events], batch_size=1000)
    return sum(1 for _c, e in events if e.kind == CaseEventKind.PROPOSED)


def _withdrawal(case: Case, today: dt.date, now: dt.datetime) -> CaseEvent:
    return _event(
        case,
        CaseEventKind.WITHDRAWN,
        stage_to=case.proposed_stage if case.proposed_stage is not None else case.stage,
        on=today,
        now=now,
        action=case.proposed_action,
        reasons=["the proposal no longer applies"],
    )


def _clear(case: Case) -> None:
    case.proposed_stage, case.proposed_action = None, ""
    case.proposed_reasons, case.proposed_on = [], None


ACCEPT, DEFER, DECLINE = "accept", "defer", "decline"


@transaction.atomic
def case_decide(
    *,
    case: Case,
    decision: str,
    user: User,
    today: dt.date,
    note: str = "",
    until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> CaseEvent:
    """Accept, defer or decline the case's pending proposal, recording who, when and why.

    Accepting moves the case to the proposed stage from today and remembers the
    attendance it starts from (the basis of "no improvement"). Deferring needs a later
    date and asks again after it. Declining needs a reason and keeps the engine quiet for
    the policy's `quiet_days_after_decline`.
    """
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.has_proposal:
        raise ValidationError("This case has no proposal to decide.")
    if decision == DEFER and (until is None or until <= today):
        raise ValidationError("A deferral needs a date after today.")
    if decision == DECLINE and not note.strip():
        raise ValidationError("Say why the proposal is declined.")
    if decision not in (ACCEPT, DEFER, DECLINE):
        raise ValidationError(f"Unknown decision {decision!r}.")
    kind = {
        ACCEPT: CaseEventKind.ACCEPTED,
        DEFER: CaseEventKind.DEFERRED,
        DECLINE: CaseEventKind.DECLINED,
    }[decision]
    assert case.proposed_stage is not None
    event = _event(
        case,
        kind,
        stage_to=case.proposed_stage,
        on=today,
        now=now,
        action=case.proposed_action,
        reasons=case.proposed_reasons,
        note=note,
        by=user,
        by_name=user.get_full_name() or user.username,
        by_position=user.position,
        until=until if decision == DEFER else None,
    )
    if decision == ACCEPT:
        status = PupilStatus.objects.filter(school=case.school, pupil=case.pupil).first()
        case.stage = case.proposed_stage
        case.stage_since = today if case.stage else None
        case.stage_attended = status.attended if status else 0
        case.stage_possible = status.possible if status else 0
        case.snoozed_until = None
    elif decision == DEFER:
        case.snoozed_until = until
    else:
        days = selectors.policy_for(case.school).quiet_days_after_decline
        case.snoozed_until = today + dt.timedelta(days=days)
    _clear(case)
    case.save()
    event.save()
    transaction.on_commit(
        lambda: signals.case_decided.send(sender=Case, case=case, event=event, user=user)
    )
    return event
