"""Template filters of the penalties pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """8000 → "£80.00"; blank for no amount."""
    return "" if pence is None else f"£{pence / 100:,.2f}"


@register.filter
def get_item(mapping: dict[int, int], key: int) -> int:
    """A value of a dict by key (0 when absent)."""
    return mapping.get(key, 0)
