from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .schools import School


class Session(models.TextChoices):
    AM = "AM", _("Morning")
    PM = "PM", _("Afternoon")


class CalendarKind(models.TextChoices):
    TERM = "term", _("Term")
    HOLIDAY = "holiday", _("Holiday")
    INSET = "inset", _("INSET")
    CLOSURE = "closure", _("Planned closure")


class CalendarEntry(models.Model):
    """A date range of the school calendar, as a school states it.

    Sessions exist on term weekdays that no holiday, INSET or closure entry removes
    (data-exchange §1). `SchoolSession` and `SchoolWeek` are derived from these rows
    by `calendar_rebuild` and must be rebuilt whenever they change.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="calendar_entries")
    start_date = models.DateField()
    end_date = models.DateField()
    kind = models.CharField(max_length=10, choices=CalendarKind.choices)
    sessions = models.CharField(
        max_length=2,
        choices=Session.choices,
        blank=True,
        help_text=_("Blank for both sessions; only meaningful for holidays, INSET and closures."),
    )
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["school", "start_date", "kind"]
        verbose_name_plural = "calendar entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="calendar_entry_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}–{self.end_date} {self.label}".strip()


class SchoolSession(models.Model):
    """A session the school meets for (derived from the calendar)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="school_sessions")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    week = models.ForeignKey("SchoolWeek", on_delete=models.CASCADE, related_name="sessions")

    class Meta:
        ordering = ["school", "date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "date", "session"], name="school_session_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session}"


class SchoolWeek(models.Model):
    """A Monday–Sunday week with at least one session, numbered consecutively per school."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="school_weeks")
    monday = models.DateField()
    number = models.PositiveIntegerField()
    session_count = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["school", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "monday"], name="school_week_unique_monday"),
            models.UniqueConstraint(fields=["school", "number"], name="school_week_unique_number"),
        ]

    def __str__(self) -> str:
        return f"School week {self.number} (w/c {self.monday})"
