"""The reports' admin pages open for a superuser and are read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_the_admin_lists_and_shows_reports(client, superuser, built):
    client.force_login(superuser)
    listing = client.get(reverse("admin:reports_report_changelist"))
    assert listing.status_code == 200 and b"Autumn term 2024/25" in listing.content
    page = client.get(reverse("admin:reports_report_change", args=[built.pk]))
    assert page.status_code == 200
    assert client.get(reverse("admin:reports_report_add")).status_code == 403
