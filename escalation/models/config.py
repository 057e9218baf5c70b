"""Per-school (or per local authority) escalation policy, stored as configuration.

A row holds only what a school or authority changes; `escalation.selectors.policy_for`
merges it over the defaults of `escalation.policy.DEFAULT_POLICY` (built from the
policies we were given) into a frozen `Policy`. A school's row wins over its local
authority's row, which wins over the defaults.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registers.models import School


class PolicyConfig(models.Model):
    school = models.OneToOneField(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    local_authority = models.CharField(
        max_length=100, blank=True, help_text=_("Applies to every school of this authority.")
    )
    settings = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Overrides of the default policy; keys as in escalation.policy.Policy."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "policy configuration"
        constraints = [
            models.CheckConstraint(
                condition=(Q(school__isnull=False) & Q(local_authority=""))
                | (Q(school__isnull=True) & ~Q(local_authority="")),
                name="policyconfig_school_xor_la",
            ),
            models.UniqueConstraint(
                fields=["local_authority"],
                condition=Q(school__isnull=True),
                name="policyconfig_unique_la",
            ),
        ]

    def __str__(self) -> str:
        return f"Policy for {self.school or self.local_authority}"

    def clean(self) -> None:
        from escalation.policy import policy_from_settings

        try:
            policy_from_settings(self.settings)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"settings": str(exc)}) from exc
