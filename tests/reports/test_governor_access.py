"""A governor never reaches pupil-level data: every staff page that needs more than the
governor's capabilities, and every pupil-level API route, answers 403 or 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from registers.models import Role
from registers.permissions import ROLE_CAPABILITIES

GOVERNOR = ROLE_CAPABILITIES[Role.GOVERNOR]
# The API's routes that return pupils, marks, statuses or cases (aggregate routes such
# as the school itself or its calendar are not pupil-level).
PUPIL_LEVEL_API = {
    "api_pupils",
    "api_pupil",
    "api_guardians",
    "api_marks",
    "api_mark_history",
    "api_registers",
    "api_report",
    "api_status",
    "api_cases",
}


def _patterns(patterns=None, outer: tuple[str, ...] = ()):
    """(pattern, names of all its URL arguments, including its includes')."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        names = outer + tuple(getattr(p.pattern, "converters", {}))
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, names)
        elif isinstance(p, URLPattern) and p.name:
            yield p, names


def _pupil_level() -> list[tuple[URLPattern, tuple[str, ...]]]:
    found = []
    for p, names in _patterns():
        capability = getattr(p.callback, "capability", None)
        if (capability is not None and capability not in GOVERNOR) or p.name in PUPIL_LEVEL_API:
            found.append((p, names))
    return found


def _kwargs(names: tuple[str, ...], school, pupil) -> dict[str, object]:
    values = {
        "urn": school.urn,
        "pupil_id": pupil.pk,
        "upn": pupil.upn,
        "day": dt.date(2024, 9, 3),
        "session": "AM",
        "group": "4B",
        "flag": "threshold",
        "kind": "plan",
        "what": "pdf",
        "step": "issue",
    }
    return {name: values.get(name, 1) for name in names}


@pytest.mark.django_db
def test_the_walk_finds_the_pupil_level_routes():
    names = {p.name for p, _names in _pupil_level()}
    assert {"reports_export", "dashboard_pupil", "week_grid", "api_pupils"} <= names
    assert "reports_list" not in names and "report_download" not in names


@pytest.mark.django_db
@pytest.mark.parametrize("route", _pupil_level(), ids=lambda r: r[0].name)
def test_a_governor_gets_403_or_404(client, seeded, governor, route):
    pattern, names = route
    pupil = seeded.pupils["Ava"]
    url = reverse(pattern.name, kwargs=_kwargs(names, seeded.school, pupil))
    client.force_login(governor)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (403, 404, 405), (method.__name__, url)
        if response.status_code == 405:
            continue
        assert pupil.surname.encode() not in response.content
        assert pupil.upn.encode() not in response.content
