"""What the letters app does when other apps announce something.

- `escalation.signals.case_decided`: an accepted step whose action is a letter generates
  that letter to each guardian with parental responsibility.
- `absences.signals.leave_decided`: the outcome letter goes to the parent who asked.
- `registers.signals.pupils_purging`: the retention purge removes pupils whose records
  are past their retention period; their letters and stored PDFs go with them.

Both signals are sent after their decision commits, so a letter that cannot be written
(no address, say) must not undo the decision: it is recorded as not written
(`LetterNotWritten`), shown on the pupil page and the letters page until a letter of
that kind is written for the pupil, by hand once the record is fixed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError

from letters.kinds import LetterKind
from letters.services import letter_generate, letter_not_written_record
from letters.services.generate import long_date

logger = logging.getLogger(__name__)

# The ladder's actions (escalation.rules.ACTIONS and PENALTY_REQUEST) that are letters.
# A formal attendance meeting (stage 3) is arranged in person, so it has no letter.
CASE_ACTION_LETTERS: dict[str, tuple[str, ...]] = {
    "letter_1": (LetterKind.BELOW_96_FIRST,),
    "letter_2_and_support_meeting": (LetterKind.BELOW_96_SECOND,),
    "notice_to_improve": (LetterKind.NOTICE_TO_IMPROVE,),
    "penalty_notice_request": (LetterKind.THRESHOLD_WARNING,),
}


def on_case_decided(sender: Any, *, case: Any, event: Any, user: Any = None, **kwargs: Any) -> None:
    if event.kind != "accepted":
        return
    for kind in CASE_ACTION_LETTERS.get(event.action, ()):
        try:
            letter_generate(
                school=case.school,
                pupil=case.pupil,
                kind=kind,
                as_at=event.on,
                created_by=user,
                case=case,
            )
        except ValidationError as error:
            logger.warning(
                "case %s: the %s letter was not generated: %s", case.pk, kind, error.messages
            )
            letter_not_written_record(
                school=case.school,
                pupil=case.pupil,
                kind=kind,
                occasion=f"Case decision of {long_date(event.on)}",
                reason=" ".join(error.messages),
            )


def leave_extra(leave_request: Any) -> dict[str, str]:
    """The merge values of a leave request's outcome letter."""
    from letters.services.generate import date_range, long_date

    decided = leave_request.decided_by_name
    return {
        "leave_dates": date_range(leave_request.start_date, leave_request.end_date),
        "leave_school_days": str(leave_request.school_days),
        "leave_decision": str(leave_request.status),
        "leave_decision_reason": leave_request.decision_reason,
        "leave_decided_by": f"{decided} on {long_date(leave_request.decided_on)}",
    }


def on_leave_decided(
    sender: Any, *, leave_request: Any, decided_by: Any = None, **kwargs: Any
) -> None:
    try:
        letter_generate(
            school=leave_request.school,
            pupil=leave_request.pupil,
            kind=LetterKind.LEAVE_OUTCOME,
            as_at=leave_request.decided_on,
            created_by=decided_by,
            guardians=[leave_request.requested_by],
            extra=leave_extra(leave_request),
        )
    except ValidationError as error:
        logger.warning(
            "leave request %s: the outcome letter was not generated: %s",
            getattr(leave_request, "pk", None),
            error.messages,
        )
        letter_not_written_record(
            school=leave_request.school,
            pupil=leave_request.pupil,
            kind=LetterKind.LEAVE_OUTCOME,
            occasion=f"Leave request decided on {long_date(leave_request.decided_on)}",
            reason=" ".join(error.messages),
        )


def on_pupils_purging(sender: Any, *, pupil_ids: frozenset[int], **kwargs: Any) -> dict[str, int]:
    """The retention purge is about to delete these pupils: their letters go first (a
    letter PROTECTs its pupil), and the stored PDFs once the deletion commits."""
    from django.db import transaction

    from letters.models import Letter

    letters = Letter.objects.filter(pupil_id__in=pupil_ids)
    files = list(letters.exclude(pdf="").values_list("pdf", flat=True))
    deleted = letters.delete()[1]
    if files:
        storage = Letter._meta.get_field("pdf").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return deleted
