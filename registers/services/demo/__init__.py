"""Demo data: a realistic English primary school (or trust) with its register history.

`demo_seed` builds schools, a calendar, pupils with guardians, staff logins and a mark for
every session from 1 September up to yesterday. Everything is drawn from one
`random.Random(seed)`, so a seed and a `today` always give the same data. The code mix is
tuned to national figures (overall absence about 7%, unauthorised about 2.5%, about 20% of
pupils persistently and 2% severely absent), and `demo_summary` checks them with the same
pure rules the reports use.

`calendar` draws the school year, `names` the names and places, `families` plans pupils
and carers, `absence` the absence model and code mix (all pure); `schools` and `people`
store schools, pupils, guardians and logins, `writer` turns plans into marks and writes
them, `summary` counts the figures back, and `seed` ties them together.
"""

from .calendar import SCHOOL_DAYS, easter_sunday, year_calendar
from .families import HOUSES, YEAR_GROUPS
from .names import LA_CODE, LA_NAME
from .people import DEMO_LOGINS, DEMO_PASSWORD, TEACHER_GROUP, DemoLogin
from .schools import FIRST_ESTABLISHMENT, FIRST_URN
from .seed import DEMO_TRUST, MAX_PUPILS, DemoError, demo_seed
from .summary import DemoSummary, demo_summary
from .writer import MARK_BATCH, MarkRow

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_TRUST",
    "FIRST_ESTABLISHMENT",
    "FIRST_URN",
    "HOUSES",
    "LA_CODE",
    "LA_NAME",
    "MARK_BATCH",
    "MAX_PUPILS",
    "SCHOOL_DAYS",
    "TEACHER_GROUP",
    "YEAR_GROUPS",
    "DemoError",
    "DemoLogin",
    "DemoSummary",
    "MarkRow",
    "demo_seed",
    "demo_summary",
    "easter_sunday",
    "year_calendar",
]
