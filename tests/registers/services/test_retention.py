"""`retention_purge`: register records kept 6 years (whole academic years), then removed
with a report; pupils with nothing left go, with their consumers' rows (rules §5.9)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from attendance_project.settings.base import require_retention_years
from escalation.models import PupilNote
from letters.models import Letter
from penalties.models import PenaltyNotice, PenaltyRequest
from registers.models import (
    AccessEvent,
    Enrolment,
    Guardian,
    Mark,
    MarkChange,
    MarkSource,
    Pupil,
    RetentionPurge,
    Role,
    School,
    User,
)
from registers.services.retention import retention_purge
from registers.tasks import retention_purge_task
from tests.penalties.helpers import requested
from tests.registers.factories import (
    GuardianFactory,
    MarkFactory,
    PupilFactory,
    PupilGuardianFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
TODAY = D("2031-09-02")  # register cutoff 1 Sep 2025: 2024/25 and earlier may go


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T10:00"))


def _amend(mark: Mark, on: str) -> MarkChange:
    return MarkChange.objects.create(
        mark=mark,
        previous_code_id="N",
        previous_recorded_at=mark.recorded_at,
        previous_source=MarkSource.REGISTER,
        new_code_id=mark.code_id,
        changed_by_name="Office",
        changed_at=_at(on),
        reason="Parent rang",
        source=MarkSource.CORRECTION,
    )


@pytest.fixture
def world(school: School, personas: dict[Role, User]) -> dict:
    """`gone` left in July 2025 with only 2024/25 marks; `stays` is on roll with marks in
    both years; `late_amended` left too, but a 2024/25 mark of theirs was amended in 2026."""
    gone = PupilFactory(school=school, surname="Gone")
    Enrolment.objects.filter(pupil=gone).update(leaving_date=D("2025-07-21"))
    stays = PupilFactory(school=school, surname="Stays")
    late_amended = PupilFactory(school=school, surname="Amended")
    Enrolment.objects.filter(pupil=late_amended).update(leaving_date=D("2025-07-21"))
    old = [MarkFactory(school=school, pupil=gone, session=s, code_id="N") for s in ("AM", "PM")]
    _amend(old[0], "2024-09-04")
    MarkFactory(school=school, pupil=stays, date=D("2024-09-03"))
    MarkFactory(school=school, pupil=stays, date=D("2025-09-03"))
    _amend(MarkFactory(school=school, pupil=late_amended, date=D("2024-10-01")), "2026-01-05")
    parent_account = User.objects.create(username="parent-of-gone")
    only_gone = GuardianFactory(name="Only Gone", user=parent_account)
    shared = GuardianFactory(name="Shared")
    PupilGuardianFactory(pupil=gone, guardian=only_gone)
    PupilGuardianFactory(pupil=gone, guardian=shared)
    PupilGuardianFactory(pupil=stays, guardian=shared)
    AccessEvent.objects.create(
        at=_at("2025-01-01"), user_name="x", kind="view", view_name="v", path="/", pupil=stays
    )
    AccessEvent.objects.create(
        at=_at("2026-01-01"), user_name="x", kind="view", view_name="v", path="/", pupil=gone
    )
    return {"gone": gone, "stays": stays, "late_amended": late_amended, "only_gone": only_gone,
            "shared": shared, "school": school, "head": personas[Role.HEADTEACHER]}  # fmt: skip


def _consumers(world: dict) -> Letter:
    """Rows of other apps about `gone`: a note (CASCADE), a letter with a stored PDF
    (PROTECT) and a penalty notice to a parent (whose request it PROTECTs)."""
    gone, school, head = world["gone"], world["school"], world["head"]
    PupilNote.objects.create(
        school=school,
        pupil=gone,
        occurred_on=D("2025-01-10"),
        body="Rang home",
        recorded_at=_at("2025-01-10"),
    )
    requested(school, gone, [world["only_gone"]], D("2025-01-13"), head)
    letter = Letter.objects.create(
        school=school, pupil=gone, kind="lateness", as_at=D("2025-01-10"),
        letter_date=D("2025-01-10"), template_version=0, data={}, created_at=_at("2025-01-10"),
    )  # fmt: skip
    letter.pdf.save("purge-test.pdf", ContentFile(b"%PDF-1.7"))
    return letter


def test_it_removes_old_marks_with_their_amendments_and_keeps_newer(world) -> None:
    retention_purge(today=TODAY)

    kept = set(Mark.objects.values_list("pupil__surname", "date"))
    assert kept == {("Stays", D("2025-09-03")), ("Amended", D("2024-10-01"))}
    assert list(MarkChange.objects.values_list("changed_at__date", flat=True)) == [D("2026-01-05")]


def test_it_removes_a_pupil_with_only_old_data_and_their_orphaned_guardian(world) -> None:
    retention_purge(today=TODAY)

    assert set(Pupil.objects.values_list("surname", flat=True)) == {"Stays", "Amended"}
    assert set(Guardian.objects.values_list("name", flat=True)) == {"Shared"}
    assert not User.objects.filter(username="parent-of-gone").exists()
    # The audit of who looked at them stays while its own retention runs; the pupil is unnamed.
    assert AccessEvent.objects.get().pupil is None


def test_other_apps_rows_about_the_pupil_go_too(world, django_capture_on_commit_callbacks) -> None:
    letter = _consumers(world)
    storage, name = letter.pdf.storage, letter.pdf.name

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_purge(today=TODAY)

    assert not Pupil.objects.filter(surname="Gone").exists()
    assert not (PupilNote.objects.exists() or Letter.objects.exists())
    assert not (PenaltyNotice.objects.exists() or PenaltyRequest.objects.exists())
    assert not storage.exists(name)
    assert report.counts["letters.Letter"] == 1
    assert report.counts["penalties.PenaltyNotice"] == 1


def test_the_report_counts_each_table(world) -> None:
    report = retention_purge(today=TODAY)

    assert report.counts == {
        "registers.AccessEvent": 1,
        "registers.Enrolment": 1,
        "registers.Guardian": 1,
        "registers.Mark": 3,
        "registers.MarkChange": 1,
        "registers.Pupil": 1,
        "registers.PupilGuardian": 2,
        "registers.User": 1,
    }
    assert (report.register_cutoff, report.audit_cutoff) == (D("2025-09-01"), D("2025-09-02"))
    assert report.finished_at is not None and not report.dry_run


def test_a_second_run_removes_nothing(world) -> None:
    retention_purge(today=TODAY)

    assert retention_purge(today=TODAY).counts == {}
    assert RetentionPurge.objects.count() == 2


def test_small_batches_remove_the_same(world) -> None:
    assert retention_purge(today=TODAY, batch_size=1).counts["registers.Mark"] == 3


def test_a_dry_run_removes_nothing(world) -> None:
    report = retention_purge(today=TODAY, dry_run=True)

    assert report.dry_run
    assert report.counts == {
        "registers.AccessEvent": 1,
        "registers.Enrolment": 1,
        "registers.Mark": 3,
        "registers.MarkChange": 1,
        "registers.Pupil": 1,
    }
    assert (Mark.objects.count(), Pupil.objects.count(), AccessEvent.objects.count()) == (5, 3, 2)


def test_nothing_goes_before_six_years(world) -> None:
    assert retention_purge(today=D("2031-08-31")).counts.get("registers.Mark") is None


def test_the_command_prints_the_report(world, capsys) -> None:
    call_command("purge_retention", "--dry-run")

    out = capsys.readouterr().out
    assert "Dry run (nothing removed)" in out
    assert Mark.objects.count() == 5


def test_the_task_runs_the_purge(world) -> None:
    assert retention_purge_task() == {}  # today: nothing in the world is 6 years old yet
    assert RetentionPurge.objects.get().finished_at is not None


def test_the_purge_is_scheduled_monthly() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["registers-retention-purge"]

    assert entry["task"] == "registers.tasks.retention_purge_task"
    assert entry["schedule"].day_of_month == {1}


@pytest.mark.parametrize(
    ("register_years", "audit_years", "message"),
    [(5, 6, "REGISTER_RETENTION_YEARS must be at least 6"), (6, 0, "ACCESS_AUDIT")],
)
def test_settings_refuse_short_retention(register_years, audit_years, message) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        require_retention_years(register_years=register_years, audit_years=audit_years)


def test_start_up_stops_with_a_retention_of_5_years() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import attendance_project.settings.local"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "REGISTER_RETENTION_YEARS": "5"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "REGISTER_RETENTION_YEARS must be at least 6" in result.stderr
