"""Demo data: a realistic English primary school (or trust) with its register history.

`demo_seed` builds schools, a calendar, pupils with guardians, staff logins and a mark for
every session from 1 September up to yesterday. Everything is drawn from one
`random.Random(seed)`, so a seed and a `today` always give the same data. The code mix is
tuned to national figures (overall absence about 7%, unauthorised about 2.5%, about 20% of
pupils persistently and 2% severely absent), and `demo_summary` checks them with the same
pure rules the reports use.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from statistics import NormalDist
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from registers import rules
from registers.models import (
    CalendarEntry,
    Enrolment,
    Guardian,
    Mark,
    MarkSource,
    Membership,
    Phase,
    Pupil,
    PupilGuardian,
    Role,
    School,
    SchoolSession,
    Trust,
    User,
)
from registers.services.calendar import calendar_rebuild
from registers.upn import make_upn

DEMO_PASSWORD = "attendance-demo"
DEMO_TRUST = "Demo Learning Trust"
FIRST_URN = 140001  # clear of the example bundles, which use 100001
MAX_PUPILS = 6000  # a UPN serial has 3 digits: at most 1000 pupils per cohort per school
LA_CODE, LA_NAME = 919, "Hertfordshire"
FIRST_ESTABLISHMENT = 2101  # clear of 2001, which the contract's example bundle uses
YEAR_GROUPS = ("R", "1", "2", "3", "4", "5", "6")
HOUSES = ("B", "H")  # classes are named after the houses Beech and Hazel: RB, RH, 1B …
TEACHER_GROUP = "4B"
MARK_BATCH = 5000
SCHOOL_DAYS = 190  # a school year has 190 pupil days and 5 INSET days


class DemoError(Exception):
    """The demo cannot be loaded (bad options, or it is already there)."""


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


# --- Names and places --------------------------------------------------------------------
# Space-separated name pools per background: (weight, EAL rate, boys, girls, surnames).
# Weights and EAL rates roughly follow the national primary population (EAL about 20%).
_BACKGROUNDS: dict[str, tuple[float, float, str, str, str]] = {
    "british": (
        0.64,
        0.01,
        "Oliver George Harry Jack Noah Leo Arthur Oscar Charlie Freddie Alfie Theo Thomas "
        "Henry Jacob Archie Joshua William Samuel Max Isaac Finley Reuben Harrison Toby Dylan",
        "Olivia Amelia Isla Ava Freya Lily Florence Grace Ivy Evie Poppy Sophia Ella Rosie "
        "Isabella Daisy Millie Ruby Emily Phoebe Matilda Elsie Evelyn Willow Maisie Lucy Erin",
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
        "Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Turner Cooper Hill "
        "Ward Morris Moore Harris Baker Lewis Martin Allen Mitchell Parker Bennett Carter Shaw "
        "Watson Murphy Kelly Price Lloyd Fletcher Doyle O'Brien Sullivan MacDonald Campbell",
    ),
    "south_asian": (
        0.12,
        0.55,
        "Muhammad Ibrahim Yusuf Zayn Ayaan Arjun Aarav Rohan Hamza Ali Omar Krish Dev Rayyan",
        "Aisha Maryam Zara Fatima Amira Anaya Priya Inaya Hafsa Simran Riya Noor Jasleen Eshal",
        "Khan Ahmed Hussain Patel Begum Ali Shah Singh Kaur Iqbal Rahman Sharma Mistry "
        "Chowdhury Akhtar Malik Kumar Gill Sandhu Mahmood",
    ),
    "eastern_european": (
        0.07,
        0.85,
        "Jakub Filip Antoni Szymon Mateusz Aleksander Luca Andrei David Matei",
        "Zuzanna Julia Maja Hanna Lena Amelia Natalia Ioana Maria Alexandra",
        "Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Popescu Ionescu Popa Dumitru "
        "Novak Horváth Petrov Kazlauskas",
    ),
    "african": (
        0.07,
        0.45,
        "Tobi David Emmanuel Daniel Kwame Chidi Samuel Femi Kofi Joshua Tariq Abdi",
        "Amara Adaeze Chioma Grace Abena Blessing Esther Favour Zainab Ifeoma Hodan Nia",
        "Okafor Adeyemi Mensah Osei Okonkwo Adebayo Boateng Asante Eze Nwosu Mohamed Abdi "
        "Hassan Owusu",
    ),
    "caribbean": (
        0.03,
        0.03,
        "Jaden Marcus Tyrone Isaiah Kai Malachi Elijah Andre",
        "Aaliyah Kiara Shanice Imani Jada Tiana Nia Maya",
        "Campbell Williams Brown Clarke Richards Thomas Francis Grant Edwards Henry",
    ),
    "middle_eastern": (
        0.03,
        0.7,
        "Adam Yusuf Ahmed Omar Karim Emir Yasin Mustafa Khalid",
        "Layla Sara Mariam Yasmin Hana Elif Zeynep Lina Nour",
        "Al-Sayed Haddad Mansour Yılmaz Kaya Demir Saleh Abbas Nasser Karimi Rahimi",
    ),
    "east_asian": (
        0.02,
        0.55,
        "Ethan Lucas Jayden Wei Hao Kenji Minh",
        "Chloe Emily Mei Xin Yuna Linh Sakura",
        "Chen Wang Li Zhang Liu Nguyen Tran Wong Kim Tanaka",
    ),
    "southern_european": (
        0.02,
        0.5,
        "Luca Mateo Leonardo Tiago Rafael Niall Seán",
        "Sofia Chiara Beatriz Lucia Aoife Niamh Giulia",
        "Rossi Silva Santos Ferreira García Rodríguez Bianchi Costa O'Connor Byrne",
    ),
}
# Parents of white British pupils mostly carry an older generation's names.
_BRITISH_ADULTS = (
    "James David Michael Daniel Christopher Mark Paul Andrew Matthew Richard Ben Tom Lee Stuart",
    "Sarah Emma Laura Claire Rebecca Gemma Kate Rachel Hayley Nicola Charlotte Lauren Amy Louise",
)
_STREETS = [
    "Church Road",
    "Station Road",
    "Victoria Road",
    "Park Avenue",
    "Mill Lane",
    "High Street",
    "Kings Road",
    "Queens Road",
    "The Crescent",
    "Manor Way",
    "Orchard Close",
    "Beech Grove",
    "Meadow Lane",
    "Elm Drive",
    "Riverside Walk",
    "St John's Road",
    "Windmill Hill",
    "Chapel Street",
    "Oak Tree Close",
    "Highfield Road",
]
_SCHOOLS = (
    ("Oakfield Primary School", "Hatfield", ("AL10", "AL9")),
    ("Brookside Primary School", "Stevenage", ("SG1", "SG2")),
    ("St Mary's Church of England Primary School", "Hitchin", ("SG4", "SG5")),
    ("Meadowbank Primary School", "Watford", ("WD17", "WD18", "WD24")),
    ("Hillcrest Primary Academy", "Hemel Hempstead", ("HP1", "HP2", "HP3")),
    ("Riverside Primary School", "Ware", ("SG12",)),
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in inward codes


# --- Calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Range:
    start: dt.date
    end: dt.date
    kind: str
    label: str
    sessions: str = ""


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday (Gregorian), by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _weekday_on_or_after(d: dt.date, weekday: int | None = None) -> dt.date:
    """The first date on or after d that is `weekday` (0 = Monday), or any weekday."""
    while (d.weekday() > 4) if weekday is None else (d.weekday() != weekday):
        d += dt.timedelta(days=1)
    return d


def _weekday_on_or_before(d: dt.date, weekday: int | None = None) -> dt.date:
    while (d.weekday() > 4) if weekday is None else (d.weekday() != weekday):
        d -= dt.timedelta(days=1)
    return d


def _next_weekday(d: dt.date) -> dt.date:
    return _weekday_on_or_after(d + dt.timedelta(days=1))


def _week(monday: dt.date, label: str) -> _Range:
    return _Range(monday, monday + dt.timedelta(days=4), "holiday", label)


def year_calendar(year: int) -> list[_Range]:
    """A typical English LA calendar for the academic year starting in September `year`.

    1. Three terms with October, February and May half terms, Christmas, Easter (the week
       before and the week after Easter Sunday) and the early May bank holiday.
    2. INSET: the first two days of September, the first day of the spring term and of the
       second half of the summer term, and the day after pupils break up.
    3. Pupils break up on their 190th day (the statutory year), with an early finish (a
       PM closure) then and on the last day of the autumn term.
    """
    autumn = _weekday_on_or_after(dt.date(year, 9, 1))
    autumn_end = _weekday_on_or_before(dt.date(year, 12, 20), 4)
    spring = _weekday_on_or_after(dt.date(year + 1, 1, 2), 0)
    easter = easter_sunday(year + 1)
    may_half_term = _weekday_on_or_before(dt.date(year + 1, 5, 31), 0)
    ranges = [
        _Range(autumn, autumn_end, "term", "Autumn term"),
        _Range(spring, easter - dt.timedelta(days=9), "term", "Spring term"),
        *(_Range(d, d, "inset", "INSET day") for d in (autumn, _next_weekday(autumn), spring)),
        _Range(*[may_half_term + dt.timedelta(days=7)] * 2, "inset", "INSET day"),
        _week(_weekday_on_or_before(dt.date(year, 10, 31), 0), "October half term"),
        _Range(autumn_end, autumn_end, "closure", "Early finish", "PM"),
        _Range(
            autumn_end + dt.timedelta(days=3),
            spring - dt.timedelta(days=1),
            "holiday",
            "Christmas holidays",
        ),
        _week(_weekday_on_or_before(dt.date(year + 1, 2, 18), 0), "February half term"),
        _Range(
            easter - dt.timedelta(days=6),
            easter + dt.timedelta(days=5),
            "holiday",
            "Easter holidays",
        ),
        _Range(
            *[_weekday_on_or_after(dt.date(year + 1, 5, 1), 0)] * 2,
            "holiday",
            "Early May bank holiday",
        ),
        _week(may_half_term, "May half term"),
    ]
    summer = easter + dt.timedelta(days=8)
    last_day = _190th_day(ranges + [_Range(summer, dt.date(year + 1, 8, 31), "term", "")])
    inset = _next_weekday(last_day)
    return [
        *ranges,
        _Range(summer, inset, "term", "Summer term"),
        _Range(last_day, last_day, "closure", "Early finish", "PM"),
        _Range(inset, inset, "inset", "INSET day"),
        _Range(
            inset + dt.timedelta(days=1), dt.date(year + 1, 8, 31), "holiday", "Summer holidays"
        ),
    ]


def _190th_day(ranges: list[_Range]) -> dt.date:
    days = sorted({d for d, _half in rules.calendar_sessions(_as_rule_ranges(ranges))})
    return days[SCHOOL_DAYS - 1]


def _as_rule_ranges(ranges: Iterable[_Range]) -> list[rules.CalendarRange]:
    return [
        rules.CalendarRange(
            r.start,
            r.end,
            r.kind,
            frozenset({rules.Half[r.sessions]}) if r.sessions else frozenset(),
        )
        for r in ranges
    ]


def _first_pupil_day(year: int) -> dt.date:
    """The first day pupils attend in the academic year `year`: after the two INSET days."""
    return _next_weekday(_next_weekday(_weekday_on_or_after(dt.date(year, 9, 1))))


# --- Planning pupils and families (pure: only the random generator) ----------------------


@dataclass
class _Child:
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
class _Carer:
    name: str
    relationship: str
    parental_responsibility: bool
    lives_with: bool
    email: str
    phone: str
    address: str
    postcode: str


@dataclass
class _Family:
    surname: str
    background: str
    fsm: bool
    social_worker: bool
    cla: bool
    children: list[_Child] = field(default_factory=list)
    carers: list[_Carer] = field(default_factory=list)
    # Term-time holidays not granted (G) by academic year; siblings go together.
    holidays: dict[int, frozenset[dt.date]] = field(default_factory=dict)


@dataclass(frozen=True)
class _SchoolPlace:
    name: str
    town: str
    outward_codes: tuple[str, ...]


def _pools(background: str) -> tuple[list[str], list[str], list[str]]:
    _weight, _eal, boys, girls, surnames = _BACKGROUNDS[background]
    return boys.split(), girls.split(), surnames.split()


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


def _ascii(text: str) -> str:
    """For e-mail addresses: Wiśniewski → wisniewski, O'Brien → obrien."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


@dataclass
class _Planner:
    """Draws a school's families; holds the counters that keep contact details distinct."""

    rng: random.Random
    place: _SchoolPlace
    current_year: int  # the academic year being seeded: September of this year
    joining_days: list[dt.date]  # school days so far this year, for mid-year admissions
    phones: Iterator[int]

    def families(self, pupils: int) -> list[_Family]:
        return [self.family(places) for places in _group_siblings(self.rng, pupils)]

    def family(self, places: list[tuple[int, str]]) -> _Family:
        rng = self.rng
        names = list(_BACKGROUNDS)
        background = rng.choices(names, weights=[_BACKGROUNDS[n][0] for n in names])[0]
        surname = rng.choice(_pools(background)[2])
        cla = len(places) == 1 and rng.random() < 0.02
        family = _Family(
            surname=surname,
            background=background,
            fsm=rng.random() < 0.24,
            social_worker=cla or rng.random() < 0.03,
            cla=cla,
        )
        family.children = [self.child(family, year, group) for year, group in places]
        family.carers = self.carers(family)
        return family

    def child(self, family: _Family, year: int, group: str) -> _Child:
        rng = self.rng
        boys, girls, _surnames = _pools(family.background)
        born_from = dt.date(self.current_year - 5 - year, 9, 1)
        admission = _first_pupil_day(self.current_year - year)
        if self.joining_days and rng.random() < 0.03:  # moved in from another school
            admission = rng.choice(self.joining_days)
        return _Child(
            forename=rng.choice(boys if rng.random() < 0.51 else girls),
            surname=family.surname,
            year_index=year,
            group=group,
            date_of_birth=born_from + dt.timedelta(days=rng.randrange(365)),
            admission=admission,
            eal=rng.random() < _BACKGROUNDS[family.background][1],
            pupil_premium=family.fsm or family.cla or rng.random() < 0.015,
            send=rng.choices("NKE", weights=(84.5, 13, 2.5))[0],
            young_carer=rng.random() < 0.01,
        )

    def carers(self, family: _Family) -> list[_Carer]:
        home = self.address()
        if family.cla:
            # The local authority holds parental responsibility for a looked-after child.
            return [self.carer(family, "Foster carer", pr=False, home=home, own_surname=False)]
        first = self.rng.choices(("Mother", "Father"), weights=(85, 15))[0]
        carers = [self.carer(family, first, pr=True, home=home)]
        if self.rng.random() < 0.75:
            second = {"Mother": "Father", "Father": "Mother"}[first]
            if self.rng.random() < 0.1:
                second = self.rng.choice(("Stepfather", "Grandmother", "Stepmother"))
            apart = self.rng.random() < 0.18  # separated parents: the second lives elsewhere
            carers.append(
                self.carer(
                    family,
                    second,
                    pr=second in ("Mother", "Father"),
                    home=self.address() if apart else home,
                    lives_with=not apart,
                    own_surname=not apart,
                )
            )
        return carers

    def carer(
        self,
        family: _Family,
        relationship: str,
        *,
        pr: bool,
        home: tuple[str, str],
        lives_with: bool = True,
        own_surname: bool = True,
    ) -> _Carer:
        rng = self.rng
        female = relationship in ("Mother", "Stepmother", "Grandmother") or (
            relationship == "Foster carer" and rng.random() < 0.7
        )
        if family.background == "british":
            forename = rng.choice(_BRITISH_ADULTS[female].split())
        else:
            forename = rng.choice(_pools(family.background)[female])
        surname = family.surname if own_surname else rng.choice(_pools("british")[2])
        phone = next(self.phones)
        domain = "example.com" if phone % 2 else "example.org"
        return _Carer(
            name=f"{forename} {surname}",
            relationship=relationship,
            parental_responsibility=pr,
            lives_with=lives_with,
            email=f"{_ascii(forename)}.{_ascii(surname)}{phone % 1000:03d}@{domain}",
            # Ofcom's drama range, so no real phone is ever called from the demo.
            phone=f"07700 900{phone % 1000:03d}",
            address=home[0],
            postcode=home[1],
        )

    def address(self) -> tuple[str, str]:
        rng = self.rng
        street = f"{rng.randint(1, 180)} {rng.choice(_STREETS)}"
        inward = f"{rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        return f"{street}\n{self.place.town}", f"{rng.choice(self.place.outward_codes)} {inward}"


# --- Absence model (pure) ----------------------------------------------------------------
# Absence comes in episodes (an illness of a few days, a day off unexplained) whose start
# probability varies by pupil, weekday and month. Pupils' propensities follow a skewed
# (log-normal) distribution plus a small group of severe absentees: that heavy tail puts
# about a fifth of pupils over the 10% persistent-absence line while the overall rate
# stays near 7%. Propensities are dealt out by rank (stratified), so even a 420-pupil
# school gets the national shape rather than a lucky or unlucky draw, and the ranking
# follows risk (free school meals, SEND, a social worker, siblings alike).
_WEEKDAY = (1.15, 0.95, 0.9, 0.92, 1.08)  # Mondays and Fridays are missed most
# By month, January first: winter illness peaks, September starts fresh.
_MONTH = (1.15, 1.1, 1.0, 0.9, 0.9, 0.95, 1.0, 1.0, 0.75, 1.0, 1.1, 1.2)
_MEDIAN_RATE, _RATE_SIGMA, _MAX_RATE = 0.038, 0.85, 0.45
_SEVERE_SHARE, _SEVERE_RATES = 0.02, (0.56, 0.85)
_ILLNESS_DAYS, _ILLNESS_WEIGHTS = (1, 2, 3, 4, 5), (50, 25, 13, 7, 5)
_ILLNESS_MEAN = sum(d * w for d, w in zip(_ILLNESS_DAYS, _ILLNESS_WEIGHTS, strict=True)) / 100
_AUTHORISED = (("I", 88), ("C", 7), ("M", 5))  # a whole-day M is a hospital appointment
_AUTHORISED_MEAN = sum(w * (_ILLNESS_MEAN if c == "I" else 1) for c, w in _AUTHORISED) / 100
_UNAUTHORISED_MEAN = 1.2
_UNRESOLVED_DAYS = 3  # N only in the last few school days: older reasons are known by now


def _risk(family: _Family, child: _Child) -> float:
    factor = 1.45 if family.fsm else 1.0
    factor *= {"N": 1.0, "K": 1.25, "E": 1.5}[child.send]
    factor *= 1.3 if family.social_worker else 1.0
    return factor * (1.2 if child.young_carer else 1.0)


def _assign_propensities(rng: random.Random, families: list[_Family]) -> None:
    """Give every child an absence rate, lateness and activities.

    1. Score each child: a family factor shared by siblings, times their own noise and
       risk factors.
    2. Rank by score: the top `_SEVERE_SHARE` are severe absentees; the rest get the
       quantiles of a log-normal rate distribution in rank order.
    """
    scored = []
    for family in families:
        shared = rng.lognormvariate(0, 0.6)
        for child in family.children:
            scored.append((shared * rng.lognormvariate(0, 0.5) * _risk(family, child), child))
            _assign_habits(rng, family, child)
    scored.sort(key=lambda pair: pair[0])
    children = [child for _score, child in scored]
    severe = round(len(children) * _SEVERE_SHARE)
    usual = len(children) - severe
    normal = NormalDist(math.log(_MEDIAN_RATE), _RATE_SIGMA)
    for rank, child in enumerate(children[:usual]):
        child.absence_rate = min(_MAX_RATE, math.exp(normal.inv_cdf((rank + 0.5) / usual)))
    low, high = _SEVERE_RATES
    for rank, child in enumerate(children[usual:]):
        child.absence_rate = low + (high - low) * (rank + 0.5) / severe
    for child in children:
        # The more a pupil misses, the less of it is explained.
        child.unauthorised_share = min(0.8, 0.2 + 0.8 * child.absence_rate)


def _assign_habits(rng: random.Random, family: _Family, child: _Child) -> None:
    child.in_team = child.year_index >= 4 and rng.random() < 0.15
    child.outreach = child.send == "E" and rng.random() < 0.3
    child.observes_festival = (
        family.background in ("south_asian", "middle_eastern") and rng.random() < 0.6
    )
    persistent_late = rng.random() < 0.12
    child.late_rate = rng.uniform(0.06, 0.15) if persistent_late else rng.uniform(0, 0.025)


def _start_probability(child: _Child) -> float:
    """Chance per day of starting an episode so that the long-run absent share is the rate.

    With episodes of mean length L starting with probability p on a day not already in
    one, the absent share is pL / (pL + 1 - p); solved for p.
    """
    share = child.unauthorised_share
    length = share * _UNAUTHORISED_MEAN + (1 - share) * _AUTHORISED_MEAN
    rate = child.absence_rate
    return rate / (length * (1 - rate) + rate)


def _episode(rng: random.Random, child: _Child) -> tuple[str, int]:
    if rng.random() < child.unauthorised_share:
        return "O", 1 if rng.random() < 0.8 else 2
    code = rng.choices([c for c, _w in _AUTHORISED], weights=[w for _c, w in _AUTHORISED])[0]
    days = rng.choices(_ILLNESS_DAYS, weights=_ILLNESS_WEIGHTS)[0] if code == "I" else 1
    return code, days


@dataclass
class _YearPlan:
    """One academic year of one school: its days so far and its whole-school events."""

    days: list[tuple[dt.date, tuple[str, ...]]]  # (date, halves) of sessions before today
    school_days: list[dt.date]  # every school day of the year, for holiday blocks
    trips: dict[str, set[dt.date]]  # educational visits by class name: V
    sports: set[dt.date]  # PM fixtures for the school team: P
    transition: set[dt.date]  # Year 6 days at their secondary school: B (as is outreach)
    festival: dt.date | None  # a religious festival some families observe: R
    unresolved_from: dt.date


class _Code(NamedTuple):
    date: dt.date
    session: str
    code: str
    minutes_late: int | None = None


@dataclass
class _CodeDrawer:
    rng: random.Random
    plan: _YearPlan
    group: str  # the child's class in this year
    holiday: frozenset[dt.date]

    def codes(self, child: _Child) -> Iterator[_Code]:
        """Every mark of one child for this year's sessions so far, in date order."""
        rng, start = self.rng, _start_probability(child)
        code, remaining = "", 0
        for day, halves in self.plan.days:
            if day < child.admission:
                continue
            if day in self.holiday:
                yield from self.whole_day(day, halves, "G")
            elif day == self.plan.festival and child.observes_festival:
                yield from self.whole_day(day, halves, "R")
            elif remaining:
                remaining -= 1
                yield from self.whole_day(day, halves, code)
            elif rng.random() < start * _WEEKDAY[day.weekday()] * _MONTH[day.month - 1]:
                code, length = _episode(rng, child)
                if day >= self.plan.unresolved_from and code in ("I", "O") and rng.random() < 0.5:
                    code = "N"  # the family has not yet said why
                remaining = length - 1
                yield from self.whole_day(day, halves, code)
            else:
                yield from self.present_day(child, day, halves)

    def whole_day(self, day: dt.date, halves: tuple[str, ...], code: str) -> Iterator[_Code]:
        return (_Code(day, half, code) for half in halves)

    def present_day(self, child: _Child, day: dt.date, halves: tuple[str, ...]) -> Iterator[_Code]:
        rng, plan = self.rng, self.plan
        if day in plan.trips.get(self.group, ()):
            yield from self.whole_day(day, halves, "V")
            return
        if day in plan.transition and self.group.startswith("6"):
            yield from self.whole_day(day, halves, "B")
            return
        outreach = child.outreach and day.weekday() == 2  # Wednesday afternoons
        appointment = rng.choice(halves) if rng.random() < 0.006 else None
        for half in halves:
            if half == appointment:
                yield _Code(day, half, "M")
            elif half == "PM" and child.in_team and day in plan.sports:
                yield _Code(day, half, "P")
            elif half == "PM" and outreach:
                yield _Code(day, half, "B")
            elif half == "AM" and rng.random() < child.late_rate:
                # Minutes after the register opened; it stays open 30 minutes.
                minutes = min(90, 1 + int(rng.expovariate(1 / 11)))
                yield _Code(day, half, "L" if minutes <= 30 else "U", minutes)
            else:
                yield _Code(day, half, "/" if half == "AM" else "\\")


def _thirds(days: list[dt.date]) -> list[list[dt.date]]:
    size = -(-len(days) // 3)
    return [days[i : i + size] for i in range(0, len(days), size)]


def _year_plan(rng: random.Random, halves: dict[dt.date, list[str]], today: dt.date) -> _YearPlan:
    school_days = sorted(halves)
    done = [d for d in school_days if d < today]
    # N stays only while the register is fresh: not over a holiday, nor in past years.
    fresh = bool(done) and (today - done[-1]).days <= 4
    groups = [f"{y}{h}" for y in YEAR_GROUPS for h in HOUSES]
    july_thursdays = [d for d in school_days if d.month == 7 and d.weekday() == 3]
    return _YearPlan(
        days=[(d, tuple(halves[d])) for d in done],
        school_days=school_days,
        trips={g: {rng.choice(term) for term in _thirds(school_days)} for g in groups},
        sports={rng.choice(school_days) for _ in range(6)},
        transition=set(july_thursdays[:1]),
        festival=rng.choice([d for d in school_days if d.month in (1, 2, 3, 4)] or school_days),
        unresolved_from=done[-_UNRESOLVED_DAYS:][0] if fresh else dt.date.max,
    )


def _holiday_block(rng: random.Random, school_days: list[dt.date]) -> frozenset[dt.date]:
    """3–10 school days taken next to a holiday, before it or after it."""
    gaps = [
        i for i in range(len(school_days) - 1) if (school_days[i + 1] - school_days[i]).days > 4
    ]
    if not gaps:
        return frozenset()
    i, length = rng.choice(gaps), rng.randint(3, 10)
    if rng.random() < 0.5:
        return frozenset(school_days[max(0, i - length + 1) : i + 1])
    return frozenset(school_days[i + 1 : i + 1 + length])


# --- Writing -----------------------------------------------------------------------------


class MarkRow(NamedTuple):
    """A mark as plain values, named after `Mark`'s columns so any writer can take it."""

    school_id: int
    pupil_id: int
    date: dt.date
    session: str
    code_id: str
    minutes_late: int | None
    recorded_by_id: int | None
    recorded_at: dt.datetime
    source: str


def _write_marks(rows: Iterable[MarkRow]) -> int:
    """Insert marks in batches; the only place the demo writes them (a COPY writer may
    replace it on PostgreSQL). Returns the number written."""
    written, rows = 0, iter(rows)
    while batch := list(islice(rows, MARK_BATCH)):
        Mark.objects.bulk_create([Mark(**row._asdict()) for row in batch], batch_size=MARK_BATCH)
        written += len(batch)
    return written


@dataclass
class _Placed:
    pupil_id: int
    child: _Child
    family: _Family


@dataclass
class _Built:
    school: School
    plans: dict[int, _YearPlan]
    pupils: list[_Placed]
    guardians: dict[int, list[Guardian]]  # by family index


def _place(index: int) -> _SchoolPlace:
    if index < len(_SCHOOLS):
        return _SchoolPlace(*_SCHOOLS[index])
    return _SchoolPlace(f"Demo Primary School {index + 1}", "Hatfield", ("AL10", "AL9"))


def _school_create(*, rng: random.Random, index: int, place: _SchoolPlace, trust: Trust) -> School:
    slug = _ascii(place.name.split()[0])
    school = School(
        urn=str(FIRST_URN + index),
        name=place.name,
        phase=Phase.PRIMARY,
        trust=trust,
        local_authority=LA_NAME,
        address=f"{rng.choice(_STREETS)}\n{place.town}",
        postcode=f"{place.outward_codes[0]} {rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}"
        f"{rng.choice(_INWARD_LETTERS)}",
        phone=f"01632 960{index % 1000:03d}",  # Ofcom's drama range for landlines
        email=f"office@{slug}.example.org",
        headteacher=_head_name(index),
        # Doors open at 8:45 and the register closes 30 minutes later, the most allowed.
        am_opens=dt.time(8, 45),
        am_closes=dt.time(9, 15),
        pm_opens=dt.time(13, 15),
        pm_closes=dt.time(13, 30),
    )
    school.full_clean()
    school.save()
    return school


def _head_name(index: int) -> str:
    head = next(login for login in DEMO_LOGINS if login.role == Role.HEADTEACHER)
    if index == 0:
        return f"{head.first_name} {head.last_name}"
    return ("Andrew Pell", "Fiona Grant", "Tariq Mahmood", "Joanne Hughes", "Claire Dunn")[
        index % 5
    ]


def _calendar_create(*, school: School, years: range) -> None:
    CalendarEntry.objects.bulk_create(
        CalendarEntry(
            school=school,
            start_date=r.start,
            end_date=r.end,
            kind=r.kind,
            sessions=r.sessions,
            label=r.label,
        )
        for year in years
        for r in year_calendar(year)
    )
    calendar_rebuild(school=school)


def _year_plans(*, rng: random.Random, school: School, today: dt.date) -> dict[int, _YearPlan]:
    by_year: dict[int, dict[dt.date, list[str]]] = defaultdict(lambda: defaultdict(list))
    sessions = SchoolSession.objects.filter(school=school).order_by("date", "session")
    for day, half in sessions.values_list("date", "session"):
        by_year[rules.academic_year(day)[0].year][day].append(half)
    return {year: _year_plan(rng, by_year[year], today) for year in sorted(by_year)}


def _pupils_create(
    *, school: School, families: list[_Family], establishment: int, current_year: int
) -> tuple[list[_Placed], dict[int, list[Guardian]]]:
    serials: Counter[int] = Counter()
    rows: list[tuple[Pupil, _Child, _Family]] = []
    for family in families:
        for child in family.children:
            cohort = current_year - child.year_index  # UPNs are allocated on first entry
            upn = make_upn(
                la=LA_CODE, establishment=establishment, year=cohort, serial=serials[cohort]
            )
            serials[cohort] += 1
            rows.append((_pupil(upn, child, family), child, family))
    Pupil.objects.bulk_create([pupil for pupil, _c, _f in rows])
    Enrolment.objects.bulk_create(
        Enrolment(
            pupil=pupil,
            school=school,
            admission_date=child.admission,
            registration_group=child.group,
        )
        for pupil, child, _family in rows
    )
    guardians = _guardians_create(families)
    PupilGuardian.objects.bulk_create(
        PupilGuardian(
            pupil=pupil,
            guardian=guardian,
            relationship=carer.relationship,
            parental_responsibility=carer.parental_responsibility,
            lives_with=carer.lives_with,
            priority=priority,
        )
        for pupil, _child, family in rows
        for priority, (carer, guardian) in enumerate(
            zip(family.carers, guardians[id(family)], strict=True), start=1
        )
    )
    placed = [_Placed(pupil.id, child, family) for pupil, child, family in rows]
    return placed, {i: guardians[id(f)] for i, f in enumerate(families)}


def _pupil(upn: str, child: _Child, family: _Family) -> Pupil:
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


def _guardians_create(families: list[_Family]) -> dict[int, list[Guardian]]:
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


class _RegisterClock:
    """When each mark was recorded: a few minutes into the register, or on arrival."""

    def __init__(self, school: School) -> None:
        self.opens = {"AM": school.am_opens, "PM": school.pm_opens}
        self.tz = timezone.get_current_timezone()
        self.cache: dict[tuple[dt.date, str], dt.datetime] = {}

    def at(self, day: dt.date, half: str, minutes_late: int | None) -> dt.datetime:
        opened = self.cache.get((day, half))
        if opened is None:
            opened = dt.datetime.combine(day, self.opens[half], tzinfo=self.tz)
            self.cache[(day, half)] = opened
        return opened + dt.timedelta(minutes=minutes_late or 5)


def _group_in(child: _Child, *, year: int, current_year: int) -> str:
    """The child's class in academic year `year` (they move up a year group each September)."""
    index = child.year_index - (current_year - year)
    return f"{YEAR_GROUPS[index]}{child.group[-1]}" if index >= 0 else ""


def _mark_rows(
    *,
    rng: random.Random,
    built: _Built,
    current_year: int,
    recorders: dict[str, int | None],
    progress: bool,
) -> Iterator[MarkRow]:
    clock, school_id = _RegisterClock(built.school), built.school.id
    pupils = tqdm(
        built.pupils,
        desc=f"Marks for {built.school.urn}",
        unit="pupil",
        disable=not progress,
        file=sys.stderr,
    )
    for placed in pupils:
        child = placed.child
        for year, plan in built.plans.items():
            group = _group_in(child, year=year, current_year=current_year)
            if not group:
                continue
            holiday = placed.family.holidays.get(year, frozenset())
            recorder = recorders.get(group if year == current_year else "", recorders[""])
            for mark in _CodeDrawer(rng, plan, group, holiday).codes(child):
                yield MarkRow(
                    school_id,
                    placed.pupil_id,
                    mark.date,
                    mark.session,
                    mark.code,
                    mark.minutes_late,
                    recorder,
                    clock.at(mark.date, mark.session, mark.minutes_late),
                    MarkSource.REGISTER,
                )


# --- Logins ------------------------------------------------------------------------------


def _logins_create(*, trust: Trust, school: School, parent_of: Guardian) -> dict[str, User]:
    # One hash for every demo login: the password is published, and hashing it eight
    # times would cost seconds for nothing.
    password = make_password(DEMO_PASSWORD)
    users = {login.username: _login_user(login, password, parent_of) for login in DEMO_LOGINS}
    for login in DEMO_LOGINS:
        if login.role == Role.TRUST_LEADER:
            Membership.objects.create(user=users[login.username], trust=trust, role=login.role)
        elif login.role in Role.values:
            groups = TEACHER_GROUP if login.role == Role.TEACHER else ""
            Membership.objects.create(
                user=users[login.username],
                school=school,
                role=login.role,
                registration_groups=groups,
            )
    parent_of.user = users["parent"]
    parent_of.save(update_fields=["user"])
    return users


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


# --- Summary -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    """Year-to-date figures of the demo schools, pooled as DfE pools them (rules §2.2)."""

    schools: int
    pupils: int
    marks: int
    enrolments: int  # enrolments with at least one possible session this year
    counts: rules.Counts
    persistent: int
    severe: int
    codes: dict[str, int]

    @property
    def overall_absence(self) -> str | None:
        return rules.percentage(part=self.counts.absent, whole=self.counts.possible)

    @property
    def unauthorised(self) -> str | None:
        return rules.percentage(part=self.counts.unauthorised, whole=self.counts.possible)

    @property
    def persistent_rate(self) -> str | None:
        return rules.percentage(part=self.persistent, whole=self.enrolments)

    @property
    def severe_rate(self) -> str | None:
        return rules.percentage(part=self.severe, whole=self.enrolments)


def demo_summary(*, schools: Iterable[School], today: dt.date) -> DemoSummary:
    """Count this academic year's marks per enrolment with the reports' own rules."""
    schools = list(schools)
    start = rules.academic_year(today)[0]
    per_enrolment: dict[tuple[int, int], list[str]] = defaultdict(list)
    marks = Mark.objects.filter(school__in=schools, date__gte=start, date__lt=today)
    for school_id, pupil_id, code in marks.values_list("school_id", "pupil_id", "code_id"):
        per_enrolment[(school_id, pupil_id)].append(code)
    counts = [c for c in map(rules.count_codes, per_enrolment.values()) if c.possible]
    return DemoSummary(
        schools=len(schools),
        pupils=Enrolment.objects.filter(school__in=schools).values("pupil").distinct().count(),
        marks=Mark.objects.filter(school__in=schools).count(),
        enrolments=len(counts),
        counts=sum(counts, rules.Counts()),
        persistent=sum(
            rules.is_persistent_absence(absent=c.absent, possible=c.possible) for c in counts
        ),
        severe=sum(rules.is_severe_absence(absent=c.absent, possible=c.possible) for c in counts),
        codes=dict(Counter(code for codes in per_enrolment.values() for code in codes)),
    )


# --- The service -------------------------------------------------------------------------


def _check_options(*, pupils: int, schools: int, years: int) -> None:
    if not 1 <= pupils <= MAX_PUPILS:
        raise DemoError(f"pupils must be between 1 and {MAX_PUPILS} per school, not {pupils}")
    if not 1 <= schools <= 99:
        raise DemoError(f"schools must be between 1 and 99, not {schools}")
    if not 0 <= years <= 10:
        raise DemoError(f"years must be between 0 and 10, not {years}")


def _refuse_if_loaded(schools: int) -> None:
    urns = [str(FIRST_URN + i) for i in range(schools)]
    if (
        School.objects.filter(urn__in=urns).exists()
        or Trust.objects.filter(name=DEMO_TRUST).exists()
        or User.objects.filter(username__in=[login.username for login in DEMO_LOGINS]).exists()
    ):
        raise DemoError(
            "The demo (or a school or login with its URNs or names) is already in "
            "this database; seed an empty database."
        )


def _school_build(
    *,
    rng: random.Random,
    index: int,
    trust: Trust,
    today: dt.date,
    years: int,
    pupils: int,
    phones: Iterator[int],
) -> _Built:
    """Steps 2–4 of `demo_seed` for one school."""
    current_year = rules.academic_year(today)[0].year
    place = _place(index)
    school = _school_create(rng=rng, index=index, place=place, trust=trust)
    _calendar_create(school=school, years=range(current_year - years, current_year + 1))
    plans = _year_plans(rng=rng, school=school, today=today)
    this_year = plans.get(current_year)
    joining = [d for d, _halves in this_year.days] if this_year else []
    families = _Planner(rng, place, current_year, joining, phones).families(pupils)
    _assign_propensities(rng, families)
    for family in families:
        family.holidays = {
            year: _holiday_block(rng, plan.school_days)
            for year, plan in plans.items()
            if rng.random() < 0.07
        }
    placed, guardians = _pupils_create(
        school=school,
        families=families,
        establishment=FIRST_ESTABLISHMENT + index,
        current_year=current_year,
    )
    return _Built(school, plans, placed, guardians)


@transaction.atomic
def demo_seed(
    *,
    today: dt.date,
    seed: int = 1,
    pupils: int = 420,
    schools: int = 1,
    years: int = 0,
    progress: bool = False,
) -> DemoSummary:
    """Load the demo into an empty database; deterministic for `seed` and `today`.

    1. Check the options and refuse if the demo (its URNs, trust or logins) is there.
    2. Create the trust "Demo Learning Trust" (also for one school, so that the trust
       leader login has a trust) and its schools, URNs from 100001.
    3. Per school: this academic year's calendar and `years` earlier ones, rebuilt into
       sessions; then families of pupils, their enrolments and guardians.
    4. The demo logins, staff at the first school; the parent is a guardian of siblings.
    5. A mark for every session before `today` on which each pupil is on roll; none for
       `today` itself, so registers can be taken live.
    Returns this year's figures, counted back from the database.
    """
    _check_options(pupils=pupils, schools=schools, years=years)
    _refuse_if_loaded(schools)
    rng = random.Random(seed)
    trust = Trust.objects.create(name=DEMO_TRUST)
    phones = iter(range(rng.randrange(1000), 10**9))
    built = [
        _school_build(
            rng=rng, index=i, trust=trust, today=today, years=years, pupils=pupils, phones=phones
        )
        for i in range(schools)
    ]
    first = built[0]
    users = _logins_create(trust=trust, school=first.school, parent_of=first.guardians[0][0])
    current_year = rules.academic_year(today)[0].year
    for b in built:
        recorders: dict[str, int | None] = {"": None}
        if b is first:
            recorders = {"": users["office"].id, TEACHER_GROUP: users["teacher"].id}
        _write_marks(
            _mark_rows(
                rng=rng, built=b, current_year=current_year, recorders=recorders, progress=progress
            )
        )
    return demo_summary(schools=[b.school for b in built], today=today)
