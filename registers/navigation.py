"""The layout's navigation: the signed-in person's schools and, for the school in view,
the areas their role may use. Later apps add their own areas with `register_nav_item`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from registers.models import School
from registers.permissions import Capability, capabilities_at, schools_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability


NAV_ITEMS: list[NavItem] = [
    NavItem("Today's registers", "registers_today", Capability.TAKE_REGISTER),
    NavItem("Week grid", "week_grid", Capability.VIEW_PUPILS),
    NavItem("Bulk entry", "bulk_entry", Capability.CORRECT_MARKS),
    NavItem("Register settings", "register_settings", Capability.MANAGE_SCHOOL),
    NavItem("Access audit", "access_audit", Capability.MANAGE_SCHOOL),
    NavItem("Register deletions", "register_deletions", Capability.MANAGE_SCHOOL),
]


def register_nav_item(item: NavItem) -> None:
    """Add an area to the school navigation (called from other apps' AppConfig.ready)."""
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def navigation(request: HttpRequest) -> dict[str, object]:
    """Context processor: `nav_schools`, `current_school` and `nav_links`."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    schools = list(schools_for(user, Capability.VIEW_SCHOOL).order_by("name"))
    current: School | None = getattr(request, "school", None)
    if current is None and len(schools) == 1:
        current = schools[0]
    links = []
    if current is not None:
        held = capabilities_at(user, current)
        links = [
            NavLink(item.label, url, current=request.path.startswith(url))
            for item in NAV_ITEMS
            if item.capability in held
            for url in [reverse(item.url_name, kwargs={"urn": current.urn})]
        ]
    return {"nav_schools": schools, "current_school": current, "nav_links": links}
