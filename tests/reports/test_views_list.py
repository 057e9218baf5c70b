"""The reports page: who sees it, and which forms they get."""

from __future__ import annotations

import pytest
from django.urls import reverse


def _url(school):
    return reverse("reports_list", kwargs={"urn": school.urn})


@pytest.mark.django_db
def test_a_governor_sees_the_school_form_and_no_export(client, school, governor):
    client.force_login(governor)
    response = client.get(_url(school))
    assert response.status_code == 200
    assert b"Prepare the report" in response.content
    assert b"Prepare the trust report" not in response.content
    assert reverse("reports_export", kwargs={"urn": school.urn}).encode() not in response.content


@pytest.mark.django_db
def test_staff_get_the_export_link(client, school, teacher):
    client.force_login(teacher)
    response = client.get(_url(school))
    assert reverse("reports_export", kwargs={"urn": school.urn}).encode() in response.content


@pytest.mark.django_db
def test_a_trust_leader_may_ask_for_the_trust_report(client, school, trust_leader):
    client.force_login(trust_leader)
    response = client.get(_url(school))
    assert b"Prepare the trust report" in response.content
    assert b"Autumn term 2024/25" in response.content


@pytest.mark.django_db
def test_it_lists_reports_and_shows_the_nav_item(client, built, governor):
    client.force_login(governor)
    response = client.get(_url(built.school))
    assert b"Autumn term 2024/25" in response.content
    assert (
        reverse("report_download", kwargs={"urn": built.school.urn, "report_id": built.pk}).encode()
        in response.content
    )
    assert b">Reports</a>" in response.content


@pytest.mark.django_db
def test_staff_of_another_school_get_404(client, school, outsider):
    client.force_login(outsider)
    assert client.get(_url(school)).status_code == 404


@pytest.mark.django_db
def test_signing_in_is_required(client, school):
    response = client.get(_url(school))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_school_without_a_calendar_is_told_why_there_is_no_period(client, other_school, member):
    from registers.models import Role

    governor = member(Role.GOVERNOR, school=other_school)
    client.force_login(governor)
    response = client.get(_url(other_school))
    assert response.status_code == 200
    assert b"no period to report on" in response.content
    assert b"Prepare the report" not in response.content
