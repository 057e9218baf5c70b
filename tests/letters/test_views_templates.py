"""The wording list, editing with preview, the live preview partial: MANAGE_CASES."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import LetterTemplate
from registers.models import School, User

pytestmark = pytest.mark.django_db


def _edit(school: School, kind: str = "lateness") -> str:
    return reverse("letters_template_edit", kwargs={"urn": school.urn, "kind": kind})


def _preview(school: School, kind: str = "lateness") -> str:
    return reverse("letters_template_preview", kwargs={"urn": school.urn, "kind": kind})


def test_the_list_shows_every_kind(client: Client, lead: User, school: School) -> None:
    client.force_login(lead)
    response = client.get(reverse("letters_templates", kwargs={"urn": school.urn}))
    assert response.status_code == 200
    assert b"Notice to improve" in response.content and b"Built-in" in response.content


def test_saving_makes_a_new_version(client: Client, lead: User, school: School) -> None:
    client.force_login(lead)
    page = client.get(_edit(school))
    assert page.status_code == 200 and b"{{ late_count }}" in page.content
    response = client.post(
        _edit(school),
        {"subject": "Punctuality: {{ pupil_name }}", "body": "{{ late_count }} times.", "save": ""},
    )
    assert response.status_code == 302
    assert LetterTemplate.objects.get(school=school, kind="lateness").version == 1


def test_an_unknown_field_is_refused_at_save(client: Client, lead: User, school: School) -> None:
    client.force_login(lead)
    response = client.post(
        _edit(school), {"subject": "S", "body": "Dear {{ mum_name }}", "save": ""}
    )
    assert response.status_code == 400
    assert "“{{ mum_name }}” is not a merge field".encode() in response.content
    assert not LetterTemplate.objects.exists()


def test_the_preview_button_works_without_javascript(
    client: Client, lead: User, school: School
) -> None:
    client.force_login(lead)
    response = client.post(
        _edit(school),
        {
            "subject": "About {{ pupil_name }}",
            "body": "{{ pupil_forename }} was late.",
            "preview": "",
        },
    )
    assert response.status_code == 200 and b"Sam was late." in response.content
    assert not LetterTemplate.objects.exists()


def test_the_live_preview_partial(client: Client, lead: User, school: School) -> None:
    client.force_login(lead)
    good = client.post(_preview(school), {"subject": "S", "body": "- {{ attendance_rate }}%\n- b"})
    assert good.status_code == 200 and b"<li>91.3%</li>" in good.content
    bad = client.post(_preview(school), {"subject": "S", "body": "{{ nope }}"})
    assert b"cannot be used yet" in bad.content and b"nope" in bad.content


def test_an_unknown_kind_is_not_found(client: Client, lead: User, school: School) -> None:
    client.force_login(lead)
    assert client.get(_edit(school, "sonnet")).status_code == 404
    assert client.post(_preview(school, "sonnet"), {}).status_code == 404


@pytest.mark.parametrize("persona", ["teacher", "office", "governor", "outsider"])
def test_others_cannot_edit_wording(client: Client, persona: str, request, school: School) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_edit(school)).status_code == 404
    assert client.post(_preview(school), {"subject": "S", "body": "B"}).status_code == 404
    assert client.get(reverse("letters_templates", kwargs={"urn": school.urn})).status_code == 404
