"""Absence reports through the API: a parent app passes on a report (validated exactly as
the public form validates it; the answer never says whether the child exists), and staff
or read tokens list the reports and their outcome."""

from __future__ import annotations

from typing import ClassVar

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from absences.forms import ReportForm
from absences.models import AbsenceReport, PartOfDay, Reason
from absences.services.reports import report_submit
from registers.api.idempotency import idempotent
from registers.api.views import IDEMPOTENCY_PARAMETER, IdFilter, SchoolScoped
from registers.permissions import Capability


class ReportInSerializer(serializers.Serializer):
    """The public form's fields (the same limits apply)."""

    child_name = serializers.CharField(max_length=120)
    child_date_of_birth = serializers.DateField()
    child_class = serializers.CharField(max_length=40)
    reporter_name = serializers.CharField(max_length=120)
    reporter_relationship = serializers.CharField(max_length=60)
    reporter_phone = serializers.CharField(max_length=30)
    reporter_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    reason = serializers.ChoiceField(choices=Reason.choices)
    details = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    first_day = serializers.DateField()
    expected_return = serializers.DateField(required=False, allow_null=True)
    part_of_day = serializers.ChoiceField(
        choices=PartOfDay.choices, required=False, allow_blank=True
    )


class ReportOutSerializer(serializers.ModelSerializer):
    pupil = serializers.IntegerField(source="pupil_id", allow_null=True, read_only=True)

    class Meta:
        model = AbsenceReport
        fields = [
            "reference", "channel", "submitted_at", "status", "pupil", "reason",
            "first_day", "expected_return", "part_of_day", "code", "processed_at",
        ]  # fmt: skip


class ReportFilter(django_filters.FilterSet):
    pupil = IdFilter(field_name="pupil_id")

    class Meta:
        model = AbsenceReport
        fields = ["status", "reason"]


class AbsenceReports(SchoolScoped, generics.ListAPIView):
    """GET: the school's absence reports (staff and read tokens). POST: pass on a parent's
    report; it joins the office's queue to be matched, and the answer is its reference."""

    serializer_class = ReportOutSerializer
    filterset_class = ReportFilter
    ordering_fields: ClassVar[list[str]] = ["submitted_at", "first_day"]
    ordering: ClassVar[list[str]] = ["-submitted_at"]
    capabilities: ClassVar[dict[str, Capability]] = {
        "GET": Capability.VIEW_PUPILS,
        "POST": Capability.REPORT_ABSENCES,
    }

    def get_queryset(self) -> QuerySet[AbsenceReport]:
        if getattr(self, "swagger_fake_view", False):
            return AbsenceReport.objects.none()
        return AbsenceReport.objects.filter(school=self.school)

    @extend_schema(
        request=ReportInSerializer,
        responses={
            201: inline_serializer(
                "AbsenceReportReceived",
                {"reference": serializers.CharField(), "status": serializers.CharField()},
            )
        },
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, urn: str) -> Response:
        return idempotent(request, lambda: self._submit(request))

    def _submit(self, request: Request) -> Response:
        shape = ReportInSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        form = ReportForm(
            data={k: v for k, v in request.data.items() if k != "website"},
            today=timezone.localdate(),
        )
        if not form.is_valid():
            raise serializers.ValidationError(
                {k: [str(m) for m in v] for k, v in form.errors.items()}
            )
        report = report_submit(school=self.school, fields=form.fields_value())
        return Response(
            {"reference": report.reference, "status": "received"}, status=status.HTTP_201_CREATED
        )
