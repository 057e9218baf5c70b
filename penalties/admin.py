"""Admin for legal interventions. The terms are configuration and editable (validated by
`PenaltyTermsConfig.clean`). Notices are legal records: the admin shows them and acts on
them only through the services, so it can never add a notice round the 3-year limit."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from penalties.models import (
    AlternativeAction,
    CoveredSession,
    InterventionEvent,
    NoticeToImprove,
    PenaltyNotice,
    PenaltyRequest,
    PenaltyTermsConfig,
    PNStatus,
    WithdrawalGround,
)
from penalties.services.notices import penalty_decline, penalty_withdraw


@admin.register(PenaltyTermsConfig)
class PenaltyTermsConfigAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "effective_from", "first_reduced_pence", "first_full_pence",
        "second_full_pence", "improvement_weeks", "deemed_receipt_working_days",
    ]  # fmt: skip
    list_filter = ["local_authority"]
    search_fields = ["school__name", "school__urn", "local_authority"]
    autocomplete_fields = ["school"]


class RecordAdmin(admin.ModelAdmin):
    """Shown, never added, edited or deleted here: the services write these rows."""

    list_select_related = ["pupil", "school"]
    search_fields = ["pupil__upn", "pupil__surname", "pupil__forename"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(NoticeToImprove)
class NoticeToImproveAdmin(RecordAdmin):
    list_display = ["pupil", "school", "status", "issued_on", "period_start", "period_end"]
    list_filter = ["status", "school"]


@admin.register(PenaltyRequest)
class PenaltyRequestAdmin(RecordAdmin):
    list_display = ["pupil", "school", "status", "requested_on", "offence_start", "offence_end"]
    list_filter = ["status", "school"]


@admin.register(PenaltyNotice)
class PenaltyNoticeAdmin(RecordAdmin):
    list_display = [
        "pupil", "guardian", "school", "status", "requested_on", "issued_on", "full_by",
        "paid_on", "withdrawn_on",
    ]  # fmt: skip
    list_filter = ["status", "school"]
    search_fields = [*RecordAdmin.search_fields, "guardian__name", "la_reference"]
    list_select_related = ["pupil", "school", "guardian"]
    actions = ["decline", "withdraw_errors"]

    def _each(self, request: HttpRequest, queryset: QuerySet, act, note: str) -> None:
        done = 0
        for notice in queryset:
            try:
                act(notice=notice, note=note, user=request.user, today=timezone.localdate())
            except ValidationError as error:
                self.message_user(request, f"{notice}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} notice(s) updated.", messages.SUCCESS)

    @admin.action(description="Record as not issued by the local authority", permissions=["view"])
    def decline(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(
            request,
            queryset.filter(status=PNStatus.REQUESTED),
            penalty_decline,
            "Recorded in the admin as not issued by the local authority.",
        )

    @admin.action(description="Withdraw: it contains material errors", permissions=["view"])
    def withdraw_errors(self, request: HttpRequest, queryset: QuerySet) -> None:
        def withdraw(*, notice, note, user, today):
            return penalty_withdraw(
                notice=notice,
                ground=WithdrawalGround.MATERIAL_ERRORS,
                note=note,
                withdrawn_on=today,
                user=user,
                today=today,
            )

        self._each(request, queryset, withdraw, "Withdrawn in the admin: material errors.")


@admin.register(AlternativeAction)
class AlternativeActionAdmin(RecordAdmin):
    list_display = ["pupil", "school", "kind", "guardian", "decided_on"]
    list_filter = ["kind", "school"]


@admin.register(CoveredSession)
class CoveredSessionAdmin(RecordAdmin):
    list_display = ["pupil", "school", "date", "session", "code", "nti", "request"]
    list_filter = ["school"]


@admin.register(InterventionEvent)
class InterventionEventAdmin(RecordAdmin):
    list_display = ["pupil", "school", "action", "on", "by_name", "at"]
    list_filter = ["action", "school"]
