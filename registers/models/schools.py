from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The spec allows a register to stay open for 30 minutes at most (rules §0.6, §5.11).
MAX_REGISTER_OPEN_MINUTES = 30


class User(AbstractUser):
    """A person who signs in: staff (through memberships) or a parent (through a guardian)."""

    position = models.CharField(
        _("position"),
        max_length=100,
        blank=True,
        help_text=_("Job title, shown in the audit trail."),
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Trust(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    NURSERY = "nursery", _("Nursery")
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    ALL_THROUGH = "all-through", _("All-through")
    SPECIAL = "special", _("Special")


def _minutes_between(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


class School(models.Model):
    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("A URN is six digits."))],
    )
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=12, choices=Phase.choices)
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    local_authority = models.CharField(max_length=100, blank=True)
    address = models.TextField(blank=True, help_text=_("Postal address, one line per line."))
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    headteacher = models.CharField(max_length=200, blank=True)
    am_opens = models.TimeField(_("AM register opens"), default=dt.time(8, 45))
    am_closes = models.TimeField(_("AM register closes"), default=dt.time(9, 15))
    pm_opens = models.TimeField(_("PM register opens"), default=dt.time(13, 15))
    pm_closes = models.TimeField(_("PM register closes"), default=dt.time(13, 45))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for half, opens, closes in (
            ("am", self.am_opens, self.am_closes),
            ("pm", self.pm_opens, self.pm_closes),
        ):
            if opens is None or closes is None:
                continue
            minutes = _minutes_between(opens, closes)
            if minutes <= 0:
                errors[f"{half}_closes"] = _("The register must close after it opens.")
            elif minutes > MAX_REGISTER_OPEN_MINUTES:
                errors[f"{half}_closes"] = _(
                    "A register may stay open for at most %(max)d minutes."
                ) % {"max": MAX_REGISTER_OPEN_MINUTES}
        if self.am_closes and self.pm_opens and self.pm_opens <= self.am_closes:
            errors["pm_opens"] = _("The afternoon register must open after the morning one closes.")
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    OFFICE = "office", _("Office staff")
    TEACHER = "teacher", _("Teacher")
    ATTENDANCE_LEAD = "attendance_lead", _("Attendance lead")
    HEADTEACHER = "headteacher", _("Headteacher")
    GOVERNOR = "governor", _("Governor")
    TRUST_LEADER = "trust_leader", _("Trust leader")


class Membership(models.Model):
    """A staff role at one school, or (trust leaders) across every school of a trust."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    registration_groups = models.CharField(
        max_length=200, blank=True, help_text=_("A teacher's own groups, comma-separated.")
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(school__isnull=False) & Q(trust__isnull=True))
                | (Q(school__isnull=True) & Q(trust__isnull=False)),
                name="membership_school_xor_trust",
            ),
            models.UniqueConstraint(
                fields=["user", "school", "role"],
                condition=Q(school__isnull=False),
                name="membership_unique_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "trust", "role"],
                condition=Q(trust__isnull=False),
                name="membership_unique_trust_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.school or self.trust}"
