"""The escalation policy as plain, frozen data, with defaults from the schools' policies.

Defaults and where they come from (files under shared/policies):
* Stage 1 "universal concern" below 96% with a first letter (000 Appendix B; 004 stage 1).
* Stage 2 "targeted support" when a stage-1 pupil has not improved after a period: second
  letter and an attendance support meeting or contract (000 Appendix C "not improved
  since our previous correspondence"; 004 stage 2 attendance contract; 003 tier 2).
* Stage 3 "formal meeting" when stage 2 has not worked (004 stage 3; 003 tier 3).
* Stage 4 "legal intervention": a notice to improve, or a penalty notice request where
  support is not appropriate (004 stage 4; rules §3.4, §3.5), proposed only once the
  national (or local) threshold is met. The periods are 6 school weeks, the default
  improvement period of a notice to improve (rules §0.9), so each stage gets half a term.
* Term-by-term risk-of-PA bands: the Lutley table (003 "Pupils at Risk of Becoming
  Persistently Absent"), in days absent in the term.
* Local thresholds are off by default; a Dudley school sets 12 sessions in 12 school
  weeks (003 "Dudley ESS thresholds"), and the unauthorised-leave referral at 5 days,
  10 continuous G sessions (003 "Leave of Absence Request").

`policy_from_settings` builds a `Policy` from a JSON object of overrides (a
`PolicyConfig` row) and refuses unknown keys and out-of-range values.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

TERMS = ("autumn", "spring", "summer")


@dataclass(frozen=True)
class RiskBandRule:
    """From `min_days` days absent in the term (inclusive): this band and support tier."""

    min_days: int
    band: str
    tier: int | None


_LUTLEY_AUTUMN_SPRING = (
    RiskBandRule(1, "low", None),
    RiskBandRule(6, "moderate", 1),
    RiskBandRule(11, "high", 2),
    RiskBandRule(16, "high", 3),
    RiskBandRule(19, "locked", 3),
)
_LUTLEY_SUMMER = (
    RiskBandRule(1, "low", None),
    RiskBandRule(6, "moderate", None),
    RiskBandRule(11, "moderate", 1),
    RiskBandRule(16, "high", 2),
    RiskBandRule(19, "locked", 3),
)
BANDS = ("none", "low", "moderate", "high", "locked")


@dataclass(frozen=True)
class Policy:
    # Ladder.
    concern_below_rate: Decimal = Decimal("96.0")
    min_possible_sessions: int = 20  # no letter on a fortnight's data or less
    stage_weeks: tuple[int, int, int] = (6, 6, 6)  # school weeks at stages 1, 2, 3
    improvement_points: Decimal = Decimal("1.0")  # percentage points of attendance
    legal_needs_threshold: bool = True
    holiday_fast_track: bool = True  # threshold met by G alone: propose stage 4 at once
    recovered_weeks: int = 6  # at or above the concern rate this long: propose closing
    quiet_days_after_decline: int = 28
    # Thresholds.
    national_limit: int = 10
    national_window_weeks: int = 10
    local_threshold_label: str = ""
    local_threshold_limit: int | None = None
    local_threshold_weeks: int | None = None
    # Duties.
    n_deadline_school_days: int = 5
    la_notification_days: int = 10
    cme_days: int = 20
    sickness_days: int = 15
    leave_referral_sessions: int = 10
    social_worker_codes: tuple[str, ...] = ("N", "O")
    include_looked_after: bool = True  # a looked-after child has a social worker
    # Risk of persistent absence.
    pace_weeks: int = 6
    risk_bands: dict[str, tuple[RiskBandRule, ...]] = field(
        default_factory=lambda: {
            "autumn": _LUTLEY_AUTUMN_SPRING,
            "spring": _LUTLEY_AUTUMN_SPRING,
            "summer": _LUTLEY_SUMMER,
        }
    )

    def __post_init__(self) -> None:
        _check(self)

    @property
    def has_local_threshold(self) -> bool:
        return self.local_threshold_limit is not None


def _check(p: Policy) -> None:
    if not Decimal(0) < p.concern_below_rate <= Decimal(100):
        raise ValueError("concern_below_rate must be in (0, 100]")
    if len(p.stage_weeks) != 3 or any(w < 1 for w in p.stage_weeks):
        raise ValueError("stage_weeks must be three periods of at least 1 school week")
    if p.national_limit != 10 or p.national_window_weeks != 10:
        raise ValueError("the national threshold is fixed at 10 sessions in 10 school weeks")
    if (p.local_threshold_limit is None) != (p.local_threshold_weeks is None):
        raise ValueError("a local threshold needs both a limit and a number of weeks")
    if p.local_threshold_limit is not None and (
        p.local_threshold_limit < 1 or (p.local_threshold_weeks or 0) < 1
    ):
        raise ValueError("local threshold limit and weeks must be at least 1")
    if p.n_deadline_school_days != 5:
        raise ValueError("the N deadline is fixed at 5 school days (rules §0.7)")
    positive = ("min_possible_sessions", "la_notification_days", "cme_days", "sickness_days")
    for name in (*positive, "leave_referral_sessions", "pace_weeks", "recovered_weeks"):
        if getattr(p, name) < 1:
            raise ValueError(f"{name} must be at least 1")
    if set(p.risk_bands) != set(TERMS):
        raise ValueError(f"risk_bands needs exactly the terms {TERMS}")
    for term, rules in p.risk_bands.items():
        days = [r.min_days for r in rules]
        if days != sorted(set(days)) or any(d < 1 for d in days):
            raise ValueError(f"risk_bands[{term}] must rise strictly from at least 1 day")
        if any(r.band not in BANDS[1:] for r in rules):
            raise ValueError(f"risk_bands[{term}] bands must be among {BANDS[1:]}")


DEFAULT_POLICY = Policy()

_DECIMALS = {"concern_below_rate", "improvement_points"}
_TUPLES = {"stage_weeks", "social_worker_codes"}


def policy_from_settings(settings: dict[str, Any], base: Policy = DEFAULT_POLICY) -> Policy:
    """`base` with the JSON overrides in `settings`; unknown keys and bad values raise."""
    known = {f.name for f in fields(Policy)}
    unknown = set(settings) - known
    if unknown:
        raise ValueError(f"unknown policy settings: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, value in settings.items():
        if name in _DECIMALS:
            value = Decimal(str(value))
        elif name in _TUPLES:
            value = tuple(value)
        elif name == "risk_bands":
            value = {
                term: tuple(
                    RiskBandRule(int(d), str(b), None if t is None else int(t)) for d, b, t in rows
                )
                for term, rows in value.items()
            }
        values[name] = value
    return replace(base, **values)
