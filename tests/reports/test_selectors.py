"""The escalation, leave and penalties counts of a report, and their suppression."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from escalation.models import Case, CaseEvent, CaseEventKind
from reports import selectors
from reports.snapshot import STAGE_LABELS, counted_rows
from tests.registers.factories import GuardianFactory, PupilFactory


def _accept(case, stage_from, stage_to, on):
    CaseEvent.objects.create(
        case=case,
        kind=CaseEventKind.ACCEPTED,
        stage_from=stage_from,
        stage_to=stage_to,
        at=timezone.now(),
        on=on,
    )


@pytest.mark.django_db
def test_stages_are_counted_as_they_stood_on_the_day(school):
    cases = [
        Case.objects.create(school=school, pupil=PupilFactory(school=school)) for _ in range(3)
    ]
    _accept(cases[0], 0, 1, dt.date(2024, 10, 1))
    _accept(cases[0], 1, 2, dt.date(2024, 12, 1))
    _accept(cases[1], 0, 1, dt.date(2024, 11, 1))
    _accept(cases[2], 0, 1, dt.date(2025, 1, 10))  # after the day
    assert selectors.stage_counts(school=school, on=dt.date(2024, 11, 15)) == {
        1: 2,
        2: 0,
        3: 0,
        4: 0,
    }
    assert selectors.stage_counts(school=school, on=dt.date(2024, 12, 20)) == {
        1: 1,
        2: 1,
        3: 0,
        4: 0,
    }
    moves = selectors.stage_moves(
        school=school, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 20)
    )
    assert moves == {"up": 3, "down": 0}


@pytest.mark.django_db
def test_leave_requests_decided_in_the_period(school):
    model = apps.get_model("absences", "LeaveRequest")
    guardian = GuardianFactory()
    for n, (status, decided) in enumerate(
        [
            ("granted", "2024-10-01"),
            ("refused", "2024-10-02"),
            ("refused", "2024-11-02"),
            ("refused", "2025-02-01"),
            ("pending", None),
        ]
    ):
        model.objects.create(
            school=school,
            pupil=PupilFactory(school=school),
            requested_by=guardian,
            reference=f"LR{n:05d}",
            submitted_at=timezone.now(),
            start_date=dt.date(2024, 10, 7),
            end_date=dt.date(2024, 10, 8),
            school_days=2,
            reason="Family wedding",
            signed_name="A Parent",
            status=status,
            decided_on=dt.date.fromisoformat(decided) if decided else None,
        )
    found = selectors.leave_counts(
        school=school, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 20)
    )
    assert found == {"granted": 1, "refused": 2}


@pytest.mark.django_db
def test_notices_come_from_the_penalties_app_when_it_has_them(school, monkeypatch):
    found = selectors.intervention_counts(
        school=school, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 20)
    )
    if found is not None:
        assert found["penalty_notice"]["total"] == 0

    def missing(name):
        if name == "penalties.selectors":
            raise ImportError(name)
        return import_module(name)

    monkeypatch.setattr(selectors, "import_module", missing)
    assert (
        selectors.intervention_counts(
            school=school, start=dt.date(2024, 9, 1), end=dt.date(2024, 12, 20)
        )
        is None
    )


def test_a_hidden_stage_count_takes_another_with_it():
    rows = counted_rows({1: 12, 2: 3, 3: 7, 4: 0}, STAGE_LABELS, below=5)
    texts = {row["key"]: row["text"] for row in rows}
    assert texts == {"1": "12", "2": "fewer than 5", "3": "withheld", "4": "0"}
    assert all(row["n"] is None for row in rows if row["key"] in {"2", "3"})
