"""The Letters panel on the pupil page, and on the parent portal."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from absences.portal import PORTAL_PANELS, render_portal_panels
from escalation.panels import PUPIL_PANELS
from letters.models import Letter
from registers.models import Pupil, School, User

pytestmark = pytest.mark.django_db


def _pupil_page(school: School, pupil: Pupil) -> str:
    return reverse("dashboard_pupil", kwargs={"urn": school.urn, "pupil_id": pupil.pk})


def test_panels_are_registered() -> None:
    assert "letters" in PUPIL_PANELS and "letters" in PORTAL_PANELS


def test_the_pupil_page_lists_letters_with_a_write_link_for_the_lead(
    client: Client, lead: User, letterhead: School, pupil: Pupil, letter: Letter
) -> None:
    client.force_login(lead)
    content = client.get(_pupil_page(letterhead, pupil)).content
    assert b"Letters" in content and b"Alex Example" in content
    assert (
        reverse(
            "letters_pupil_write", kwargs={"urn": letterhead.urn, "pupil_id": pupil.pk}
        ).encode()
        in content
    )
    assert (
        reverse("letters_pdf", kwargs={"urn": letterhead.urn, "letter_id": letter.pk}).encode()
        in content
    )


def test_a_teacher_sees_letters_but_no_write_link(
    client: Client, teacher: User, letterhead: School, pupil: Pupil, letter: Letter
) -> None:
    client.force_login(teacher)
    content = client.get(_pupil_page(letterhead, pupil)).content
    assert b"Alex Example" in content and b"Write a letter" not in content


def test_the_portal_shows_a_parent_only_their_own_letters(
    rf: RequestFactory, ready_letters: list[Letter], pupil: Pupil
) -> None:
    mine, theirs = ready_letters
    request = rf.get("/parents/")
    html = render_portal_panels(request=request, guardian=mine.guardian, pupil=pupil)
    assert (
        reverse("letters_parent_pdf", kwargs={"urn": mine.school.urn, "letter_id": mine.pk}) in html
    )
    assert f"/{theirs.pk}.pdf" not in html
