"""The public report form: no login, reveals nothing, resists abuse, gives a reference."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from absences.models import AbsenceReport

pytestmark = pytest.mark.django_db


def _url(school, name="absences_report") -> str:
    return reverse(name, kwargs={"urn": school.urn})


def _data(**kw) -> dict[str, str]:
    today = timezone.localdate()
    base = {
        "child_name": "Amelia Hart",
        "child_date_of_birth": "2015-05-01",
        "child_class": "4B",
        "reporter_name": "Jo Hart",
        "reporter_relationship": "Mother",
        "reporter_phone": "07700 900123",
        "reporter_email": "",
        "reason": "illness",
        "details": "A temperature",
        "first_day": today.isoformat(),
        "expected_return": (today + dt.timedelta(days=2)).isoformat(),
        "part_of_day": "",
        "website": "",
    }
    return {**base, **kw}


def _submit(client: Client, school, **kw):
    response = client.post(_url(school), _data(**kw))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response, client.get(response["Location"])


def test_anyone_can_open_it(client: Client, school) -> None:
    response = client.get(_url(school))
    assert response.status_code == 200
    assert b"Report an absence" in response.content and b'name="website"' in response.content


def test_an_unknown_school_is_404(client: Client, db) -> None:
    assert client.get(reverse("absences_report", kwargs={"urn": "999999"})).status_code == 404


def test_it_stores_the_report_and_shows_the_reference(client: Client, school) -> None:
    _response, sent = _submit(client, school)
    report = AbsenceReport.objects.get()
    assert report.school == school and report.pupil is None and report.channel == "public"
    assert report.reference in sent.content.decode()


def test_the_answer_is_the_same_for_a_real_and_a_made_up_child(
    client: Client, school, family
) -> None:
    real = family.children[0]
    first, first_sent = _submit(
        client,
        school,
        child_name=f"{real.forename} {real.surname}",
        child_date_of_birth=str(real.date_of_birth),
    )
    second, second_sent = _submit(
        client,
        school,
        child_name="Nobody Atall",
        child_date_of_birth="2016-02-29",
        child_class="9Z",
    )
    assert first["Location"] == second["Location"]
    assert first.status_code == second.status_code == 302
    assert first_sent.status_code == second_sent.status_code == 200

    def masked(response) -> str:
        # The reference and the per-response CSRF mask are the only differences allowed.
        text = re.sub(r"AB-[A-Z0-9]{4}-[A-Z0-9]{4}", "AB-XXXX-XXXX", response.content.decode())
        return re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", text)

    assert masked(first_sent) == masked(second_sent)
    assert sorted(first_sent.headers) == sorted(second_sent.headers)
    assert AbsenceReport.objects.count() == 2


def test_a_filled_honeypot_is_thanked_but_not_stored(client: Client, school) -> None:
    _response, sent = _submit(client, school, website="http://spam.example")
    assert re.search(r"AB-[A-Z0-9]{4}-[A-Z0-9]{4}", sent.content.decode())
    assert not AbsenceReport.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"child_name": ""}, "This field is required"),
        ({"details": "x" * 1001}, "at most 1000"),
        ({"child_name": "x" * 121}, "at most 120"),
        ({"reporter_phone": "call me"}, "Enter a phone number"),
        ({"reason": "holiday"}, "Select a valid choice"),
        ({"first_day": "2001-01-01"}, "within the last two weeks"),
        ({"child_date_of_birth": "1900-01-01"}, "real date of birth"),
        ({"expected_return": "2001-01-01"}, "after the first day"),
    ],
)
def test_it_explains_bad_input(client: Client, school, change, message) -> None:
    response = client.post(_url(school), _data(**change))
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content and message in content
    assert not AbsenceReport.objects.exists()


def test_it_is_rate_limited_per_address(client: Client, school, settings) -> None:
    settings.ABSENCE_REPORT_RATE = "2/h"
    _submit(client, school)
    _submit(client, school)
    response = client.post(_url(school), _data())
    assert response.status_code == 429
    assert AbsenceReport.objects.count() == 2
    assert client.get(_url(school)).status_code == 200  # reading the form is not limited


def test_the_sent_page_without_a_report_goes_back_to_the_form(client: Client, school) -> None:
    response = client.get(_url(school, "absences_report_sent"))
    assert response.status_code == 302 and response["Location"] == _url(school)
