"""The admin pages of the absences app open for a superuser."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from absences.models import AbsenceSettings, CallAttempt
from tests.absences.factories import AbsenceReportFactory, LeaveAdultFactory, LeaveRequestFactory

pytestmark = pytest.mark.django_db
MODELS = [m for m in admin.site._registry if m._meta.app_label == "absences"]


@pytest.fixture
def rows(school, family, office):
    AbsenceSettings.objects.create(school=school)
    report = AbsenceReportFactory(school=school, pupil=family.children[0])
    leave = LeaveRequestFactory(
        school=school, pupil=family.children[0], requested_by=family.guardian
    )
    LeaveAdultFactory(leave_request=leave)
    call = CallAttempt.objects.create(
        school=school,
        pupil=family.children[0],
        date=timezone.localdate(),
        outcome="no_answer",
        made_by=office,
        made_at=timezone.now(),
    )
    return {"absencereport": report, "leaverequest": leave, "callattempt": call}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_every_page_opens(client: Client, superuser, rows, model) -> None:
    client.force_login(superuser)
    name = f"admin:absences_{model._meta.model_name}"
    assert client.get(reverse(f"{name}_changelist")).status_code == 200
    row = rows.get(model._meta.model_name) or model.objects.first()
    assert client.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200
