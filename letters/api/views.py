"""Letters through the API, read-only: what was sent to whom and when, and the PDF as
stored (served only while its checksum matches the record)."""

from __future__ import annotations

from typing import ClassVar

import django_filters
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from letters.models import Letter
from letters.views.common import get_letter, pdf_response
from registers.api.views import MAX_ID, IdFilter, SchoolScoped


class LetterSerializer(serializers.ModelSerializer):
    pupil = serializers.IntegerField(source="pupil_id", read_only=True)
    guardian = serializers.IntegerField(source="guardian_id", read_only=True, allow_null=True)
    sha256 = serializers.CharField(read_only=True)

    class Meta:
        model = Letter
        fields = [
            "id", "pupil", "guardian", "kind", "as_at", "letter_date", "template_version",
            "status", "pages", "rendered_at", "email_status", "emailed_at", "created_at",
            "created_by_name", "sha256",
        ]  # fmt: skip


class LetterFilter(django_filters.FilterSet):
    pupil = IdFilter(field_name="pupil_id")
    date_from = django_filters.DateFilter(field_name="letter_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="letter_date", lookup_expr="lte")

    class Meta:
        model = Letter
        fields = ["kind", "status"]


class LetterList(SchoolScoped, generics.ListAPIView):
    """Letters written at the school, newest first; filter by pupil, kind, status, dates."""

    serializer_class = LetterSerializer
    filterset_class = LetterFilter
    ordering_fields: ClassVar[list[str]] = ["letter_date", "created_at", "id"]
    ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[Letter]:
        if getattr(self, "swagger_fake_view", False):
            return Letter.objects.none()
        return Letter.objects.filter(school=self.school)


class LetterPdf(SchoolScoped, APIView):
    """The letter's stored PDF (`application/pdf`), with its SHA-256 in `X-Content-SHA256`."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, urn: str, letter_id: int) -> HttpResponse:
        if not 1 <= letter_id <= MAX_ID:
            raise exceptions.NotFound("No such letter.")
        try:
            return pdf_response(get_letter(self.school, letter_id), inline=False)
        except Http404 as missing:
            raise exceptions.NotFound(str(missing)) from missing
