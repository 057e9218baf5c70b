"""Admin for letters: records are read-only (a sent letter is evidence); wording versions
are read-only too (a new version is saved from the school's wording page); settings
are editable."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from letters.models import Letter, LetterBatch, LetterNotWritten, LetterSettings, LetterTemplate


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "pupil", "guardian", "school", "letter_date", "status",
                    "email_status", "template_version"]  # fmt: skip
    list_filter = ["school", "kind", "status", "email_status"]
    search_fields = ["pupil__upn", "pupil__surname", "guardian__name"]
    list_select_related = ["pupil", "guardian", "school"]


@admin.register(LetterBatch)
class LetterBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "school", "created_at", "status", "letters_total",
                    "letters_rendered", "letters_failed"]  # fmt: skip
    list_filter = ["school", "kind", "status"]


@admin.register(LetterNotWritten)
class LetterNotWrittenAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "pupil", "school", "occasion", "created_at", "resolved_by",
                    "dismissed_at"]  # fmt: skip
    list_filter = ["school", "kind"]
    list_select_related = ["pupil", "school"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ReadOnlyAdmin):
    list_display = ["school", "kind", "version", "subject", "created_at", "created_by_name"]
    list_filter = ["school", "kind"]


@admin.register(LetterSettings)
class LetterSettingsAdmin(admin.ModelAdmin):
    list_display = ["school", "staff_contact_name", "signatory_name", "lateness_limit",
                    "lateness_period"]  # fmt: skip
