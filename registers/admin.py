"""Admin for every register model, so a school can fix its data from day one.

Marks are corrected through `mark_correct`, never edited in place here: the admin
shows them read-only with their history, because a register is a legal record.
Pupils, enrolments, marks and amendments are never deleted here either: a name leaves
the register only by a deletion on a regulation 9 ground (`pupil_delete_from_register`),
and records go only when the retention purge removes them (rules §5.3, §5.9).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from registers.models import (
    ApiToken,
    AttendanceCode,
    CalendarEntry,
    Enrolment,
    Guardian,
    Mark,
    MarkChange,
    Membership,
    Pupil,
    PupilGuardian,
    RegisterDeletion,
    RetentionPurge,
    School,
    SchoolSession,
    SchoolWeek,
    TokenScope,
    Trust,
    User,
)
from registers.services.api_tokens import api_token_create, api_token_revoke


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school", "trust"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "position", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Position", {"fields": ("position",)}))
    list_filter = ["is_active", "is_staff", "memberships__role"]


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    search_fields = ["name", "urn"]
    list_display = ["name", "urn", "phase", "trust", "local_authority"]
    list_filter = ["phase", "trust"]
    fieldsets = (
        (None, {"fields": ("urn", "name", "phase", "trust", "local_authority", "headteacher")}),
        ("Contact", {"fields": ("address", "postcode", "phone", "email")}),
        ("Register times", {"fields": (("am_opens", "am_closes"), ("pm_opens", "pm_closes"))}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: School | None = None) -> bool:
        # Deleting a school would take its enrolments with it: only an empty one may go.
        return (
            obj is not None
            and super().has_delete_permission(request, obj)
            and not obj.enrolments.exists()
            and not obj.marks.exists()
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school", "trust"]
    list_filter = ["role", "school"]
    search_fields = ["user__username", "user__last_name", "school__name"]
    autocomplete_fields = ["user", "school", "trust"]


@admin.register(CalendarEntry)
class CalendarEntryAdmin(admin.ModelAdmin):
    list_display = ["school", "kind", "start_date", "end_date", "sessions", "label"]
    list_filter = ["kind", "school"]
    search_fields = ["label", "school__name"]
    date_hierarchy = "start_date"

    def save_model(self, request: HttpRequest, obj: CalendarEntry, form, change: bool) -> None:
        from registers.services.calendar import calendar_rebuild

        super().save_model(request, obj, form, change)
        calendar_rebuild(school=obj.school)

    def delete_model(self, request: HttpRequest, obj: CalendarEntry) -> None:
        from registers.services.calendar import calendar_rebuild

        school = obj.school
        super().delete_model(request, obj)
        calendar_rebuild(school=school)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Derived or legal-record rows: visible, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SchoolSession)
class SchoolSessionAdmin(ReadOnlyAdmin):
    list_display = ["school", "date", "session", "week"]
    list_filter = ["school", "session"]
    date_hierarchy = "date"


@admin.register(SchoolWeek)
class SchoolWeekAdmin(ReadOnlyAdmin):
    list_display = ["school", "number", "monday", "session_count"]
    list_filter = ["school"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    can_delete = False


class PupilGuardianInline(admin.TabularInline):
    model = PupilGuardian
    extra = 0
    autocomplete_fields = ["guardian"]


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    search_fields = ["upn", "surname", "forename"]
    list_display = ["surname", "forename", "upn", "year_group", "date_of_birth"]
    list_filter = [
        "year_group",
        "enrolments__school",
        "fsm",
        "pupil_premium",
        "send",
        "eal",
        "cla",
        "social_worker",
        "young_carer",
    ]
    inlines = [EnrolmentInline, PupilGuardianInline]

    def has_delete_permission(self, request: HttpRequest, obj: Pupil | None = None) -> bool:
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["pupil", "school", "registration_group", "admission_date", "leaving_date"]
    list_filter = ["school", "registration_group"]
    search_fields = ["pupil__upn", "pupil__surname", "pupil__forename"]
    autocomplete_fields = ["pupil", "school"]

    def has_delete_permission(self, request: HttpRequest, obj: Enrolment | None = None) -> bool:
        return False


@admin.register(Guardian)
class GuardianAdmin(admin.ModelAdmin):
    search_fields = ["name", "email", "phone", "postcode"]
    list_display = ["name", "email", "phone", "postcode"]
    inlines = [PupilGuardianInline]
    autocomplete_fields = ["user"]


@admin.register(AttendanceCode)
class AttendanceCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "meaning", "category", "group"]
    list_filter = ["category", "group"]
    search_fields = ["code", "meaning"]


class MarkChangeInline(admin.TabularInline):
    model = MarkChange
    extra = 0
    can_delete = False
    fields = [
        "changed_at",
        "previous_code",
        "new_code",
        "reason",
        "changed_by_name",
        "changed_by_position",
        "source",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Mark)
class MarkAdmin(ReadOnlyAdmin):
    list_display = ["date", "session", "pupil", "code", "minutes_late", "source", "recorded_at"]
    list_filter = ["school", "session", "code__category", "source"]
    search_fields = ["pupil__upn", "pupil__surname"]
    date_hierarchy = "date"
    list_select_related = ["pupil", "code"]
    inlines = [MarkChangeInline]
    show_full_result_count = False


@admin.register(MarkChange)
class MarkChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "mark", "previous_code", "new_code", "changed_by_name", "source"]
    list_filter = ["source", "mark__school"]
    search_fields = ["mark__pupil__upn", "changed_by_name", "reason"]
    date_hierarchy = "changed_at"
    list_select_related = ["mark"]


@admin.register(RegisterDeletion)
class RegisterDeletionAdmin(ReadOnlyAdmin):
    """Made through the school's deletion page, which checks the ground; kept as made."""

    list_display = ["deletion_date", "pupil_name", "pupil_upn", "ground", "return_due"]
    list_filter = ["ground", "return_due", "enrolment__school"]
    search_fields = ["pupil_name", "pupil_upn"]
    date_hierarchy = "deletion_date"


@admin.register(RetentionPurge)
class RetentionPurgeAdmin(ReadOnlyAdmin):
    """The reports of the monthly retention purge and of `manage.py purge_retention`."""

    list_display = ["started_at", "finished_at", "dry_run", "register_cutoff", "audit_cutoff"]
    list_filter = ["dry_run"]


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = ApiToken
        fields = ["school", "name", "scopes"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created through `api_token_create` (the key is shown once, here) and
    revoked, never edited or deleted: the audit trail names them."""

    form = ApiTokenForm
    list_display = [
        "name",
        "school",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["school", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "school__name", "school__urn"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        if obj is None:
            return []
        return [
            "school",
            "name",
            "scopes",
            "prefix",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        if change:
            return  # nothing of a token is editable
        token, key = api_token_create(
            school=form.cleaned_data["school"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            created_by=request.user,
        )
        obj.pk = token.pk
        messages.warning(
            request,
            f"The key of {token.name}: {key} — copy it now; it will not be shown again.",
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset) -> None:
        for token in queryset:
            api_token_revoke(token=token)
        messages.success(request, f"Revoked {queryset.count()} token(s).")
