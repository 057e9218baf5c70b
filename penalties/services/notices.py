"""Penalty notices: the request to the local authority, issue, payment, withdrawal,
prosecution, and the alternatives used where no notice may be issued (rules §4).

Every path that makes a notice count toward the 3-year limit (`penalty_request_submit`
and `penalty_issue`) locks the parent/child pair and checks `rules.limit_breached_by`;
`PenaltyNotice.clean` and the database trigger check it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from escalation.models import ThresholdDecision
from penalties import rules, selectors
from penalties.models import (
    AlternativeAction,
    AlternativeKind,
    NoticeToImprove,
    PenaltyNotice,
    PenaltyRequest,
    PNStatus,
    ProsecutionOutcome,
    RequestStatus,
    WithdrawalGround,
)
from penalties.services.common import cover, lock_parents, log, stamp
from registers.models import Guardian, Pupil, School, User

THIRD_NOTICE = (
    "{name} already has 2 penalty notices for this child within 3 years (or requested): a "
    "third cannot be issued. Use another tool instead: prosecution, an education "
    "supervision order, an attendance contract or early help."
)


@transaction.atomic
def penalty_request_open(
    *,
    school: School,
    pupil: Pupil,
    user: User | None,
    today: dt.date,
    decision: ThresholdDecision | None = None,
    nti: NoticeToImprove | None = None,
    offence_start: dt.date | None = None,
    offence_end: dt.date | None = None,
) -> PenaltyRequest:
    """A request to prepare. Opening twice for one decision or notice to improve returns
    the first; a decision's threshold window is the offence period by default."""
    existing = None
    if nti is not None:
        existing = PenaltyRequest.objects.filter(nti=nti).first()
    elif decision is not None:
        existing = PenaltyRequest.objects.filter(decision=decision, nti__isnull=True).first()
    if existing is not None:
        return existing
    if decision is not None and offence_start is None:
        offence_start, offence_end = decision.window_start, decision.window_end
    request = PenaltyRequest(
        decision=decision, nti=nti, offence_start=offence_start, offence_end=offence_end
    )
    stamp(request, school=school, pupil=pupil, user=user)
    request.full_clean()
    request.save()
    log(school=school, pupil=pupil, action="request_opened", on=today, user=user, request=request)
    return request


def _refuse_parents_at_limit(*, pupil: Pupil, guardians: Sequence[Guardian], on: dt.date) -> None:
    counts = {c.guardian.pk: c for c in selectors.parent_counts(pupil=pupil, on=on)}
    at_limit = [g.name for g in guardians if not counts[g.pk].can_request]
    if at_limit:
        raise ValidationError(THIRD_NOTICE.format(name=" and ".join(at_limit)))


@transaction.atomic
def penalty_request_submit(
    *,
    request: PenaltyRequest,
    guardians: Sequence[Guardian],
    offence_start: dt.date,
    offence_end: dt.date,
    grounds: str,
    user: User,
    today: dt.date,
) -> list[PenaltyNotice]:
    """Request a notice from the local authority for each parent named.

    1. Lock each parent/child pair; refuse anyone who is not a parent with parental
       responsibility, or who already has 2 notices for this child in the 3 years ending
       today, counting requests not yet answered (rules §4.4).
    2. Cover the unauthorised sessions of the offence period that no notice covers yet.
    3. One requested notice per parent.
    """
    request = PenaltyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.DRAFT:
        raise ValidationError("This request has already been made or cancelled.")
    if not guardians:
        raise ValidationError("Choose at least one parent to request a notice for.")
    if offence_end < offence_start:
        raise ValidationError("The offence period must end on or after its start.")
    if offence_end > today:
        raise ValidationError("The offence period cannot end in the future.")
    if not grounds.strip():
        raise ValidationError("Say why a penalty notice is requested.")
    lock_parents(pupil=request.pupil, guardians=list(guardians))
    _refuse_parents_at_limit(pupil=request.pupil, guardians=guardians, on=today)
    cover(
        school=request.school,
        pupil=request.pupil,
        start=offence_start,
        end=offence_end,
        request=request,
    )
    request.status = RequestStatus.SUBMITTED
    request.offence_start, request.offence_end = offence_start, offence_end
    request.grounds, request.requested_on = grounds, today
    request.full_clean()
    request.save()
    notices = []
    for guardian in guardians:
        notice = PenaltyNotice(request=request, guardian=guardian, requested_on=today)
        stamp(notice, school=request.school, pupil=request.pupil, user=user)
        notice.prior_notices = rules.notices_in_period(
            issued_on=selectors.counting_dates(guardian=guardian, pupil=request.pupil),
            proposed_on=today,
        )
        notice.full_clean()
        notice.save()
        notices.append(notice)
        log(
            school=request.school,
            pupil=request.pupil,
            action="penalty_requested",
            on=today,
            user=user,
            request=request,
            notice=notice,
            note=grounds,
        )
    return notices


@transaction.atomic
def penalty_request_cancel(*, request: PenaltyRequest, note: str, user: User, today: dt.date):
    """Decide not to request a notice after all (the draft stays, as a record)."""
    request = PenaltyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.DRAFT:
        raise ValidationError("Only a request not yet made can be cancelled.")
    if not note.strip():
        raise ValidationError("Say why no notice is requested.")
    request.status = RequestStatus.CANCELLED
    request.grounds = note
    request.save(update_fields=["status", "grounds"])
    log(
        school=request.school,
        pupil=request.pupil,
        action="request_cancelled",
        on=today,
        user=user,
        request=request,
        note=note,
    )
    return request


def _locked(notice: PenaltyNotice, *statuses: str) -> PenaltyNotice:
    notice = PenaltyNotice.objects.select_for_update().select_related("request").get(pk=notice.pk)
    if notice.status not in statuses:
        raise ValidationError(f"This notice is {notice.get_status_display().lower()}.")
    return notice


def _log(notice: PenaltyNotice, action: str, *, on: dt.date, user: User, note: str = "") -> None:
    log(
        school=notice.school,
        pupil=notice.pupil,
        action=action,
        on=on,
        user=user,
        request=notice.request,
        notice=notice,
        note=note,
    )


@transaction.atomic
def penalty_issue(
    *,
    notice: PenaltyNotice,
    issued_on: dt.date,
    issuing_officer: str,
    la_reference: str,
    delivery: rules.Delivery,
    posted_on: dt.date | None,
    received_on: dt.date | None,
    user: User,
    today: dt.date,
) -> PenaltyNotice:
    """Record that the local authority (or the head) issued the requested notice.

    1. Lock the parent/child pair; refuse if a notice on `issued_on` would be a third
       inside 3 years, whatever order the notices were recorded in.
    2. The terms in force on the offence's last day (the amounts changed on 19 Aug 2024
       for offences from that date), first- or second-notice rates by the count in the
       3 years ending with the issue date.
    3. The receipt date, actual or deemed, and the last day for each amount.
    """
    notice = _locked(notice, PNStatus.REQUESTED)
    if issued_on > today:
        raise ValidationError("The issue date cannot be in the future.")
    if issued_on < notice.requested_on:
        raise ValidationError("A notice cannot be issued before it was requested.")
    if not issuing_officer.strip():
        raise ValidationError("Name the authorised officer who issued the notice.")
    lock_parents(pupil=notice.pupil, guardians=[notice.guardian])
    earlier = selectors.counting_dates(
        guardian=notice.guardian, pupil=notice.pupil, exclude=notice.pk
    )
    if rules.limit_breached_by(issued_on=earlier, proposed_on=issued_on):
        raise ValidationError(THIRD_NOTICE.format(name=notice.guardian.name))
    prior = rules.notices_in_period(issued_on=earlier, proposed_on=issued_on)
    rates_on = notice.request.offence_end or issued_on
    in_force = selectors.terms_for(school=notice.school, on=rates_on)
    try:
        receipt = rules.receipt_date(
            delivery=rules.Delivery(delivery),
            issued_on=issued_on,
            posted_on=posted_on,
            actual_received_on=received_on,
            deemed_working_days=in_force.terms.deemed_receipt_working_days,
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    options = rules.payment_options(
        terms=in_force.terms, prior_notices=prior, received_on=receipt.received_on
    )
    reduced = next((o for o in options if o.reduced), None)
    full = next(o for o in options if not o.reduced)
    notice.status, notice.issued_on = PNStatus.ISSUED, issued_on
    notice.issuing_officer, notice.la_reference = issuing_officer, la_reference
    notice.delivery, notice.posted_on = delivery, posted_on
    notice.received_on, notice.receipt_rule = receipt.received_on, receipt.rule
    notice.prior_notices, notice.terms_from = prior, in_force.terms.effective_from
    notice.reduced_pence = reduced.amount_pence if reduced else None
    notice.reduced_by = reduced.last_day if reduced else None
    notice.full_pence, notice.full_by = full.amount_pence, full.last_day
    notice.full_clean()
    notice.save()
    _log(notice, "penalty_issued", on=issued_on, user=user, note=receipt.rule)
    return notice


@transaction.atomic
def penalty_decline(*, notice: PenaltyNotice, note: str, user: User, today: dt.date):
    """The local authority decided not to issue the requested notice."""
    notice = _locked(notice, PNStatus.REQUESTED)
    if not note.strip():
        raise ValidationError("Record the local authority's reason.")
    notice.status, notice.declined_on, notice.note = PNStatus.DECLINED, today, note
    notice.save(update_fields=["status", "declined_on", "note"])
    _log(notice, "penalty_declined", on=today, user=user, note=note)
    return notice


@transaction.atomic
def penalty_payment_record(
    *, notice: PenaltyNotice, paid_on: dt.date, amount_pence: int, user: User, today: dt.date
) -> PenaltyNotice:
    """Record payment in full within the period (rules §4.2): the amount due on the day
    paid; part payments and payments after the last day do not discharge liability."""
    notice = _locked(notice, PNStatus.ISSUED)
    if paid_on > today:
        raise ValidationError("The payment date cannot be in the future.")
    if notice.issued_on and paid_on < notice.issued_on:
        raise ValidationError("A payment cannot be made before the notice was issued.")
    assert notice.full_pence is not None and notice.full_by is not None  # set on issue
    options = [rules.PaymentOption(notice.full_pence, notice.full_by, reduced=False)]
    if notice.reduced_pence is not None and notice.reduced_by is not None:
        options.append(rules.PaymentOption(notice.reduced_pence, notice.reduced_by, reduced=True))
    due = rules.payment_due(options=options, paid_on=paid_on)
    if due is None:
        raise ValidationError(
            f"The period to pay ended on {notice.full_by:%d %B %Y}: a late payment does not "
            "discharge liability. The local authority must prosecute or withdraw the notice."
        )
    if amount_pence != due.amount_pence:
        raise ValidationError(
            f"A payment on {paid_on:%d %B %Y} must be £{due.amount_pence / 100:.2f} in full; "
            "part payments are not accepted."
        )
    notice.status, notice.paid_on, notice.paid_pence = PNStatus.PAID, paid_on, amount_pence
    notice.full_clean()
    notice.save(update_fields=["status", "paid_on", "paid_pence"])
    _log(notice, "penalty_paid", on=paid_on, user=user, note=f"£{amount_pence / 100:.2f}")
    return notice


@transaction.atomic
def penalty_withdraw(
    *,
    notice: PenaltyNotice,
    ground: WithdrawalGround,
    note: str,
    withdrawn_on: dt.date,
    user: User,
    today: dt.date,
) -> PenaltyNotice:
    """Withdraw an issued notice on a ground of rules §4.5. A paid amount is repaid; a
    withdrawn notice no longer counts toward the 3-year limit."""
    notice = _locked(notice, PNStatus.ISSUED, PNStatus.PAID)
    if withdrawn_on > today or (notice.issued_on and withdrawn_on < notice.issued_on):
        raise ValidationError("The withdrawal date must be between the issue date and today.")
    if ground == WithdrawalGround.UNPAID_NOT_PROSECUTED and not notice.is_overdue(withdrawn_on):
        raise ValidationError(
            "Only a notice left unpaid after its last day to pay can be withdrawn as unpaid."
        )
    if not note.strip():
        raise ValidationError("Say why the notice is withdrawn.")
    notice.repaid = notice.status == PNStatus.PAID
    notice.status, notice.withdrawn_on = PNStatus.WITHDRAWN, withdrawn_on
    notice.withdrawal_ground, notice.note = ground, note
    notice.full_clean()
    notice.save()
    _log(notice, "penalty_withdrawn", on=withdrawn_on, user=user, note=note)
    return notice


@transaction.atomic
def penalty_prosecute(
    *, notice: PenaltyNotice, on: dt.date, note: str, user: User, today: dt.date
) -> PenaltyNotice:
    """Record that an unpaid notice went to prosecution for the original offence."""
    notice = _locked(notice, PNStatus.ISSUED)
    if on > today:
        raise ValidationError("The date cannot be in the future.")
    if not notice.is_overdue(on):
        raise ValidationError(
            f"The period to pay runs until {notice.full_by:%d %B %Y}: prosecution follows only "
            "an unpaid notice."
        )
    notice.status, notice.prosecution_on = PNStatus.PROSECUTED, on
    notice.prosecution_outcome, notice.note = ProsecutionOutcome.PENDING, note
    notice.save(update_fields=["status", "prosecution_on", "prosecution_outcome", "note"])
    _log(notice, "penalty_prosecuted", on=on, user=user, note=note)
    return notice


@transaction.atomic
def penalty_prosecution_outcome(
    *, notice: PenaltyNotice, outcome: ProsecutionOutcome, note: str, user: User, today: dt.date
) -> PenaltyNotice:
    """The court's outcome; the notice still counts toward the limit (S20c)."""
    notice = _locked(notice, PNStatus.PROSECUTED)
    notice.prosecution_outcome = outcome
    notice.note = "\n".join(p for p in (notice.note, note) if p)
    notice.save(update_fields=["prosecution_outcome", "note"])
    _log(notice, "prosecution_outcome", on=today, user=user, note=f"{outcome.label}. {note}")
    return notice


@transaction.atomic
def alternative_record(
    *,
    school: School,
    pupil: Pupil,
    kind: AlternativeKind,
    note: str,
    user: User,
    today: dt.date,
    guardian: Guardian | None = None,
    decision: ThresholdDecision | None = None,
) -> AlternativeAction:
    """Record another tool used instead of a penalty notice (rules §4.4, S20)."""
    if guardian is not None:
        lock_parents(pupil=pupil, guardians=[guardian])
    if not note.strip():
        raise ValidationError("Say what was decided and why.")
    action = AlternativeAction(
        kind=kind, note=note, decided_on=today, guardian=guardian, decision=decision
    )
    stamp(action, school=school, pupil=pupil, user=user)
    action.full_clean()
    action.save()
    log(school=school, pupil=pupil, action=f"alternative_{kind}", on=today, user=user, note=note)
    return action
