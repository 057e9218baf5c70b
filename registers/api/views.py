"""The register's endpoints: schools, calendar, pupils, guardians, marks and the report.

Every view resolves the school of the URL through `api_school` with the capability it
declares; writes go through the same services as the register screens."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registers.api import serializers as s
from registers.api.access import api_school, token_of
from registers.api.idempotency import idempotent
from registers.models import (
    CalendarEntry,
    Enrolment,
    Guardian,
    Mark,
    MarkSource,
    Pupil,
    School,
    SchoolSession,
    Session,
)
from registers.permissions import Capability, schools_for
from registers.register_rules import Slot
from registers.reporting import attendance_report
from registers.selectors.marks import mark_history, pupils_at
from registers.services.corrections import mark_correct
from registers.services.register import RegisterConflict, register_save

MAX_ID = 2**31 - 1  # ids beyond any row: refused before they reach the database


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number from 1 to MAX_ID (400 otherwise, never a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def pupil_or_404(school: School, pupil_id: int) -> Pupil:
    if not 1 <= pupil_id <= MAX_ID:
        raise exceptions.NotFound("No such pupil at this school.")
    pupil = pupils_of(school).filter(pk=pupil_id).first()
    if pupil is None:
        raise exceptions.NotFound("No such pupil at this school.")
    return pupil


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Send the same key when retrying: the write happens once and a retry "
    "gets the first response. Reusing a key for a different body is refused (422).",
)


def django_errors(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's validation error as the API's 400 body."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {k: [str(m) for m in v] for k, v in error.message_dict.items()}
        )
    return exceptions.ValidationError({"detail": error.messages})


class SchoolScoped:
    """Mixin: `self.school` is the URL's school, checked for `capability` (per method
    in `capabilities`, else `capability`)."""

    capability: ClassVar[Capability] = Capability.VIEW_PUPILS
    capabilities: ClassVar[dict[str, Capability]] = {}
    school: School

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        needed = self.capabilities.get(request.method or "GET", self.capability)
        self.school = api_school(request, kwargs["urn"], needed)

    def fake(self) -> bool:
        """True while drf-spectacular inspects the view without a request's school."""
        return getattr(self, "swagger_fake_view", False)


# --- Schools and calendar ----------------------------------------------------------------


class SchoolList(generics.ListAPIView):
    """The schools the caller may see (a token: its own school)."""

    serializer_class = s.SchoolSerializer
    filter_backends: ClassVar[list] = []

    def get_queryset(self) -> QuerySet[School]:
        if self.fake():
            return School.objects.none()
        token = token_of(self.request)
        if token is not None:
            return School.objects.filter(pk=token.school_id).select_related("trust")
        return (
            schools_for(self.request.user, Capability.VIEW_SCHOOL)
            .select_related("trust")
            .order_by("urn")
        )

    def fake(self) -> bool:
        return getattr(self, "swagger_fake_view", False)


class SchoolDetail(SchoolScoped, generics.GenericAPIView):
    serializer_class = s.SchoolSerializer
    capability = Capability.VIEW_SCHOOL

    def get(self, request: Request, urn: str) -> Response:
        return Response(self.get_serializer(self.school).data)


class CalendarList(SchoolScoped, generics.ListAPIView):
    """The school's calendar entries: terms, holidays, INSET days, closures."""

    serializer_class = s.CalendarEntrySerializer
    capability = Capability.VIEW_SCHOOL
    filter_backends: ClassVar[list] = []

    def get_queryset(self) -> QuerySet[CalendarEntry]:
        if self.fake():
            return CalendarEntry.objects.none()
        return CalendarEntry.objects.filter(school=self.school).order_by("start_date", "pk")


class SessionFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = SchoolSession
        fields = ["session"]


class SessionList(SchoolScoped, generics.ListAPIView):
    """The sessions the school holds (a register is taken for each)."""

    serializer_class = s.SessionSerializer
    capability = Capability.VIEW_SCHOOL
    filterset_class = SessionFilter
    ordering_fields: ClassVar[list[str]] = ["date"]

    def get_queryset(self) -> QuerySet[SchoolSession]:
        if self.fake():
            return SchoolSession.objects.none()
        return (
            SchoolSession.objects.filter(school=self.school)
            .select_related("week")
            .order_by("date", "session")
        )


# --- Pupils and guardians -------------------------------------------------------------


class PupilFilter(django_filters.FilterSet):
    registration_group = django_filters.CharFilter()
    on_roll = django_filters.DateFilter(
        method="filter_on_roll", label="On roll on this date (YYYY-MM-DD)"
    )

    class Meta:
        model = Pupil
        fields = [
            "year_group", "fsm", "pupil_premium", "send", "eal", "cla", "social_worker",
            "young_carer", "upn",
        ]  # fmt: skip

    def filter_on_roll(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(admission_date__lte=value).exclude(leaving_date__lt=value)


def pupils_of(school: School) -> QuerySet[Pupil]:
    """Every pupil ever enrolled at the school, with their latest enrolment's group and
    dates."""
    latest = Enrolment.objects.filter(school=school, pupil=OuterRef("pk")).order_by(
        "-admission_date"
    )
    return pupils_at(school).annotate(
        registration_group=Subquery(latest.values("registration_group")[:1]),
        admission_date=Subquery(latest.values("admission_date")[:1]),
        leaving_date=Subquery(latest.values("leaving_date")[:1]),
    )


class PupilList(SchoolScoped, generics.ListAPIView):
    """Pupils ever on roll, with cohort flags. Filter by year, group, flags, on-roll date."""

    serializer_class = s.PupilSerializer
    filterset_class = PupilFilter
    ordering_fields: ClassVar[list[str]] = ["surname", "forename", "upn", "year_group", "id"]
    ordering: ClassVar[list[str]] = ["surname", "forename", "id"]

    def get_queryset(self) -> QuerySet[Pupil]:
        return Pupil.objects.none() if self.fake() else pupils_of(self.school)


class PupilDetail(SchoolScoped, generics.RetrieveAPIView):
    serializer_class = s.PupilSerializer
    lookup_url_kwarg = "pupil_id"

    def get_queryset(self) -> QuerySet[Pupil]:
        return Pupil.objects.none() if self.fake() else pupils_of(self.school)

    def get_object(self) -> Pupil:
        return pupil_or_404(self.school, self.kwargs["pupil_id"])


class GuardianList(SchoolScoped, generics.ListAPIView):
    """A pupil's parents and carers in contact order (staff and read tokens only)."""

    serializer_class = s.GuardianSerializer
    filter_backends: ClassVar[list] = []

    def get_queryset(self) -> QuerySet[Guardian]:
        if self.fake():
            return Guardian.objects.none()
        pupil = pupil_or_404(self.school, self.kwargs["pupil_id"])
        links = pupil.guardian_links.filter(guardian=OuterRef("pk"))
        return (
            Guardian.objects.filter(pupil_links__pupil=pupil)
            .annotate(
                relationship=Subquery(links.values("relationship")[:1]),
                parental_responsibility=Subquery(links.values("parental_responsibility")[:1]),
                lives_with=Subquery(links.values("lives_with")[:1]),
                priority=Subquery(links.values("priority")[:1]),
            )
            .order_by("priority", "name")
        )


# --- Marks --------------------------------------------------------------------------------


class MarkFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    pupil = IdFilter(field_name="pupil_id")
    code = django_filters.CharFilter(field_name="code_id")

    class Meta:
        model = Mark
        fields = ["session"]


class MarkListCreate(SchoolScoped, generics.ListAPIView):
    """GET: marks, filtered by dates, pupil, session and code. POST: record or amend one
    session's mark with a reason, audited like a correction on the register screens."""

    serializer_class = s.MarkSerializer
    filterset_class = MarkFilter
    ordering_fields: ClassVar[list[str]] = ["date", "pupil"]
    ordering: ClassVar[list[str]] = ["date", "session", "pupil_id"]
    capabilities: ClassVar[dict[str, Capability]] = {"POST": Capability.CORRECT_MARKS}

    def get_queryset(self) -> QuerySet[Mark]:
        if self.fake():
            return Mark.objects.none()
        return Mark.objects.filter(school=self.school).select_related("pupil")

    @extend_schema(
        request=s.MarkWriteSerializer,
        responses={201: s.WriteResultSerializer, 200: s.WriteResultSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, urn: str) -> Response:
        return idempotent(request, lambda: self._write(request))

    def _write(self, request: Request) -> Response:
        form = s.MarkWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        pupil = pupil_or_404(self.school, data["pupil"])
        try:
            result = mark_correct(
                school=self.school,
                pupil=pupil,
                day=data["date"],
                session=data["session"],
                code=data["code"],
                reason=data["reason"],
                user=request.user,
                minutes_late=data.get("minutes_late"),
            )
        except DjangoValidationError as error:
            raise django_errors(error) from error
        body = {
            "created": len(result.created),
            "changed": len(result.changed),
            "unchanged": result.unchanged,
        }
        return Response(
            body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class RegisterWrite(SchoolScoped, APIView):
    """Save a whole register (one group, one session) as the register screen does: all or
    nothing, refused with 409 when marks changed since the caller's baseline."""

    capability = Capability.TAKE_REGISTER

    @extend_schema(
        request=s.RegisterWriteSerializer,
        responses={
            200: s.WriteResultSerializer,
            409: inline_serializer(
                "RegisterConflictBody",
                {"detail": serializers.CharField(), "conflicts": s.ConflictSerializer(many=True)},
            ),
        },
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, urn: str) -> Response:
        return idempotent(request, lambda: self._write(request))

    def _write(self, request: Request) -> Response:
        form = s.RegisterWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        entries = {m["pupil"]: Slot(m["code"], m.get("minutes_late")) for m in data["marks"]}
        if "baseline" in data:
            baseline = {
                b["pupil"]: Slot(b["code"], b.get("minutes_late")) if b["code"] else None
                for b in data["baseline"]
            }
        else:
            stored = Mark.objects.filter(
                school=self.school,
                date=data["date"],
                session=data["session"],
                pupil_id__in=list(entries),
            ).values_list("pupil_id", "code_id", "minutes_late")
            baseline = {pid: Slot(code, late) for pid, code, late in stored}
        try:
            result = register_save(
                school=self.school,
                group=data["registration_group"],
                day=data["date"],
                session=data["session"],
                entries=entries,
                baseline=baseline,
                user=request.user,
                source=MarkSource.API,
            )
        except RegisterConflict as conflict:
            return Response(
                {
                    "detail": "Nothing was saved: these marks changed since your baseline.",
                    "conflicts": [
                        {
                            "pupil": c.pupil_id,
                            "stored_code": c.theirs.code if c.theirs else None,
                            "stored_by": c.theirs_by,
                            "submitted_code": c.mine.code,
                        }
                        for c in conflict.conflicts
                    ],
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as error:
            raise django_errors(error) from error
        written = result.written
        return Response(
            {
                "created": len(written.created),
                "changed": len(written.changed),
                "unchanged": written.unchanged,
            }
        )


class MarkHistoryView(SchoolScoped, APIView):
    """One session's mark for one pupil: the original entry and every amendment."""

    @extend_schema(
        parameters=[
            OpenApiParameter("pupil", int, required=True),
            OpenApiParameter("date", OpenApiTypes.DATE, required=True),
            OpenApiParameter("session", str, enum=["AM", "PM"], required=True),
        ],
        responses=s.HistoryEntrySerializer(many=True),
    )
    def get(self, request: Request, urn: str) -> Response:
        form = inline_query(request)
        pupil = pupil_or_404(self.school, form["pupil"])
        history = mark_history(
            school=self.school, pupil=pupil, day=form["date"], session=form["session"]
        )
        return Response(
            [
                {
                    "label": e.label,
                    "previous_code": e.previous.code if e.previous else None,
                    "code": e.code.code,
                    "minutes_late": e.minutes_late,
                    "at": e.at,
                    "by_name": e.by_name,
                    "by_position": e.by_position,
                    "reason": e.reason,
                    "source": e.source,
                }
                for e in history.entries
            ]
        )


class _HistoryQuery(serializers.Serializer):
    pupil = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    date = serializers.DateField()
    session = serializers.ChoiceField(choices=Session.choices)


def inline_query(request: Request) -> dict[str, Any]:
    form = _HistoryQuery(data=request.query_params)
    form.is_valid(raise_exception=True)
    return dict(form.validated_data)


# --- The contract's attendance report ------------------------------------------------------


class _ReportQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="Defaults to today.")


class AttendanceReport(SchoolScoped, APIView):
    """The attendance report of the data-exchange contract, as JSON (year to `as_of`)."""

    @extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="Defaults to today.")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, urn: str) -> Response:
        form = _ReportQuery(data=request.query_params)
        form.is_valid(raise_exception=True)
        as_of = form.validated_data.get("as_of") or timezone.localdate()
        return Response(attendance_report(school=self.school, as_of=as_of))
