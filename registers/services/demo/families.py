"""Planning a demo school's families: children in classes, siblings, carers, contacts.

Pure: everything is drawn from the caller's `random.Random`, nothing touches the database.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from .calendar import first_pupil_day
from .names import BACKGROUNDS, BRITISH_ADULTS, STREETS, SchoolPlace, ascii_name, inward_code, pools

YEAR_GROUPS = ("R", "1", "2", "3", "4", "5", "6")
HOUSES = ("B", "H")  # classes are named after the houses Beech and Hazel: RB, RH, 1B …


@dataclass
class Child:
    forename: str
    surname: str
    year_index: int  # 0 = Reception … 6 = Year 6, in the current academic year
    group: str
    date_of_birth: dt.date
    admission: dt.date
    eal: bool
    pupil_premium: bool
    send: str = "N"
    young_carer: bool = False
    absence_rate: float = 0.0  # expected share of sessions missed
    unauthorised_share: float = 0.0
    late_rate: float = 0.0
    in_team: bool = False  # plays in the school's sports fixtures
    outreach: bool = False  # a weekly supervised session at a specialist provision
    observes_festival: bool = False


@dataclass
class Carer:
    name: str
    relationship: str
    parental_responsibility: bool
    lives_with: bool
    email: str
    phone: str
    address: str
    postcode: str


@dataclass
class Family:
    surname: str
    background: str
    fsm: bool
    social_worker: bool
    cla: bool
    children: list[Child] = field(default_factory=list)
    carers: list[Carer] = field(default_factory=list)
    # Term-time holidays not granted (G) by academic year; siblings go together.
    holidays: dict[int, frozenset[dt.date]] = field(default_factory=dict)


def _slots(pupils: int) -> list[tuple[int, str]]:
    """(year index, class) for each pupil: years filled evenly, two classes per year."""
    slots = []
    for i in range(pupils):
        year = i * len(YEAR_GROUPS) // pupils
        slots.append((year, f"{YEAR_GROUPS[year]}{HOUSES[i % len(HOUSES)]}"))
    return slots


def _family_sizes(rng: random.Random, pupils: int) -> Iterator[int]:
    # The first family has two children so that the demo parent has two to look after.
    yield min(2, pupils)
    while True:
        yield rng.choices((1, 2, 3, 4), weights=(52, 33, 12, 3))[0]


def _group_siblings(rng: random.Random, pupils: int) -> list[list[tuple[int, str]]]:
    """Split the class places into families whose children are in different year groups."""
    remaining = _slots(pupils)
    rng.shuffle(remaining)
    families = []
    for size in _family_sizes(rng, pupils):
        if not remaining:
            break
        family = [remaining.pop()]
        for _ in range(size - 1):
            years = {year for year, _group in family}
            pick = next(
                (i for i in range(len(remaining) - 1, -1, -1) if remaining[i][0] not in years), None
            )
            if pick is None:
                break
            family.append(remaining.pop(pick))
        families.append(family)
    return families


@dataclass
class Planner:
    """Draws a school's families; holds the counters that keep contact details distinct."""

    rng: random.Random
    place: SchoolPlace
    current_year: int  # the academic year being seeded: September of this year
    joining_days: list[dt.date]  # school days so far this year, for mid-year admissions
    phones: Iterator[int]

    def families(self, pupils: int) -> list[Family]:
        return [self.family(places) for places in _group_siblings(self.rng, pupils)]

    def family(self, places: list[tuple[int, str]]) -> Family:
        rng = self.rng
        names = list(BACKGROUNDS)
        background = rng.choices(names, weights=[BACKGROUNDS[n][0] for n in names])[0]
        surname = rng.choice(pools(background)[2])
        cla = len(places) == 1 and rng.random() < 0.02
        family = Family(
            surname=surname,
            background=background,
            fsm=rng.random() < 0.24,
            social_worker=cla or rng.random() < 0.03,
            cla=cla,
        )
        family.children = [self.child(family, year, group) for year, group in places]
        family.carers = self.carers(family)
        return family

    def child(self, family: Family, year: int, group: str) -> Child:
        rng = self.rng
        boys, girls, _surnames = pools(family.background)
        born_from = dt.date(self.current_year - 5 - year, 9, 1)
        admission = first_pupil_day(self.current_year - year)
        if self.joining_days and rng.random() < 0.03:  # moved in from another school
            admission = rng.choice(self.joining_days)
        return Child(
            forename=rng.choice(boys if rng.random() < 0.51 else girls),
            surname=family.surname,
            year_index=year,
            group=group,
            date_of_birth=born_from + dt.timedelta(days=rng.randrange(365)),
            admission=admission,
            eal=rng.random() < BACKGROUNDS[family.background][1],
            pupil_premium=family.fsm or family.cla or rng.random() < 0.015,
            send=rng.choices("NKE", weights=(84.5, 13, 2.5))[0],
            young_carer=rng.random() < 0.01,
        )

    def carers(self, family: Family) -> list[Carer]:
        home = self.address()
        if family.cla:
            # The local authority holds parental responsibility for a looked-after child.
            return [self.carer(family, "Foster carer", pr=False, home=home, own_surname=False)]
        first = self.rng.choices(("Mother", "Father"), weights=(85, 15))[0]
        carers = [self.carer(family, first, pr=True, home=home)]
        if self.rng.random() < 0.75:
            carers.append(self.second_carer(family, first, home))
        return carers

    def second_carer(self, family: Family, first: str, home: tuple[str, str]) -> Carer:
        second = {"Mother": "Father", "Father": "Mother"}[first]
        if self.rng.random() < 0.1:
            second = self.rng.choice(("Stepfather", "Grandmother", "Stepmother"))
        apart = self.rng.random() < 0.18  # separated parents: the second lives elsewhere
        return self.carer(
            family,
            second,
            pr=second in ("Mother", "Father"),
            home=self.address() if apart else home,
            lives_with=not apart,
            own_surname=not apart,
        )

    def carer(
        self,
        family: Family,
        relationship: str,
        *,
        pr: bool,
        home: tuple[str, str],
        lives_with: bool = True,
        own_surname: bool = True,
    ) -> Carer:
        rng = self.rng
        female = relationship in ("Mother", "Stepmother", "Grandmother") or (
            relationship == "Foster carer" and rng.random() < 0.7
        )
        forename = self.adult_forename(family.background, female=female)
        surname = family.surname if own_surname else rng.choice(pools("british")[2])
        phone = next(self.phones)
        domain = "example.com" if phone % 2 else "example.org"
        return Carer(
            name=f"{forename} {surname}",
            relationship=relationship,
            parental_responsibility=pr,
            lives_with=lives_with,
            email=f"{ascii_name(forename)}.{ascii_name(surname)}{phone % 1000:03d}@{domain}",
            # Ofcom's drama range, so no real phone is ever called from the demo.
            phone=f"07700 900{phone % 1000:03d}",
            address=home[0],
            postcode=home[1],
        )

    def adult_forename(self, background: str, *, female: bool) -> str:
        if background == "british":
            return self.rng.choice(BRITISH_ADULTS[female].split())
        return self.rng.choice(pools(background)[female])

    def address(self) -> tuple[str, str]:
        rng = self.rng
        street = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
        inward = inward_code(rng)
        return f"{street}\n{self.place.town}", f"{rng.choice(self.place.outward_codes)} {inward}"
