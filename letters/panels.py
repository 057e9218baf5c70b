"""The letters sections of the staff pupil page and of the parent portal."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from letters.models import LetterStatus
from letters.selectors import letters_for_guardian, letters_for_pupil, letters_not_written
from registers.models import Guardian, Pupil, School
from registers.permissions import Capability, capabilities_at


def pupil_panel_context(
    *, request: HttpRequest, school: School, pupil: Pupil
) -> dict[str, Any] | None:
    held = capabilities_at(request.user, school)
    if Capability.VIEW_PUPILS not in held:
        return None
    return {
        "letters": letters_for_pupil(school=school, pupil=pupil)[:50],
        "not_written": list(letters_not_written(school=school, pupil=pupil)),
        "can_write": Capability.MANAGE_CASES in held,
    }


def portal_panel_context(
    *, request: HttpRequest, guardian: Guardian, pupil: Pupil
) -> dict[str, Any] | None:
    letters = letters_for_guardian(guardian=guardian).filter(pupil=pupil, status=LetterStatus.READY)
    return {"letters": letters}
