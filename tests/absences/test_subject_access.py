"""The absences part of a subject access export: only reports matched to the pupil at
this school, leave requests with their evidence, and first-day calls."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from absences.subject_access import absences_subject_access
from registers.models import School
from tests.absences.factories import (
    AbsenceReportFactory,
    LeaveAdultFactory,
    LeaveRequestFactory,
    family_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path, settings) -> None:  # noqa: PT004 - each test gets its own files
    settings.MEDIA_ROOT = tmp_path / "media"


def test_only_reports_matched_to_the_pupil_at_the_school(
    school: School, sibling_school: School
) -> None:
    amelia, ben = family_create(school).children
    mine = AbsenceReportFactory(school=school, pupil=amelia)
    AbsenceReportFactory(school=school, pupil=ben, child_name="Ben Hart")
    AbsenceReportFactory(school=school, pupil=None)  # not yet matched: could be anyone's
    AbsenceReportFactory(school=sibling_school, pupil=amelia)
    files = {e.path: e for e in absences_subject_access(pupil=amelia, school=school)}
    assert [r["reference"] for r in files["absences/absence_reports.json"].data] == [mine.reference]


def test_a_leave_request_comes_with_its_adults_and_evidence(school: School) -> None:
    family = family_create(school, children=1)
    [child] = family.children
    leave = LeaveRequestFactory(
        school=school,
        pupil=child,
        requested_by=family.guardian,
        evidence=SimpleUploadedFile("Flight.PDF", b"%PDF booking"),
    )
    LeaveAdultFactory(leave_request=leave, name="Jo Hart")
    files = {e.path: e for e in absences_subject_access(pupil=child, school=school)}
    [row] = files["absences/leave_requests.json"].data
    assert row["evidence_file"] == f"absences/leave_requests/{leave.reference}-evidence.pdf"
    assert files[row["evidence_file"]].content == b"%PDF booking"
    assert [a["name"] for a in row["adults"]] == ["Jo Hart"]
    assert row["status"] == {"value": "pending", "label": "Waiting for a decision"}
