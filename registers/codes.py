"""The 2024 DfE attendance code table, as data.

This module is the single source of the codes' meanings and statistical categories
(`dfe-attendance-rules.md` §0.2 and §1.2). The `AttendanceCode` model and its data
migration are built from it, and every rule reads categories from here rather than
from ad-hoc lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """Statistical category of a code (rules §1.2 key)."""

    PRESENT = "present"
    AEA = "aea"  # attending an approved educational activity: counts as attendance
    AUTHORISED = "authorised"
    UNAUTHORISED = "unauthorised"
    NOT_POSSIBLE = "not_possible"  # not a possible session (incl. administrative codes)


class Group(StrEnum):
    """Regulatory grouping used on code sheets and in the code picker."""

    PRESENT = "Present"
    ELSEWHERE = "Attending a place other than the school"
    LEAVE = "Leave of absence"
    OTHER_AUTHORISED = "Other authorised absence"
    UNABLE = "Unable to attend due to unavoidable cause"
    UNAUTHORISED = "Unauthorised absence"
    ADMIN = "Administrative"


@dataclass(frozen=True, slots=True)
class CodeDef:
    code: str
    meaning: str
    category: Category
    group: Group

    @property
    def is_possible(self) -> bool:
        return self.category is not Category.NOT_POSSIBLE

    @property
    def is_attendance(self) -> bool:
        return self.category in (Category.PRESENT, Category.AEA)

    @property
    def is_absence(self) -> bool:
        return self.category in (Category.AUTHORISED, Category.UNAUTHORISED)

    @property
    def counts_toward_threshold(self) -> bool:
        """G, N, O and U: the codes of the national threshold (rules §3.2)."""
        return self.category is Category.UNAUTHORISED


_C = Category
_G = Group

CODE_TABLE: tuple[CodeDef, ...] = (
    CodeDef("/", "Present (AM)", _C.PRESENT, _G.PRESENT),
    CodeDef("\\", "Present (PM)", _C.PRESENT, _G.PRESENT),
    CodeDef("L", "Late, arrived before the register closed", _C.PRESENT, _G.PRESENT),
    CodeDef("K", "Attending education arranged by the local authority", _C.AEA, _G.ELSEWHERE),
    CodeDef("V", "Attending an educational visit or trip", _C.AEA, _G.ELSEWHERE),
    CodeDef("P", "Participating in an approved sporting activity", _C.AEA, _G.ELSEWHERE),
    CodeDef("W", "Attending work experience", _C.AEA, _G.ELSEWHERE),
    CodeDef("B", "Attending any other approved educational activity", _C.AEA, _G.ELSEWHERE),
    CodeDef("D", "Dual registered, attending another school", _C.NOT_POSSIBLE, _G.ELSEWHERE),
    CodeDef(
        "C1", "Leave for a regulated performance or employment abroad", _C.AUTHORISED, _G.LEAVE
    ),
    CodeDef("M", "Leave for a medical or dental appointment", _C.AUTHORISED, _G.LEAVE),
    CodeDef("J1", "Leave to attend an interview", _C.AUTHORISED, _G.LEAVE),
    CodeDef("S", "Study leave", _C.AUTHORISED, _G.LEAVE),
    CodeDef("X", "Not of compulsory school age, not required to attend", _C.NOT_POSSIBLE, _G.LEAVE),
    CodeDef("C2", "Leave: temporary part-time timetable", _C.AUTHORISED, _G.LEAVE),
    CodeDef("C", "Leave for exceptional circumstances", _C.AUTHORISED, _G.LEAVE),
    CodeDef("T", "Parent travelling for occupational purposes", _C.AUTHORISED, _G.OTHER_AUTHORISED),
    CodeDef("R", "Religious observance", _C.AUTHORISED, _G.OTHER_AUTHORISED),
    CodeDef(
        "I", "Illness (not a medical or dental appointment)", _C.AUTHORISED, _G.OTHER_AUTHORISED
    ),
    CodeDef(
        "E", "Suspended or excluded, no alternative provision", _C.AUTHORISED, _G.OTHER_AUTHORISED
    ),
    CodeDef("Q", "Unable to attend: lack of access arrangements", _C.NOT_POSSIBLE, _G.UNABLE),
    CodeDef(
        "Y1",
        "Unable to attend: transport normally provided not available",
        _C.NOT_POSSIBLE,
        _G.UNABLE,
    ),
    CodeDef("Y2", "Unable to attend: widespread disruption to travel", _C.NOT_POSSIBLE, _G.UNABLE),
    CodeDef(
        "Y3", "Unable to attend: part of the school premises closed", _C.NOT_POSSIBLE, _G.UNABLE
    ),
    CodeDef(
        "Y4", "Unable to attend: whole school site unexpectedly closed", _C.NOT_POSSIBLE, _G.UNABLE
    ),
    CodeDef("Y5", "Unable to attend: in criminal justice detention", _C.NOT_POSSIBLE, _G.UNABLE),
    CodeDef("Y6", "Unable to attend: public health guidance or law", _C.NOT_POSSIBLE, _G.UNABLE),
    CodeDef("Y7", "Unable to attend: any other unavoidable cause", _C.NOT_POSSIBLE, _G.UNABLE),
    CodeDef("G", "Holiday not granted by the school", _C.UNAUTHORISED, _G.UNAUTHORISED),
    CodeDef("N", "Reason for absence not yet established", _C.UNAUTHORISED, _G.UNAUTHORISED),
    CodeDef("O", "Absent in other or unknown circumstances", _C.UNAUTHORISED, _G.UNAUTHORISED),
    CodeDef("U", "Arrived after the register closed", _C.UNAUTHORISED, _G.UNAUTHORISED),
    CodeDef("Z", "Prospective pupil, not yet on the admission register", _C.NOT_POSSIBLE, _G.ADMIN),
    CodeDef("#", "Planned whole-school closure", _C.NOT_POSSIBLE, _G.ADMIN),
)

CODES: dict[str, CodeDef] = {c.code: c for c in CODE_TABLE}


def codes_in(*categories: Category) -> frozenset[str]:
    """The codes whose category is one of `categories`."""
    return frozenset(c.code for c in CODE_TABLE if c.category in categories)


ATTENDED_CODES = codes_in(Category.PRESENT, Category.AEA)
AUTHORISED_CODES = codes_in(Category.AUTHORISED)
UNAUTHORISED_CODES = codes_in(Category.UNAUTHORISED)
NOT_POSSIBLE_CODES = codes_in(Category.NOT_POSSIBLE)
POSSIBLE_CODES = ATTENDED_CODES | AUTHORISED_CODES | UNAUTHORISED_CODES
THRESHOLD_CODES = UNAUTHORISED_CODES
LATE_BEFORE_CLOSE = "L"
LATE_AFTER_CLOSE = "U"
LATE_CODES = frozenset({LATE_BEFORE_CLOSE, LATE_AFTER_CLOSE})
