"""The escalation part of a subject access export: the pupil's rows at this school only."""

from __future__ import annotations

import pytest

from escalation.subject_access import escalation_subject_access
from registers.models import School, User
from tests.escalation.factories import escalation_rows
from tests.registers.factories import EnrolmentFactory, PupilFactory

pytestmark = pytest.mark.django_db


def test_it_holds_the_pupils_rows_at_this_school_only(
    school: School, sibling_school: School, lead: User
) -> None:
    pupil, sister = PupilFactory(school=school), PupilFactory(school=school)
    EnrolmentFactory(pupil=pupil, school=sibling_school)
    escalation_rows(school=school, pupil=pupil, user=lead)
    escalation_rows(school=sibling_school, pupil=pupil, user=lead)
    files = {e.path: e.data for e in escalation_subject_access(pupil=pupil, school=school)}
    assert files["escalation/status.json"]["school_id"] == school.pk
    assert files["escalation/case.json"]["events"][0]["by"] == lead.get_full_name()
    assert [d["school_id"] for d in files["escalation/duties.json"]] == [school.pk]
    assert len(files["escalation/weekly_figures.json"]) == 1
    sister_files = escalation_subject_access(pupil=sister, school=school)
    assert {e.path: e.data for e in sister_files}["escalation/case.json"] is None
