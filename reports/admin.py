"""Generated reports in the admin: read-only, for support (a stuck or failed build)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("period_label", "kind", "school", "state", "percent", "requested_at")
    list_filter = ("kind", "state")
    search_fields = ("school__name", "school__urn", "period_label")
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports are asked for on the reports page, which queues the build

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
