"""The local authority referral pack: everything the authority's attendance team needs
about one pupil (rules §4.8), gathered once as plain rows, then written as HTML (and PDF)
or CSV from the same snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from escalation.models import (
    AttendanceContract,
    Case,
    CaseEvent,
    PupilNote,
    SupportPlan,
    ThresholdDecision,
)
from penalties.models import (
    AlternativeAction,
    CoveredSession,
    InterventionEvent,
    NoticeToImprove,
    PenaltyNotice,
)
from penalties.selectors import ParentCount, parent_counts, parents_of
from registers.codes import CODES
from registers.models import Enrolment, Mark, Pupil, PupilGuardian, School, SchoolSession
from registers.rules import academic_year

Row = tuple[str, ...]


@dataclass(frozen=True)
class RegisterDay:
    date: dt.date
    am: str
    pm: str
    covered: bool


@dataclass
class ReferralPack:
    school: School
    pupil: Pupil
    start: dt.date
    end: dt.date
    made_on: dt.date
    parents: list[PupilGuardian]
    enrolments: list[Enrolment]
    counts: list[ParentCount]
    register: list[RegisterDay]
    totals: dict[str, int]
    decisions: list[ThresholdDecision]
    letters: list[Row]
    leave: list[Row]
    plans: list[SupportPlan]
    contracts: list[AttendanceContract]
    notes: list[PupilNote]
    case_events: list[CaseEvent]
    ntis: list[NoticeToImprove]
    notices: list[PenaltyNotice]
    alternatives: list[AlternativeAction]
    events: list[InterventionEvent]
    sections: dict[str, list[Row]] = field(default_factory=dict)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The previous and current school years to date: the authority asks for both years'
    registration certificates (rules §4.8)."""
    start, _end, _label = academic_year(today)
    return start.replace(year=start.year - 1), today


def _register(school: School, pupil: Pupil, start: dt.date, end: dt.date) -> list[RegisterDay]:
    marks = {
        (d, s): c
        for d, s, c in Mark.objects.filter(
            school=school, pupil=pupil, date__gte=start, date__lte=end
        ).values_list("date", "session", "code_id")
    }
    covered = set(
        CoveredSession.objects.filter(pupil=pupil, date__gte=start, date__lte=end).values_list(
            "date", flat=True
        )
    )
    days = sorted(
        set(
            SchoolSession.objects.filter(school=school, date__gte=start, date__lte=end).values_list(
                "date", flat=True
            )
        )
        | {d for d, _s in marks}
    )
    return [
        RegisterDay(d, marks.get((d, "AM"), ""), marks.get((d, "PM"), ""), d in covered)
        for d in days
    ]


def _totals(days: list[RegisterDay]) -> dict[str, int]:
    totals = {"possible": 0, "attended": 0, "authorised": 0, "unauthorised": 0}
    for day in days:
        for code in (day.am, day.pm):
            c = CODES.get(code)
            if c is None or not c.is_possible:
                continue
            totals["possible"] += 1
            if c.is_attendance:
                totals["attended"] += 1
            elif c.counts_toward_threshold:
                totals["unauthorised"] += 1
            else:
                totals["authorised"] += 1
    return totals


def _letters(school: School, pupil: Pupil) -> list[Row]:
    from letters.selectors import letters_for_pupil

    return [
        (
            f"{letter.letter_date:%Y-%m-%d}",
            letter.get_kind_display(),
            letter.guardian.name if letter.guardian else "",
            letter.data.get("subject", "") if isinstance(letter.data, dict) else "",
        )
        for letter in letters_for_pupil(school=school, pupil=pupil).order_by("letter_date", "id")
    ]


def _leave_requests(school: School, pupil: Pupil) -> list[Row]:
    """Leave applications and the school's decisions: the evidence for G cases (§4.8).
    Reads only the fields the absences app keeps stable for other apps."""
    from absences.models import LeaveRequest

    return [
        (
            leave.requested_by.name,
            f"{leave.start_date:%Y-%m-%d}",
            f"{leave.end_date:%Y-%m-%d}",
            str(leave.school_days),
            leave.reason,
            leave.get_status_display(),
            leave.decision_reason,
            leave.decided_by_name,
            f"{leave.decided_on:%Y-%m-%d}" if leave.decided_on else "",
        )  # fmt: skip
        for leave in LeaveRequest.objects.filter(school=school, pupil=pupil)
        .select_related("requested_by")
        .order_by("start_date", "id")
    ]


def referral_pack(
    *, school: School, pupil: Pupil, start: dt.date, end: dt.date, today: dt.date
) -> ReferralPack:
    """Everything the pack shows, read once."""
    scoped = {"school": school, "pupil": pupil}
    case = Case.objects.filter(**scoped).first()
    register = _register(school, pupil, start, end)
    pack = ReferralPack(
        school=school,
        pupil=pupil,
        start=start,
        end=end,
        made_on=today,
        parents=list(parents_of(pupil)),
        enrolments=list(Enrolment.objects.filter(pupil=pupil).select_related("school")),
        counts=parent_counts(pupil=pupil, on=today),
        register=register,
        totals=_totals(register),
        decisions=list(ThresholdDecision.objects.filter(**scoped).order_by("decided_on", "id")),
        letters=_letters(school, pupil),
        leave=_leave_requests(school, pupil),
        plans=list(SupportPlan.objects.filter(**scoped).order_by("meeting_date", "id")),
        contracts=list(AttendanceContract.objects.filter(**scoped).order_by("meeting_at", "id")),
        notes=list(PupilNote.objects.filter(**scoped).order_by("occurred_on", "id")),
        case_events=list(case.events.order_by("at", "id")) if case else [],
        ntis=list(
            NoticeToImprove.objects.filter(**scoped)
            .prefetch_related("guardians")
            .order_by("issued_on", "id")
        ),
        notices=list(
            PenaltyNotice.objects.filter(**scoped)
            .select_related("guardian", "request")
            .order_by("requested_on", "id")
        ),
        alternatives=list(
            AlternativeAction.objects.filter(**scoped).select_related("guardian").order_by("id")
        ),
        events=list(InterventionEvent.objects.filter(**scoped).order_by("at", "id")),
    )
    pack.sections = csv_sections(pack)
    return pack


def _d(value: dt.date | dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _money(pence: int | None) -> str:
    return f"{pence / 100:.2f}" if pence is not None else ""


def csv_sections(p: ReferralPack) -> dict[str, list[Row]]:
    """The pack as rows per section; each section's first row is its header."""
    pupil = p.pupil
    return {
        "Pupil": [
            ("UPN", "Surname", "Forename", "Date of birth", "Year group", "School URN", "School"),
            (
                pupil.upn, pupil.surname, pupil.forename, _d(pupil.date_of_birth),
                pupil.get_year_group_display(), p.school.urn, p.school.name,
            ),
        ],
        "Parents": [("Name", "Relationship", "Address", "Postcode", "Lives with", "Phone", "Email")]
        + [
            (
                link.guardian.name, link.relationship, link.guardian.address.replace("\n", ", "),
                link.guardian.postcode, "yes" if link.lives_with else "no", link.guardian.phone,
                link.guardian.email,
            )
            for link in p.parents
        ],
        "Penalty notices in 3 years": [("Parent", "Counted on", "Issued", "Requested")]
        + [(c.guardian.name, _d(c.on), str(c.in_period), str(c.pending)) for c in p.counts],
        "Register totals": [("From", "To", "Possible", "Attended", "Authorised", "Unauthorised")]
        + [
            (
                _d(p.start), _d(p.end), *(str(p.totals[k]) for k in (
                    "possible", "attended", "authorised", "unauthorised"
                )),
            )
        ],
        "Register": [("Date", "AM", "PM", "Covered by a notice")]
        + [(_d(r.date), r.am, r.pm, "yes" if r.covered else "") for r in p.register],
        "Threshold decisions": [
            ("Decided", "Met on", "Window from", "Window to", "Sessions", "Of them G",
             "Provisional", "Outcome", "Rationale", "By"),
        ]
        + [
            (
                _d(d.decided_on), _d(d.met_on), _d(d.window_start), _d(d.window_end),
                str(d.sessions_in_window), str(d.holiday_sessions), "yes" if d.provisional else "",
                d.get_outcome_display(), d.rationale, d.recorded_by_name,
            )
            for d in p.decisions
        ],
        "Leave requests": [
            ("Requested by", "From", "To", "School days", "Reason", "Decision",
             "Reasons given", "Decided by", "Decided on"),
            *p.leave,
        ],
        "Letters sent": [("Date", "Letter", "To", "Subject"), *p.letters],
        "Support plans": [("Meeting", "Start", "Targets", "School actions", "Parent actions",
                           "Reviewed")]
        + [
            (_d(s.meeting_date), _d(s.start_date), s.targets, s.school_actions, s.parent_actions,
             _d(s.reviewed_on))
            for s in p.plans
        ],
        "Attendance contracts": [("Meeting", "Parents", "Actions agreed", "Target", "Timescale")]
        + [
            (_d(c.meeting_at), c.parent_names, c.actions_agreed, c.attendance_target, c.timescale)
            for c in p.contracts
        ],
        "Contacts and notes": [("Date", "Kind", "With", "Note", "By")]
        + [
            (_d(n.occurred_on), n.get_kind_display(), n.with_whom, n.body, n.recorded_by_name)
            for n in p.notes
        ],
        "Case history": [("Date", "Event", "Stage", "Action", "Note", "By")]
        + [
            (_d(e.on), e.get_kind_display(), f"{e.stage_from} to {e.stage_to}", e.action, e.note,
             e.by_name)
            for e in p.case_events
        ],
        "Notices to improve": [("Issued", "Parents", "Period from", "Period to", "Weeks",
                                "Status", "Unauthorised in period", "Expected improvement")]
        + [
            (
                _d(n.issued_on), "; ".join(g.name for g in n.guardians.all()), _d(n.period_start),
                _d(n.period_end), str(n.period_weeks), n.get_status_display(),
                "" if n.unauthorised_in_period is None else str(n.unauthorised_in_period),
                n.expected_improvement,
            )
            for n in p.ntis
        ],
        "Penalty notices": [
            ("Parent", "Requested", "Offence from", "Offence to", "Status", "Issued", "Received",
             "Receipt", "Reduced (£)", "Reduced by", "Full (£)", "Full by", "Paid on",
             "Paid (£)", "Withdrawn", "Ground", "LA reference"),
        ]
        + [
            (
                n.guardian.name, _d(n.requested_on), _d(n.request.offence_start),
                _d(n.request.offence_end), n.get_status_display(), _d(n.issued_on),
                _d(n.received_on), n.receipt_rule, _money(n.reduced_pence), _d(n.reduced_by),
                _money(n.full_pence), _d(n.full_by), _d(n.paid_on), _money(n.paid_pence),
                _d(n.withdrawn_on), n.get_withdrawal_ground_display(), n.la_reference,
            )
            for n in p.notices
        ],
        "Alternatives": [("Decided", "Tool", "Parent", "Note")]
        + [
            (_d(a.decided_on), a.get_kind_display(), a.guardian.name if a.guardian else "", a.note)
            for a in p.alternatives
        ],
        "Log": [("Date", "Action", "Note", "By", "Position")]
        + [(_d(e.on), e.action, e.note, e.by_name, e.by_position) for e in p.events],
    }  # fmt: skip
