"""Notices to improve, penalty notices and their configuration (rules §4)."""

from .config import PenaltyTermsConfig
from .notices import (
    AlternativeAction,
    AlternativeKind,
    CoveredSession,
    InterventionEvent,
    NoticeToImprove,
    NTIStatus,
    PenaltyNotice,
    PenaltyRequest,
    PNStatus,
    ProsecutionOutcome,
    RequestStatus,
    WithdrawalGround,
)

__all__ = [
    "AlternativeAction",
    "AlternativeKind",
    "CoveredSession",
    "InterventionEvent",
    "NTIStatus",
    "NoticeToImprove",
    "PNStatus",
    "PenaltyNotice",
    "PenaltyRequest",
    "PenaltyTermsConfig",
    "ProsecutionOutcome",
    "RequestStatus",
    "WithdrawalGround",
]
