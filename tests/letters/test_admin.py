"""The letters admin: every page opens for a superuser; records cannot be changed."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from letters.models import Letter, LetterBatch, LetterSettings, LetterTemplate
from letters.services import letter_batch_create, letter_template_save
from tests.letters.factories import AS_OF

pytestmark = pytest.mark.django_db

MODELS = [Letter, LetterBatch, LetterTemplate, LetterSettings]


@pytest.fixture
def rows(letterhead, pupil, lead, django_capture_on_commit_callbacks):
    letter_template_save(school=letterhead, kind="lateness", subject="S", body="B", user=lead)
    LetterSettings.objects.create(school=letterhead)
    with django_capture_on_commit_callbacks(execute=True):
        letter_batch_create(
            school=letterhead, kind="lateness", as_at=AS_OF, pupils=[pupil], created_by=lead
        )
    return {model: model.objects.first() for model in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_admin_page_opens(client: Client, superuser, rows, model) -> None:
    client.force_login(superuser)
    label = f"admin:letters_{model._meta.model_name}"
    assert client.get(reverse(f"{label}_changelist")).status_code == 200
    assert client.get(reverse(f"{label}_change", args=[rows[model].pk])).status_code == 200


def test_letters_are_read_only(rf, superuser) -> None:
    request = rf.get("/")
    request.user = superuser
    model_admin = admin.site._registry[Letter]
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
