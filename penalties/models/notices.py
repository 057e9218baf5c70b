"""Notices to improve, penalty notice requests and notices, the sessions they cover, the
alternatives used instead, and the append-only log of what people did.

Every write goes through `penalties.services`; `PenaltyNotice.clean` and a database
trigger (migration 0003) also refuse a third notice to a parent for a child inside three
years, so no path (admin, import, a future API) can get round the limit (rules §4.4).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from escalation.models import ThresholdDecision
from penalties import rules
from registers.models import Guardian, Pupil, School, Session, User


class Stamped(models.Model):
    """Who created the row, with their name and position as they were."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, blank=True)
    created_by_position = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        abstract = True


class NTIStatus(models.TextChoices):
    DRAFT = "draft", _("To issue")
    ISSUED = "issued", _("Issued: improvement period running")
    COMPLIED = "complied", _("Complied")
    NOT_COMPLIED = "not_complied", _("Not complied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NoticeToImprove(Stamped):
    """A final opportunity for the parents to engage with support before a penalty notice
    (rules §4.6), with its improvement period from the school calendar."""

    decision = models.ForeignKey(
        ThresholdDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guardians = models.ManyToManyField(Guardian, related_name="+", blank=True)
    status = models.CharField(max_length=12, choices=NTIStatus.choices, default=NTIStatus.DRAFT)
    issued_on = models.DateField(null=True, blank=True)
    period_weeks = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_IMPROVEMENT_WEEKS, help_text=_("School weeks, 3 to 6.")
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    expected_improvement = models.TextField(
        blank=True, help_text=_("What sufficient improvement looks like for this pupil.")
    )
    allowed_unauthorised = models.PositiveSmallIntegerField(
        default=0, help_text=_("Sessions of unauthorised absence the period may hold.")
    )
    early_grounds = models.TextField(
        blank=True,
        help_text=_("Grounds on which a penalty notice may be issued before the period ends."),
    )
    support_offered = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    unauthorised_in_period = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Counted when the outcome was recorded.")
    )

    class Meta:
        verbose_name = "notice to improve"
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["school", "status"], name="nti_school_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"])
                | (Q(issued_on__isnull=False) & Q(period_start__isnull=False)),
                name="nti_issued_has_period",
            ),
            models.CheckConstraint(
                condition=Q(period_weeks__gte=rules.MIN_IMPROVEMENT_WEEKS)
                & Q(period_weeks__lte=rules.MAX_IMPROVEMENT_WEEKS),
                name="nti_period_3_to_6_weeks",
            ),
        ]

    def __str__(self) -> str:
        return f"Notice to improve for {self.pupil} ({self.get_status_display()})"

    def period_over(self, today: dt.date) -> bool:
        return self.period_end is not None and today > self.period_end


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("To request")
    SUBMITTED = "submitted", _("Requested from the local authority")
    CANCELLED = "cancelled", _("Not requested")


class PenaltyRequest(Stamped):
    """A request to the local authority for penalty notices for one child: one notice per
    parent named. It covers the sessions of the offence."""

    decision = models.ForeignKey(
        ThresholdDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nti = models.ForeignKey(
        NoticeToImprove,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="penalty_requests",
    )
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    offence_start = models.DateField(null=True, blank=True)
    offence_end = models.DateField(null=True, blank=True)
    grounds = models.TextField(blank=True, help_text=_("Why a penalty notice is requested."))
    requested_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(offence_start__isnull=True)
                | Q(offence_end__isnull=True)
                | Q(offence_end__gte=models.F("offence_start")),
                name="penaltyrequest_offence_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Penalty notice request for {self.pupil} ({self.get_status_display()})"


class PNStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    DECLINED = "declined", _("Not issued by the local authority")
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PROSECUTED = "prosecuted", _("Referred for prosecution")


# Notices that count toward the 3-year limit once issued: paid or not, prosecuted or not;
# withdrawn and declined ones never do (rules §4.4).
COUNTING_STATUSES = (PNStatus.ISSUED, PNStatus.PAID, PNStatus.PROSECUTED)


class WithdrawalGround(models.TextChoices):
    """PN Regs reg 8 (the three grounds) and reg 9 (unpaid, not prosecuted): rules §4.5."""

    NOT_TO_BE_ISSUED = "not_issued", _("It ought not to have been issued")
    WRONG_PERSON = "wrong_person", _("It ought not to have been issued to the person named")
    MATERIAL_ERRORS = "errors", _("It contains material errors")
    UNPAID_NOT_PROSECUTED = "unpaid", _("Unpaid, and the local authority is not prosecuting")


class ProsecutionOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting the court")
    GUILTY = "guilty", _("Pleaded or found guilty")
    NOT_GUILTY = "not_guilty", _("Found not guilty")
    DISCONTINUED = "discontinued", _("Discontinued")


class PenaltyNotice(Stamped):
    """One penalty notice: one parent, one child (rules §4.1), from request to outcome."""

    request = models.ForeignKey(PenaltyRequest, on_delete=models.PROTECT, related_name="notices")
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=PNStatus.choices, default=PNStatus.REQUESTED)
    requested_on = models.DateField()
    prior_notices = models.PositiveSmallIntegerField(
        default=0, help_text=_("Notices counted in the 3 years ending with the issue date.")
    )
    declined_on = models.DateField(null=True, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    issuing_officer = models.CharField(max_length=200, blank=True)
    la_reference = models.CharField(_("local authority reference"), max_length=50, blank=True)
    delivery = models.CharField(
        max_length=5,
        blank=True,
        choices=[
            (rules.Delivery.HAND, _("By hand")),
            (rules.Delivery.POST, _("First class post")),
            (rules.Delivery.EMAIL, _("Email")),
        ],
    )
    posted_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)
    receipt_rule = models.CharField(max_length=200, blank=True)
    terms_from = models.DateField(
        null=True, blank=True, help_text=_("The effective date of the terms applied.")
    )
    reduced_pence = models.PositiveIntegerField(null=True, blank=True)
    reduced_by = models.DateField(null=True, blank=True)
    full_pence = models.PositiveIntegerField(null=True, blank=True)
    full_by = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    paid_pence = models.PositiveIntegerField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_ground = models.CharField(
        max_length=12, blank=True, choices=WithdrawalGround.choices
    )
    repaid = models.BooleanField(default=False, help_text=_("A paid amount was repaid."))
    prosecution_on = models.DateField(null=True, blank=True)
    prosecution_outcome = models.CharField(
        max_length=12, blank=True, choices=ProsecutionOutcome.choices
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_on", "-requested_on", "-id"]
        indexes = [
            models.Index(fields=["guardian", "pupil", "issued_on"], name="pn_parent_child"),
            models.Index(fields=["school", "status"], name="pn_school_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "declined"]) | Q(issued_on__isnull=False),
                name="pn_issued_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="pn_paid_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_on__isnull=False),
                name="pn_withdrawn_has_date",
            ),
            models.UniqueConstraint(
                fields=["request", "guardian"], name="pn_one_per_parent_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"Penalty notice to {self.guardian} for {self.pupil} ({self.get_status_display()})"

    @property
    def counts_toward_limit(self) -> bool:
        return self.issued_on is not None and self.status in COUNTING_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        """Issued, unpaid, and the last day to pay has passed: prosecute or withdraw."""
        return self.status == PNStatus.ISSUED and self.full_by is not None and today > self.full_by

    def clean(self) -> None:
        """Refuse a third counting notice to this parent for this child inside 3 years."""
        if not self.counts_toward_limit or not self.guardian_id or not self.pupil_id:
            return
        others = (
            PenaltyNotice.objects.filter(
                guardian_id=self.guardian_id,
                pupil_id=self.pupil_id,
                status__in=COUNTING_STATUSES,
                issued_on__isnull=False,
            )
            .exclude(pk=self.pk)
            .values_list("issued_on", flat=True)
        )
        if rules.limit_breached_by(issued_on=list(others), proposed_on=self.issued_on):
            raise ValidationError(
                _(
                    "This parent already has 2 penalty notices for this child within 3 years: "
                    "a third cannot be issued. Use another tool instead."
                )
            )


class CoveredSession(models.Model):
    """A session of unauthorised absence that a notice to improve or a penalty notice
    request covers. Unique per pupil and session, so the same absence never counts toward
    two notices, and a later episode's notice covers only sessions not yet covered."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=2, help_text=_("The code when it was covered."))
    nti = models.ForeignKey(
        NoticeToImprove, null=True, blank=True, on_delete=models.CASCADE, related_name="covered"
    )
    request = models.ForeignKey(
        PenaltyRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="covered"
    )

    class Meta:
        ordering = ["pupil", "date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "date", "session"], name="covered_session_once"
            ),
            models.CheckConstraint(
                condition=(Q(nti__isnull=False) & Q(request__isnull=True))
                | (Q(nti__isnull=True) & Q(request__isnull=False)),
                name="covered_session_one_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date} {self.session} {self.code}"


class AlternativeKind(models.TextChoices):
    """Other tools where a penalty notice cannot or should not be used (rules §4.4)."""

    PROSECUTION = "prosecution", _("Prosecution under s444(1) or s444(1A)")
    ESO = "eso", _("Education Supervision Order")
    CONTRACT = "contract", _("Attendance contract")
    EARLY_HELP = "early_help", _("Early help")


class AlternativeAction(Stamped):
    """Another tool used instead of a penalty notice, e.g. at a third breach (S20)."""

    decision = models.ForeignKey(
        ThresholdDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=AlternativeKind.choices)
    decided_on = models.DateField()
    note = models.TextField()

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.pupil} on {self.decided_on}"


class InterventionEvent(models.Model):
    """What a person did to a notice, when and why: append-only."""

    id = models.BigAutoField(primary_key=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    nti = models.ForeignKey(
        NoticeToImprove, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    request = models.ForeignKey(
        PenaltyRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    notice = models.ForeignKey(
        PenaltyNotice, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    on = models.DateField()
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=200, blank=True)
    by_position = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["school", "pupil"], name="interventionevent_pupil")]

    def __str__(self) -> str:
        return f"{self.action} on {self.on}"
