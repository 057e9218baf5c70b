"""Writing marks through the API: the register's validation, audit trail, conflicts,
scopes and retries (the `Idempotency-Key` header)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from registers.models import (
    ApiToken,
    IdempotentResponse,
    Mark,
    MarkChange,
    MarkSource,
    School,
    User,
)
from tests.api.conftest import DAY, Class4B
from tests.escalation.helpers import write

pytestmark = pytest.mark.django_db


def _register(school: School) -> str:
    return reverse("api_registers", kwargs={"urn": school.urn})


def _marks(school: School) -> str:
    return reverse("api_marks", kwargs={"urn": school.urn})


def _body(c: Class4B, ada: str = "/", ben: str = "N", **extra) -> dict:
    return {
        "registration_group": "4B",
        "date": DAY.isoformat(),
        "session": "AM",
        "marks": [{"pupil": c.ada.pk, "code": ada}, {"pupil": c.ben.pk, "code": ben}],
        **extra,
    }


def test_a_token_saves_a_register_audited_as_the_integration(
    writer: APIClient, school: School, class4b: Class4B
) -> None:
    response = writer.post(_register(school), _body(class4b), format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 2, "changed": 0, "unchanged": 0}
    mark = Mark.objects.get(pupil=class4b.ben, date=DAY, session="AM")
    assert mark.code_id == "N" and mark.source == MarkSource.API
    assert mark.recorded_by == ApiToken.objects.get().user

    writer.post(_register(school), _body(class4b, ben="I"), format="json")
    change = MarkChange.objects.get(mark=mark)
    assert (change.previous_code_id, change.new_code_id) == ("N", "I")
    assert change.previous_recorded_by_position == "API integration"


def test_a_stale_baseline_is_a_409_and_nothing_is_written(
    writer: APIClient, school: School, class4b: Class4B
) -> None:
    write(school, class4b.ada, [(DAY, "AM", "M")])  # the office recorded M meanwhile
    body = _body(class4b, ada="O", baseline=[{"pupil": class4b.ada.pk, "code": None}])
    response = writer.post(_register(school), body, format="json")
    assert response.status_code == 409
    [conflict] = response.json()["conflicts"]
    assert conflict == {
        "pupil": class4b.ada.pk,
        "stored_code": "M",
        "stored_by": conflict["stored_by"],
        "submitted_code": "O",
    }
    assert Mark.objects.get(pupil=class4b.ada, date=DAY).code_id == "M"
    assert not Mark.objects.filter(pupil=class4b.ben).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"session": "XX"}, "session"),
        ({"date": "10/09/2024"}, "date"),
        ({"marks": []}, "marks"),
        ({"marks": [{"pupil": 1, "code": "ZZ"}]}, "marks"),
    ],
)
def test_bad_registers_are_400_with_the_field_named(
    writer: APIClient, school: School, class4b: Class4B, change: dict, field: str
) -> None:
    response = writer.post(_register(school), {**_body(class4b), **change}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Mark.objects.exists()


def test_the_register_rules_apply_as_in_the_browser(
    writer: APIClient, school: School, class4b: Class4B
) -> None:
    response = writer.post(_register(school), _body(class4b, date="2030-01-07"), format="json")
    assert response.status_code == 400
    assert "before its day" in str(response.json())
    stranger = _body(class4b)
    stranger["marks"].append({"pupil": 999999, "code": "/"})
    response = writer.post(_register(school), stranger, format="json")
    assert response.status_code == 400 and "not on the 4B register" in str(response.json())


def test_a_read_token_cannot_write(reader: APIClient, school: School, class4b: Class4B) -> None:
    response = reader.post(_register(school), _body(class4b), format="json")
    assert response.status_code == 403
    assert "write-registers" in response.json()["detail"]


def test_a_teacher_may_save_a_register_but_not_correct_a_mark(
    api: APIClient, teacher: User, school: School, class4b: Class4B
) -> None:
    api.force_authenticate(teacher)
    assert api.post(_register(school), _body(class4b), format="json").status_code == 200
    body = {"pupil": class4b.ada.pk, "date": DAY, "session": "AM", "code": "I", "reason": "Note"}
    assert api.post(_marks(school), body, format="json").status_code == 403


def test_a_single_mark_needs_a_reason_and_is_audited(
    writer: APIClient, school: School, class4b: Class4B
) -> None:
    write(school, class4b.ada, [(DAY, "PM", "N")])
    body = {
        "pupil": class4b.ada.pk,
        "date": DAY.isoformat(),
        "session": "PM",
        "code": "I",
        "reason": " ",
    }
    response = writer.post(_marks(school), body, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    body["reason"] = "Mother phoned: illness"
    response = writer.post(_marks(school), body, format="json")
    assert response.status_code == 200 and response.json()["changed"] == 1
    assert MarkChange.objects.get().reason == "Mother phoned: illness"


def test_a_retried_write_happens_once_and_replays_the_first_answer(
    writer: APIClient, school: School, class4b: Class4B
) -> None:
    headers = {"HTTP_IDEMPOTENCY_KEY": "register-4B-2024-09-10-AM"}
    first = writer.post(_register(school), _body(class4b), format="json", **headers)
    write(school, class4b.ben, [(DAY, "AM", "I")])  # a later change the retry must not undo
    again = writer.post(_register(school), _body(class4b), format="json", **headers)
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Mark.objects.get(pupil=class4b.ben, date=DAY).code_id == "I"
    assert IdempotentResponse.objects.count() == 1


def test_a_key_reused_for_another_body_is_refused(
    writer: APIClient, school: School, class4b: Class4B
) -> None:
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    writer.post(_register(school), _body(class4b), format="json", **headers)
    response = writer.post(_register(school), _body(class4b, ada="L"), format="json", **headers)
    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    assert Mark.objects.get(pupil=class4b.ada, date=DAY).code_id == "/"


def test_a_write_saved_through_the_api_reaches_the_engine(
    writer: APIClient, school: School, class4b: Class4B, django_capture_on_commit_callbacks
) -> None:
    from escalation.models import PupilWeek

    with django_capture_on_commit_callbacks(execute=True):
        writer.post(_register(school), _body(class4b, ben="O"), format="json")
    week = PupilWeek.objects.get(pupil=class4b.ben, monday=dt.date(2024, 9, 9))
    assert week.unauthorised == 1
