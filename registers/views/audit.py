"""The access audit for the headteacher: who viewed or exported pupil-level data, when."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from registers.models import AccessEvent, AccessKind, School
from registers.permissions import Capability
from registers.views.access import school_view


class AuditFilterForm(forms.Form):
    person = forms.CharField(required=False, max_length=100, label="Person")
    pupil = forms.CharField(required=False, max_length=100, label="Pupil (name or UPN)")
    kind = forms.ChoiceField(required=False, choices=[("", "Any"), *AccessKind.choices])
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The 'from' date must be on or before the 'to' date.")
        return data


def audit_events(*, school: School, data: dict) -> QuerySet[AccessEvent]:
    events = AccessEvent.objects.filter(school=school).select_related("pupil")
    if data.get("person"):
        events = events.filter(user_name__icontains=data["person"])
    if data.get("pupil"):
        term = data["pupil"]
        events = events.filter(
            Q(pupil__surname__icontains=term)
            | Q(pupil__forename__icontains=term)
            | Q(pupil__upn=term)
        )
    if data.get("kind"):
        events = events.filter(kind=data["kind"])
    if data.get("start"):
        events = events.filter(at__date__gte=data["start"])
    if data.get("end"):
        events = events.filter(at__date__lte=data["end"])
    return events


@require_GET
@school_view(Capability.MANAGE_SCHOOL)
def access_audit(request: HttpRequest, school: School) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(audit_events(school=school, data=data), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registers/access_audit.html",
        {"school": school, "form": form, "page": page, "query": query.urlencode()},
    )


urlpatterns: list[URLPattern] = [
    path("audit/", access_audit, name="access_audit"),
]
