"""Admin for the escalation engine: statuses and aggregates read-only, the rest editable."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from escalation.models import Case, CaseEvent, Duty, PolicyConfig, PupilStatus, PupilWeek


class ReadOnlyAdmin(admin.ModelAdmin):
    """Derived rows: recomputed by the engine, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PupilStatus)
class PupilStatusAdmin(ReadOnlyAdmin):
    list_display = [
        "pupil", "school", "as_of", "attendance_rate", "persistent_absence", "severe_absence",
        "threshold_met_now", "threshold_provisional", "risk_band", "computed_at",
    ]  # fmt: skip
    list_filter = [
        "school", "persistent_absence", "severe_absence", "threshold_met_now",
        "threshold_provisional", "local_threshold_met_now", "risk_band", "term",
    ]  # fmt: skip
    search_fields = ["pupil__upn", "pupil__surname", "pupil__forename"]
    list_select_related = ["pupil", "school"]


@admin.register(PupilWeek)
class PupilWeekAdmin(ReadOnlyAdmin):
    list_display = ["pupil", "school", "monday", "attended", "authorised", "unauthorised"]
    list_filter = ["school", "year_start"]
    search_fields = ["pupil__upn", "pupil__surname"]
    list_select_related = ["pupil", "school"]


@admin.register(PolicyConfig)
class PolicyConfigAdmin(admin.ModelAdmin):
    list_display = ["__str__", "school", "local_authority", "updated_at"]
    search_fields = ["school__name", "school__urn", "local_authority"]
    autocomplete_fields = ["school"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "kind", "stage_from", "stage_to", "action", "reasons", "note", "by_name",
        "by_position", "at", "on", "until",
    ]  # fmt: skip
    exclude = ["by"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["pupil", "school", "stage", "stage_since", "proposed_stage", "proposed_on"]
    list_filter = ["school", "stage", "proposed_stage"]
    search_fields = ["pupil__upn", "pupil__surname", "pupil__forename"]
    readonly_fields = [
        "school", "pupil", "stage", "stage_since", "stage_attended", "stage_possible",
        "proposed_stage", "proposed_action", "proposed_reasons", "proposed_on",
    ]  # fmt: skip
    inlines = [CaseEventInline]
    list_select_related = ["pupil", "school"]


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["kind", "pupil", "school", "key", "due_on", "status", "raised_at"]
    list_filter = ["kind", "status", "school"]
    search_fields = ["pupil__upn", "pupil__surname", "pupil__forename", "key"]
    readonly_fields = ["kind", "school", "pupil", "key", "due_on", "details", "raised_at"]
    list_select_related = ["pupil", "school"]
    date_hierarchy = "due_on"
