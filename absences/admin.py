"""Admin for support staff: reports, leave requests, calls and settings, mostly read-only.

Marks are never edited here: codes change only through `marks_write`.
"""

from __future__ import annotations

from django.contrib import admin

from absences.models import AbsenceReport, AbsenceSettings, CallAttempt, LeaveAdult, LeaveRequest


@admin.register(AbsenceSettings)
class AbsenceSettingsAdmin(admin.ModelAdmin):
    list_display = ["school", "calling_time"]


@admin.register(AbsenceReport)
class AbsenceReportAdmin(admin.ModelAdmin):
    list_display = ["reference", "school", "child_name", "reason", "first_day", "status"]
    list_filter = ["status", "reason", "channel"]
    search_fields = ["reference", "child_name", "reporter_name"]
    readonly_fields = ["reference", "submitted_at", "pupil", "guardian", "processed_by", "marks"]
    list_select_related = ["school"]


class LeaveAdultInline(admin.TabularInline):
    model = LeaveAdult
    extra = 0


@admin.register(LeaveRequest)
class LeaveRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "school", "pupil", "start_date", "end_date", "status"]
    list_filter = ["status"]
    search_fields = ["reference", "pupil__surname"]
    readonly_fields = ["reference", "submitted_at", "pupil", "requested_by", "decided_by", "marks"]
    list_select_related = ["school", "pupil"]
    inlines = [LeaveAdultInline]


@admin.register(CallAttempt)
class CallAttemptAdmin(admin.ModelAdmin):
    list_display = ["date", "school", "pupil", "outcome", "made_by_name", "made_at"]
    list_filter = ["outcome"]
    readonly_fields = ["pupil", "guardian", "made_by"]
    list_select_related = ["school", "pupil"]
