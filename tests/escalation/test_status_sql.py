"""The set-based status statement (PostgreSQL) agrees with the Python computation field by
field: leavers, moves inside the trust, a local threshold, marks ahead of the day."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection

from escalation.models import PolicyConfig, PupilStatus, PupilWeek
from escalation.services import status as service
from escalation.services.status import COMPARED_FIELDS, status_recompute_full
from registers.models import School, SchoolSession
from tests.conftest import add_calendar
from tests.escalation.helpers import write
from tests.registers.factories import EnrolmentFactory, PupilFactory, SchoolFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's"),
]
CODES = ["/", "/", "/", "/", "L", "U", "G", "N", "O", "I", "M", "C", "B", "X", "#"]


def _history(school: School, sibling: School) -> list[int]:
    rng = random.Random(5)
    sessions = list(
        SchoolSession.objects.filter(school=school)
        .order_by("date", "session")
        .values_list("date", "session")
    )
    ids = []
    for n in range(14):
        pupil = PupilFactory()
        ids.append(pupil.pk)
        leaving = sessions[rng.randrange(100, 300)][0] if n % 5 == 1 else None
        EnrolmentFactory(
            pupil=pupil, school=school, admission_date=dt.date(2024, 9, 1), leaving_date=leaving
        )
        if n % 5 == 2:  # moves in from the sibling school
            EnrolmentFactory(
                pupil=pupil,
                school=sibling,
                admission_date=dt.date(2024, 6, 1),
                leaving_date=dt.date(2024, 8, 31),
            )
        marks = {i: rng.choice(CODES) for i in rng.sample(range(len(sessions)), 120)}
        if n % 3 == 0:  # a block that meets the threshold
            first = rng.randrange(0, len(sessions) - 14)
            marks.update(dict.fromkeys(range(first, first + rng.randrange(8, 14)), "N"))
        on_roll = [
            (i, c) for i, c in sorted(marks.items()) if not leaving or sessions[i][0] <= leaving
        ]
        write(school, pupil, [(*sessions[i], code) for i, code in on_roll])
    return ids


@pytest.mark.parametrize("as_of", ["2024-09-02", "2024-11-05", "2025-01-16", "2025-07-18"])
def test_the_sql_statuses_equal_the_python_ones(school: School, as_of: str) -> None:
    sibling = SchoolFactory(urn="100002", name="Test School B", trust=school.trust)
    add_calendar(sibling)
    PolicyConfig.objects.create(
        school=school,
        settings={
            "local_threshold_label": "Dudley",
            "local_threshold_limit": 12,
            "local_threshold_weeks": 12,
        },
    )
    ids = _history(school, sibling)
    today = dt.date.fromisoformat(as_of)
    status_recompute_full(schools=[school, sibling], today=today)

    python = service._compute(school=school, pupil_ids=ids, today=today)

    assert python, "nobody on roll"
    stored = {s.pupil_id: s for s in PupilStatus.objects.filter(school=school)}
    assert set(stored) == {s.pupil_id for s in python}
    for expected in python:
        got = stored[expected.pupil_id]
        for name in COMPARED_FIELDS:
            assert getattr(got, name) == getattr(expected, name), (expected.pupil_id, name)


def test_the_nightly_run_finds_and_repairs_weeks_that_drifted_from_the_marks(
    school: School,
) -> None:
    sibling = SchoolFactory(urn="100002", name="Test School B", trust=school.trust)
    add_calendar(sibling)
    ids = _history(school, sibling)
    today = dt.date(2025, 3, 14)
    status_recompute_full(schools=[school, sibling], today=today)
    assert status_recompute_full(schools=[school, sibling], today=today).weeks_differed == 0
    weeks = PupilWeek.objects.filter(school=school, pupil_id=ids[0])
    kept = list(weeks.order_by("monday").values())
    tampered = weeks.filter(mask_attended__gt=0).order_by("monday").first()
    tampered.mask_attended, tampered.mask_g = 0, tampered.mask_attended
    tampered.save()
    weeks.filter(monday=kept[-1]["monday"]).delete()
    PupilWeek.objects.create(
        school=school,
        pupil_id=ids[1],
        monday=dt.date(2024, 10, 28),
        year_start=kept[0]["year_start"],
    )

    result = status_recompute_full(schools=[school, sibling], today=today)

    assert result.weeks_differed == 2
    assert [{**w, "id": 0} for w in weeks.order_by("monday").values()] == [
        {**w, "id": 0} for w in kept
    ]
    assert not PupilWeek.objects.filter(pupil_id=ids[1], monday=dt.date(2024, 10, 28)).exists()


def test_a_first_build_rebuilds_every_pupil_in_one_pass(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    sibling = SchoolFactory(urn="100002", name="Test School B", trust=school.trust)
    add_calendar(sibling)
    _history(school, sibling)
    today = dt.date(2025, 3, 14)
    status_recompute_full(schools=[school, sibling], today=today)
    columns = [f.attname for f in PupilWeek._meta.concrete_fields if f.attname != "id"]
    built = sorted(PupilWeek.objects.values_list(*columns))
    statuses = sorted(PupilStatus.objects.values_list("pupil_id", *COMPARED_FIELDS))
    PupilWeek.objects.all().delete()
    monkeypatch.setattr(service, "REBUILD_MANY", 0)

    result = status_recompute_full(schools=[school, sibling], today=today)

    assert result.weeks_differed > 0 and result.differed == []
    assert sorted(PupilWeek.objects.values_list(*columns)) == built
    assert sorted(PupilStatus.objects.values_list("pupil_id", *COMPARED_FIELDS)) == statuses
