"""The subject access export page: the headteacher reads what it holds, then downloads
the zip; nobody else at the school, nobody elsewhere, and nobody signed out gets either."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registers.models import AccessEvent, AccessKind, Pupil, Role, School, User
from tests.letters.factories import family
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(school: School) -> Pupil:
    return family(school, forename="Sam", surname="Example")


def _url(school: School, pupil: Pupil) -> str:
    return reverse("subject_access_export", kwargs={"urn": school.urn, "pupil_id": pupil.pk})


def test_the_head_sees_what_the_export_holds(
    client: Client, head: User, school: School, pupil: Pupil
) -> None:
    client.force_login(head)
    response = client.get(_url(school, pupil))
    assert response.status_code == 200
    for folder in ("registers/", "escalation/", "absences/", "letters/", "penalties/"):
        assert f"<code>{folder}</code>" in response.content.decode()
    assert b"Download the export" in response.content


def test_the_head_downloads_the_zip_and_it_is_audited_once(
    client: Client, head: User, school: School, pupil: Pupil
) -> None:
    client.force_login(head)
    response = client.post(_url(school, pupil))
    assert response.status_code == 200
    filename = f"sar-{pupil.upn}-{timezone.localdate().isoformat()}.zip"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert {"README.txt", "manifest.json", "registers/pupil.json"} <= set(archive.namelist())
    event = AccessEvent.objects.get()
    assert (event.user, event.school, event.pupil, event.kind) == (
        head, school, pupil, AccessKind.EXPORT,
    )  # fmt: skip
    assert event.detail == f"Subject access export {filename}"
    assert event.path == _url(school, pupil)


@pytest.mark.parametrize(
    "role", [Role.TEACHER, Role.OFFICE, Role.GOVERNOR, Role.ATTENDANCE_LEAD, Role.TRUST_LEADER]
)
def test_it_refuses_everyone_but_the_head(
    client: Client, personas: dict[Role, User], role: Role, school: School, pupil: Pupil
) -> None:
    client.force_login(personas[role])
    assert client.get(_url(school, pupil)).status_code == 404
    assert client.post(_url(school, pupil)).status_code == 404
    assert not AccessEvent.objects.exists()


def test_it_refuses_another_schools_head(
    client: Client, outsider: User, school: School, pupil: Pupil
) -> None:
    client.force_login(outsider)
    assert client.post(_url(school, pupil)).status_code == 404


def test_it_refuses_a_pupil_who_was_never_at_the_school(
    client: Client, head: User, school: School, other_school: School
) -> None:
    elsewhere = PupilFactory(school=other_school)
    client.force_login(head)
    assert client.get(_url(school, elsewhere)).status_code == 404
    assert client.post(_url(school, elsewhere)).status_code == 404


def test_it_sends_the_signed_out_to_sign_in(client: Client, school: School, pupil: Pupil) -> None:
    for response in (client.get(_url(school, pupil)), client.post(_url(school, pupil))):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_pupil_page_links_to_it_for_the_head_only(
    client: Client, head: User, lead: User, school: School, pupil: Pupil
) -> None:
    page = reverse("dashboard_pupil", kwargs={"urn": school.urn, "pupil_id": pupil.pk})
    client.force_login(head)
    assert _url(school, pupil) in client.get(page).content.decode()
    client.force_login(lead)
    assert _url(school, pupil) not in client.get(page).content.decode()
