"""The register's data: schools and staff, the calendar, pupils and guardians, marks."""

from .api import ApiToken, IdempotentResponse, TokenScope
from .audit import AccessEvent, AccessKind
from .calendar import CalendarEntry, CalendarKind, SchoolSession, SchoolWeek, Session
from .marks import AttendanceCode, Mark, MarkChange, MarkSource
from .pupils import Enrolment, Guardian, Pupil, PupilGuardian, SendStatus, YearGroup
from .registers import RegisterTaking
from .retention import RegisterDeletion, RetentionPurge
from .schools import Membership, Phase, Role, School, Trust, User

__all__ = [
    "AccessEvent",
    "AccessKind",
    "ApiToken",
    "IdempotentResponse",
    "TokenScope",
    "AttendanceCode",
    "CalendarEntry",
    "CalendarKind",
    "Enrolment",
    "Guardian",
    "Mark",
    "MarkChange",
    "MarkSource",
    "Membership",
    "Phase",
    "Pupil",
    "PupilGuardian",
    "RegisterDeletion",
    "RegisterTaking",
    "RetentionPurge",
    "Role",
    "School",
    "SchoolSession",
    "SchoolWeek",
    "SendStatus",
    "Session",
    "Trust",
    "User",
    "YearGroup",
]
