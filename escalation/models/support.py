"""Decisions and support records kept by people: the national threshold decision,
attendance support plans, attendance contracts and the pupil's notes and contact log.

Each row snapshots who recorded it (name and position as they were), so the record
still reads correctly after staff change role or leave.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from registers.models import Pupil, School, User


class Recorded(models.Model):
    """Who wrote the row, and when."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200, blank=True)
    recorded_by_position = models.CharField(max_length=100, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True


class YesNoUnsure(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "n/a", _("Not applicable")


class ThresholdOutcome(models.TextChoices):
    SUPPORT = "support", _("Offer or continue support; no notice")
    NOTICE_TO_IMPROVE = "nti", _("Send a notice to improve")
    PENALTY_NOTICE = "penalty", _("Request a penalty notice")
    OTHER_TOOL = "other", _("Use another tool (e.g. contract, prosecution referral)")
    NO_ACTION = "none", _("No action: the threshold does not reflect an offence")


class ThresholdDecision(Recorded):
    """The decision the National Framework requires once the threshold is met (rules
    §3.4): whether a penalty notice can and should be issued, the considerations, and
    the rationale. The threshold's figures are snapshotted as they stood when decided.

    A decision closes the episode it answers (rules §0.5): the next episode counts only
    the qualifying sessions after `last_session_on` (and its half)."""

    met_on = models.DateField(help_text=_("The date the threshold was met (the episode)."))
    provisional = models.BooleanField(default=False, help_text=_("Counted sessions included N."))
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    last_session_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("The last session the decided episode counted; the next counts after it."),
    )
    last_session_pm = models.BooleanField(default=False)
    sessions_in_window = models.PositiveIntegerField(default=0)
    holiday_sessions = models.PositiveIntegerField(default=0)
    support_appropriate = models.CharField(max_length=3, choices=YesNoUnsure.choices)
    sufficient_support_provided = models.CharField(max_length=3, choices=YesNoUnsure.choices)
    support_offered = models.TextField(blank=True)
    penalty_best_tool = models.CharField(max_length=3, choices=YesNoUnsure.choices)
    equality_considerations = models.TextField()
    prior_notices_3_years = models.PositiveSmallIntegerField(default=0)
    public_interest = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=ThresholdOutcome.choices)
    rationale = models.TextField()
    decided_on = models.DateField()

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["school", "pupil"], name="thresholddecision_pupil")]

    def __str__(self) -> str:
        return f"Threshold decision for {self.pupil_id} on {self.decided_on}"

    @property
    def boundary(self) -> tuple[dt.date, int] | None:
        """The last session the decided episode counted, as (date, 0 for AM / 1 for PM);
        for a decision recorded without it, the end of the decided window."""
        if self.last_session_on is not None:
            return (self.last_session_on, int(self.last_session_pm))
        return (self.window_end, 1) if self.window_end is not None else None


class Reviewable(Recorded):
    review_date = models.DateField()
    reviewed_on = models.DateField(null=True, blank=True)
    review_notes = models.TextField(blank=True)

    class Meta:
        abstract = True

    def review_due(self, today: dt.date) -> bool:
        return self.reviewed_on is None and self.review_date <= today


class SupportPlan(Reviewable):
    """An attendance support plan: the sections of the Lutley plan (policy 003,
    Appendix 4)."""

    meeting_date = models.DateField()
    attendees = models.TextField(help_text=_("One per line: name and role."))
    data_analysis = models.TextField(_("attendance data analysis"))
    push_factors = models.TextField(_("push factors: what helps the pupil attend"))
    pull_factors = models.TextField(_("pull factors: what keeps the pupil away"))
    who_could_help = models.TextField(_("who or what could help"))
    early_help = models.TextField(_("early help and family group conference discussion"))
    early_help_meeting_on = models.DateField(null=True, blank=True)
    school_actions = models.TextField(_("agreed school actions"))
    parent_actions = models.TextField(_("agreed parent actions"))
    professional_actions = models.TextField(_("agreed other professional actions"), blank=True)
    pupil_actions = models.TextField(_("agreed pupil actions"))
    targets = models.TextField(_("pupil attendance targets"))
    start_date = models.DateField()

    class Meta:
        ordering = ["-meeting_date", "-id"]
        indexes = [
            models.Index(fields=["school", "reviewed_on", "review_date"], name="plan_review")
        ]

    def __str__(self) -> str:
        return f"Support plan for {self.pupil_id} from {self.start_date}"


class AttendanceContract(Reviewable):
    """An attendance contract: the fields of the Nether Stowe template (policy 004,
    Appendix 2). Not legally binding; agreed with the parent, never imposed."""

    meeting_at = models.DateTimeField()
    venue = models.CharField(max_length=200)
    parent_names = models.CharField(max_length=300)
    present = models.TextField(help_text=_("Everyone present, one per line."))
    needs_discussed = models.TextField(_("record of needs and issues discussed"))
    actions_agreed = models.TextField()
    attendance_target = models.TextField()
    timescale = models.CharField(_("timescale for improvement"), max_length=200)

    class Meta:
        ordering = ["-meeting_at", "-id"]
        indexes = [
            models.Index(fields=["school", "reviewed_on", "review_date"], name="contract_review")
        ]

    def __str__(self) -> str:
        return f"Attendance contract for {self.pupil_id} on {self.meeting_at:%Y-%m-%d}"


class NoteKind(models.TextChoices):
    NOTE = "note", _("Note")
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("Text or email")
    MEETING = "meeting", _("Meeting")
    HOME_VISIT = "home_visit", _("Home visit")
    AGENCY = "agency", _("Contact with another agency")


class PupilNote(Recorded):
    """A note or a contact with the family or another agency (the contact log)."""

    kind = models.CharField(max_length=10, choices=NoteKind.choices, default=NoteKind.NOTE)
    occurred_on = models.DateField()
    with_whom = models.CharField(max_length=200, blank=True)
    body = models.TextField()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["school", "pupil"], name="pupilnote_pupil")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} about {self.pupil_id} on {self.occurred_on}"

    @property
    def is_contact(self) -> bool:
        return self.kind != NoteKind.NOTE
