"""Who may do what: every role against every capability, and scoping to schools."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from registers.models import Role, School, User
from registers.permissions import (
    ROLE_CAPABILITIES,
    Capability,
    capabilities_at,
    get_school_for_user,
    schools_for,
    user_can,
)
from tests.conftest import MemberMaker
from tests.registers.factories import MembershipFactory, UserFactory

ROLE_BY_CAPABILITY = [
    (role, capability, capability in ROLE_CAPABILITIES[role])
    for role in Role
    for capability in Capability
]


def test_every_role_has_a_capability_set() -> None:
    assert set(ROLE_CAPABILITIES) == set(Role)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "capability", "allowed"), ROLE_BY_CAPABILITY)
def test_a_role_holds_exactly_its_capabilities_at_its_school(
    personas: dict[Role, User], school: School, role: Role, capability: Capability, allowed: bool
) -> None:
    assert user_can(personas[role], school, capability) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize("capability", list(Capability))
def test_no_role_reaches_another_trusts_school(
    personas: dict[Role, User], other_school: School, capability: Capability
) -> None:
    assert not any(user_can(user, other_school, capability) for user in personas.values())


def test_a_governor_never_sees_pupils() -> None:
    assert Capability.VIEW_PUPILS not in ROLE_CAPABILITIES[Role.GOVERNOR]


@pytest.mark.django_db
def test_a_governor_has_no_school_for_pupil_data(governor: User) -> None:
    assert not schools_for(governor, Capability.VIEW_PUPILS).exists()


@pytest.mark.django_db
def test_a_trust_leader_sees_every_school_of_the_trust_and_none_outside(
    trust_leader: User, school: School, sibling_school: School, other_school: School
) -> None:
    seen = set(schools_for(trust_leader, Capability.VIEW_PUPILS))
    assert seen == {school, sibling_school}


@pytest.mark.django_db
def test_a_school_role_does_not_spread_to_the_rest_of_the_trust(
    head: User, sibling_school: School
) -> None:
    assert not user_can(head, sibling_school, Capability.VIEW_SCHOOL)


@pytest.mark.django_db
def test_a_user_with_roles_at_two_schools_sees_both(
    member: MemberMaker, school: School, other_school: School
) -> None:
    user = member(Role.TEACHER, school=school)
    MembershipFactory(user=user, school=other_school, role=Role.OFFICE)
    assert set(schools_for(user, Capability.TAKE_REGISTER)) == {school, other_school}
    assert set(schools_for(user, Capability.CORRECT_MARKS)) == {other_school}


@pytest.mark.django_db
def test_get_school_for_user_returns_the_users_school(head: User, school: School) -> None:
    assert get_school_for_user(head, school.urn, Capability.MANAGE_SCHOOL) == school


@pytest.mark.django_db
def test_get_school_for_user_is_404_for_another_schools_urn(
    head: User, other_school: School
) -> None:
    with pytest.raises(Http404):
        get_school_for_user(head, other_school.urn, Capability.VIEW_SCHOOL)


@pytest.mark.django_db
def test_get_school_for_user_is_404_without_the_capability(governor: User, school: School) -> None:
    with pytest.raises(Http404):
        get_school_for_user(governor, school.urn, Capability.VIEW_PUPILS)


@pytest.mark.django_db
def test_get_school_for_user_is_404_for_an_unknown_urn(head: User) -> None:
    with pytest.raises(Http404):
        get_school_for_user(head, "999999", Capability.VIEW_SCHOOL)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_an_inactive_user_sees_nothing(
    personas: dict[Role, User], school: School, role: Role
) -> None:
    user = personas[role]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not any(schools_for(user, c).exists() for c in Capability)
    assert not user_can(user, school, Capability.VIEW_SCHOOL)


@pytest.mark.django_db
def test_an_anonymous_user_sees_nothing(school: School) -> None:
    assert not schools_for(AnonymousUser(), Capability.VIEW_SCHOOL).exists()


@pytest.mark.django_db
def test_a_user_without_memberships_sees_nothing(school: School) -> None:
    assert not schools_for(UserFactory(), Capability.VIEW_SCHOOL).exists()


@pytest.mark.django_db
def test_capabilities_at_unions_school_and_trust_roles(school, trust, member) -> None:
    user = member(Role.GOVERNOR, school=school)
    MembershipFactory(user=user, school=None, trust=trust, role=Role.TRUST_LEADER)

    assert capabilities_at(user, school) == (
        ROLE_CAPABILITIES[Role.GOVERNOR] | ROLE_CAPABILITIES[Role.TRUST_LEADER]
    )


@pytest.mark.django_db
def test_capabilities_at_another_school_are_none(school, other_school, office) -> None:
    assert capabilities_at(office, other_school) == frozenset()
