"""Storing the demo's people: pupils, enrolments, guardians and the demo logins."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from registers.models import (
    Enrolment,
    Guardian,
    Membership,
    Pupil,
    PupilGuardian,
    Role,
    School,
    Trust,
    User,
)
from registers.upn import make_upn

from .families import YEAR_GROUPS, Carer, Child, Family
from .names import LA_CODE

DEMO_PASSWORD = "attendance-demo"
TEACHER_GROUP = "4B"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # a `Role` value, or "admin" / "parent"
    first_name: str
    last_name: str
    position: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("office", Role.OFFICE, "Sandra", "Whitfield", "Office manager"),
    DemoLogin("teacher", Role.TEACHER, "Daniel", "Okoro", f"Class teacher, {TEACHER_GROUP}"),
    DemoLogin("lead", Role.ATTENDANCE_LEAD, "Priya", "Desai", "Deputy head, attendance lead"),
    DemoLogin("head", Role.HEADTEACHER, "Helen", "Marsden", "Headteacher"),
    DemoLogin("governor", Role.GOVERNOR, "Robert", "Ashworth", "Chair of governors"),
    DemoLogin("trust", Role.TRUST_LEADER, "Margaret", "Osei", "Director of education"),
    DemoLogin("admin", "admin", "Alex", "Morgan", "System administrator"),
    DemoLogin("parent", "parent", "", "", ""),  # named after the guardian it is linked to
)


@dataclass
class Placed:
    """A stored pupil with the plan it was made from."""

    pupil_id: int
    child: Child
    family: Family


def pupils_create(
    *, school: School, families: list[Family], establishment: int, current_year: int
) -> tuple[list[Placed], dict[int, list[Guardian]]]:
    """Store the families' pupils, enrolments at `school`, guardians and their links.

    Returns the pupils and each family's guardians, by the family's index.
    """
    rows = _pupils(families, establishment=establishment, current_year=current_year)
    Pupil.objects.bulk_create([pupil for pupil, _c, _f in rows])
    Enrolment.objects.bulk_create(_enrolment(school, pupil, child) for pupil, child, _f in rows)
    guardians = _guardians_create(families)
    PupilGuardian.objects.bulk_create(
        _pupil_guardian(pupil, carer, guardian, priority)
        for pupil, _child, family in rows
        for priority, (carer, guardian) in enumerate(
            zip(family.carers, guardians[id(family)], strict=True), start=1
        )
    )
    placed = [Placed(pupil.id, child, family) for pupil, child, family in rows]
    return placed, {i: guardians[id(f)] for i, f in enumerate(families)}


def _pupils(
    families: list[Family], *, establishment: int, current_year: int
) -> list[tuple[Pupil, Child, Family]]:
    """Unsaved pupils with UPNs numbered per cohort, with the plans they come from."""
    serials: Counter[int] = Counter()
    rows = []
    for family in families:
        for child in family.children:
            cohort = current_year - child.year_index  # UPNs are allocated on first entry
            upn = make_upn(
                la=LA_CODE, establishment=establishment, year=cohort, serial=serials[cohort]
            )
            serials[cohort] += 1
            rows.append((_pupil(upn, child, family), child, family))
    return rows


def _pupil(upn: str, child: Child, family: Family) -> Pupil:
    return Pupil(
        upn=upn,
        surname=child.surname,
        forename=child.forename,
        date_of_birth=child.date_of_birth,
        year_group=YEAR_GROUPS[child.year_index],
        fsm=family.fsm,
        pupil_premium=child.pupil_premium,
        eal=child.eal,
        cla=family.cla,
        social_worker=family.social_worker,
        young_carer=child.young_carer,
        send=child.send,
    )


def _enrolment(school: School, pupil: Pupil, child: Child) -> Enrolment:
    return Enrolment(
        pupil=pupil, school=school, admission_date=child.admission, registration_group=child.group
    )


def _pupil_guardian(pupil: Pupil, carer: Carer, guardian: Guardian, priority: int) -> PupilGuardian:
    return PupilGuardian(
        pupil=pupil,
        guardian=guardian,
        relationship=carer.relationship,
        parental_responsibility=carer.parental_responsibility,
        lives_with=carer.lives_with,
        priority=priority,
    )


def _guardians_create(families: list[Family]) -> dict[int, list[Guardian]]:
    """Store each family's carers as guardians; returns them by `id(family)`."""
    made = {
        id(family): [
            Guardian(
                name=c.name, email=c.email, phone=c.phone, address=c.address, postcode=c.postcode
            )
            for c in family.carers
        ]
        for family in families
    }
    Guardian.objects.bulk_create([g for group in made.values() for g in group])
    return made


def logins_create(*, trust: Trust, school: School, parent_of: Guardian) -> dict[str, User]:
    """The demo logins, by username: staff of `school`, the trust leader of `trust`, an
    administrator, and the parent login of the guardian `parent_of`."""
    # One hash for every demo login: the password is published, and hashing it eight
    # times would cost seconds for nothing.
    password = make_password(DEMO_PASSWORD)
    users = {login.username: _login_user(login, password, parent_of) for login in DEMO_LOGINS}
    for login in DEMO_LOGINS:
        _membership_create(login, users[login.username], trust=trust, school=school)
    parent_of.user = users["parent"]
    parent_of.save(update_fields=["user"])
    return users


def _membership_create(login: DemoLogin, user: User, *, trust: Trust, school: School) -> None:
    if login.role == Role.TRUST_LEADER:
        Membership.objects.create(user=user, trust=trust, role=login.role)
    elif login.role in Role.values:
        groups = TEACHER_GROUP if login.role == Role.TEACHER else ""
        Membership.objects.create(
            user=user, school=school, role=login.role, registration_groups=groups
        )


def _login_user(login: DemoLogin, password: str, parent_of: Guardian) -> User:
    first, last, email = login.first_name, login.last_name, f"{login.username}@example.org"
    if login.role == "parent":
        first, _space, last = parent_of.name.partition(" ")
        email = parent_of.email
    is_admin = login.role == "admin"
    return User.objects.create(
        username=login.username,
        password=password,
        first_name=first,
        last_name=last,
        email=email,
        position=login.position,
        is_staff=is_admin,
        is_superuser=is_admin,
    )
