"""Weekly figures go with the marks the retention purge removes (rules §5.9): a week of
a purged school year goes, unless it still holds a mark kept because it was amended
since the cutoff; weeks of the years kept stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from escalation.models import PupilWeek
from registers.models import MarkChange, MarkSource
from registers.services.retention import retention_purge
from tests.registers.factories import MarkFactory, PupilFactory

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
TODAY = D("2031-09-02")  # register cutoff 1 Sep 2025: 2024/25 and earlier may go


def _week(school, pupil, monday: str, year_start: str) -> PupilWeek:
    return PupilWeek.objects.create(
        school=school, pupil=pupil, monday=D(monday), year_start=D(year_start), attended=10
    )


def test_weekly_figures_of_purged_marks_go_and_the_rest_stay(school) -> None:
    pupil = PupilFactory(school=school)
    MarkFactory(school=school, pupil=pupil, date=D("2024-09-02"))  # purged
    amended = MarkFactory(school=school, pupil=pupil, date=D("2024-10-07"))  # kept: amended
    MarkChange.objects.create(
        mark=amended, previous_code_id="N", previous_recorded_at=amended.recorded_at,
        previous_source=MarkSource.REGISTER, new_code_id="/", changed_by_name="Office",
        changed_at=timezone.make_aware(dt.datetime(2026, 1, 5, 10)), reason="Parent rang",
        source=MarkSource.CORRECTION,
    )  # fmt: skip
    MarkFactory(school=school, pupil=pupil, date=D("2025-09-01"))  # kept: after the cutoff
    _week(school, pupil, "2024-09-02", "2024-09-01")
    _week(school, pupil, "2024-10-07", "2024-09-01")
    _week(school, pupil, "2025-09-01", "2025-09-01")

    report = retention_purge(today=TODAY)

    assert set(PupilWeek.objects.values_list("monday", flat=True)) == {
        D("2024-10-07"),
        D("2025-09-01"),
    }
    assert report.counts["escalation.PupilWeek"] == 1
    assert retention_purge(today=TODAY).counts.get("escalation.PupilWeek") is None


def test_a_dry_run_keeps_the_weekly_figures(school) -> None:
    pupil = PupilFactory(school=school)
    MarkFactory(school=school, pupil=pupil, date=D("2024-09-02"))
    _week(school, pupil, "2024-09-02", "2024-09-01")

    retention_purge(today=TODAY, dry_run=True)

    assert PupilWeek.objects.count() == 1
