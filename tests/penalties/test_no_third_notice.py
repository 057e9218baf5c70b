"""No path can create a third penalty notice to one parent for one child inside 3 years
(rules §4.4, S20): not the services, not a page, not the admin, not an import or a future
API writing rows directly, not re-instating a withdrawn notice. The services check first,
`PenaltyNotice.clean` checks any form or serializer that validates the model, and the
database trigger refuses whatever reaches the table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from penalties.models import PenaltyNotice, PNStatus
from penalties.rules import Delivery
from penalties.services.notices import penalty_issue, penalty_request_open
from registers.models import School, User
from tests.penalties.conftest import Family
from tests.penalties.helpers import issued, requested

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def two_notices(letterhead: School, family: Family, lead: User) -> list[PenaltyNotice]:
    """S20's history: P1/C1 notices of 20 Sep 2024 and 10 Jun 2025."""
    return [
        *issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead),
        *issued(letterhead, family.c1, [family.p1], D("2025-06-10"), lead),
    ]


def _raw(school: School, family: Family, two_notices, on: dt.date, **fields) -> PenaltyNotice:
    request = penalty_request_open(school=school, pupil=family.c1, user=None, today=on)
    return PenaltyNotice(
        request=request,
        school=school,
        pupil=family.c1,
        guardian=family.p1,
        requested_on=on,
        created_at=timezone.now(),
        status=PNStatus.ISSUED,
        issued_on=on,
        **fields,
    )


def test_the_request_service_refuses(letterhead, family, lead, two_notices) -> None:
    with pytest.raises(ValidationError, match="third cannot be issued"):
        requested(letterhead, family.c1, [family.p1], D("2026-02-02"), lead)


def test_a_pending_request_counts_toward_the_limit(letterhead, family, lead) -> None:
    issued(letterhead, family.c1, [family.p1], D("2024-09-20"), lead)
    requested(letterhead, family.c1, [family.p1], D("2025-06-10"), lead)
    with pytest.raises(ValidationError, match="or requested"):
        requested(letterhead, family.c1, [family.p1], D("2025-06-11"), lead)


def test_the_issue_service_refuses_a_notice_dated_between_two_others(
    letterhead, family, lead
) -> None:
    """Notices of 13 Jan 2025 and 1 Jun 2027 (a second: only the first is in its period);
    a notice recorded afterwards but dated 1 Jun 2025 would make 3 inside the 3 years
    ending 1 Jun 2027, although only one notice is dated before it."""
    issued(letterhead, family.c1, [family.p1], D("2025-01-13"), lead)
    issued(letterhead, family.c1, [family.p1], D("2027-06-01"), lead)
    pending = PenaltyNotice.objects.create(
        request=penalty_request_open(
            school=letterhead, pupil=family.c1, user=lead, today=D("2025-05-30")
        ),
        school=letterhead,
        pupil=family.c1,
        guardian=family.p1,
        requested_on=D("2025-05-30"),
        created_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="third cannot be issued"):
        penalty_issue(
            notice=pending,
            issued_on=D("2025-06-01"),
            issuing_officer="A. Officer",
            la_reference="",
            delivery=Delivery.HAND,
            posted_on=None,
            received_on=None,
            user=lead,
            today=D("2027-06-02"),
        )


def test_the_model_clean_refuses(letterhead, family, two_notices) -> None:
    notice = _raw(letterhead, family, two_notices, D("2026-02-02"))
    with pytest.raises(ValidationError, match="a third cannot be issued"):
        notice.full_clean()


def test_the_database_refuses_a_raw_insert(letterhead, family, two_notices) -> None:
    """An import or a future API saving rows without the services."""
    with pytest.raises(IntegrityError, match="penalty notice limit"), transaction.atomic():
        _raw(letterhead, family, two_notices, D("2026-02-02")).save()
    with pytest.raises(IntegrityError, match="penalty notice limit"), transaction.atomic():
        PenaltyNotice.objects.bulk_create([_raw(letterhead, family, two_notices, D("2027-09-19"))])
    assert PenaltyNotice.objects.filter(guardian=family.p1, pupil=family.c1).count() == 2


def test_the_database_allows_it_once_the_period_has_passed(letterhead, family, two_notices):
    """S21: 20 Sep 2027 is allowed; only the 10 Jun 2025 notice is in its period."""
    _raw(letterhead, family, two_notices, D("2027-09-20")).save()
    assert PenaltyNotice.objects.filter(guardian=family.p1, pupil=family.c1).count() == 3


def test_the_database_refuses_reinstating_a_withdrawn_notice(
    letterhead, family, lead, two_notices
) -> None:
    PenaltyNotice.objects.filter(pk=two_notices[0].pk).update(
        status=PNStatus.WITHDRAWN, withdrawn_on=D("2024-09-25")
    )
    third = _raw(letterhead, family, two_notices, D("2026-02-02"))
    third.save()  # allowed: the withdrawn notice no longer counts (S20b)
    with pytest.raises(IntegrityError, match="penalty notice limit"), transaction.atomic():
        PenaltyNotice.objects.filter(pk=two_notices[0].pk).update(status=PNStatus.ISSUED)


def test_other_parents_and_children_are_not_limited(letterhead, family, lead, two_notices):
    """S18/S19: the limit is per parent per child."""
    assert len(issued(letterhead, family.c2, [family.p1], D("2026-02-02"), lead)) == 1
    assert len(issued(letterhead, family.c1, [family.p2], D("2026-02-03"), lead)) == 1


def test_the_admin_cannot_add_a_notice(client: Client, superuser: User, two_notices) -> None:
    client.force_login(superuser)
    assert client.get(reverse("admin:penalties_penaltynotice_add")).status_code == 403
    change = reverse("admin:penalties_penaltynotice_change", args=[two_notices[0].pk])
    response = client.post(change, {"status": "issued", "issued_on": "2026-02-02"})
    assert response.status_code == 403


def test_the_request_page_refuses(client: Client, letterhead, family, lead, two_notices) -> None:
    from tests.penalties.conftest import absent

    absent(letterhead, family.c1, [D("2025-06-16")], "O")
    request = penalty_request_open(
        school=letterhead, pupil=family.c1, user=lead, today=D("2025-06-17")
    )
    client.force_login(lead)
    url = reverse(
        "penalties_request",
        kwargs={"urn": letterhead.urn, "pupil_id": family.c1.pk, "pk": request.pk},
    )
    page = client.get(url).content.decode()
    assert "Not possible" in page
    response = client.post(
        url,
        {
            "guardians": [family.p1.pk],
            "offence_start": "2025-06-16",
            "offence_end": "2025-06-16",
            "grounds": "Unauthorised absence.",
        },
    )
    assert response.status_code == 400
    assert "a third cannot be issued" in response.content.decode()
    assert PenaltyNotice.objects.filter(guardian=family.p1, pupil=family.c1).count() == 2
