from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Governors' and trustees' termly reports and staff exports: aggregates of the
    register, the escalation engine, penalties, leave and letters. Nothing imports it."""

    name = "reports"

    def ready(self) -> None:
        from registers.navigation import NavItem, register_nav_item
        from registers.permissions import Capability
        from reports.conf import suppress_below

        suppress_below()  # refuse a bad setting at start-up, not mid-report
        register_nav_item(NavItem("Reports", "reports_list", Capability.VIEW_REPORTS))
