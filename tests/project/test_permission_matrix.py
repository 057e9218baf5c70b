"""Every URL of the project, discovered from the resolver, requested as every role of a
school, as staff of another school, as a parent and anonymously: an answer of 200 that
the role's capabilities do not allow fails the test.

A view declares what it needs: `school_view(capability)` marks the function, API views
declare `capability` / `capabilities`. Views that declare nothing are either public (the
allow-list below) or must refuse everybody who is not their audience (parents' pages
refuse staff; staff pages refuse parents)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from registers.models import Guardian, PupilGuardian, Role, School, User
from registers.permissions import ROLE_CAPABILITIES, Capability
from tests.registers.factories import PupilFactory

pytestmark = pytest.mark.django_db

# Pages anyone may open without signing in.
PUBLIC = {
    "login", "logout", "health", "api_schema", "api_docs", "api_redoc",
    "absences_report", "absences_report_sent", "parents_signin", "parents_signin_sent",
    "parents_signin_confirm", "admin:login", "admin:index", "admin:logout",
    "javascript-catalog", "admin:app_list", "admin:view_on_site", "admin:jsi18n",
}  # fmt: skip
# Pages any signed-in person may open (they show only the person's own things).
ANY_SIGNED_IN = {
    "home", "switch_school", "api_schools", "logout", "parents_home",
    # One's own two-factor sign-in (staff only: parents get 404).
    "two_factor", "two_factor_verify", "two_factor_setup", "two_factor_recovery_codes",
    "two_factor_disable",
}  # fmt: skip


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    callback: object


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield Route(prefix + str(p.pattern), f"{namespace}{p.name or ''}", p.callback)


ROUTES = [r for r in _walk(get_resolver().url_patterns) if not r.name.startswith("admin:")]


def declared(callback) -> set[Capability] | None:
    """The capabilities the view needs (any of them lets a GET through), or None."""
    if hasattr(callback, "capability"):
        return {callback.capability}
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None and hasattr(view_class, "capability"):
        needs = {view_class.capability}
        get = getattr(view_class, "capabilities", {}).get("GET")
        return {get} if get else needs
    return None


def concrete(pattern: str, values: dict[str, str]) -> str:
    """The pattern with each converter replaced by a real value (1 when unknown)."""

    def fill(match: re.Match) -> str:
        kind, name = (match.group(1) or "str"), match.group(2)
        return values.get(name, "1" if kind in ("int", "") else "x")

    path = re.sub(r"<(?:(\w+):)?(\w+)>", fill, pattern)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "")
    return "/" + path


@pytest.fixture
def world(school: School, personas: dict[Role, User], outsider: User, db) -> dict:
    pupil = PupilFactory(school=school, forename="Quimby", surname="Zzyzx-Marker")
    parent_user = User.objects.create(username="parent-of-someone")
    guardian = Guardian.objects.create(name="A Parent", email="a@example.org", user=parent_user)
    other_child = PupilFactory(school=school)
    PupilGuardian.objects.create(pupil=other_child, guardian=guardian)
    return {
        "values": {"urn": school.urn, "pupil_id": str(pupil.pk), "flag": "threshold"},
        "markers": (pupil.surname, pupil.upn),
        "people": {
            **{r.value: u for r, u in personas.items()},
            "outsider": outsider,
            "parent": parent_user,
        },
    }


def _allowed(route: Route, who: str) -> bool:
    """Whether `who` may legitimately receive a 200 for this route."""
    if route.name in PUBLIC:
        return True
    if who == "anonymous":
        return False
    if route.name in ANY_SIGNED_IN:
        return True
    needs = declared(route.callback)
    if who == "parent":
        return needs is None and (
            route.name.startswith("portal") or route.pattern.startswith("parents/")
        )
    if who == "outsider" or needs is None:
        return who != "outsider" and needs is None and not route.pattern.startswith("parents/")
    held = ROLE_CAPABILITIES[Role(who)]
    return bool(needs & held)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name or r.pattern for r in ROUTES])
def test_no_role_gets_a_page_it_should_not(route: Route, world: dict) -> None:
    url = concrete(route.pattern, world["values"])
    unexpected = []
    for who, user in [("anonymous", None), *world["people"].items()]:
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        if response.status_code != 200:
            continue
        if not _allowed(route, who):
            unexpected.append(who)
        elif who in NO_PUPIL_DATA and _shows_pupil(response, world["markers"]):
            unexpected.append(f"{who} (saw a pupil's name or UPN)")
    assert not unexpected, f"{url} answered 200 to {unexpected}"


# Whoever holds no VIEW_PUPILS at the school must never see one of its pupils, whatever
# a view declares (a wrong declaration would otherwise pass the test above).
NO_PUPIL_DATA = {"anonymous", "outsider", "parent", Role.GOVERNOR.value}


def _shows_pupil(response, markers: tuple[str, ...]) -> bool:
    if getattr(response, "streaming", False):
        return False
    body = response.content.decode(errors="replace")
    return any(marker in body for marker in markers)
