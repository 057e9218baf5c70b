"""The penalties part of a subject access export: the pupil's notices and their log,
never a brother's or sister's, though the parents are the same."""

from __future__ import annotations

import datetime as dt

import pytest

from penalties.services.nti import nti_open
from penalties.subject_access import penalties_subject_access
from registers.models import School, User
from tests.penalties.conftest import Family
from tests.penalties.helpers import requested

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def test_it_holds_the_pupils_notices_and_not_a_siblings(
    letterhead: School, family: Family, lead: User
) -> None:
    nti_open(school=letterhead, pupil=family.c1, user=lead, today=D("2025-01-13"))
    requested(letterhead, family.c2, [family.p1], D("2025-01-14"), lead)
    files = {e.path: e.data for e in penalties_subject_access(pupil=family.c1, school=letterhead)}
    [nti] = files["penalties/notices_to_improve.json"]
    assert nti["guardian_ids"] == sorted([family.p1.pk, family.p2.pk])
    assert nti["created_by"] == lead.get_full_name()
    assert [e["action"] for e in files["penalties/actions_log.json"]] == ["nti_opened"]
    for name in ("penalty_requests", "penalty_notices", "covered_sessions"):
        assert files[f"penalties/{name}.json"] == []
