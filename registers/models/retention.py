"""Deletions from the admission register (rules §5.2–5.4) and retention purge reports (§5.9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registers.deletion_rules import GROUNDS

from .pupils import Enrolment
from .schools import User

DELETION_GROUND_CHOICES = [(g.key, f"({g.regulation}) {g.label}") for g in GROUNDS]


class RegisterDeletion(models.Model):
    """A pupil's name deleted from the admission register on a regulation 9 ground.

    Deleting a name ends the enrolment (its leaving date); it erases nothing: marks and
    their amendments stay for the retention period. The deletion return (rules §5.2) is
    snapshotted here when the deletion is made, so the record shows what the school
    knew and sent, whatever later changes to the pupil or guardians.
    """

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="register_deletion"
    )
    ground = models.CharField(max_length=4, choices=DELETION_GROUND_CHOICES)
    ground_met_on = models.DateField(_("date the ground was met"))
    deletion_date = models.DateField()
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200)
    recorded_by_position = models.CharField(max_length=100, blank=True)
    recorded_at = models.DateTimeField()
    notes = models.TextField(blank=True)

    # Ground (i) only (rules §5.4): the absence run, and the two checks with who and when.
    absence_days = models.PositiveSmallIntegerField(null=True, blank=True)
    absence_first_day = models.DateField(null=True, blank=True)
    no_sickness_grounds = models.BooleanField(
        default=False,
        help_text=_("No reasonable grounds to believe sickness or an unavoidable cause."),
    )
    no_sickness_grounds_by = models.CharField(max_length=200, blank=True)
    no_sickness_grounds_on = models.DateField(null=True, blank=True)
    enquiries_failed = models.BooleanField(
        default=False,
        help_text=_("School and local authority jointly enquired and could not find the pupil."),
    )
    enquiries_failed_by = models.CharField(max_length=200, blank=True)
    enquiries_failed_on = models.DateField(null=True, blank=True)

    # The deletion return (rules §5.2 items (a)–(e); the further items are UNCONFIRMED).
    pupil_name = models.CharField(max_length=200)
    pupil_upn = models.CharField("UPN", max_length=13)
    pupil_date_of_birth = models.DateField()
    pupil_year_group = models.CharField(max_length=2)
    pupil_address = models.TextField(blank=True)
    # [{"name", "relationship", "address", "phone"}] for each parent the pupil lives with.
    parents = models.JSONField(default=list)
    future_address = models.TextField(blank=True, help_text=_("Reg 8(3) information."))
    future_school = models.CharField(max_length=200, blank=True)
    return_due = models.BooleanField(default=True)
    return_exemption = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-deletion_date", "-id"]

    def __str__(self) -> str:
        return f"{self.pupil_name} deleted {self.deletion_date} ({self.ground})"

    @property
    def regulation(self) -> str:
        return f"9(1)({self.ground})" if len(self.ground) == 1 else self.ground


class RetentionPurge(models.Model):
    """One run of the retention purge: what it removed (or would have, on a dry run)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    today = models.DateField()
    register_cutoff = models.DateField(help_text=_("Marks dated before this were eligible."))
    audit_cutoff = models.DateField(help_text=_("Access events before this were eligible."))
    dry_run = models.BooleanField(default=False)
    # {"marks": n, "mark_changes": n, "pupils": n, ...}; see services.retention.COUNTED.
    counts = models.JSONField(default=dict)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        kind = "Dry run" if self.dry_run else "Purge"
        return f"{kind} {self.started_at:%Y-%m-%d %H:%M}"
