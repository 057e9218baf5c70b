"""Generated reports: the request, its progress, the snapshot of its figures and the PDF.

A report is built in a task: the figures are snapshotted onto the row (already
suppressed, see `reports.snapshot`), then the PDF is rendered from that snapshot and
stored with its SHA-256, so what was downloaded can be checked later.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registers.models import School, Trust, User


class ReportKind(models.TextChoices):
    SCHOOL = "school", _("School report")
    TRUST = "trust", _("Trust report")


class ReportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def _upload_to(report: Report, filename: str) -> str:
    return f"reports/{report.requested_at:%Y/%m}/{filename}"


class Report(models.Model):
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    # The school the report was asked for from (a trust report is listed there too).
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period_key = models.CharField(max_length=40)
    period_label = models.CharField(max_length=120)
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_name = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=ReportState.choices, default="queued")
    percent = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    figures = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to=_upload_to, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["school", "-requested_at"], name="report_school_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="report_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(kind="school") | Q(trust__isnull=False),
                name="report_trust_report_has_trust",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.period_label} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (ReportState.DONE, ReportState.FAILED)

    @property
    def filename(self) -> str:
        scope = f"trust-{self.trust_id}" if self.kind == ReportKind.TRUST else self.school.urn
        return f"attendance-report-{scope}-{self.period_key}.pdf"
