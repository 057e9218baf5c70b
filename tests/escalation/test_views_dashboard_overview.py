"""The school overview and the trust overview: personas, figures, charts, no names."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as test arguments)
from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registers.models import Role, School, User
from tests.escalation.test_dashboard_selectors import Pupils, add_pupil, build, on_today, pupils  # noqa: F401
from tests.registers.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _url(school: School) -> str:
    return reverse("dashboard_overview", kwargs={"urn": school.urn})


def test_it_requires_login(client: Client, school: School) -> None:
    response = client.get(_url(school))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role))
def test_every_role_of_the_school_sees_it(
    client: Client, personas: dict[Role, User], school: School, pupils: Pupils, role: Role
) -> None:
    client.force_login(personas[role])
    assert client.get(_url(school)).status_code == 200


def test_another_schools_head_gets_404(client: Client, outsider: User, school: School) -> None:
    client.force_login(outsider)
    assert client.get(_url(school)).status_code == 404


def test_a_governor_sees_figures_but_no_pupil_names_or_list_links(
    client: Client, governor: User, school: School, pupils: Pupils
) -> None:
    client.force_login(governor)
    content = client.get(_url(school)).content.decode()
    assert "National threshold met" in content
    for name in ("Tess", "Nora", "Holiday", pupils.tess.upn):
        assert name not in content
    assert "/lists/" not in content


def test_it_shows_the_figures_against_target_and_national(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    response = client.get(_url(school))
    content = response.content.decode()
    assert "Target 96.0%" in content
    assert response.context["o"].counts["threshold_met"] == 1
    assert reverse("dashboard_flags", kwargs={"urn": school.urn, "flag": "threshold"}) in content
    assert "Free school meals" in content and "Gap in attendance" in content


def test_its_charts_are_svg_with_text_alternatives(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    client.force_login(lead)
    content = client.get(_url(school)).content.decode()
    assert '<svg class="chart" id="trend"' in content and 'role="img"' in content
    assert '<title id="trend-title">' in content and '<desc id="trend-desc">' in content
    assert "school weeks from" in content
    assert "The figures as a table" in content


def test_it_takes_the_same_queries_for_more_pupils(
    client: Client,
    lead: User,
    school: School,
    on_today,
) -> None:
    from escalation.services.status import status_recompute_full

    build(school)
    client.force_login(lead)
    with CaptureQueriesContext(connection) as first:
        client.get(_url(school))
    for n in range(10):
        add_pupil(school, f"More{n}", "Pupil", group=f"G{n}")
    status_recompute_full(schools=[school], today=on_today)
    with CaptureQueriesContext(connection) as second:
        client.get(_url(school))
    assert len(second.captured_queries) == len(first.captured_queries)


def test_the_trust_leader_compares_the_trusts_schools(
    client: Client, trust_leader: User, school: School, sibling_school: School, pupils: Pupils
) -> None:
    client.force_login(trust_leader)
    response = client.get(reverse("dashboard_trust", kwargs={"urn": school.urn}))
    assert response.status_code == 200
    assert [c.school for c in response.context["columns"]] == [school, sibling_school]
    assert "Tess" not in response.content.decode()


def test_the_trust_overview_shows_a_head_only_their_school(
    client: Client, head: User, school: School, sibling_school: School
) -> None:
    client.force_login(head)
    response = client.get(reverse("dashboard_trust", kwargs={"urn": school.urn}))
    assert [c.school for c in response.context["columns"]] == [school]


def test_the_trust_overview_is_404_outside_a_trust_or_the_school(
    client: Client, outsider: User, school: School, member
) -> None:
    client.force_login(outsider)
    assert client.get(reverse("dashboard_trust", kwargs={"urn": school.urn})).status_code == 404
    alone = SchoolFactory()
    client.force_login(member(Role.HEADTEACHER, school=alone))
    assert client.get(reverse("dashboard_trust", kwargs={"urn": alone.urn})).status_code == 404


def test_the_trust_overview_charts_the_trusts_weeks_and_breaks_down_by_cohort(
    client: Client, trust_leader: User, school: School, sibling_school: School, pupils: Pupils
) -> None:
    client.force_login(trust_leader)
    response = client.get(reverse("dashboard_trust", kwargs={"urn": school.urn}))
    content = response.content.decode()
    totals = response.context["totals"]
    overview = client.get(_url(school)).context["o"]
    # The sibling school has no pupils, so the pooled figures are the school's own.
    assert totals.year == overview.year
    assert [w.monday for w in totals.weeks] == [w.monday for w in overview.weeks]
    assert [r.label for r in totals.cohorts] == [r.label for r in overview.cohorts]
    assert (
        '<svg class="chart" id="trust-trend"' in content
        and '<desc id="trust-trend-desc">' in content
    )
    assert "Across the trust, by cohort" in content and "Gap in attendance" in content


def test_the_trust_overview_takes_the_same_queries_for_more_schools(
    client: Client, trust_leader: User, school: School, sibling_school: School, pupils: Pupils
) -> None:
    url = reverse("dashboard_trust", kwargs={"urn": school.urn})
    client.force_login(trust_leader)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for _ in range(3):
        SchoolFactory(trust=school.trust)
    with CaptureQueriesContext(connection) as second:
        assert len(client.get(url).context["columns"]) == 5
    assert len(second.captured_queries) == len(first.captured_queries)


def test_the_trend_stops_at_this_week_whatever_is_entered_ahead(
    client: Client, lead: User, school: School, pupils: Pupils
) -> None:
    from tests.escalation.helpers import write

    write(school, pupils.ray, [("2025-02-24", "AM", "C"), ("2025-02-24", "PM", "C")])  # leave ahead
    client.force_login(lead)
    weeks = client.get(_url(school)).context["o"].weeks
    assert weeks and max(w.monday for w in weeks).isoformat() == "2025-01-13"
