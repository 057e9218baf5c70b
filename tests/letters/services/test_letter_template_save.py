"""letter_template_save: unknown merge fields refused at save time; every save a version."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from letters.models import LetterTemplate
from letters.selectors import current_wording
from letters.services import letter_generate, letter_template_save
from registers.models import Pupil, School, User
from tests.letters.factories import AS_OF

pytestmark = pytest.mark.django_db


def _save(school: School, user: User, subject: str = "About {{ pupil_name }}", body: str = "Hi."):
    return letter_template_save(
        school=school, kind="lateness", subject=subject, body=body, user=user
    )


def test_it_refuses_an_unknown_merge_field(school: School, lead: User) -> None:
    with pytest.raises(ValidationError) as caught:
        _save(school, lead, body="Dear {{ parent_first_name }}, {{ pupil_name }} was late.")
    assert "parent_first_name" in str(caught.value.message_dict["body"])
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [("", "Text", "subject"), ("Subject", "  ", "body"), ("A {{ pupil_name", "Text", "subject")],
)
def test_it_refuses_empty_or_malformed_text(
    school: School, lead: User, subject: str, body: str, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _save(school, lead, subject=subject, body=body)
    assert field in caught.value.message_dict


def test_each_save_is_a_new_version_and_old_letters_keep_theirs(
    letterhead: School, pupil: Pupil, lead: User
) -> None:
    first = _save(letterhead, lead, body="Version one: {{ late_count }} late.")
    letter = letter_generate(
        school=letterhead, pupil=pupil, kind="lateness", as_at=AS_OF, created_by=lead
    )[0]
    second = _save(letterhead, lead, body="Version two: {{ late_count }} late arrivals.")
    assert (first.version, second.version) == (1, 2)
    assert current_wording(school=letterhead, kind="lateness").version == 2
    letter.refresh_from_db()
    assert letter.template_version == 1 and letter.data["body"] == "Version one: 11 late."


def test_versions_are_per_school(school: School, other_school: School, lead: User) -> None:
    _save(school, lead)
    assert current_wording(school=other_school, kind="lateness").version == 0
