"""The register of legal interventions: filters, CSV, the trust's view, personas."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from registers.models import Role
from tests.penalties.helpers import issued, requested
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def url(letterhead) -> str:
    return reverse("penalties_register", kwargs={"urn": letterhead.urn})


@pytest.fixture
def notices(letterhead, family, lead):
    return [
        *issued(letterhead, family.c1, [family.p1, family.p2], D("2025-01-13"), lead),
        *requested(letterhead, family.c2, [family.p1], D("2025-03-03"), lead),
    ]


def test_the_lead_sees_and_filters_the_register(client: Client, lead, url, notices) -> None:
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert "3 interventions" in page and "One, Cara" in page and "One, Cody" in page
    page = client.get(url, {"status": "requested"}).content.decode()
    assert "1 intervention" in page and "One, Cara" not in page
    page = client.get(url, {"year_group": "4", "start": "2025-01-01", "end": "2025-01-31"})
    assert "2 interventions" in page.content.decode()


def test_csv_export_follows_the_filters(client: Client, lead, url, notices, letterhead) -> None:
    client.force_login(lead)
    response = client.get(url, {"kind": "penalty_notice", "status": "issued", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["School URN", "School", "UPN"]
    assert [(r[0], r[3], r[7], r[10]) for r in rows[1:]] == [
        (letterhead.urn, "One", "Issued", "160.00"),
        (letterhead.urn, "One", "Issued", "160.00"),
    ]


def test_a_trust_leader_sees_every_school_of_the_trust(
    client: Client, trust_leader, url, notices, sibling_school, lead
) -> None:
    from penalties.services.nti import nti_open

    nti_open(
        school=sibling_school,
        pupil=PupilFactory(school=sibling_school),
        user=lead,
        today=D("2025-02-03"),
    )
    client.force_login(trust_leader)
    assert "3 interventions" in client.get(url).content.decode()
    page = client.get(url, {"scope": "trust"}).content.decode()
    assert "4 interventions" in page and "Test School B" in page


def test_the_trust_scope_never_shows_another_trusts_school(
    client: Client, lead, url, notices, sibling_school
) -> None:
    """A school's lead holds no role at the sibling school: the trust scope is this school."""
    from penalties.services.nti import nti_open

    nti_open(
        school=sibling_school,
        pupil=PupilFactory(school=sibling_school),
        user=lead,
        today=D("2025-02-03"),
    )
    client.force_login(lead)
    page = client.get(url, {"scope": "trust"}).content.decode()
    assert "3 interventions" in page and "Test School B" not in page


@pytest.mark.parametrize("role", [Role.TEACHER, Role.OFFICE, Role.GOVERNOR])
def test_other_roles_get_404(client: Client, personas, url, role) -> None:
    client.force_login(personas[role])
    assert client.get(url).status_code == 404


def test_another_schools_head_gets_404(client: Client, outsider, url) -> None:
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2025-02-01", "end": "2025-01-01"}, "on or after"),
        ({"start": "yesterday"}, "valid date"),
    ],
)
def test_bad_filters_are_explained(client: Client, lead, url, notices, params, message) -> None:
    client.force_login(lead)
    response = client.get(url, params)
    assert response.status_code == 400 and message in response.content.decode()
