"""Chainable reads over the register's tables."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q


class EnrolmentQuerySet(models.QuerySet):
    def for_school(self, school) -> EnrolmentQuerySet:
        return self.filter(school=school)

    def on_roll(self, on: dt.date) -> EnrolmentQuerySet:
        return self.filter(
            Q(leaving_date__isnull=True) | Q(leaving_date__gte=on), admission_date__lte=on
        )

    def overlapping(self, start: dt.date, end: dt.date) -> EnrolmentQuerySet:
        """Enrolments on roll on at least one day of [start, end]."""
        return self.filter(
            Q(leaving_date__isnull=True) | Q(leaving_date__gte=start), admission_date__lte=end
        )


class MarkQuerySet(models.QuerySet):
    def for_school(self, school) -> MarkQuerySet:
        return self.filter(school=school)

    def between(self, start: dt.date, end: dt.date) -> MarkQuerySet:
        return self.filter(date__gte=start, date__lte=end)
