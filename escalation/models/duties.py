"""Statutory and policy duties with deadlines, raised as tasks for staff.

`duties_raise` is idempotent: a duty is identified by (kind, school, pupil, key), where
the key names the occurrence (the N mark's session, the absence run's first day, the
academic year …), and a unique constraint keeps one row per occurrence however often
the job runs. An open duty whose condition no longer holds (an N re-coded, absences
re-coded as illness) is withdrawn, not deleted, so the list keeps its history.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registers.models import Pupil, School, User


class DutyKind(models.TextChoices):
    N_UNRESOLVED = "n_unresolved", _("Replace an N code (5 school days)")
    LA_TEN_DAYS = "la_10_days", _("Notify the LA: 10 school days unauthorised absence")
    CME_TWENTY_DAYS = "cme_20_days", _("Children missing education: 20 school days")
    SICKNESS_RETURN = "sickness_15_days", _("Sickness return: 15 school days")
    LEAVE_REFERRAL = "leave_referral", _("Refer unauthorised leave to the LA")
    SOCIAL_WORKER = "social_worker", _("Tell the social worker about an unexplained absence")


class DutyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    WITHDRAWN = "withdrawn", _("Withdrawn: the condition no longer holds")


class DutyQuerySet(models.QuerySet):
    def open(self) -> DutyQuerySet:
        return self.filter(status=DutyStatus.OPEN)

    def overdue(self, today) -> DutyQuerySet:
        return self.open().filter(due_on__lt=today)


class Duty(models.Model):
    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=20, choices=DutyKind.choices)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40, help_text=_("Which occurrence, e.g. 2025-01-13 AM."))
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=DutyStatus.choices, default=DutyStatus.OPEN)
    details = models.JSONField(default=dict, blank=True)
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "duties"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "school", "pupil", "key"], name="duty_unique_occurrence"
            ),
        ]
        indexes = [models.Index(fields=["school", "status", "due_on"], name="duty_school_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.pupil_id} ({self.key}), due {self.due_on}"
