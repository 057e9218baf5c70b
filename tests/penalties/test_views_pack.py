"""The local authority referral pack: HTML, CSV and PDF of one pupil's record."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from absences.models import LeaveRequest
from escalation.models import PupilNote
from registers.models import Role
from tests.penalties.conftest import HOLIDAY, absent, decision
from tests.penalties.helpers import issued

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def url(letterhead, family, lead) -> str:
    absent(letterhead, family.c1, HOLIDAY)
    decision(letterhead, family.c1, lead)
    issued(letterhead, family.c1, [family.p1], D("2025-01-13"), lead)
    PupilNote.objects.create(
        school=letterhead, pupil=family.c1, recorded_by_name="Jo Officer",
        recorded_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC), kind="phone",
        occurred_on=D("2025-01-02"), with_whom="Pat One", body="Leave request refused.",
    )  # fmt: skip
    LeaveRequest.objects.create(
        school=letterhead, pupil=family.c1, requested_by=family.p1, reference="LV-0001",
        submitted_at=dt.datetime(2024, 12, 2, tzinfo=dt.UTC), start_date=HOLIDAY[0],
        end_date=HOLIDAY[-1], school_days=5, reason="Family wedding abroad.",
        signed_name="Pat One", status="refused", decision_reason="Not exceptional.",
        decided_by_name="Pat Head", decided_on=D("2024-12-04"),
    )  # fmt: skip
    return reverse("penalties_pack", kwargs={"urn": letterhead.urn, "pupil_id": family.c1.pk})


PERIOD = {"offence_start": "2024-09-01", "offence_end": "2025-01-31"}


def test_the_html_pack_shows_every_section(client: Client, lead, url) -> None:
    client.force_login(lead)
    page = client.get(url, PERIOD).content.decode()
    for section in ("Register", "Threshold decisions", "Letters sent", "Support plans",
                    "Contacts and notes", "Penalty notices", "Notices to improve"):  # fmt: skip
        assert f"<h2>{section}</h2>" in page
    assert "Leave request refused." in page and "A week&#x27;s holiday" in page


def test_the_csv_pack(client: Client, lead, url) -> None:
    client.force_login(lead)
    response = client.get(url, {**PERIOD, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    register = [r for r in rows if r and r[0] == "Register"]
    assert ["Register", "2025-01-06", "G", "G", ""] in register
    assert ["Register", "2025-01-13", "O", "", "yes"] in register  # the notice's session
    totals = next(r for r in rows if r and r[0] == "Register totals")
    assert totals[1:3] == ["2024-09-01", "2025-01-31"]
    leave = next(r for r in rows if r and r[0] == "Leave requests" and r[1] != "Requested by")
    assert leave[1:4] == ["Pat One", "2025-01-06", "2025-01-10"] and "Not exceptional." in leave
    notices = [r for r in rows if r and r[0] == "Penalty notices"]
    assert notices[0][1] == "Pat One" and notices[0][9] == "80.00"


def test_the_pdf_pack(client: Client, lead, url, family) -> None:
    client.force_login(lead)
    response = client.get(url, {**PERIOD, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Referral to the local authority" in text and family.c1.upn in text


def test_a_bad_period_is_explained(client: Client, lead, url) -> None:
    client.force_login(lead)
    response = client.get(url, {"offence_start": "2025-02-01", "offence_end": "2025-01-01"})
    assert response.status_code == 400 and "on or after its start" in response.content.decode()


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GOVERNOR])
def test_other_roles_get_404(client: Client, personas, url, role) -> None:
    client.force_login(personas[role])
    assert client.get(url).status_code == 404


def test_another_schools_head_gets_404(client: Client, outsider, url) -> None:
    client.force_login(outsider)
    assert client.get(url).status_code == 404
