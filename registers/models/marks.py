from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registers.codes import Category, Group
from registers.querysets import MarkQuerySet

from .calendar import Session
from .pupils import Pupil
from .schools import School, User


class AttendanceCode(models.Model):
    """A row of the 2024 code table; loaded from `registers.codes` by a data migration."""

    code = models.CharField(max_length=2, primary_key=True)
    meaning = models.CharField(max_length=200)
    category = models.CharField(max_length=16, choices=[(c.value, c.name) for c in Category])
    group = models.CharField(max_length=60, choices=[(g.value, g.value) for g in Group])
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return f"{self.code} — {self.meaning}"


class MarkSource(models.TextChoices):
    REGISTER = "register", _("Register")
    IMPORT = "import", _("Import")
    PARENT_REPORT = "parent_report", _("Parent report")
    BULK = "bulk", _("Bulk entry")
    CORRECTION = "correction", _("Correction")
    API = "api", _("API")


class Mark(models.Model):
    """One register entry: one pupil, one session, at one school.

    A register is a legal record: once written, a mark changes only through a service
    that also writes a `MarkChange` keeping the previous entry.
    """

    id = models.BigAutoField(primary_key=True)
    # The unique (school, pupil, date, session) index and the two indexes below cover every
    # lookup; the foreign keys' own indexes would only slow down writing a year of marks.
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="marks", db_index=False
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="marks", db_index=False)
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.ForeignKey(
        AttendanceCode, on_delete=models.PROTECT, db_column="code", related_name="+", db_index=False
    )
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=MarkSource.choices)

    objects = MarkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil", "date", "session"], name="mark_unique_session"
            ),
            models.CheckConstraint(
                condition=Q(minutes_late__isnull=True) | Q(code__in=["L", "U"]),
                name="mark_minutes_late_only_when_late",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "date", "session"], name="mark_school_date"),
            models.Index(fields=["pupil", "date"], name="mark_pupil_date"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date} {self.session} {self.code_id}"


class MarkChange(models.Model):
    """An amendment of a mark: the previous and new entry, who, when, why, from where.

    Append-only; the regulations require the original entry, the amended entry, the
    reason, the date and the name and position of the person who made it (rules §5.10).
    Name and position are copied so the record survives a renamed or deleted account.
    """

    id = models.BigAutoField(primary_key=True)
    mark = models.ForeignKey(Mark, on_delete=models.PROTECT, related_name="changes")
    previous_code = models.ForeignKey(
        AttendanceCode, on_delete=models.PROTECT, db_column="previous_code", related_name="+"
    )
    previous_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_recorded_at = models.DateTimeField()
    previous_source = models.CharField(max_length=16, choices=MarkSource.choices)
    # Who made the previous entry, copied because the mark itself now names the amender.
    previous_recorded_by_name = models.CharField(max_length=200, blank=True, db_default="")
    previous_recorded_by_position = models.CharField(max_length=100, blank=True, db_default="")
    new_code = models.ForeignKey(
        AttendanceCode, on_delete=models.PROTECT, db_column="new_code", related_name="+"
    )
    new_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    changed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by_name = models.CharField(max_length=200, blank=True)
    changed_by_position = models.CharField(max_length=100, blank=True)
    changed_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=MarkSource.choices)

    class Meta:
        ordering = ["mark", "changed_at", "id"]
        indexes = [models.Index(fields=["mark", "changed_at"], name="markchange_mark")]

    def __str__(self) -> str:
        return f"{self.previous_code_id} → {self.new_code_id} ({self.changed_at:%Y-%m-%d})"
