"""One place where a view's school and capability are checked."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from registers.models import School
from registers.permissions import Capability, get_school_for_user

SchoolView = Callable[..., HttpResponse]


def school_view(capability: Capability) -> Callable[[SchoolView], SchoolView]:
    """Decorate a view taking `urn`: sign-in required, then the user must hold
    `capability` at that school, else 404. The view receives `school` instead of `urn`.
    """

    def decorate(view: SchoolView) -> SchoolView:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, urn: str, *args: Any, **kwargs: Any) -> HttpResponse:
            school: School = get_school_for_user(request.user, urn, capability)
            request.school = school  # for the layout's school switcher
            return view(request, school, *args, **kwargs)

        wrapper.capability = capability  # declared, so tests can walk every view's need
        return wrapper

    return decorate
