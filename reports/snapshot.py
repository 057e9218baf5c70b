"""Snapshot a report's figures as plain JSON, with small groups already suppressed.

The stored snapshot is what the page, the PDF and any later download show ("snapshot
then render"), so a suppressed figure is never stored, let alone rendered. Suppression:

* A group of 1 to below-1 enrolments shows "fewer than N pupils" and no figure.
* Rows that add up to a published total (year groups, ladder stages, decision outcomes,
  the trust's schools) get secondary suppression: while one row alone, or rows holding
  fewer than N between them, are hidden, the next smallest is hidden too, so the total
  minus the shown rows cannot reveal them.
* A cohort is hidden together with "the rest" whenever either side is small, because
  the whole school's figure minus one side gives the other.
* Counts of pupils or events (stages, decisions, notices, leave) from 1 to below-1 show
  "fewer than N".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from escalation.models.support import ThresholdOutcome
from reports import rules as rrules
from reports.compute import DfeWay, Group, SchoolFigures
from reports.figures import Tally

STAGE_LABELS = {
    1: "Stage 1: first concern",
    2: "Stage 2: meeting and support",
    3: "Stage 3: formal support plan",
    4: "Stage 4: legal intervention considered",
}
INTERVENTION_LABELS = {
    "notice_to_improve": "Notices to improve",
    "penalty_notice": "Penalty notices",
    "alternative": "Alternatives to a penalty notice",
}


def fewer_than(below: int) -> str:
    return f"fewer than {below} pupils"


def count(n: int, *, below: int) -> dict[str, Any]:
    return (
        {"n": None, "text": f"fewer than {below}"}
        if rrules.hide_count(n, below=below)
        else {
            "n": n,
            "text": str(n),
        }
    )


def tally(t: Tally | None, *, below: int, hide: bool = False) -> dict[str, Any] | None:
    """A Tally's figures, or only the fact that it is suppressed."""
    if t is None:
        return None
    if rrules.is_small(t.pupils, below=below):
        return {"suppressed": True, "text": fewer_than(below)}
    if hide:  # large enough itself, hidden so that a smaller group cannot be worked out
        return {"suppressed": True, "text": "withheld"}
    c = t.counts
    return {
        "suppressed": False,
        "pupils": t.pupils,
        "possible": c.possible,
        "attended": c.attended,
        "authorised": c.authorised,
        "unauthorised": c.unauthorised,
        "late_before": c.late_before_close,
        "late_after": c.late_after_close,
        "attendance": t.attendance,
        "absence": t.absence,
        "authorised_rate": t.authorised_rate,
        "unauthorised_rate": t.unauthorised_rate,
        "late_before_rate": t.late_before_rate,
        "late_after_rate": t.late_after_rate,
        "pa_rate": t.pa_rate,
        "sa_rate": t.sa_rate,
        "persistent": count(t.persistent, below=below),
        "severe": count(t.severe, below=below),
    }


def _period(p: rrules.Period | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "key": p.key,
        "kind": p.kind,
        "label": p.label,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "census_start": p.census_start.isoformat(),
        "census_end": p.census_end.isoformat(),
    }


def year_rows(groups: list[Group], *, below: int) -> list[dict[str, Any]]:
    hidden = rrules.complementary({g.key: g.tally.pupils for g in groups}, below=below)
    return [
        {
            "key": g.key,
            "label": g.label,
            "figures": tally(g.tally, below=below, hide=g.key in hidden),
        }
        for g in groups
    ]


def cohort_rows(groups: list[Group], *, below: int) -> list[dict[str, Any]]:
    rows = []
    for g in groups:
        assert g.rest is not None
        hide = rrules.is_small(g.tally.pupils, below=below) or rrules.is_small(
            g.rest.pupils, below=below
        )
        inside = tally(g.tally, below=below, hide=hide)
        rest = tally(g.rest, below=below, hide=hide)
        rows.append(
            {
                "key": g.key,
                "label": g.label,
                "figures": inside,
                "rest": rest,
                "empty": g.tally.pupils == 0,
                "attendance_gap": None if hide else gap(g.tally.attendance, g.rest.attendance),
                "pa_gap": None if hide else gap(g.tally.pa_rate, g.rest.pa_rate),
            }
        )
    return rows


def gap(a: str | None, b: str | None) -> str | None:
    change = rrules.points(a, b)
    return None if change is None else f"{change:+.1f}"


def counted_rows(values: dict[Any, int], labels: dict[Any, str], *, below: int) -> list[dict]:
    """Rows that add up to a shown total, with primary and secondary suppression."""
    hidden = rrules.complementary({str(k): n for k, n in values.items()}, below=below)
    return [
        {
            "key": str(key),
            "label": str(label),
            "n": None if str(key) in hidden else values.get(key, 0),
            "text": f"fewer than {below}"
            if str(key) in hidden and rrules.hide_count(values.get(key, 0), below=below)
            else ("withheld" if str(key) in hidden else str(values.get(key, 0))),
        }
        for key, label in labels.items()
    ]


def _interventions(found: dict[str, dict[str, int]], *, below: int) -> list[dict[str, Any]]:
    """Each kind's total, and its statuses with secondary suppression against the total."""
    rows = []
    for key, label in INTERVENTION_LABELS.items():
        by_status = {k: n for k, n in found.get(key, {}).items() if k != "total"}
        labels = {k: k.replace("_", " ").capitalize() for k in sorted(by_status)}
        rows.append(
            {
                "label": label,
                "total": count(found.get(key, {}).get("total", 0), below=below),
                "statuses": counted_rows(by_status, labels, below=below),
            }
        )
    return rows


WITHHELD_DFE = "withheld (see below)"


def _dfe(d: DfeWay | None, *, below: int) -> dict[str, Any] | None:
    """The DfE way's figures. They are withheld when they differ from the school's way
    by a small group of pupils, since the difference would be that group's figures."""
    if d is None:
        return None
    withheld = rrules.is_small(d.differing, below=below)
    return {
        "withheld": withheld,
        "figures": {"suppressed": True, "text": WITHHELD_DFE}
        if withheld
        else tally(d.tally, below=below),
        "outside_age": count(d.outside_age, below=below),
        "zero_possible": count(d.zero_possible, below=below),
        "summer_two_entrants": count(d.summer_two_entrants, below=below),
        "summer_two_sessions": d.summer_two_sessions,
    }


def _headline(t: dict[str, Any] | None) -> rrules.Headline | None:
    if not t or t["suppressed"]:
        return None
    return rrules.Headline(t["attendance"], t["pa_rate"], t["sa_rate"], t["unauthorised_rate"])


def school_snapshot(f: SchoolFigures, *, below: int, today: date) -> dict[str, Any]:
    """Everything the termly report shows, suppressed, as JSON-ready values."""
    whole = tally(f.school_way, below=below)
    assert whole is not None
    suppressed = whole["suppressed"]
    previous = tally(f.previous_school_way, below=below)
    national = rrules.Headline(
        f.national.attendance,
        f.national.persistent_absence,
        f.national.severe_absence,
        f.national.unauthorised,
    )
    now = _headline(whole)
    summary = (
        rrules.summary(
            now=now,
            before=_headline(previous),
            target=f.target,
            national=national,
            comparison_label=f"the same period last year ({f.previous.label})"
            if f.previous
            else "the same period last year",
        )
        if now
        else []
    )
    weeks = (
        []
        if suppressed
        else [
            {
                "monday": monday.isoformat(),
                "possible": c.possible,
                "attendance": Tally(counts=c).attendance,
                "unauthorised_rate": Tally(counts=c).unauthorised_rate,
            }
            for monday, c in f.weeks
        ]
    )
    return {
        "kind": "school",
        "school": {"name": f.school.name, "urn": f.school.urn},
        "generated_on": today.isoformat(),
        "suppress_below": below,
        "period": _period(f.period),
        "previous": _period(f.previous),
        "target": f.target,
        "national": vars(f.national),
        "suppressed": suppressed,
        "summary": summary,
        "school_way": whole,
        "previous_school_way": previous,
        "dfe": _dfe(f.dfe, below=below),
        "previous_dfe": _dfe(f.previous_dfe, below=below),
        "weeks": weeks,
        "year_groups": [] if suppressed else year_rows(f.year_groups, below=below),
        "cohorts": [] if suppressed else cohort_rows(f.cohorts, below=below),
        "stages": counted_rows(f.stages, STAGE_LABELS, below=below),
        "moves": {k: count(v, below=below) for k, v in f.moves.items()},
        "decisions": counted_rows(f.decisions, dict(ThresholdOutcome.choices), below=below),
        "interventions": None
        if f.interventions is None
        else _interventions(f.interventions, below=below),
        "leave": None
        if f.leave is None
        else {k: count(v, below=below) for k, v in f.leave.items()},
    }
