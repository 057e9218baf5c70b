"""Notices to improve: open, issue (with the improvement period from the calendar and the
letter to each parent), record the outcome, withdraw (rules §4.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from escalation.models import ThresholdDecision
from penalties import rules, selectors
from penalties.models import NoticeToImprove, NTIStatus, PenaltyRequest
from penalties.services.common import cover, lock_parents, log, stamp
from registers.models import Guardian, Pupil, School, User

# The window a notice to improve covers when no threshold decision gives one.
DEFAULT_WINDOW_WEEKS = 10


@transaction.atomic
def nti_open(
    *,
    school: School,
    pupil: Pupil,
    user: User | None,
    today: dt.date,
    decision: ThresholdDecision | None = None,
) -> NoticeToImprove:
    """A notice to improve to prepare, naming the parents with parental responsibility.
    Opening twice for one threshold decision returns the first."""
    if decision is not None:
        existing = NoticeToImprove.objects.filter(decision=decision).first()
        if existing is not None:
            return existing
    nti = NoticeToImprove(decision=decision)
    nti.period_weeks = selectors.terms_for(school=school, on=today).terms.improvement_weeks
    if decision is not None and decision.support_offered:
        nti.support_offered = decision.support_offered
    stamp(nti, school=school, pupil=pupil, user=user)
    nti.full_clean()
    nti.save()
    nti.guardians.set([link.guardian for link in selectors.parents_of(pupil)])
    log(school=school, pupil=pupil, action="nti_opened", on=today, user=user, nti=nti)
    return nti


def _covered_window(nti: NoticeToImprove, issued_on: dt.date) -> tuple[dt.date, dt.date]:
    """The decision's threshold window, else the 10 school weeks ending with the issue."""
    decision = nti.decision
    if decision is not None and decision.window_start and decision.window_end:
        return decision.window_start, decision.window_end
    weeks = selectors.school_calendar(nti.school)
    last = weeks.latest_number_on_or_before(issued_on)
    if last is None:
        raise ValidationError("The school calendar holds no school week before the issue date.")
    first, _last = weeks.window(last, DEFAULT_WINDOW_WEEKS)
    return weeks.monday(first), issued_on


@transaction.atomic
def nti_issue(
    *,
    nti: NoticeToImprove,
    guardians: Sequence[Guardian],
    issued_on: dt.date,
    period_weeks: int,
    expected_improvement: str,
    allowed_unauthorised: int,
    early_grounds: str,
    support_offered: str,
    user: User,
    today: dt.date,
) -> NoticeToImprove:
    """Issue the notice to each parent named.

    1. Only a notice not yet issued, to at least one parent with parental responsibility.
    2. The improvement period: `period_weeks` school weeks (3 to 6) from the school day
       after issue, read from the school calendar.
    3. Cover the unauthorised sessions of the threshold window that no notice covers yet.
    4. Create the notice-to-improve letter for those parents, when the letters app has it.
    """
    nti = NoticeToImprove.objects.select_for_update().get(pk=nti.pk)
    if nti.status != NTIStatus.DRAFT:
        raise ValidationError("This notice to improve has already been issued.")
    if not guardians:
        raise ValidationError("Choose at least one parent to issue the notice to.")
    if issued_on > today:
        raise ValidationError("The issue date cannot be in the future.")
    lock_parents(pupil=nti.pupil, guardians=list(guardians))
    try:
        period = rules.improvement_period(
            weeks=selectors.school_calendar(nti.school),
            issued_on=issued_on,
            school_weeks=period_weeks,
        )
    except (LookupError, ValueError) as exc:
        raise ValidationError(str(exc)) from exc
    start, end = _covered_window(nti, issued_on)
    cover(school=nti.school, pupil=nti.pupil, start=start, end=min(end, issued_on), nti=nti)
    nti.status = NTIStatus.ISSUED
    nti.issued_on = issued_on
    nti.period_weeks = period_weeks
    nti.period_start, nti.period_end = period.start, period.end
    nti.expected_improvement = expected_improvement
    nti.allowed_unauthorised = allowed_unauthorised
    nti.early_grounds = early_grounds
    nti.support_offered = support_offered
    nti.full_clean()
    nti.save()
    nti.guardians.set(guardians)
    log(
        school=nti.school,
        pupil=nti.pupil,
        action="nti_issued",
        on=issued_on,
        user=user,
        nti=nti,
        note=f"Improvement period {period.start:%d %b %Y} to {period.end:%d %b %Y}",
    )
    _letter(nti, list(guardians), user)
    return nti


def _letter(nti: NoticeToImprove, guardians: list[Guardian], user: User) -> None:
    """The notice-to-improve letter to each parent named, from the letters app (which owns
    letters and refuses, with a reason, a parent with no postal address)."""
    from letters.services.generate import letter_generate

    assert nti.issued_on and nti.period_start and nti.period_end  # set by nti_issue
    letter_generate(
        school=nti.school,
        pupil=nti.pupil,
        kind="notice_to_improve",
        as_at=nti.issued_on,
        created_by=user,
        guardians=guardians,
        extra={
            "improvement_start": f"{nti.period_start:%-d %B %Y}",
            "improvement_end": f"{nti.period_end:%-d %B %Y}",
            "improvement_weeks": str(nti.period_weeks),
            "improvement_target": nti.expected_improvement,
        },
    )


def unauthorised_in_period(nti: NoticeToImprove) -> list[tuple[dt.date, str, str]]:
    if nti.period_start is None or nti.period_end is None:
        return []
    return selectors.unauthorised_sessions(
        school=nti.school, pupil=nti.pupil, start=nti.period_start, end=nti.period_end
    )


@transaction.atomic
def nti_outcome_record(
    *, nti: NoticeToImprove, complied: bool, note: str, user: User, today: dt.date
) -> PenaltyRequest | None:
    """Record whether the parents complied; not complied opens a penalty notice request
    for the same parents over the improvement period.

    Before the period ends, only "not complied", and only with the grounds the notice
    gave for acting early and a note of what happened.
    """
    nti = NoticeToImprove.objects.select_for_update().get(pk=nti.pk)
    if nti.status != NTIStatus.ISSUED:
        raise ValidationError("Only an issued notice to improve can have its outcome recorded.")
    if not nti.period_over(today):
        if complied:
            raise ValidationError(
                f"The improvement period runs until {nti.period_end:%d %B %Y}: "
                "compliance can only be recorded after it ends."
            )
        if not nti.early_grounds or not note.strip():
            raise ValidationError(
                "Before the period ends, non-compliance needs grounds for acting early in the "
                "notice and a note of what happened."
            )
    sessions = unauthorised_in_period(nti)
    nti.status = NTIStatus.COMPLIED if complied else NTIStatus.NOT_COMPLIED
    nti.outcome_on, nti.outcome_note = today, note
    nti.unauthorised_in_period = len(sessions)
    nti.save(update_fields=["status", "outcome_on", "outcome_note", "unauthorised_in_period"])
    log(
        school=nti.school,
        pupil=nti.pupil,
        action="nti_complied" if complied else "nti_not_complied",
        on=today,
        user=user,
        nti=nti,
        note=note,
    )
    if complied:
        return None
    from penalties.services.notices import penalty_request_open

    end = min(nti.period_end, today) if nti.period_end else today
    return penalty_request_open(
        school=nti.school,
        pupil=nti.pupil,
        user=user,
        today=today,
        nti=nti,
        decision=nti.decision,
        offence_start=nti.period_start,
        offence_end=end,
    )


@transaction.atomic
def nti_withdraw(*, nti: NoticeToImprove, note: str, user: User, today: dt.date) -> None:
    """Withdraw a notice to improve sent in error: its sessions are released."""
    nti = NoticeToImprove.objects.select_for_update().get(pk=nti.pk)
    if nti.status not in (NTIStatus.DRAFT, NTIStatus.ISSUED):
        raise ValidationError("Only a notice to improve not yet decided can be withdrawn.")
    if not note.strip():
        raise ValidationError("Say why the notice to improve is withdrawn.")
    nti.covered.all().delete()
    nti.status, nti.outcome_on, nti.outcome_note = NTIStatus.WITHDRAWN, today, note
    nti.save(update_fields=["status", "outcome_on", "outcome_note"])
    log(
        school=nti.school,
        pupil=nti.pupil,
        action="nti_withdrawn",
        on=today,
        user=user,
        nti=nti,
        note=note,
    )
