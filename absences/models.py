"""Parent absence reports, leave-of-absence requests, first-day calls and sign-in links."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from registers.models import Guardian, Mark, Pupil, School, User

DEFAULT_CALLING_TIME = dt.time(9, 30)


class AbsenceSettings(models.Model):
    """A school's settings for parent reports and first-day calling."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="absence_settings")
    calling_time = models.TimeField(
        _("first-day calls start at"),
        default=DEFAULT_CALLING_TIME,
        help_text=_("By this time the office calls the families of pupils marked N today."),
    )

    class Meta:
        verbose_name_plural = "absence settings"

    def __str__(self) -> str:
        return f"Absence settings of {self.school.urn}"


class Reason(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    MEDICAL = "medical", _("Medical or dental appointment")
    OTHER = "other", _("Other reason")


class PartOfDay(models.TextChoices):
    BOTH = "", _("The whole day")
    AM = "AM", _("Morning only")
    PM = "PM", _("Afternoon only")


class ReportStatus(models.TextChoices):
    NEW = "new", _("Waiting for the office")
    ACCEPTED = "accepted", _("Matched and entered")
    DISMISSED = "dismissed", _("Dismissed")


class ReportChannel(models.TextChoices):
    PUBLIC = "public", _("Public form")
    PORTAL = "portal", _("Parent portal")


class AbsenceReportQuerySet(models.QuerySet):
    def waiting(self) -> AbsenceReportQuerySet:
        return self.filter(status=ReportStatus.NEW)


class AbsenceReport(models.Model):
    """What a parent told the school about an absence, as they told it.

    The child's details are kept as typed: the office matches them to a pupil, and only
    then is `pupil` set (a report from the portal arrives already matched).
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="absence_reports")
    reference = models.CharField(max_length=12, unique=True)
    channel = models.CharField(max_length=8, choices=ReportChannel.choices)
    submitted_at = models.DateTimeField()
    child_name = models.CharField(_("child's full name"), max_length=120)
    child_date_of_birth = models.DateField(_("child's date of birth"))
    child_class = models.CharField(_("class or form"), max_length=40)
    reporter_name = models.CharField(_("your name"), max_length=120)
    reporter_relationship = models.CharField(_("relationship to the child"), max_length=60)
    reporter_phone = models.CharField(_("phone number"), max_length=30)
    reporter_email = models.EmailField(_("email address"), blank=True)
    reason = models.CharField(max_length=8, choices=Reason.choices)
    details = models.TextField(blank=True)
    first_day = models.DateField()
    expected_return = models.DateField(
        null=True, blank=True, help_text=_("The day the child is expected back.")
    )
    part_of_day = models.CharField(max_length=2, choices=PartOfDay.choices, blank=True)
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default="new")
    processed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    code = models.CharField(max_length=2, blank=True, help_text=_("The code entered."))
    office_note = models.TextField(blank=True)
    marks = models.ManyToManyField(Mark, blank=True, related_name="+")

    objects = AbsenceReportQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["school", "status"], name="absence_report_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_return__isnull=True) | Q(expected_return__gt=F("first_day")),
                name="absence_report_return_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LeaveRequest(models.Model):
    """A request for leave of absence in term time, and the head's decision.

    The letters app reads `school`, `pupil`, `requested_by`, `start_date`, `end_date`,
    `school_days`, `reason`, `status`, `decision_reason`, `decided_by_name` and
    `decided_on`: keep those names.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="leave_requests")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="leave_requests")
    requested_by = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=12, unique=True)
    submitted_at = models.DateTimeField()
    start_date = models.DateField(_("first day of absence"))
    end_date = models.DateField(_("last day of absence"))
    school_days = models.PositiveSmallIntegerField(help_text=_("From the school calendar."))
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    reason = models.TextField()
    evidence = models.FileField(upload_to="leave-evidence/%Y/%m/", blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    declaration = models.BooleanField(default=False)
    signed_name = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=LeaveStatus.choices, default="pending")
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    taken_marked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When refused leave taken anyway was marked G.")
    )
    marks = models.ManyToManyField(Mark, blank=True, related_name="+")

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="leave_request_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.pupil} {self.start_date}–{self.end_date}"


class LeaveAdult(models.Model):
    """An adult who lives with the child or has parental responsibility (form section 2)."""

    leave_request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="adults")
    name = models.CharField(max_length=120)
    address = models.TextField(blank=True)
    lives_with = models.BooleanField(_("lives with the child"), default=False)
    travelling = models.BooleanField(_("travelling with the child"), default=False)
    parental_responsibility = models.BooleanField(_("has parental responsibility"), default=False)

    class Meta:
        ordering = ["leave_request", "id"]

    def __str__(self) -> str:
        return self.name


class CallOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", _("No answer")
    MESSAGE_LEFT = "message_left", _("Left a message")
    SPOKE = "spoke", _("Spoke to parent or carer: reason given")
    SPOKE_NO_REASON = "spoke_no_reason", _("Spoke to parent or carer: no reason given")
    WRONG_NUMBER = "wrong_number", _("Number not recognised or wrong")
    ARRIVED = "arrived", _("Pupil has arrived in school")


class CallAttempt(models.Model):
    """One first-day call about a pupil's absence today, and what came of it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(help_text=_("The day of the absence."))
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phone = models.CharField(max_length=30, blank=True)
    outcome = models.CharField(max_length=16, choices=CallOutcome.choices)
    reason_given = models.TextField(blank=True)
    made_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    made_by_name = models.CharField(max_length=200, blank=True)
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["made_at", "id"]
        indexes = [models.Index(fields=["school", "date"], name="call_attempt_day")]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date} {self.outcome}"


class SignInLink(models.Model):
    """A one-time sign-in link sent to a guardian: only the token's SHA-256 is stored."""

    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Sign-in link for guardian {self.guardian_id}"


class OutboxMessage(models.Model):
    """An email kept by the development outbox backend instead of being sent."""

    sent_at = models.DateTimeField()
    subject = models.CharField(max_length=300)
    from_email = models.CharField(max_length=300)
    to = models.TextField()
    body = models.TextField()
    html = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.subject
