"""Report figures checked against the rules core on the seeded school."""

from __future__ import annotations

import datetime as dt

import pytest

from registers import rules
from registers.models import Mark
from registers.reporting import attendance_report
from reports import rules as rrules
from reports import selectors
from reports.compute import school_figures

TODAY = dt.date(2026, 12, 1)


def _period(school, key):
    periods = selectors.periods_for(school, today=TODAY)
    return next(p for p in periods if p.key == key), periods


def _expected(school, pupils, start, end):
    """Each pupil's counts straight from the rules core, one pupil at a time."""
    found = {}
    for pupil in pupils:
        codes = Mark.objects.filter(
            school=school, pupil=pupil, date__gte=start, date__lte=end
        ).values_list("code_id", flat=True)
        found[pupil.forename] = rules.count_codes(codes)
    return found


@pytest.mark.django_db
def test_the_school_way_matches_the_rules_core(seeded):
    period, periods = _period(seeded.school, "term-2024-autumn")
    figures = school_figures(school=seeded.school, period=period, periods=periods)
    expected = _expected(seeded.school, seeded.pupils.values(), period.start, period.end)
    pooled = sum(expected.values(), rules.Counts())
    assert figures.school_way.pupils == len(seeded.pupils)
    assert figures.school_way.counts == pooled
    assert figures.school_way.attendance == rules.attendance_rate(
        attended=pooled.attended, possible=pooled.possible
    )
    assert figures.school_way.persistent == sum(
        rules.is_persistent_absence(absent=c.absent, possible=c.possible) for c in expected.values()
    )
    assert figures.school_way.severe == sum(
        rules.is_severe_absence(absent=c.absent, possible=c.possible) for c in expected.values()
    )
    assert figures.school_way.counts.late_before_close > 0


@pytest.mark.django_db
def test_the_year_to_date_agrees_with_the_attendance_report(seeded):
    period, periods = _period(seeded.school, "year-2024")
    figures = school_figures(school=seeded.school, period=period, periods=periods)
    report = attendance_report(school=seeded.school, as_of=period.end)
    pupils = report["pupils"]
    assert figures.school_way.counts.possible == sum(p["possible_sessions"] for p in pupils)
    assert figures.school_way.counts.attended == sum(p["attended_sessions"] for p in pupils)
    assert figures.school_way.counts.unauthorised == sum(
        p["unauthorised_absence_sessions"] for p in pupils
    )
    assert figures.school_way.persistent == sum(p["persistent_absence"] for p in pupils)
    assert figures.school_way.severe == sum(p["severe_absence"] for p in pupils)


@pytest.mark.django_db
def test_the_dfe_way_leaves_out_under_fives_and_summer_two_at_fifteen(seeded):
    period, periods = _period(seeded.school, "year-2024")
    figures = school_figures(school=seeded.school, period=period, periods=periods)
    summer_two = rrules.spring_bank_holiday(2025)
    assert summer_two == dt.date(2025, 5, 26)
    kept = [p for name, p in seeded.pupils.items() if name != "Gus"]
    expected = _expected(seeded.school, kept, period.census_start, period.census_end)
    hal_summer_two = rules.count_codes(
        Mark.objects.filter(
            pupil=seeded.pupils["Hal"], date__gte=summer_two, date__lte=period.end
        ).values_list("code_id", flat=True)
    )
    pooled = sum(expected.values(), rules.Counts())
    assert figures.dfe.outside_age == 1
    assert figures.dfe.summer_two_sessions == hal_summer_two.possible > 0
    assert figures.dfe.tally.pupils == len(kept)
    assert figures.dfe.tally.counts.possible == pooled.possible - hal_summer_two.possible
    assert figures.dfe.tally.counts.attended == pooled.attended - hal_summer_two.attended


@pytest.mark.django_db
def test_breakdowns_add_up_and_cohorts_have_the_rest(seeded):
    period, periods = _period(seeded.school, "term-2024-autumn")
    figures = school_figures(school=seeded.school, period=period, periods=periods)
    years = {g.key: g.tally for g in figures.year_groups}
    assert {k: t.pupils for k, t in years.items()} == {"R": 1, "4": 6, "11": 1}
    assert sum((t.counts for t in years.values()), rules.Counts()) == figures.school_way.counts
    fsm = next(g for g in figures.cohorts if g.key == "fsm")
    assert fsm.tally.pupils == 3 and fsm.rest.pupils == 5
    assert fsm.tally.counts + fsm.rest.counts == figures.school_way.counts


@pytest.mark.django_db
def test_the_same_term_last_year_is_compared(seeded):
    period, periods = _period(seeded.school, "term-2025-autumn")
    figures = school_figures(school=seeded.school, period=period, periods=periods)
    assert figures.previous is not None and figures.previous.key == "term-2024-autumn"
    assert figures.previous_school_way.counts.possible > 0
    assert [w for w, _c in figures.weeks][0] == dt.date(2025, 9, 1)
