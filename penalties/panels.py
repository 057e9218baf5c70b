"""The pupil page's "Legal interventions" panel (registered in `apps.ready`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from penalties.selectors import pupil_interventions
from registers.models import Pupil, School
from registers.permissions import Capability, capabilities_at


def panel_context(*, request: HttpRequest, school: School, pupil: Pupil) -> dict[str, Any] | None:
    """Hidden from anyone who does not manage cases at the school."""
    if Capability.MANAGE_CASES not in capabilities_at(request.user, school):
        return None
    return {"legal": pupil_interventions(school=school, pupil=pupil, today=timezone.localdate())}
