"""Turn a stored snapshot into charts and HTML, for the page and for the PDF.

Charts come from `escalation.charts` (inline SVG with a title, a description and a table
beside them). Two additions for a printed report: axis titles on the trend chart, and a
suppressed bar reads "fewer than N pupils" rather than a dash.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from escalation.charts import HEIGHT, LEFT, RIGHT, TOP, WIDTH, Reference, bars_svg, trend_svg
from reports.models import Report, ReportKind

# Short names for chart labels, which have little room; tables use the full names.
SHORT_COHORTS = {
    "fsm": "FSM",
    "pp": "Pupil premium",
    "send_k": "SEN support (K)",
    "send_e": "EHC plan (E)",
    "eal": "EAL",
    "cla": "Looked after",
    "sw": "Social worker",
    "yc": "Young carer",
}
TARGET_DASH, NATIONAL_DASH = "10 5", "3 3"


# The PDF engine draws inline SVG without the page's stylesheet, so each chart carries
# its own styles there (the same look as app.css's `.chart` rules, in print colours).
PRINT_STYLE = (
    "<style>"
    ".grid{stroke:#c8c8c8;stroke-width:1}"
    # Separate font properties: the PDF engine drops text styled with "font: bold …".
    ".axis,.label,.value{font-size:11px;font-family:'Liberation Sans','DejaVu Sans',sans-serif;"
    "fill:#111}.axis-title{font-weight:bold}"
    ".reference{stroke:#444;stroke-width:1.5}"
    ".series{fill:none;stroke:#1d4f91;stroke-width:2.5}"
    ".point{fill:#1d4f91}.bar{fill:#1d4f91}"
    "</style>"
)


def for_print(svg: SafeString | None) -> SafeString | None:
    """The chart with its styles inside it, for the PDF."""
    if svg is None:
        return None
    head, sep, rest = svg.partition(">")
    return mark_safe(head + sep + PRINT_STYLE + rest)  # noqa: S308 (constant styles)


def _with_axis_titles(svg: SafeString, *, x: str, y: str) -> SafeString:
    """Name both axes: the y axis above its top tick, the x axis under the week labels."""
    titles = (
        f'<text class="axis axis-title" x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - 4}" '
        f'text-anchor="middle">{escape(x)}</text>'
        f'<text class="axis axis-title" x="4" y="{TOP - 7}">{escape(y)}</text>'
    )
    return mark_safe(svg.replace("</svg>", titles + "</svg>", 1))  # noqa: S308 (escaped)


def trend_chart(snap: dict[str, Any], *, chart_id: str = "trend") -> SafeString:
    points = [(dt.date.fromisoformat(w["monday"]), w["attendance"]) for w in snap["weeks"]]
    national = snap["national"]["attendance"]
    svg = trend_svg(
        chart_id=chart_id,
        title=f"Attendance by school week, {snap['period']['label']}",
        points=points,
        references=[
            Reference(f"Target {snap['target']}%", snap["target"], TARGET_DASH),
            Reference(f"National {national}%", national, NATIONAL_DASH),
        ],
    )
    return _with_axis_titles(svg, x="School week (week commencing)", y="Attendance (%)")


def _bars(chart_id: str, title: str, bars: list[tuple[str, str | None, str]]) -> SafeString:
    """Bars of attendance: (label, value, why there is no value). A bar without a value
    is a hidden group, and says why ("fewer than 5 pupils" or "withheld")."""
    svg = str(bars_svg(chart_id=chart_id, title=title, bars=[(b[0], b[1]) for b in bars]))
    for label, value, hidden in bars:
        if value is None:  # bars_svg draws a dash and describes "no data", in bar order
            svg = svg.replace(">—</text>", f">{escape(hidden)}</text>", 1)
            svg = svg.replace(f"{escape(label)}: no data", f"{escape(label)}: {escape(hidden)}", 1)
    return mark_safe(svg)  # noqa: S308 (bars_svg escaped its input; our text is escaped)


def _value(figures: dict[str, Any] | None) -> str | None:
    return None if not figures or figures["suppressed"] else figures["attendance"]


def _hidden(figures: dict[str, Any] | None) -> str:
    return figures["text"] if figures and figures["suppressed"] else "no figure"


def group_chart(
    rows: list[dict[str, Any]], *, chart_id: str, title: str, short: bool = False
) -> SafeString | None:
    bars = [
        (
            SHORT_COHORTS.get(r["key"], r["label"]) if short else r["label"],
            _value(r["figures"]),
            _hidden(r["figures"]),
        )
        for r in rows
        if not r.get("empty") and r["figures"]
    ]
    return _bars(chart_id, title, bars) if bars else None


def school_charts(snap: dict[str, Any]) -> dict[str, SafeString | None]:
    if snap["suppressed"]:
        return {}
    return {
        "trend": trend_chart(snap) if snap["weeks"] else None,
        "years": group_chart(
            snap["year_groups"],
            chart_id="years",
            title="Attendance (%) by year group",
        ),
        "cohorts": group_chart(
            snap["cohorts"],
            chart_id="cohorts",
            title="Attendance (%) by group of pupils",
            short=True,
        ),
    }


def trust_charts(snap: dict[str, Any]) -> dict[str, SafeString | None]:
    bars = [(s["name"][:18], _value(s["figures"]), _hidden(s["figures"])) for s in snap["schools"]]
    return {
        "schools": _bars("schools", "Attendance (%) by school", bars) if bars else None,
        "years": group_chart(
            snap["year_groups"],
            chart_id="trust-years",
            title="Attendance (%) by year group, all schools",
        ),
        "cohorts": group_chart(
            snap["cohorts"],
            chart_id="trust-cohorts",
            title="Attendance (%) by group of pupils, all schools",
            short=True,
        ),
    }


def report_context(report: Report, *, for_pdf: bool = False) -> dict[str, Any]:
    snap = report.figures
    trust = report.kind == ReportKind.TRUST
    charts = trust_charts(snap) if trust else school_charts(snap)
    if for_pdf:
        charts = {name: for_print(svg) for name, svg in charts.items()}
    return {
        "report": report,
        "snap": snap,
        "for_pdf": for_pdf,
        "charts": charts,
        "body_template": "reports/_trust_body.html" if trust else "reports/_school_body.html",
    }


def report_html(report: Report, *, for_pdf: bool) -> str:
    """The report as a standalone HTML document (the PDF's source)."""
    return render_to_string("reports/pdf.html", report_context(report, for_pdf=for_pdf))
