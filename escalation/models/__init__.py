"""The escalation engine's data: aggregates, statuses, policy, cases and duties."""

from .aggregates import DirtyPupil, PupilWeek
from .cases import Case, CaseEvent, CaseEventKind
from .config import PolicyConfig
from .duties import Duty, DutyKind, DutyStatus
from .status import PupilStatus, RiskBand
from .support import AttendanceContract, PupilNote, SupportPlan, ThresholdDecision  # noqa: F401

__all__ = [
    "Case",
    "CaseEvent",
    "CaseEventKind",
    "DirtyPupil",
    "Duty",
    "DutyKind",
    "DutyStatus",
    "PolicyConfig",
    "PupilStatus",
    "PupilWeek",
    "RiskBand",
]
