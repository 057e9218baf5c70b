"""Integration access to the REST API: per-school tokens with scopes, and the responses
kept for retried writes (the `Idempotency-Key` header)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .schools import School, User

TOKEN_PREFIX = "att_"


class TokenScope(models.TextChoices):
    READ = "read", _("Read: schools, calendar, pupils, guardians, marks, status, cases")
    WRITE_REGISTERS = "write-registers", _("Write registers and single marks")
    REPORT_ABSENCES = "report-absences", _("Pass on parents' absence reports (a parent app)")


def token_digest(key: str) -> str:
    """SHA-256 of the whole key: what is stored, so a database leak reveals no token."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_token_key() -> str:
    """A fresh key: a recognisable prefix and 256 bits from the OS's random source."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """A key for one integration at one school. Only its digest is stored; the key is
    shown once, when it is created. Requests made with it act as `user`, a service
    account with no sign-in, so the audit trail names the integration."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=100, help_text=_("What uses it, e.g. 'Trust data warehouse'.")
    )
    scopes = models.JSONField(default=list, help_text=_("Any of: read, write-registers."))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=12, editable=False, help_text=_("The key's first characters, to recognise it.")
    )
    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="api_token", editable=False
    )
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                condition=Q(revoked_at__isnull=True),
                name="apitoken_unique_live_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class IdempotentResponse(models.Model):
    """The response to a write sent with an `Idempotency-Key`, replayed when the same
    caller retries the same request, and refused when the key is reused for another."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code}"
