"""Who looked at or exported pupil-level data, and when (kept for the headteacher)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pupils import Pupil
from .schools import School, User


class AccessKind(models.TextChoices):
    VIEW = "view", _("Viewed a pupil's page")
    EXPORT = "export", _("Downloaded or exported")
    API = "api", _("Read through the API")


class AccessEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField(max_length=200)  # kept if the account is later removed
    school = models.ForeignKey(School, null=True, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=AccessKind.choices)
    view_name = models.CharField(max_length=100)
    path = models.CharField(max_length=500)
    detail = models.CharField(max_length=200, blank=True)  # e.g. the downloaded file's name

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["school", "-at"], name="access_school_at"),
            models.Index(fields=["pupil", "-at"], name="access_pupil_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_name} {self.kind} {self.path} at {self.at:%Y-%m-%d %H:%M}"
