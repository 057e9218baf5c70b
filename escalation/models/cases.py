"""Escalation cases: a pupil's place on the school's support-first ladder, and its history.

The engine only *proposes* (a stage move, with the letter or meeting that goes with it,
and its reasons); a person accepts, defers or declines. Nothing punitive happens
automatically: the guidance forbids a blanket approach. Every proposal and decision is
a `CaseEvent`, append-only.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registers.models import Pupil, School, User


class Case(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    stage = models.PositiveSmallIntegerField(default=0, help_text=_("0 = no concern; 1–4."))
    stage_since = models.DateField(null=True, blank=True)
    stage_attended = models.PositiveIntegerField(
        default=0, help_text=_("Year-to-date attended sessions when the stage began.")
    )
    stage_possible = models.PositiveIntegerField(default=0)
    proposed_stage = models.PositiveSmallIntegerField(null=True, blank=True)
    proposed_action = models.CharField(max_length=40, blank=True)
    proposed_reasons = models.JSONField(default=list, blank=True)
    proposed_on = models.DateField(null=True, blank=True)
    snoozed_until = models.DateField(
        null=True, blank=True, help_text=_("No new proposal before this date (defer, decline).")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "pupil"], name="case_unique_pupil"),
        ]
        indexes = [models.Index(fields=["school", "proposed_stage"], name="case_school_pending")]

    def __str__(self) -> str:
        return f"Case of {self.pupil_id} at {self.school_id}: stage {self.stage}"

    @property
    def has_proposal(self) -> bool:
        return self.proposed_stage is not None


class CaseEventKind(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    WITHDRAWN = "withdrawn", _("Withdrawn: no longer applies")
    ACCEPTED = "accepted", _("Accepted")
    DEFERRED = "deferred", _("Deferred")
    DECLINED = "declined", _("Declined")


class CaseEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=CaseEventKind.choices)
    stage_from = models.PositiveSmallIntegerField()
    stage_to = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=40, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, help_text=_("The person's reason for the decision."))
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=200, blank=True)
    by_position = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField()
    on = models.DateField(help_text=_("The school day the event belongs to."))
    until = models.DateField(null=True, blank=True, help_text=_("Deferred until."))

    class Meta:
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.stage_from}→{self.stage_to} on {self.on}"
