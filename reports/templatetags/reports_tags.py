"""Show snapshot figures: a percentage, a count, a signed gap, or the suppression text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template

register = template.Library()

NO_FIGURE = "—"


@register.simple_tag
def pct(figures: dict[str, Any] | None, key: str) -> str:
    """`figures[key]` as "93.4%"; "fewer than 5 pupils" when the group is suppressed."""
    if not figures:
        return NO_FIGURE
    if figures.get("suppressed"):
        return figures["text"]
    value = figures.get(key)
    return NO_FIGURE if value is None else f"{value}%"


@register.simple_tag
def num(figures: dict[str, Any] | None, key: str) -> str:
    """A whole number from the figures, or the suppression text."""
    if not figures:
        return NO_FIGURE
    if figures.get("suppressed"):
        return figures["text"]
    value = figures.get(key)
    if isinstance(value, dict):  # a count that may itself be withheld
        return value["text"]
    return NO_FIGURE if value is None else f"{value:,}"


@register.filter
def points(value: str | None) -> str:
    """A signed gap in percentage points, e.g. "+0.8" (headers say "points")."""
    return NO_FIGURE if value is None else value


@register.simple_tag
def change(now: dict[str, Any] | None, before: dict[str, Any] | None, key: str) -> str:
    """now[key] − before[key] in points, when both are shown."""
    if not now or not before or now.get("suppressed") or before.get("suppressed"):
        return NO_FIGURE
    a, b = now.get(key), before.get(key)
    if a is None or b is None:
        return NO_FIGURE
    return f"{Decimal(a) - Decimal(b):+.1f}"


@register.filter
def iso(value: str | None) -> dt.date | None:
    """An ISO date string of the snapshot as a date, for the `date` filter."""
    return dt.date.fromisoformat(value) if value else None
