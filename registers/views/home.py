from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from registers.navigation import NAV_ITEMS
from registers.permissions import Capability, capabilities_at, get_school_for_user, schools_for
from registers.selectors import school_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in person's schools, with today's roll and registers at a glance; a
    parent (no school, a guardian record) goes to the parents' pages."""
    schools = schools_for(request.user, Capability.VIEW_SCHOOL).order_by("name")
    if not schools.exists() and getattr(request.user, "guardian", None) is not None:
        return redirect("parents_home")
    return render(
        request, "registers/home.html", {"overviews": [school_overview(s) for s in schools]}
    )


@login_required
def switch_school(request: HttpRequest) -> HttpResponse:
    """The layout's school switcher: go to the first area the person may use there."""
    urn = request.GET.get("urn", "")
    school = get_school_for_user(request.user, urn, Capability.VIEW_SCHOOL)
    held = capabilities_at(request.user, school)
    for item in NAV_ITEMS:
        if item.capability in held:
            return redirect(reverse(item.url_name, kwargs={"urn": school.urn}))
    return redirect("home")
