"""Maintained aggregates the status engine reads instead of the marks table.

`PupilWeek` holds, per school, pupil, school week and academic year, the session counts
by category and one bitmask per code family. Bit `2 * (date - monday) + (PM ? 1 : 0)`
stands for one session of the week, so the masks keep *which* sessions carried G, N, O,
U, L or I: enough to rebuild the exact qualifying sessions of the national threshold,
the runs of the duties and the part of the current week up to a date, without reading
a mark. A week that crosses 1 September has one row per academic year.

Rows are derived data: `escalation.sql` rebuilds them from marks (a whole school, or
just the pupils a register save touched) and nothing else writes them.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from registers.models import Pupil, School


class PupilWeek(models.Model):
    id = models.BigAutoField(primary_key=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", db_index=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+", db_index=False)
    monday = models.DateField()
    year_start = models.DateField(help_text=_("1 September of the marks' academic year."))
    attended = models.PositiveSmallIntegerField(default=0)
    authorised = models.PositiveSmallIntegerField(default=0)
    unauthorised = models.PositiveSmallIntegerField(default=0)
    late_before_close = models.PositiveSmallIntegerField(default=0)
    late_after_close = models.PositiveSmallIntegerField(default=0)
    illness = models.PositiveSmallIntegerField(default=0)
    mask_attended = models.IntegerField(default=0)
    mask_authorised = models.IntegerField(default=0)
    mask_g = models.IntegerField(default=0)
    mask_n = models.IntegerField(default=0)
    mask_o = models.IntegerField(default=0)
    mask_u = models.IntegerField(default=0)
    mask_l = models.IntegerField(default=0)
    mask_i = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil", "monday", "year_start"], name="pupilweek_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "year_start", "monday"], name="pupilweek_school_year"),
            models.Index(fields=["pupil", "monday"], name="pupilweek_pupil"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} at {self.school_id}, w/c {self.monday}"

    @property
    def mask_unauthorised(self) -> int:
        return self.mask_g | self.mask_n | self.mask_o | self.mask_u


class DirtyPupil(models.Model):
    """A pupil whose marks at a school changed and whose status awaits a recompute.

    The queue that debounces incremental recomputes: a burst of saves leaves one row per
    pupil and week, and `status_drain` claims rows with `select_for_update(skip_locked=True)`.
    `monday` is the Monday of a week whose marks changed, or `ALL_WEEKS` when the writer
    did not say which (a bundle import): then every week of the pupil is rebuilt.
    """

    ALL_WEEKS = date(1, 1, 1)

    id = models.BigAutoField(primary_key=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    monday = models.DateField(default=ALL_WEEKS)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil", "monday"], name="dirtypupil_unique_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} at {self.school_id}"
