"""The kinds of letter and their built-in wording (version 0 of every school's text).

Facts and structure follow the schools' policies in shared/policies (000 appendices A–E:
lateness, below 96% letters 1 and 2, medical or reduced timetable, notice to improve;
004 stages 1–4 and the attendance contract template; 003 tiered support and the leave of
absence form; rules §3.4 and §4.6 for the threshold and the notice to improve). The
wording is ours. A school may replace the subject and body of any kind in the browser;
the letterhead, address block, date, pupil line and signature are laid out around it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    BELOW_96_FIRST = "below_96_first", _("Attendance below 96%: first letter")
    BELOW_96_SECOND = "below_96_second", _("Attendance below 96%: follow-up letter")
    LATENESS = "lateness", _("Lateness")
    MEDICAL = "medical_reduced_timetable", _("Medical needs or reduced timetable")
    SUPPORT_MEETING = "support_meeting_invite", _("Invitation to an attendance support meeting")
    CONTRACT = "attendance_contract", _("Attendance contract")
    NOTICE_TO_IMPROVE = "notice_to_improve", _("Notice to improve")
    THRESHOLD_WARNING = "threshold_warning", _("National threshold met: penalty notice considered")
    LEAVE_OUTCOME = "leave_outcome", _("Outcome of a leave of absence request")


@dataclass(frozen=True)
class KindSpec:
    subject: str
    body: str
    # Fields only the caller can supply (through `extra`); each kind's others come from
    # the school, pupil, guardian, status and staff.
    needs: tuple[str, ...] = ()


_CONTACT = (
    "If anything is making it hard for {{ pupil_forename }} to come to school, please tell "
    "us: {{ staff_contact_name }} ({{ staff_contact_position }}) is your contact and can be "
    "reached on {{ school_phone }} or at {{ school_email }}."
)

_FIGURES = (
    "- Attendance this school year: {{ attendance_rate }}%\n"
    "- Sessions possible: {{ sessions_possible }}; sessions missed: {{ sessions_missed }} "
    "({{ days_missed }} school days)\n"
    "- Of those, authorised: {{ authorised_sessions }}; unauthorised: "
    "{{ unauthorised_sessions }}"
)

SPECS: dict[str, KindSpec] = {
    LetterKind.BELOW_96_FIRST: KindSpec(
        subject="{{ pupil_name }}: attendance this school year",
        body=(
            "We are writing to every family whose child's attendance this school year is "
            "below {{ concern_rate }}%. As at {{ figures_date }}, {{ pupil_name }}'s "
            "attendance is {{ attendance_rate }}%.\n\n"
            f"{_FIGURES}\n\n"
            "At this level our attendance team will keep a closer eye on "
            "{{ pupil_forename }}'s attendance, so that we can help early if help is "
            "needed. If {{ pupil_forename }} has been ill or has a medical condition, new "
            "or ongoing, please make sure the school office knows.\n\n"
            "Illness cannot always be avoided, but every day in school counts for a "
            "child's learning and friendships, so we ask you to keep time away to a "
            "minimum.\n\n" + _CONTACT
        ),
    ),
    LetterKind.BELOW_96_SECOND: KindSpec(
        subject="{{ pupil_name }}: attendance has not improved",
        body=(
            "We wrote to you earlier this year because {{ pupil_name }}'s attendance was "
            "below {{ concern_rate }}%. It has not improved since: as at {{ figures_date }} "
            "it is {{ attendance_rate }}%.\n\n"
            f"{_FIGURES}\n\n"
            "We understand that some of these absences may have been for illness and "
            "authorised. If attendance has not risen by the next half term, we will ask "
            "for medical evidence for any further absence for illness.\n\n"
            "We would like to meet you to talk about what would help. "
            "Please contact {{ staff_contact_name }} ({{ staff_contact_position }}) on "
            "{{ school_phone }} or at {{ school_email }} to arrange a time."
        ),
    ),
    LetterKind.LATENESS: KindSpec(
        subject="{{ pupil_name }}: arriving on time",
        body=(
            "{{ pupil_name }} has arrived late {{ late_count }} times {{ lateness_period }}, "
            "as at {{ figures_date }}: {{ late_before_close }} before the register closed "
            "and {{ late_after_close }} after it closed. Arriving after the register "
            "closes is recorded as an unauthorised absence for that session. We write "
            "when a pupil has been late {{ lateness_limit }} times or more.\n\n"
            "Coming in late means missing the start of the day's learning, which is "
            "hard to catch up. When lateness cannot be avoided, please let the school "
            "know that morning and tell us why.\n\n"
            "We share a duty with the local authority to tackle lateness, and we ask you "
            "to help {{ pupil_forename }} arrive on time over the coming half term. "
            + _CONTACT
        ),
    ),
    LetterKind.MEDICAL: KindSpec(
        subject="{{ pupil_name }}: attendance and medical needs",
        body=(
            "As at {{ figures_date }}, {{ pupil_name }}'s attendance this school year is "
            "{{ attendance_rate }}%. We expect attendance of {{ concern_rate }}% or more, "
            "in line with national and local targets.\n\n"
            f"{_FIGURES}\n"
            "- Sessions missed through illness: {{ illness_sessions }}\n\n"
            "We know that {{ pupil_forename }} has significant medical needs and we take "
            "them into account. We also have a duty to keep you informed of your child's "
            "attendance. Thank you for telling us about absences for illness; please send "
            "the school office evidence of medical appointments (an appointment card, "
            "letter, text or email).\n\n"
            "Where a pupil is on a reduced timetable, our aim is always to build back "
            "towards full-time attendance. If {{ pupil_forename }} has had a reduced "
            "timetable for some time, we will be in touch to plan how to increase the "
            "time in school.\n\n" + _CONTACT
        ),
    ),
    LetterKind.SUPPORT_MEETING: KindSpec(
        subject="Invitation: a meeting about {{ pupil_name }}'s attendance",
        body=(
            "As at {{ figures_date }}, {{ pupil_name }}'s attendance this school year is "
            "{{ attendance_rate }}%, below the {{ concern_rate }}% we expect.\n\n"
            f"{_FIGURES}\n\n"
            "We would like to invite you to an attendance support meeting "
            "{{ meeting_arrangements }}. The meeting is a chance to hear your view and "
            "{{ pupil_forename }}'s, to understand any barriers to coming to school, and to "
            "agree the support we will put in place, what each of us will do, and a date "
            "to review how it is going.\n\n"
            "If the time does not suit you, please contact {{ staff_contact_name }} "
            "({{ staff_contact_position }}) on {{ school_phone }} or at {{ school_email }} "
            "so that we can find another."
        ),
        needs=("meeting_arrangements",),
    ),
    LetterKind.CONTRACT: KindSpec(
        subject="{{ pupil_name }}: an attendance contract",
        body=(
            "Support so far has not brought the improvement we all hoped for: as at "
            "{{ figures_date }}, {{ pupil_name }}'s attendance this school year is "
            "{{ attendance_rate }}%.\n\n"
            f"{_FIGURES}\n\n"
            "We would like to agree an attendance contract with you at a meeting "
            "{{ meeting_arrangements }}. An attendance contract is a written agreement "
            "between you and the school. It is not legally binding and cannot be made "
            "without you; it sets out, in plain terms:\n\n"
            "- the barriers to attendance we have talked about;\n"
            "- what you, {{ pupil_forename }} and the school will each do;\n"
            "- an attendance target that is realistic, such as a number of sessions each "
            "week;\n"
            "- how long we allow for improvement, and the date we will review it.\n\n"
            "The contract is there to support you and to prevent any need for formal "
            "action. Please contact {{ staff_contact_name }} ({{ staff_contact_position }}) "
            "on {{ school_phone }} or at {{ school_email }} if you cannot attend."
        ),
        needs=("meeting_arrangements",),
    ),
    LetterKind.NOTICE_TO_IMPROVE: KindSpec(
        subject="Notice to improve: {{ pupil_name }}'s attendance",
        body=(
            "Under section 7 of the Education Act 1996 you have a duty to make sure that "
            "{{ pupil_name }} receives a suitable full-time education, which for a "
            "registered pupil means attending school regularly.\n\n"
            "{{ pupil_name }}'s attendance record as at {{ figures_date }}:\n\n"
            f"{_FIGURES}\n"
            "- Unauthorised sessions in the 10 school weeks {{ threshold_window }}: "
            "{{ threshold_sessions }} (the national threshold of 10 was met on "
            "{{ threshold_met_on }})\n\n"
            "We have offered support, and it has not been taken up or has not brought "
            "improvement. We still want to help: please contact {{ staff_contact_name }} "
            "({{ staff_contact_position }}) on {{ school_phone }} about any support we can "
            "offer, including support offered before.\n\n"
            "This notice gives you an improvement period of {{ improvement_weeks }} school "
            "weeks, from {{ improvement_start }} to {{ improvement_end }}. Sufficient "
            "improvement in that period means: {{ improvement_target }}.\n\n"
            "At the end of the period we will review {{ pupil_forename }}'s attendance. If "
            "it has not improved enough, a penalty notice may be issued or the local "
            "authority may consider prosecution. A penalty notice may be issued before the "
            "end of the period if there is further unauthorised absence, including any "
            "holiday taken in term time."
        ),
        needs=("improvement_start", "improvement_end", "improvement_weeks", "improvement_target"),
    ),
    LetterKind.THRESHOLD_WARNING: KindSpec(
        subject="{{ pupil_name }}: the national attendance threshold has been met",
        body=(
            "National rules ask every school to consider a penalty notice once a pupil "
            "has 10 or more sessions of unauthorised absence within 10 school weeks. "
            "{{ pupil_name }} met this threshold on {{ threshold_met_on }}: "
            "{{ threshold_sessions }} sessions of unauthorised absence in the school weeks "
            "{{ threshold_window }}.\n\n"
            f"{_FIGURES}\n\n"
            "We are now considering, with the local authority, whether a penalty notice "
            "should be issued. Each case is looked at on its own facts, and no decision "
            "has been made yet. A penalty notice is issued to each parent, for each "
            "child.\n\n"
            "If there is anything we should know before a decision is made, such as "
            "circumstances behind these absences, please contact "
            "{{ staff_contact_name }} ({{ staff_contact_position }}) on {{ school_phone }} "
            "or at {{ school_email }} within the next 10 school days."
        ),
    ),
    LetterKind.LEAVE_OUTCOME: KindSpec(
        subject="Your request for leave of absence for {{ pupil_name }}",
        body=(
            "Thank you for your request for {{ pupil_name }} to be absent from school "
            "{{ leave_dates }} ({{ leave_school_days }} school days).\n\n"
            "Your request has been {{ leave_decision }}. {{ leave_decision_reason }}\n\n"
            "Leave in term time can only be granted in exceptional circumstances. Where "
            "leave has been refused and the child is absent anyway, the absence is "
            "recorded as unauthorised; 10 sessions of unauthorised absence (5 school "
            "days) within 10 school weeks meets the national threshold, at which a "
            "penalty notice is considered.\n\n"
            "This decision was made by {{ leave_decided_by }}. If you would like to talk "
            "about it, please contact {{ staff_contact_name }} "
            "({{ staff_contact_position }}) on {{ school_phone }} or at "
            "{{ school_email }}."
        ),
        needs=("leave_dates", "leave_school_days", "leave_decision", "leave_decision_reason",
               "leave_decided_by"),
    ),
}  # fmt: skip


def kind_label(kind: str) -> str:
    return str(LetterKind(kind).label)
