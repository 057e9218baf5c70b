"""Two people recording the issue of a parent's second and third notice at the same
moment: the parent/child lock makes the second wait for the first, then see it, so the
3-year limit holds under concurrency too (PostgreSQL: real row locks)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from penalties.models import PenaltyNotice
from penalties.rules import Delivery
from penalties.services.notices import penalty_issue, penalty_request_open
from registers.codes import CODE_TABLE
from registers.models import AttendanceCode
from tests.penalties.helpers import issued

D = dt.date.fromisoformat


def _restore_codes() -> None:
    """An earlier transactional test's flush empties the migrated code table."""
    AttendanceCode.objects.bulk_create(
        [
            AttendanceCode(c.code, c.meaning, c.category.value, c.group.value, order)
            for order, c in enumerate(CODE_TABLE)
        ],
        ignore_conflicts=True,
    )


def _pending(school, family, lead, on: dt.date) -> PenaltyNotice:
    """A requested notice written directly, as two requests made before either issue."""
    return PenaltyNotice.objects.create(
        request=penalty_request_open(school=school, pupil=family.c1, user=lead, today=on),
        school=school,
        pupil=family.c1,
        guardian=family.p1,
        requested_on=on,
        created_at=timezone.now(),
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_issues_at_once_cannot_make_a_third_notice(letterhead, family, lead) -> None:
    _restore_codes()
    issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead)
    first, second = (_pending(letterhead, family, lead, D("2025-06-09")) for _ in range(2))
    first_issued, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def issue(notice: PenaltyNotice, on: dt.date) -> None:
        penalty_issue(
            notice=notice,
            issued_on=on,
            issuing_officer="A. Officer",
            la_reference="",
            delivery=Delivery.HAND,
            posted_on=None,
            received_on=None,
            user=lead,
            today=on,
        )

    def head_issues() -> None:
        try:
            with transaction.atomic():  # hold the locks until told to commit
                issue(first, D("2025-06-10"))
                first_issued.set()
                release.wait(10)
            outcome["head"] = "issued"
        finally:
            connection.close()

    def officer_issues() -> None:
        try:
            issue(second, D("2025-06-11"))
            outcome["officer"] = "issued"
        except ValidationError as error:
            outcome["officer"] = " ".join(error.messages)
        finally:
            connection.close()

    head = threading.Thread(target=head_issues)
    head.start()
    assert first_issued.wait(10)
    officer = threading.Thread(target=officer_issues)
    officer.start()
    officer.join(0.5)
    assert officer.is_alive(), "the second issue should wait for the first to commit"
    release.set()
    head.join(10)
    officer.join(10)

    assert outcome["head"] == "issued"
    assert "a third cannot be issued" in outcome["officer"]
    counting = PenaltyNotice.objects.filter(guardian=family.p1, status="issued")
    assert counting.count() == 2
