"""Sections that other apps add to the pupil page (letters sent, penalty records …).

`escalation` never imports its consumers: an app registers a `PupilPanel` from its
`AppConfig.ready()`, and the pupil page renders every registered panel in `order`,
each from its own template with the context its `context` function returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from registers.models import Pupil, School

PanelContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class PupilPanel:
    """`context(request=, school=, pupil=)` returns the template's context; `None`
    (rather than a dict) hides the panel for this request."""

    key: str
    template: str
    context: PanelContext
    order: int = 100


PUPIL_PANELS: dict[str, PupilPanel] = {}


def register_pupil_panel(panel: PupilPanel) -> None:
    PUPIL_PANELS[panel.key] = panel


def render_pupil_panels(*, request: HttpRequest, school: School, pupil: Pupil) -> SafeString:
    """Every registered panel rendered in order, as one block of HTML."""
    parts: list[str] = []
    for panel in sorted(PUPIL_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request=request, school=school, pupil=pupil)
        if context is None:
            continue
        context = {"school": school, "pupil": pupil, **context}
        parts.append(render_to_string(panel.template, context, request=request))
    return mark_safe("\n".join(parts))  # noqa: S308 - each part is an autoescaped template
