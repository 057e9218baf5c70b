"""Amounts, payment periods, the improvement period and deemed receipt, as dated rows.

A row applies nationally (no school, no authority), to every school of a local authority,
or to one school, from its `effective_from` date. `penalties.selectors.terms_for` picks,
for a date, the latest row in force for the school, else for its authority, else the
national row; the national rows are loaded from `penalties.rules.NATIONAL_TERMS` by a data
migration and can be edited like any other.
"""

from __future__ import annotations

from dataclasses import fields

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from penalties import rules
from registers.models import School


class PenaltyTermsConfig(models.Model):
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    local_authority = models.CharField(
        max_length=100, blank=True, help_text=_("Applies to every school of this authority.")
    )
    effective_from = models.DateField()
    first_reduced_pence = models.PositiveIntegerField(_("first notice: reduced amount (pence)"))
    first_reduced_days = models.PositiveSmallIntegerField(_("first notice: reduced period (days)"))
    first_full_pence = models.PositiveIntegerField(_("first notice: full amount (pence)"))
    first_full_days = models.PositiveSmallIntegerField(_("first notice: full period (days)"))
    second_reduced_pence = models.PositiveIntegerField(
        _("second notice: reduced amount (pence)"),
        null=True,
        blank=True,
        help_text=_("Blank: a second notice has no reduced amount."),
    )
    second_reduced_days = models.PositiveSmallIntegerField(
        _("second notice: reduced period (days)"), null=True, blank=True
    )
    second_full_pence = models.PositiveIntegerField(_("second notice: full amount (pence)"))
    second_full_days = models.PositiveSmallIntegerField(_("second notice: full period (days)"))
    improvement_weeks = models.PositiveSmallIntegerField(
        _("notice to improve: improvement period (school weeks)"),
        default=rules.DEFAULT_IMPROVEMENT_WEEKS,
        validators=[
            MinValueValidator(rules.MIN_IMPROVEMENT_WEEKS),
            MaxValueValidator(rules.MAX_IMPROVEMENT_WEEKS),
        ],
    )
    deemed_receipt_working_days = models.PositiveSmallIntegerField(
        _("posted notices deemed received after (working days)"),
        default=rules.DEFAULT_DEEMED_RECEIPT_WORKING_DAYS,
        validators=[MaxValueValidator(10)],
    )
    note = models.CharField(max_length=200, blank=True, help_text=_("Source or reason."))

    class Meta:
        verbose_name = "penalty notice terms"
        verbose_name_plural = "penalty notice terms"
        ordering = ["school", "local_authority", "effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=True) | Q(local_authority=""),
                name="penaltyterms_school_or_la",
            ),
            models.CheckConstraint(
                condition=Q(improvement_weeks__gte=rules.MIN_IMPROVEMENT_WEEKS)
                & Q(improvement_weeks__lte=rules.MAX_IMPROVEMENT_WEEKS),
                name="penaltyterms_improvement_weeks_3_to_6",
            ),
            models.UniqueConstraint(
                fields=["school", "effective_from"],
                condition=Q(school__isnull=False),
                name="penaltyterms_unique_school_date",
            ),
            models.UniqueConstraint(
                fields=["local_authority", "effective_from"],
                condition=Q(school__isnull=True),
                name="penaltyterms_unique_la_date",
            ),
        ]

    def __str__(self) -> str:
        scope = self.school or self.local_authority or "National"
        return f"{scope}: terms from {self.effective_from:%d %b %Y}"

    @property
    def scope(self) -> str:
        if self.school_id:
            return "school"
        return "local_authority" if self.local_authority else "national"

    def to_terms(self) -> rules.PenaltyTerms:
        return rules.PenaltyTerms(
            **{f.name: getattr(self, f.name) for f in fields(rules.PenaltyTerms)}
        )

    def clean(self) -> None:
        if self.school_id and self.local_authority:
            raise ValidationError(_("A row applies to a school or to an authority, not both."))
        try:
            self.to_terms()
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc)) from exc
