"""The debounced incremental path: marks_changed → dirty pupils → one drain."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from escalation.models import DirtyPupil, PupilStatus, PupilWeek
from escalation.services.queue import status_drain, status_enqueue
from escalation.services.status import status_recompute_full, status_recompute_pupils
from tests.escalation.helpers import write
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db


def test_a_register_save_queues_and_recomputes_its_pupils(
    school, django_capture_on_commit_callbacks
) -> None:
    pupil = PupilFactory(school=school)
    with django_capture_on_commit_callbacks(execute=True):
        write(school, pupil, [("2024-09-03", "AM", "N")])
    # The drain ran eagerly (tests run Celery eagerly) and emptied the queue.
    assert not DirtyPupil.objects.exists()
    assert PupilStatus.objects.get(school=school, pupil=pupil).as_of == timezone.localdate()
    week = PupilWeek.objects.get(school=school, pupil=pupil)
    assert (week.monday, week.unauthorised, week.mask_n) == (dt.date(2024, 9, 2), 1, 1 << 2)


def test_a_burst_of_saves_leaves_one_row_per_pupil(school) -> None:
    pupil = PupilFactory(school=school)
    for _ in range(3):
        status_enqueue(school=school, pupil_ids=[pupil.pk])
    assert DirtyPupil.objects.count() == 1
    assert status_drain(today=dt.date(2024, 9, 6)) == 1
    assert status_drain(today=dt.date(2024, 9, 6)) == 0


def test_the_full_run_reports_a_status_that_drifted(school) -> None:
    pupil = PupilFactory(school=school)
    write(school, pupil, [("2024-09-03", "AM", "O")])
    today = dt.date(2024, 9, 6)
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=today)
    PupilStatus.objects.filter(pupil=pupil).update(unauthorised=5)

    result = status_recompute_full(today=today)

    assert result.differed == [(school.pk, pupil.pk)]
    assert PupilStatus.objects.get(pupil=pupil).unauthorised == 1
    assert status_recompute_full(today=today).differed == []


def test_a_correction_that_unmeets_the_threshold_withdraws_it_incrementally(school) -> None:
    """Scenario S12a: 10 N in SW17 meet it provisionally; re-coded I, it is withdrawn."""
    pupil = PupilFactory(school=school)
    week = [(f"2025-01-{d}", s) for d in range(13, 18) for s in ("AM", "PM")]
    today = dt.date(2025, 1, 20)
    write(school, pupil, [(d, s, "N") for d, s in week])
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=today)
    status = PupilStatus.objects.get(pupil=pupil)
    assert status.threshold_met_now and status.threshold_provisional
    assert status.threshold_first_met_on == dt.date(2025, 1, 17)

    write(school, pupil, [(d, s, "I") for d, s in week], source="correction")
    status_recompute_pupils(school=school, pupil_ids=[pupil.pk], today=today)

    status = PupilStatus.objects.get(pupil=pupil)
    assert not status.threshold_met_now
    assert status.threshold_first_met_on is None
    assert status.threshold_met_dates == []
    assert status_recompute_full(today=today).differed == []
