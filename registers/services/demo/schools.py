"""Storing the demo's schools."""

from __future__ import annotations

import datetime as dt
import random

from registers.models import Phase, Role, School, Trust

from .names import LA_NAME, STREETS, SchoolPlace, ascii_name, inward_code
from .people import DEMO_LOGINS

FIRST_URN = 140001  # clear of the example bundles, which use 100001
FIRST_ESTABLISHMENT = 2101  # clear of 2001, which the contract's example bundle uses
_OTHER_HEADS = ("Andrew Pell", "Fiona Grant", "Tariq Mahmood", "Joanne Hughes", "Claire Dunn")


def school_create(*, rng: random.Random, index: int, place: SchoolPlace, trust: Trust) -> School:
    """Store the demo's school number `index` (0 = the first) in `trust`."""
    slug = ascii_name(place.name.split()[0])
    school = School(
        urn=str(FIRST_URN + index),
        name=place.name,
        phase=Phase.PRIMARY,
        trust=trust,
        local_authority=LA_NAME,
        address=f"{rng.choice(STREETS)}\n{place.town}",
        postcode=f"{place.outward_codes[0]} {inward_code(rng)}",
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
    """The first school's head is the `head` login; the others have their own."""
    if index == 0:
        head = next(login for login in DEMO_LOGINS if login.role == Role.HEADTEACHER)
        return f"{head.first_name} {head.last_name}"
    return _OTHER_HEADS[index % len(_OTHER_HEADS)]
