from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .calendar import Session
from .schools import School, User


class RegisterTaking(models.Model):
    """That a group's register was taken for a session: by whom, when, and whether late.

    Marks hold the codes; this row holds the register's state for the "today's
    registers" view and counts saves so that two people editing one register can be told
    apart (see `register_save`).
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="register_takings")
    registration_group = models.CharField(max_length=20)
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    taken_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(help_text=_("When the register was first saved."))
    taken_late = models.BooleanField(
        default=False, help_text=_("First saved after the register closed.")
    )
    last_saved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_saved_at = models.DateTimeField()
    saves = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["school", "date", "session", "registration_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "registration_group", "date", "session"],
                name="register_taking_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_group} {self.date} {self.session}"
