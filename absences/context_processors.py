"""The office's count badge of unprocessed parent reports, for the layout's navigation."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from absences.selectors import waiting_counts


def report_badges(request: HttpRequest) -> dict[str, object]:
    """`nav_badges`: {navigation URL: count}, one query for every school of the user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = waiting_counts(user)
    return {
        "nav_badges": {
            reverse("absences_queue", kwargs={"urn": urn}): n for urn, n in counts.items() if n
        }
    }
