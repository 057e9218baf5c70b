"""Pupil status (with the flags of the dashboard) and cases, read-only."""

from __future__ import annotations

from typing import ClassVar

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from escalation.dashboard.flags import FLAGS, FLAGS_BY_SLUG, annotated, flag_counts
from escalation.models import Case, CaseEvent, PupilStatus
from registers.api.views import IdFilter, SchoolScoped

STATUS_FIELDS = [
    "pupil", "upn", "as_of", "computed_at", "academic_year",
    "possible", "attended", "authorised", "unauthorised", "attendance_rate",
    "persistent_absence", "severe_absence",
    "late_before_close_half_term", "late_after_close_half_term",
    "late_before_close_year", "late_after_close_year", "illness_year",
    "threshold_sessions_in_window", "threshold_window_start", "threshold_window_end",
    "threshold_met_now", "threshold_provisional", "threshold_first_met_on",
    "threshold_met_dates", "threshold_sessions_to_meet", "threshold_spans_move",
    "threshold_episode_met", "threshold_episode_met_on", "threshold_episode_provisional",
    "threshold_episode_window_start", "threshold_episode_window_end",
    "threshold_episode_sessions", "threshold_episode_sessions_to_meet",
    "threshold_decision_withdrawn",
    "local_threshold_label", "local_threshold_sessions_in_window", "local_threshold_met_now",
    "absence_sessions_to_pa", "projected_attendance_rate", "term",
    "term_absence_sessions", "risk_band", "support_tier",
]  # fmt: skip


class StatusSerializer(serializers.ModelSerializer):
    pupil = serializers.IntegerField(source="pupil_id", read_only=True)
    upn = serializers.CharField(source="pupil.upn", read_only=True)

    class Meta:
        model = PupilStatus
        fields = STATUS_FIELDS


class StatusFilter(django_filters.FilterSet):
    pupil = IdFilter(field_name="pupil_id")
    flag = django_filters.ChoiceFilter(
        choices=[(f.slug, f.label) for f in FLAGS],
        method="filter_flag",
        label="Only pupils with this dashboard flag (at its default N)",
    )

    class Meta:
        model = PupilStatus
        fields = ["persistent_absence", "severe_absence", "threshold_met_now", "risk_band"]

    def filter_flag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        flag = FLAGS_BY_SLUG[value]
        return queryset.filter(flag.where(flag.n_default, timezone.localdate()))


class StatusList(SchoolScoped, generics.ListAPIView):
    """Each pupil's stored status this year: figures, threshold, risk (see the dashboard)."""

    serializer_class = StatusSerializer
    filterset_class = StatusFilter
    ordering_fields: ClassVar[list[str]] = ["attendance_rate", "unauthorised", "pupil"]
    ordering: ClassVar[list[str]] = ["pupil_id"]

    def get_queryset(self) -> QuerySet[PupilStatus]:
        if getattr(self, "swagger_fake_view", False):
            return PupilStatus.objects.none()
        return annotated(self.school).select_related("pupil")


class FlagCounts(SchoolScoped, APIView):
    """How many pupils each dashboard flag holds now."""

    @extend_schema(
        responses=inline_serializer(
            "FlagCount",
            {
                "flag": serializers.CharField(),
                "label": serializers.CharField(),
                "pupils": serializers.IntegerField(),
            },
            many=True,
        )
    )
    def get(self, request: Request, urn: str) -> Response:
        counts = flag_counts(school=self.school, today=timezone.localdate())
        return Response(
            [{"flag": f.slug, "label": f.label, "pupils": counts[f.slug]} for f in FLAGS]
        )


class CaseEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = [
            "kind",
            "stage_to",
            "on",
            "action",
            "reasons",
            "note",
            "by_name",
            "by_position",
            "until",
        ]


class CaseSerializer(serializers.ModelSerializer):
    pupil = serializers.IntegerField(source="pupil_id", read_only=True)
    upn = serializers.CharField(source="pupil.upn", read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id", "pupil", "upn", "stage", "stage_since", "proposed_stage", "proposed_action",
            "proposed_reasons", "proposed_on", "snoozed_until", "events",
        ]  # fmt: skip


class CaseFilter(django_filters.FilterSet):
    pupil = IdFilter(field_name="pupil_id")
    stage = IdFilter(min_value=0, max_value=4)
    pending = django_filters.BooleanFilter(
        field_name="proposed_stage", lookup_expr="isnull", exclude=True, label="Has a proposal"
    )

    class Meta:
        model = Case
        fields = ["stage"]


class CaseList(SchoolScoped, generics.ListAPIView):
    """The escalation ladder's cases with their whole history."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    ordering_fields: ClassVar[list[str]] = ["stage", "proposed_on", "id"]
    ordering: ClassVar[list[str]] = ["-stage", "id"]

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return (
            Case.objects.filter(school=self.school)
            .select_related("pupil")
            .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.order_by("at", "pk")))
        )
