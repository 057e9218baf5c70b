"""A pupil's stored attendance status at one school, as of a date.

One row per school and pupil (an enrolment's school): the figures of point 1 of the
status engine, written by `escalation.services.status` and read by the dashboard's
selectors. Every field is derived; `computed_at` says when.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registers.models import Pupil, School


class RiskBand(models.TextChoices):
    NONE = "none", _("No risk")
    LOW = "low", _("Low risk of persistent absence")
    MODERATE = "moderate", _("Moderate risk of persistent absence")
    HIGH = "high", _("High risk of persistent absence")
    LOCKED = "locked", _("Locked into persistent absence for the year")


class PupilStatusQuerySet(models.QuerySet):
    def for_school(self, school: School) -> PupilStatusQuerySet:
        return self.filter(school=school)

    def persistent(self) -> PupilStatusQuerySet:
        return self.filter(persistent_absence=True)

    def severe(self) -> PupilStatusQuerySet:
        return self.filter(severe_absence=True)

    def threshold_met(self) -> PupilStatusQuerySet:
        return self.filter(threshold_met_now=True)

    def decision_needed(self) -> PupilStatusQuerySet:
        """The threshold's current episode is met and no decision has answered it."""
        return self.filter(threshold_episode_met=True)

    def near_threshold(self, within: int = 2) -> PupilStatusQuerySet:
        """Not met, but `within` more unauthorised sessions would meet it."""
        return self.filter(threshold_met_now=False, threshold_sessions_to_meet__lte=within)

    def local_threshold_met(self) -> PupilStatusQuerySet:
        return self.filter(local_threshold_met_now=True)

    def at_risk_of_pa(self, within: int) -> PupilStatusQuerySet:
        """Not PA yet, and `within` or fewer more absent sessions would make them PA."""
        return self.filter(persistent_absence=False, absence_sessions_to_pa__lte=within)

    def in_band(self, *bands: str) -> PupilStatusQuerySet:
        return self.filter(risk_band__in=bands)


class PupilStatus(models.Model):
    id = models.BigAutoField(primary_key=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    academic_year = models.CharField(max_length=7)

    # Year to date (contract §2; rules §2.1–2.3).
    possible = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    authorised = models.PositiveIntegerField(default=0)
    unauthorised = models.PositiveIntegerField(default=0)
    attendance_rate = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    persistent_absence = models.BooleanField(default=False)
    severe_absence = models.BooleanField(default=False)

    # Lateness: L before the register closes, U after (rules §0.6).
    late_before_close_half_term = models.PositiveIntegerField(default=0)
    late_after_close_half_term = models.PositiveIntegerField(default=0)
    late_before_close_year = models.PositiveIntegerField(default=0)
    late_after_close_year = models.PositiveIntegerField(default=0)
    illness_year = models.PositiveIntegerField(default=0)

    # National threshold (rules §0.5, §3.3).
    threshold_sessions_in_window = models.PositiveIntegerField(default=0)
    threshold_window_start = models.DateField(null=True)
    threshold_window_end = models.DateField(null=True)
    threshold_met_now = models.BooleanField(default=False)
    threshold_provisional = models.BooleanField(default=False)
    threshold_first_met_on = models.DateField(null=True)
    threshold_met_dates = models.JSONField(default=list, help_text=_("ISO dates, this year."))
    threshold_sessions_to_meet = models.PositiveIntegerField(default=10)
    threshold_holiday_sessions = models.PositiveIntegerField(
        default=0, help_text=_("G sessions in the current window.")
    )
    threshold_spans_move = models.BooleanField(
        default=False, help_text=_("The window counts sessions at another school of the trust.")
    )

    # The threshold's current episode (rules §0.5): the qualifying sessions after the
    # last session counted by the last recorded decision. Met and undecided: a
    # decision is needed. See `escalation.rules.threshold_episode`.
    threshold_episode_met = models.BooleanField(default=False)
    threshold_episode_met_on = models.DateField(null=True)
    threshold_episode_provisional = models.BooleanField(default=False)
    threshold_episode_window_start = models.DateField(null=True)
    threshold_episode_window_end = models.DateField(null=True)
    threshold_episode_sessions = models.PositiveIntegerField(
        default=0, help_text=_("Sessions the episode counts in its window.")
    )
    threshold_episode_sessions_to_meet = models.PositiveIntegerField(default=10)
    threshold_episode_last_on = models.DateField(
        null=True, help_text=_("The last session the met episode counts: a decision ends here.")
    )
    threshold_episode_last_pm = models.BooleanField(default=False)
    threshold_decision_withdrawn = models.BooleanField(
        default=False,
        help_text=_("The episode the last decision answered is no longer met on the marks as now."),
    )

    # The local threshold of the school's policy, if it has one.
    local_threshold_label = models.CharField(max_length=100, blank=True)
    local_threshold_sessions_in_window = models.PositiveIntegerField(default=0)
    local_threshold_met_now = models.BooleanField(default=False)
    local_threshold_provisional = models.BooleanField(default=False)
    local_threshold_first_met_on = models.DateField(null=True)

    # Risk of persistent absence.
    absence_sessions_to_pa = models.PositiveIntegerField(default=0)
    projected_attendance_rate = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    term = models.CharField(max_length=6, blank=True)
    term_absence_sessions = models.PositiveIntegerField(default=0)
    risk_band = models.CharField(max_length=10, choices=RiskBand.choices, default=RiskBand.NONE)
    support_tier = models.PositiveSmallIntegerField(null=True)

    objects = PupilStatusQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "pupil statuses"
        constraints = [
            models.UniqueConstraint(fields=["school", "pupil"], name="pupilstatus_unique"),
        ]
        indexes = [
            models.Index(fields=["school", "persistent_absence"], name="status_school_pa"),
            models.Index(fields=["school", "threshold_met_now"], name="status_school_threshold"),
            models.Index(fields=["school", "risk_band"], name="status_school_band"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} at {self.school_id} as of {self.as_of}"

    @property
    def decision_needed(self) -> bool:
        return self.threshold_episode_met
