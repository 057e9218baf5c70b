"""The trust report: every school of the trust side by side, ranked, with the gap to the
trust's pooled figure, and the trust's year groups and cohorts pooled across schools.

Each school's period comes from its own calendar under the same key (for example the
autumn term 2024/25 or the year to date), so schools with different holidays still
compare the same term.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from registers.models import School, Trust
from reports import rules as rrules
from reports import selectors
from reports.compute import Group, SchoolFigures, school_figures
from reports.figures import total
from reports.snapshot import (
    STAGE_LABELS,
    WITHHELD_DFE,
    cohort_rows,
    count,
    counted_rows,
    gap,
    school_snapshot,
    tally,
    year_rows,
)


def trust_periods(school: School, *, today: date) -> list[rrules.Period]:
    """The periods a trust report may cover: terms and years to date (half terms differ
    from school to school)."""
    return [
        p
        for p in selectors.periods_for(school, today=today)
        if p.kind in (rrules.TERM, rrules.YEAR)
    ]


def _pooled(groups: list[list[Group]]) -> list[Group]:
    """Groups of the same key added up across schools."""
    found: dict[str, list[Group]] = {}
    for school_groups in groups:
        for g in school_groups:
            found.setdefault(g.key, []).append(g)
    pooled = []
    for key, same in found.items():
        rest = [g.rest for g in same if g.rest is not None]
        pooled.append(
            Group(key, same[0].label, total([g.tally for g in same]), total(rest) if rest else None)
        )
    return pooled


def _school_row(f: SchoolFigures, *, below: int, hide: bool, today: date) -> dict[str, Any]:
    snap = school_snapshot(f, below=below, today=today)
    figures = tally(f.school_way, below=below, hide=hide)
    return {
        "name": f.school.name,
        "urn": f.school.urn,
        "period": snap["period"],
        "target": f.target,
        "figures": figures,
        "dfe": tally(f.dfe.tally, below=below, hide=True) if hide else snap["dfe"]["figures"],
        "previous": tally(f.previous_school_way, below=below, hide=hide),
        "stages": snap["stages"],
        "decisions_total": count(sum(f.decisions.values()), below=below),
        "interventions": snap["interventions"],
        "leave": snap["leave"],
    }


def trust_snapshot(
    *,
    trust: Trust,
    period_key: str,
    today: date,
    below: int,
    progress: Callable[[int], None] = lambda _p: None,
) -> dict[str, Any]:
    """Everything the trust report shows, suppressed, as JSON-ready values.

    1. Compute each school's figures for its own period under `period_key`; schools
       whose calendar lacks the period are listed as such.
    2. Suppress small schools, with secondary suppression against the trust's total.
    3. Rank the shown schools by attendance and give each the gap to the trust's figure.
    """
    schools = list(School.objects.filter(trust=trust).order_by("name"))
    computed: list[SchoolFigures] = []
    missing: list[str] = []
    for n, school in enumerate(schools, start=1):
        periods = selectors.periods_for(school, today=today)
        period = next((p for p in periods if p.key == period_key), None)
        if period is None:
            missing.append(school.name)
        else:
            computed.append(
                school_figures(school=school, period=period, periods=periods, weekly=False)
            )
        progress(int(80 * n / max(len(schools), 1)))
    hidden = rrules.complementary(
        {f.school.urn: f.school_way.pupils for f in computed}, below=below
    )
    rows = [_school_row(f, below=below, hide=f.school.urn in hidden, today=today) for f in computed]
    whole = total([f.school_way for f in computed])
    whole_previous = [f.previous_school_way for f in computed if f.previous_school_way]
    shown = {r["urn"]: r["figures"]["attendance"] for r in rows if not r["figures"]["suppressed"]}
    ranked = rrules.ranks(shown)
    for row in rows:
        row["rank"] = ranked.get(row["urn"])
        row["gap_to_trust"] = (
            None if row["urn"] not in shown else gap(shown[row["urn"]], whole.attendance)
        )
        previous = row["previous"]
        row["change"] = (
            None
            if row["urn"] not in shown or not previous or previous["suppressed"]
            else gap(shown[row["urn"]], previous["attendance"])
        )
    stage_totals = counted_rows(
        {stage: sum(f.stages.get(stage, 0) for f in computed) for stage in range(1, 5)},
        STAGE_LABELS,
        below=below,
    )
    decisions_total = count(sum(sum(f.decisions.values()) for f in computed), below=below)
    # A trust total next to a school's hidden count would give it away by subtraction.
    for i, row in enumerate(stage_totals):
        if any(r["stages"][i]["n"] is None for r in rows):
            row.update(n=None, text="withheld")
    if any(r["decisions_total"]["n"] is None for r in rows):
        decisions_total = {"n": None, "text": "withheld"}
    return {
        "kind": "trust",
        "trust": {"name": trust.name},
        "generated_on": today.isoformat(),
        "suppress_below": below,
        "period": {
            "key": period_key,
            "label": computed[0].period.label if computed else period_key,
        },
        "schools": rows,
        "missing": missing,
        "ranked": len(ranked),
        "trust_figures": tally(whole, below=below),
        "trust_dfe": {"suppressed": True, "text": WITHHELD_DFE}
        if rrules.is_small(sum(f.dfe.differing for f in computed), below=below)
        else tally(total([f.dfe.tally for f in computed]), below=below),
        "trust_previous": tally(total(whole_previous), below=below) if whole_previous else None,
        "year_groups": year_rows(_pooled([f.year_groups for f in computed]), below=below),
        "cohorts": cohort_rows(_pooled([f.cohorts for f in computed]), below=below),
        "stages": stage_totals,
        "national": vars(computed[0].national) if computed else None,
        "decisions_total": decisions_total,
    }
