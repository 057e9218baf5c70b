"""Pooled attendance figures (rules §2.2): sums of sessions, never means of percentages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q

from registers import rules


@dataclass(frozen=True)
class Sessions:
    """Sessions over some enrolments and period; rates are pooled ratios."""

    attended: int = 0
    authorised: int = 0
    unauthorised: int = 0

    @property
    def possible(self) -> int:
        return self.attended + self.authorised + self.unauthorised

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    @property
    def attendance(self) -> str | None:
        return rules.percentage(part=self.attended, whole=self.possible)

    @property
    def unauthorised_rate(self) -> str | None:
        return rules.percentage(part=self.unauthorised, whole=self.possible)

    @property
    def absence(self) -> str | None:
        return rules.percentage(part=self.absent, whole=self.possible)

    def __add__(self, other: Sessions) -> Sessions:
        return Sessions(
            self.attended + other.attended,
            self.authorised + other.authorised,
            self.unauthorised + other.unauthorised,
        )

    def __sub__(self, other: Sessions) -> Sessions:
        return Sessions(
            self.attended - other.attended,
            self.authorised - other.authorised,
            self.unauthorised - other.unauthorised,
        )


@dataclass(frozen=True)
class Enrolments:
    """Enrolments' year-to-date sessions with their PA and SA counts."""

    pupils: int = 0
    sessions: Sessions = Sessions()
    persistent: int = 0
    severe: int = 0

    @property
    def pa_rate(self) -> str | None:
        return rules.percentage(part=self.persistent, whole=self.pupils)

    @property
    def sa_rate(self) -> str | None:
        return rules.percentage(part=self.severe, whole=self.pupils)

    def __sub__(self, other: Enrolments) -> Enrolments:
        return Enrolments(
            self.pupils - other.pupils,
            self.sessions - other.sessions,
            self.persistent - other.persistent,
            self.severe - other.severe,
        )

    @classmethod
    def from_row(cls, row: dict[str, Any], prefix: str = "") -> Enrolments:
        def get(name: str) -> int:
            return int(row.get(f"{prefix}{name}") or 0)

        return cls(
            pupils=get("pupils"),
            sessions=Sessions(get("attended"), get("authorised"), get("unauthorised")),
            persistent=get("persistent"),
            severe=get("severe"),
        )


def gap(a: str | None, b: str | None) -> str | None:
    """a − b in percentage points, signed, one decimal place."""
    if a is None or b is None:
        return None
    return f"{Decimal(a) - Decimal(b):+.1f}"


@dataclass(frozen=True)
class National:
    """The national figures the overview compares against, kept as configuration
    (`ATTENDANCE_NATIONAL_FIGURES`) because DfE publishes new ones every year."""

    label: str
    attendance: str
    persistent_absence: str
    severe_absence: str
    unauthorised: str


_NATIONAL_DEFAULT = {
    "label": "England, state-funded schools, 2023/24 (DfE)",
    "attendance": "92.9",
    "persistent_absence": "20.0",
    "severe_absence": "2.2",
    "unauthorised": "2.4",
}


def national_figures() -> National:
    values = {**_NATIONAL_DEFAULT, **getattr(settings, "ATTENDANCE_NATIONAL_FIGURES", {})}
    for key in ("attendance", "persistent_absence", "severe_absence", "unauthorised"):
        if not 0 <= Decimal(values[key]) <= 100:
            raise ValueError(f"ATTENDANCE_NATIONAL_FIGURES[{key!r}] must be a percentage")
    return National(**values)


def at_risk_of_pa(n: int) -> Q:
    """Not PA now, and PA at the year's end on the recent pace (projected rate at or below
    90%) or within `n` absent sessions of it. The first catches pupils early in the year,
    when the second is far off for everyone."""
    heading = Q(projected_attendance_rate__lte=90) | Q(absence_sessions_to_pa__lte=n)
    return Q(persistent_absence=False) & heading
