"""Pooled figures over enrolments (rules §2.2–2.3): sums of sessions, never means of rates.

A `Tally` adds up enrolments' `registers.rules.Counts` and counts the enrolments that
are persistently or severely absent, each judged on its own counts in exact integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from registers import rules


@dataclass(frozen=True)
class Tally:
    pupils: int = 0  # enrolments (a pupil at one school)
    counts: rules.Counts = field(default_factory=rules.Counts)
    persistent: int = 0
    severe: int = 0

    @classmethod
    def of_enrolment(cls, counts: rules.Counts) -> Tally:
        """One enrolment: PA and SA per enrolment, compared in integers (rules §0.3)."""
        absent, possible = counts.absent, counts.possible
        return cls(
            pupils=1,
            counts=counts,
            persistent=int(rules.is_persistent_absence(absent=absent, possible=possible)),
            severe=int(rules.is_severe_absence(absent=absent, possible=possible)),
        )

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.pupils + other.pupils,
            self.counts + other.counts,
            self.persistent + other.persistent,
            self.severe + other.severe,
        )

    def __sub__(self, other: Tally) -> Tally:
        a, b = self.counts, other.counts
        return Tally(
            self.pupils - other.pupils,
            rules.Counts(
                possible=a.possible - b.possible,
                attended=a.attended - b.attended,
                authorised=a.authorised - b.authorised,
                unauthorised=a.unauthorised - b.unauthorised,
                late_before_close=a.late_before_close - b.late_before_close,
                late_after_close=a.late_after_close - b.late_after_close,
                not_possible=a.not_possible - b.not_possible,
            ),
            self.persistent - other.persistent,
            self.severe - other.severe,
        )

    def _of_possible(self, part: int) -> str | None:
        return rules.percentage(part=part, whole=self.counts.possible)

    @property
    def attendance(self) -> str | None:
        return self._of_possible(self.counts.attended)

    @property
    def absence(self) -> str | None:
        return self._of_possible(self.counts.absent)

    @property
    def authorised_rate(self) -> str | None:
        return self._of_possible(self.counts.authorised)

    @property
    def unauthorised_rate(self) -> str | None:
        return self._of_possible(self.counts.unauthorised)

    @property
    def late_before_rate(self) -> str | None:
        return self._of_possible(self.counts.late_before_close)

    @property
    def late_after_rate(self) -> str | None:
        return self._of_possible(self.counts.late_after_close)

    @property
    def pa_rate(self) -> str | None:
        return rules.percentage(part=self.persistent, whole=self.pupils)

    @property
    def sa_rate(self) -> str | None:
        return rules.percentage(part=self.severe, whole=self.pupils)


_COUNT_FIELDS = (
    "possible",
    "attended",
    "authorised",
    "unauthorised",
    "late_before_close",
    "late_after_close",
    "not_possible",
)


def total(tallies: list[Tally]) -> Tally:
    """The tallies added up; one `Counts` built at the end, not one per addition (a
    trust report adds up tens of thousands of enrolments)."""
    sums = dict.fromkeys(_COUNT_FIELDS, 0)
    pupils = persistent = severe = 0
    for t in tallies:
        pupils += t.pupils
        persistent += t.persistent
        severe += t.severe
        for name in _COUNT_FIELDS:
            sums[name] += getattr(t.counts, name)
    return Tally(pupils, rules.Counts(**sums), persistent, severe)
