"""The admin: terms editable and validated; notices shown, acted on only through the
services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from penalties.models import PenaltyNotice, PenaltyTermsConfig, PNStatus
from penalties.services.notices import alternative_record
from penalties.services.nti import nti_open
from tests.penalties.helpers import issued, requested

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def rows(letterhead, family, lead):
    nti_open(school=letterhead, pupil=family.c1, user=lead, today=D("2025-01-13"))
    alternative_record(
        school=letterhead, pupil=family.c2, kind="early_help", note="Referred.", user=lead,
        today=D("2025-01-13"),
    )  # fmt: skip
    return [
        *issued(letterhead, family.c1, [family.p1], D("2025-01-13"), lead),
        *requested(letterhead, family.c2, [family.p1], D("2025-01-14"), lead),
    ]


@pytest.mark.parametrize(
    "model",
    ["penaltytermsconfig", "noticetoimprove", "penaltyrequest", "penaltynotice",
     "alternativeaction", "coveredsession", "interventionevent"],
)  # fmt: skip
def test_every_list_and_change_page_renders(client: Client, superuser, rows, model) -> None:
    client.force_login(superuser)
    assert client.get(reverse(f"admin:penalties_{model}_changelist")).status_code == 200
    obj = apps.get_model("penalties", model)._default_manager.first()
    assert client.get(reverse(f"admin:penalties_{model}_change", args=[obj.pk])).status_code == 200


def test_a_terms_row_is_validated(client: Client, superuser) -> None:
    client.force_login(superuser)
    response = client.post(
        reverse("admin:penalties_penaltytermsconfig_add"),
        {"local_authority": "Essex", "effective_from": "2025-09-01", "first_reduced_pence": "9000",
         "first_reduced_days": "21", "first_full_pence": "8000", "first_full_days": "28",
         "second_full_pence": "16000", "second_full_days": "28", "improvement_weeks": "6",
         "deemed_receipt_working_days": "2"},
    )  # fmt: skip
    assert (
        response.status_code == 200 and "reduced amount must be less" in response.content.decode()
    )
    assert not PenaltyTermsConfig.objects.filter(local_authority="Essex").exists()


def test_admin_actions_go_through_the_services(client: Client, superuser, rows) -> None:
    client.force_login(superuser)
    url = reverse("admin:penalties_penaltynotice_changelist")
    ids = [str(n.pk) for n in rows]
    client.post(url, {"action": "decline", "_selected_action": ids})
    client.post(url, {"action": "withdraw_errors", "_selected_action": ids})
    statuses = dict(PenaltyNotice.objects.values_list("pk", "status"))
    assert statuses == {rows[0].pk: PNStatus.WITHDRAWN, rows[1].pk: PNStatus.DECLINED}
    assert PenaltyNotice.objects.get(pk=rows[0].pk).withdrawal_ground == "errors"
