"""The escalation admin pages open, search and filter for a superuser."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from escalation.models import Case, Duty, PolicyConfig, PupilStatus, PupilWeek
from tests.escalation.factories import escalation_rows
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
MODELS = [PupilStatus, PupilWeek, PolicyConfig, Case, Duty]


@pytest.fixture
def admin_client(client: Client, superuser, school) -> Client:
    escalation_rows(
        school=school, pupil=PupilFactory(school=school, surname="Abbot"), user=superuser
    )
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_every_escalation_page_opens(admin_client: Client, model) -> None:
    assert model in admin.site._registry
    name = f"admin:escalation_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{name}_changelist"), {"q": "Abbot"}).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200


def test_derived_rows_cannot_be_added_by_hand(admin_client: Client) -> None:
    assert admin_client.get(reverse("admin:escalation_pupilstatus_add")).status_code == 403
