from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registers.permissions import Capability, schools_for
from registers.selectors import school_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in person's schools, with today's roll and registers at a glance."""
    schools = schools_for(request.user, Capability.VIEW_SCHOOL).order_by("name")
    return render(
        request, "registers/home.html", {"overviews": [school_overview(s) for s in schools]}
    )
