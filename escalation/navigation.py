"""The dashboard's areas in the layout's school navigation (registered in `ready()`)."""

from __future__ import annotations

from registers.navigation import NavItem
from registers.permissions import Capability

NAV_ITEMS: list[NavItem] = [
    NavItem("Attendance overview", "dashboard_overview", Capability.VIEW_SCHOOL),
    NavItem("Flag lists", "dashboard_flags_default", Capability.VIEW_PUPILS),
]
