"""Flag lists: personas, filters, sorting, counts, CSV and a constant query count."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as test arguments)
from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from escalation.dashboard.flags import FLAGS
from registers.models import Role, School, User
from tests.escalation.test_dashboard_selectors import Pupils, add_pupil, on_today, pupils  # noqa: F401

pytestmark = pytest.mark.django_db
VIEWERS = [Role.OFFICE, Role.TEACHER, Role.ATTENDANCE_LEAD, Role.HEADTEACHER, Role.TRUST_LEADER]


def _url(school: School, flag: str = "threshold", csv_: bool = False) -> str:
    name = "dashboard_flags_csv" if csv_ else "dashboard_flags"
    return reverse(name, kwargs={"urn": school.urn, "flag": flag})


def _names(response) -> list[str]:
    return [s.pupil.forename for s in response.context["page"]]


def test_it_requires_login(client: Client, school: School) -> None:
    response = client.get(_url(school))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("flag", [f.slug for f in FLAGS])
@pytest.mark.parametrize("role", VIEWERS)
def test_staff_who_see_pupils_see_every_list(
    client: Client, personas: dict[Role, User], school: School, pupils: Pupils, flag: str, role
) -> None:
    client.force_login(personas[role])
    assert client.get(_url(school, flag)).status_code == 200


@pytest.mark.parametrize("csv_", [False, True])
def test_a_governor_gets_404(client: Client, governor: User, school: School, csv_: bool) -> None:
    client.force_login(governor)
    assert client.get(_url(school, csv_=csv_)).status_code == 404


@pytest.mark.parametrize("csv_", [False, True])
def test_another_schools_head_gets_404(
    client: Client, outsider: User, school: School, csv_: bool
) -> None:
    client.force_login(outsider)
    assert client.get(_url(school, csv_=csv_)).status_code == 404


def test_an_unknown_list_is_404(client: Client, lead: User, school: School) -> None:
    client.force_login(lead)
    assert client.get(_url(school, "nonsense")).status_code == 404


def test_the_lists_index_goes_to_the_first_list(client: Client, lead: User, school: School):
    client.force_login(lead)
    response = client.get(reverse("dashboard_flags_default", kwargs={"urn": school.urn}))
    assert response["Location"] == _url(school, "threshold")


def test_it_lists_the_flagged_pupils_with_counts(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    response = client.get(_url(school))
    assert _names(response) == ["Tess"]
    assert response.context["counts"]["near-threshold"] == 1
    assert _names(client.get(_url(school, "near-threshold"))) == ["Nora"]


def test_n_widens_a_list(client: Client, lead: User, school: School, pupils: Pupils) -> None:
    client.force_login(lead)
    assert _names(client.get(_url(school, "near-threshold") + "?n=1")) == []
    assert len(_names(client.get(_url(school, "at-risk") + "?n=200"))) == 4


def test_it_filters_by_cohort_year_group_and_stage(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    url = _url(school, "at-risk")
    everyone = "?n=200&sort=name"
    assert _names(client.get(url + everyone)) == ["Sam", "Tess", "Nora", "Ray"]
    assert _names(client.get(url + everyone + "&cohorts=fsm")) == ["Tess"]
    assert _names(client.get(url + everyone + "&year_group=2")) == ["Sam"]
    assert _names(client.get(url + everyone + "&registration_group=2A")) == ["Sam"]
    assert _names(client.get(url + everyone + "&stage=3")) == []


def test_it_sorts(client: Client, lead: User, school: School, pupils: Pupils) -> None:
    client.force_login(lead)
    by_name = _names(client.get(_url(school, "at-risk") + "?n=200&sort=name"))
    assert by_name == ["Sam", "Tess", "Nora", "Ray"]  # surname, then forename
    by_unauthorised = _names(client.get(_url(school, "at-risk") + "?n=200&sort=unauthorised"))
    assert by_unauthorised[:2] == ["Tess", "Nora"]


def test_bad_filters_are_400(client: Client, lead: User, school: School) -> None:
    client.force_login(lead)
    assert client.get(_url(school, "near-threshold") + "?n=-3").status_code == 400
    assert client.get(_url(school) + "?sort=nope").status_code == 400


def test_it_exports_csv_with_the_filters(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    response = client.get(_url(school, "at-risk", csv_=True) + "?n=200&cohorts=fsm")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["UPN", "Surname", "Forename"]
    assert [r[2] for r in rows[1:]] == ["Tess"]


def test_csv_cells_cannot_run_as_formulas(client: Client, lead: User, school: School, pupils):
    pupils.tess.surname = "=HYPERLINK(1)"
    pupils.tess.save()
    client.force_login(lead)
    rows = list(csv.reader(io.StringIO(client.get(_url(school, csv_=True)).content.decode())))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_it_takes_the_same_queries_for_more_pupils(
    client: Client,
    lead: User,
    school: School,
    pupils: Pupils,
    on_today,
) -> None:
    from escalation.services.status import status_recompute_full

    client.force_login(lead)
    url = _url(school, "at-risk") + "?n=200"
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for n in range(8):
        add_pupil(school, f"More{n}", "Pupil", group=f"G{n}")
    status_recompute_full(schools=[school], today=on_today)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second.captured_queries) == len(first.captured_queries)
