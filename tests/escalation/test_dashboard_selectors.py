"""The dashboard's selectors over a small school, and the data the view tests share.

`dashboard_school` builds, on Test School A's §6.0 calendar as of Wednesday 15 January
2025: Tess (threshold met by a week of term-time holiday, FSM), Nora (8 unauthorised
sessions, near the threshold), Ray (always present) and Sam (Tess's brother, present).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from escalation.dashboard.flags import FLAGS_BY_SLUG, Filters, flag_counts, flag_list
from escalation.dashboard.overview import school_overview, trust_overview
from escalation.dashboard.pupil import pupil_record
from escalation.services.status import status_recompute_full
from registers.models import Guardian, Pupil, PupilGuardian, School
from tests.escalation.helpers import fill, write
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 1, 15)


@dataclass
class Pupils:
    tess: Pupil
    nora: Pupil
    ray: Pupil
    sam: Pupil


def add_pupil(school: School, forename: str, surname: str, group: str = "4B", **fields) -> Pupil:
    return PupilFactory(
        forename=forename,
        surname=surname,
        school=school,
        school__admission_date=dt.date(2024, 9, 2),
        school__registration_group=group,
        **fields,
    )


def build(school: School, extra: int = 0) -> Pupils:
    """The four pupils (and `extra` always-present ones), their marks and statuses."""
    tess = add_pupil(school, "Tess", "Holiday", fsm=True)
    nora = add_pupil(school, "Nora", "Near", send="K")
    ray = add_pupil(school, "Ray", "Regular")
    sam = add_pupil(school, "Sam", "Holiday", group="2A", year_group="2")
    others = [add_pupil(school, f"Extra{n}", "Pupil") for n in range(extra)]
    for pupil in (tess, nora, ray, sam, *others):
        fill(school, pupil, "2024-09-02", TODAY.isoformat())
    write(school, tess, [(d, s, "G") for d in _days("2025-01-06", 5) for s in ("AM", "PM")])
    write(school, nora, [(d, s, "O") for d in _days("2025-01-06", 4) for s in ("AM", "PM")])
    parent = Guardian.objects.create(name="Pat Holiday", phone="01234 567890")
    for child in (tess, sam):
        PupilGuardian.objects.create(pupil=child, guardian=parent, relationship="Mother")
    status_recompute_full(schools=[school], today=TODAY)
    return Pupils(tess, nora, ray, sam)


def _days(start: str, count: int) -> list[dt.date]:
    first = dt.date.fromisoformat(start)
    return [first + dt.timedelta(days=n) for n in range(count)]


@pytest.fixture
def on_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Make 'today' Wednesday 15 January 2025 for the views."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


@pytest.fixture
def pupils(school: School, on_today: dt.date) -> Pupils:
    return build(school)


def test_the_overview_counts_the_threshold_and_near_pupils(school: School, pupils: Pupils) -> None:
    o = school_overview(school=school, today=TODAY)
    assert o.year.pupils == 4
    assert o.counts["threshold_met"] == 1
    assert o.counts["near_threshold"] == 1
    assert o.today_sessions.possible == 8  # four pupils, AM and PM
    fsm = next(row for row in o.cohorts if row.key == "fsm")
    assert fsm.figures.pupils == 1 and fsm.rest.pupils == 3
    assert fsm.attendance_gap is not None and fsm.attendance_gap.startswith("-")
    assert [r.label for r in o.groups] == ["2A", "4B"]
    monday = next(p for p in o.sessions if p.day == "Monday" and p.half == "AM")
    assert monday.absent == 2  # Tess and Nora on 6 January


def test_flag_lists_pick_the_right_pupils(school: School, pupils: Pupils) -> None:
    def names(slug: str, **filters) -> list[str]:
        flag = FLAGS_BY_SLUG[slug]
        rows = flag_list(
            school=school, flag=flag, n=flag.n_default, today=TODAY, filters=Filters(**filters)
        )
        return [s.pupil.forename for s in rows]

    assert names("threshold") == ["Tess"]
    assert names("near-threshold") == ["Nora"]
    assert names("threshold", cohorts=("send_k",)) == []
    assert names("near-threshold", cohorts=("send_k",)) == ["Nora"]
    assert names("persistent", registration_group="2A") == []
    counts = flag_counts(school=school, today=TODAY)
    assert counts["threshold"] == 1 and counts["near-threshold"] == 1


def test_the_pupil_record_explains_the_threshold(school: School, pupils: Pupils) -> None:
    record = pupil_record(school=school, pupil=pupils.tess, today=TODAY)
    assert record.status.threshold_met_now
    assert len(record.qualifying) == 10
    assert {code.code for _d, _h, code in record.qualifying} == {"G"}
    assert [s.pupil.forename for s in record.siblings] == ["Sam"]
    assert record.needs_threshold_decision
    assert record.holidays[0].sessions == 10


def test_overview_and_lists_take_a_constant_number_of_queries(school: School, on_today) -> None:
    build(school)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as overview:
            school_overview(school=school, today=TODAY)
        with CaptureQueriesContext(connection) as lists:
            flag_counts(school=school, today=TODAY)
            list(
                flag_list(
                    school=school, flag=FLAGS_BY_SLUG["persistent"], n=0, today=TODAY,
                    filters=Filters(),
                )
            )  # fmt: skip
        return len(overview.captured_queries), len(lists.captured_queries)

    before = queries()
    for n in range(12):
        pupil = add_pupil(school, f"More{n}", "Pupil")
        write(school, pupil, [("2025-01-13", "AM", "O")])
    status_recompute_full(schools=[school], today=TODAY)
    assert queries() == before


def test_the_trust_overview_lists_each_school(school: School, sibling_school, on_today) -> None:
    build(school)
    columns = trust_overview(schools=[school, sibling_school], today=TODAY)
    assert [c.year.pupils for c in columns] == [4, 0]
    assert columns[0].threshold_met == 1


def test_at_risk_of_pa_catches_pupils_on_course_for_it_early_in_the_year(school: School) -> None:
    from decimal import Decimal

    from escalation.models import PupilStatus

    def status(forename: str, **fields) -> None:
        PupilStatus.objects.create(
            school=school,
            pupil=add_pupil(school, forename, "Risk"),
            as_of=TODAY,
            computed_at=timezone.now(),
            academic_year="2024/25",
            possible=150,
            **fields,
        )

    status("Sliding", attended=140, authorised=10, absence_sessions_to_pa=28,
           projected_attendance_rate=Decimal("89.5"))  # fmt: skip
    status("Steady", attended=145, authorised=5, absence_sessions_to_pa=33,
           projected_attendance_rate=Decimal("96.0"))  # fmt: skip
    status("Close", attended=142, authorised=8, absence_sessions_to_pa=9,
           projected_attendance_rate=Decimal("93.0"))  # fmt: skip
    status("Already", attended=120, authorised=30, persistent_absence=True,
           absence_sessions_to_pa=0, projected_attendance_rate=Decimal("80.0"))  # fmt: skip
    flag = FLAGS_BY_SLUG["at-risk"]
    rows = flag_list(school=school, flag=flag, n=10, today=TODAY, filters=Filters(), sort="name")
    assert sorted(s.pupil.forename for s in rows) == ["Close", "Sliding"]
    assert flag_counts(school=school, today=TODAY)["at-risk"] == 2
