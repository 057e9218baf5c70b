"""Reads for legal interventions: the terms in force, each parent's 3-year count, the
sessions a notice may cover, a pupil's interventions, the school's (or trust's) register
of interventions, and the counts the governors' report shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from escalation.prefill import KnownCount
from penalties import rules
from penalties.models import (
    AlternativeAction,
    CoveredSession,
    NoticeToImprove,
    NTIStatus,
    PenaltyNotice,
    PenaltyRequest,
    PenaltyTermsConfig,
    PNStatus,
    RequestStatus,
)
from penalties.models.notices import COUNTING_STATUSES
from registers.codes import THRESHOLD_CODES
from registers.models import Guardian, Mark, Pupil, PupilGuardian, School
from registers.rules import SchoolWeeks
from registers.selectors import school_weeks

SessionKey = tuple[dt.date, str]


# --- Terms -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermsInForce:
    terms: rules.PenaltyTerms
    scope: str  # "school", "local_authority", "national"

    @property
    def scope_label(self) -> str:
        return {"school": "The school's", "local_authority": "The local authority's"}.get(
            self.scope, "National"
        )


def terms_for(*, school: School, on: dt.date) -> TermsInForce:
    """The terms in force for `school` on `on`: its own latest row effective by then, else
    its local authority's, else the national row (stored, else `rules.NATIONAL_TERMS`)."""
    rows = PenaltyTermsConfig.objects.filter(effective_from__lte=on).filter(
        Q(school=school)
        | Q(school__isnull=True, local_authority=school.local_authority or "")
        | Q(school__isnull=True, local_authority="")
    )
    by_scope: dict[str, PenaltyTermsConfig] = {}
    for row in rows.order_by("effective_from"):
        by_scope[row.scope] = row
    for scope in ("school", "local_authority", "national"):
        if scope in by_scope:
            return TermsInForce(by_scope[scope].to_terms(), scope)
    return TermsInForce(rules.terms_on(rules.NATIONAL_TERMS, on=on), "national")


def school_calendar(school: School) -> SchoolWeeks:
    return school_weeks(school)


# --- Parents and the 3-year count ---------------------------------------------------------


def parents_of(pupil: Pupil) -> QuerySet[PupilGuardian]:
    """The pupil's parents with parental responsibility: those a notice can name."""
    return (
        PupilGuardian.objects.filter(pupil=pupil, parental_responsibility=True)
        .select_related("guardian")
        .order_by("priority", "guardian__name")
    )


def counting_dates(
    *, guardian: Guardian | int, pupil: Pupil | int, exclude: int | None = None
) -> list[dt.date]:
    """Issue dates of the notices to this parent for this child that count (rules §4.4)."""
    qs = PenaltyNotice.objects.filter(
        guardian=guardian, pupil=pupil, status__in=COUNTING_STATUSES, issued_on__isnull=False
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return sorted(qs.values_list("issued_on", flat=True))


@dataclass(frozen=True)
class ParentCount:
    """A parent's penalty notices for this child, as counted on `on`."""

    guardian: Guardian
    relationship: str
    on: dt.date
    period_start: dt.date
    in_period: int
    pending: int  # requested from the authority and not yet issued or declined
    lifts_on: dt.date | None  # when a further notice becomes possible, if it is not now

    @property
    def total(self) -> int:
        return self.in_period + self.pending

    @property
    def can_request(self) -> bool:
        return self.total < rules.NOTICE_LIMIT

    @property
    def next_is_second(self) -> bool:
        return self.total == 1


def parent_counts(*, pupil: Pupil, on: dt.date) -> list[ParentCount]:
    """Each parent's count for this child, shown before anyone requests a notice."""
    links = list(parents_of(pupil))
    ids = [link.guardian_id for link in links]
    dates: dict[int, list[dt.date]] = defaultdict(list)
    pending: dict[int, int] = defaultdict(int)
    for guardian_id, status, issued_on in PenaltyNotice.objects.filter(
        pupil=pupil, guardian_id__in=ids
    ).values_list("guardian_id", "status", "issued_on"):
        if status in COUNTING_STATUSES and issued_on is not None:
            dates[guardian_id].append(issued_on)
        elif status == PNStatus.REQUESTED:
            pending[guardian_id] += 1
    start, _end = rules.limit_period(proposed_on=on)
    return [
        ParentCount(
            guardian=link.guardian,
            relationship=link.relationship,
            on=on,
            period_start=start,
            in_period=rules.notices_in_period(issued_on=dates[link.guardian_id], proposed_on=on),
            pending=pending[link.guardian_id],
            lifts_on=rules.limit_lifts_on(issued_on=dates[link.guardian_id], proposed_on=on),
        )
        for link in links
    ]


# --- Sessions ----------------------------------------------------------------------------


def unauthorised_sessions(
    *, school: School, pupil: Pupil, start: dt.date, end: dt.date
) -> list[tuple[dt.date, str, str]]:
    """(date, "AM"/"PM", code) of the pupil's G/N/O/U marks at the school in [start, end]."""
    return list(
        Mark.objects.filter(
            school=school, pupil=pupil, code_id__in=THRESHOLD_CODES, date__gte=start, date__lte=end
        )
        .order_by("date", "session")
        .values_list("date", "session", "code_id")
    )


def covered_keys(*, pupil: Pupil, start: dt.date, end: dt.date) -> set[SessionKey]:
    return set(
        CoveredSession.objects.filter(pupil=pupil, date__gte=start, date__lte=end).values_list(
            "date", "session"
        )
    )


def uncovered_sessions(
    *, school: School, pupil: Pupil, start: dt.date, end: dt.date
) -> list[tuple[dt.date, str, str]]:
    """Unauthorised sessions in [start, end] that no notice covers yet (issue point 5)."""
    covered = covered_keys(pupil=pupil, start=start, end=end)
    found = unauthorised_sessions(school=school, pupil=pupil, start=start, end=end)
    return [s for s in found if (s[0], s[1]) not in covered]


# --- A pupil's interventions -------------------------------------------------------------


@dataclass(frozen=True)
class PupilInterventions:
    ntis: list[NoticeToImprove]
    requests: list[PenaltyRequest]
    notices: list[PenaltyNotice]
    alternatives: list[AlternativeAction]
    counts: list[ParentCount]
    # Unauthorised sessions recorded so far in each issued notice's improvement period.
    in_period: dict[int, int] = field(default_factory=dict)

    @property
    def open_drafts(self) -> list[PenaltyRequest]:
        return [r for r in self.requests if r.status == RequestStatus.DRAFT]

    @property
    def is_empty(self) -> bool:
        return not (self.ntis or self.requests or self.notices or self.alternatives)


def pupil_interventions(*, school: School, pupil: Pupil, today: dt.date) -> PupilInterventions:
    ntis = list(
        NoticeToImprove.objects.filter(school=school, pupil=pupil).prefetch_related("guardians")
    )
    return PupilInterventions(
        ntis=ntis,
        requests=list(
            PenaltyRequest.objects.filter(school=school, pupil=pupil).prefetch_related(
                "notices__guardian"
            )
        ),
        notices=list(
            PenaltyNotice.objects.filter(school=school, pupil=pupil).select_related("guardian")
        ),
        alternatives=list(
            AlternativeAction.objects.filter(school=school, pupil=pupil).select_related("guardian")
        ),
        counts=parent_counts(pupil=pupil, on=today),
        in_period={
            nti.pk: len(
                unauthorised_sessions(
                    school=school, pupil=pupil, start=nti.period_start, end=nti.period_end
                )
            )
            for nti in ntis
            if nti.status == NTIStatus.ISSUED and nti.period_start and nti.period_end
        },
    )


# --- The register of legal interventions -------------------------------------------------

NTI, PENALTY, ALTERNATIVE = "notice_to_improve", "penalty_notice", "alternative"
TYPES: dict[str, str] = {
    NTI: "Notice to improve",
    PENALTY: "Penalty notice",
    ALTERNATIVE: "Alternative to a penalty notice",
}


@dataclass(frozen=True)
class InterventionRow:
    kind: str
    status: str
    status_label: str
    school: School
    pupil: Pupil
    on: dt.date | None
    parents: str
    detail: str
    amount_pence: int | None

    @property
    def kind_label(self) -> str:
        return TYPES[self.kind]


@dataclass(frozen=True)
class RegisterFilters:
    kind: str = ""
    status: str = ""
    year_group: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


def _in_range(on: dt.date | None, start: dt.date | None, end: dt.date | None) -> bool:
    if on is None:
        return start is None and end is None
    return (start is None or on >= start) and (end is None or on <= end)


def _nti_rows(schools: Sequence[School]) -> Iterable[InterventionRow]:
    for nti in (
        NoticeToImprove.objects.filter(school__in=schools)
        .select_related("school", "pupil")
        .prefetch_related("guardians")
    ):
        period = (
            f"improvement period {nti.period_start:%d %b %Y} to {nti.period_end:%d %b %Y}"
            if nti.period_start and nti.period_end
            else ""
        )
        yield InterventionRow(
            NTI,
            nti.status,
            nti.get_status_display(),
            nti.school,
            nti.pupil,
            nti.issued_on or nti.created_at.date(),
            ", ".join(g.name for g in nti.guardians.all()),
            period,
            None,
        )


def _notice_rows(schools: Sequence[School]) -> Iterable[InterventionRow]:
    for pn in PenaltyNotice.objects.filter(school__in=schools).select_related(
        "school", "pupil", "guardian"
    ):
        amount = pn.paid_pence if pn.paid_pence is not None else pn.full_pence
        detail = f"LA reference {pn.la_reference}" if pn.la_reference else ""
        yield InterventionRow(
            PENALTY,
            pn.status,
            pn.get_status_display(),
            pn.school,
            pn.pupil,
            pn.issued_on or pn.requested_on,
            pn.guardian.name,
            detail,
            amount,
        )


def _alternative_rows(schools: Sequence[School]) -> Iterable[InterventionRow]:
    for alt in AlternativeAction.objects.filter(school__in=schools).select_related(
        "school", "pupil", "guardian"
    ):
        yield InterventionRow(
            ALTERNATIVE,
            alt.kind,
            alt.get_kind_display(),
            alt.school,
            alt.pupil,
            alt.decided_on,
            alt.guardian.name if alt.guardian else "",
            alt.note,
            None,
        )


def intervention_register(
    *, schools: Sequence[School], filters: RegisterFilters
) -> list[InterventionRow]:
    """Every notice to improve, penalty notice and alternative at `schools`, filtered,
    newest first."""
    sources = {NTI: _nti_rows, PENALTY: _notice_rows, ALTERNATIVE: _alternative_rows}
    rows = [
        row
        for kind, source in sources.items()
        if not filters.kind or filters.kind == kind
        for row in source(schools)
        if (not filters.status or row.status == filters.status)
        and (not filters.year_group or row.pupil.year_group == filters.year_group)
        and _in_range(row.on, filters.start, filters.end)
    ]
    return sorted(rows, key=lambda r: (r.on or dt.date.min, r.pupil.surname), reverse=True)


def intervention_counts(
    *, schools: Sequence[School] | QuerySet[School], start: dt.date, end: dt.date
) -> dict[str, dict[str, int]]:
    """Counts of legal interventions dated in [start, end], by type then status, for the
    governors' report: no pupil-level data.

    Types are "notice_to_improve", "penalty_notice" and "alternative"; a notice is dated by
    its issue date (a notice to improve not yet issued by its creation, a penalty notice not
    yet issued by its request). Each type also has a "total".
    """
    filters = RegisterFilters(start=start, end=end)
    counts: dict[str, dict[str, int]] = {kind: {"total": 0} for kind in TYPES}
    for row in intervention_register(schools=list(schools), filters=filters):
        counts[row.kind][row.status] = counts[row.kind].get(row.status, 0) + 1
        counts[row.kind]["total"] += 1
    return counts


def prior_notices(*, pupil: Pupil, on: dt.date) -> KnownCount | None:
    """For the threshold decision form (`escalation.prefill`): the most notices any parent
    has had for this child in the 3 years before `on`, each parent's count explained."""
    counts = parent_counts(pupil=pupil, on=on)
    if not counts:
        return None
    parts = []
    for count in counts:
        pending = f", {count.pending} requested" if count.pending else ""
        parts.append(f"{count.guardian.name} ({count.relationship}) {count.in_period}{pending}")
    return KnownCount(
        value=max(count.in_period for count in counts),
        explanation=(
            f"From the register of legal interventions, since {_day(counts[0].period_start)}: "
            + "; ".join(parts)
            + "."
        ),
    )


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
