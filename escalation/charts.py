"""Server-rendered SVG charts: no JavaScript, printable, with text alternatives.

Each chart is an inline `<svg role="img">` with a `<title>` and `<desc>` that state
what it shows; the page puts the same figures in a table next to it. Lines and bars
carry a pattern or a label as well as a colour, so nothing is told by colour alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 110, 16, 40


@dataclass(frozen=True)
class Reference:
    label: str  # e.g. "Target 96.0%"
    value: str  # a percentage
    dash: str  # SVG stroke-dasharray


def _y(value: Decimal, low: Decimal, high: Decimal) -> float:
    span = float(high - low) or 1.0
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(value - low) / span)


def trend_svg(
    *,
    chart_id: str,
    title: str,
    points: Sequence[tuple[dt.date, str | None]],
    references: Sequence[Reference] = (),
) -> SafeString:
    """A line of weekly attendance rates with dashed reference lines (target, national).

    The y axis runs from a round number below the lowest value to 100%."""
    values = [Decimal(v) for _d, v in points if v is not None]
    values += [Decimal(r.value) for r in references]
    low = Decimal(min(values or [Decimal(90)]) // 5 * 5) if values else Decimal(90)
    low = min(low, Decimal(90))
    high = Decimal(100)
    plot_w = WIDTH - LEFT - RIGHT
    step = plot_w / max(len(points) - 1, 1)
    parts: list[str] = []
    for tick in range(int(low), 101, 5 if high - low <= 30 else 10):
        y = _y(Decimal(tick), low, high)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}%</text>'
        )
    for ref in references:
        y = _y(Decimal(ref.value), low, high)
        parts.append(
            f'<line class="reference" stroke-dasharray="{ref.dash}" x1="{LEFT}" '
            f'x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="label" x="{WIDTH - RIGHT + 4}" y="{y + 4:.1f}">{escape(ref.label)}</text>'
        )
    coords = [
        (LEFT + i * step, _y(Decimal(v), low, high))
        for i, (_d, v) in enumerate(points)
        if v is not None
    ]
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline class="series" points="{path}"/>')
        parts.extend(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3"/>' for x, y in coords)
    for i, (day, _v) in enumerate(points):
        if i % max(len(points) // 8, 1) == 0:
            x = LEFT + i * step
            parts.append(
                f'<text class="axis" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{day:%-d %b}</text>'
            )
    described = _describe(points, references)
    return format_html(
        '<svg class="chart" id="{id}" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMidYMid meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=HEIGHT,
        title=title,
        desc=described,
        body=mark_safe("".join(parts)),  # noqa: S308 (built from numbers and escaped labels)
    )


def _describe(points: Sequence[tuple[dt.date, str | None]], refs: Sequence[Reference]) -> str:
    shown = [(d, v) for d, v in points if v is not None]
    if not shown:
        return "No school weeks with attendance recorded yet."
    low = min(shown, key=lambda p: Decimal(p[1] or 0))
    high = max(shown, key=lambda p: Decimal(p[1] or 0))
    text = (
        f"{len(shown)} school weeks from {shown[0][0]:%-d %B %Y} to {shown[-1][0]:%-d %B %Y}. "
        f"Latest week {shown[-1][1]}%. Lowest {low[1]}% (week commencing {low[0]:%-d %B}); "
        f"highest {high[1]}% (week commencing {high[0]:%-d %B})."
    )
    return text + "".join(f" {r.label}." for r in refs)


def bars_svg(
    *, chart_id: str, title: str, bars: Sequence[tuple[str, str | None]], unit: str = "%"
) -> SafeString:
    """Horizontal bars, each labelled with its name and value (e.g. absence by session)."""
    row, label_w, value_w = 22, 120, 60
    width = 520
    height = TOP + row * len(bars) + 8
    scale_to = max([Decimal(v) for _l, v in bars if v is not None] or [Decimal(1)]) or Decimal(1)
    parts = []
    for i, (label, value) in enumerate(bars):
        y = TOP + i * row
        length = (
            0.0 if value is None else float(Decimal(value) / scale_to) * (width - label_w - value_w)
        )
        parts.append(
            f'<text class="label" x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 6}"/>'
            f'<text class="value" x="{label_w + length + 4:.1f}" y="{y + 15}">'
            f"{'—' if value is None else escape(value) + unit}</text>"
        )
    desc = "; ".join(f"{label}: {'no data' if v is None else v + unit}" for label, v in bars)
    return format_html(
        '<svg class="chart chart-bars" id="{id}" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=desc,
        body=mark_safe("".join(parts)),  # noqa: S308
    )
