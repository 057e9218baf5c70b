"""Sections that other apps add to the parent portal's child page (e.g. letters sent).

`absences` never imports its consumers: an app registers a `PortalPanel` from its
`AppConfig.ready()`; the portal renders every registered panel in `order`, each from its
own template with the context its `context` function returns (`None` hides it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from registers.models import Guardian, Pupil

PanelContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class PortalPanel:
    """`context(request=, guardian=, pupil=)` returns the template's context, where
    `guardian` is the signed-in parent's guardian record and `pupil` one of their children."""

    key: str
    template: str
    context: PanelContext
    order: int = 100


PORTAL_PANELS: dict[str, PortalPanel] = {}


def register_portal_panel(panel: PortalPanel) -> None:
    PORTAL_PANELS[panel.key] = panel


def render_portal_panels(*, request: HttpRequest, guardian: Guardian, pupil: Pupil) -> SafeString:
    """Every registered panel for one child, rendered in order, as one block of HTML."""
    parts: list[str] = []
    for panel in sorted(PORTAL_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request=request, guardian=guardian, pupil=pupil)
        if context is None:
            continue
        context = {"guardian": guardian, "pupil": pupil, **context}
        parts.append(render_to_string(panel.template, context, request=request))
    return mark_safe("\n".join(parts))  # noqa: S308 - each part is an autoescaped template
