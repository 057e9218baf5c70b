"""Staff exports by pupil and by group, CSV and XLSX, with a validated date range."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registers import rules
from registers.models import Mark


def _get(client, school, **params):
    return client.get(reverse("reports_export", kwargs={"urn": school.urn}), params)


GOOD = {"start": "2024-09-01", "end": "2024-12-20", "scope": "pupils", "file_format": "csv"}


@pytest.mark.django_db
def test_the_form_shows_without_errors(client, school, teacher):
    client.force_login(teacher)
    response = _get(client, school)
    assert response.status_code == 200 and b"There is a problem" not in response.content


@pytest.mark.django_db
def test_a_teacher_exports_pupils_as_csv(client, seeded, teacher):
    client.force_login(teacher)
    response = _get(client, seeded.school, **GOOD)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == len(seeded.pupils)
    ava = next(r for r in rows if r["name"] == "Seed, Ava")
    expected = rules.count_codes(
        Mark.objects.filter(
            pupil=seeded.pupils["Ava"], date__gte="2024-09-01", date__lte="2024-12-20"
        ).values_list("code_id", flat=True)
    )
    assert int(ava["possible_sessions"]) == expected.possible
    assert int(ava["attended_sessions"]) == expected.attended
    assert ava["persistent_absence"] == "yes" and ava["fsm"] == "yes"


@pytest.mark.django_db
def test_groups_as_xlsx(client, seeded, lead):
    client.force_login(lead)
    response = _get(client, seeded.school, **{**GOOD, "scope": "groups", "file_format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["All pupils"][1] == 8 and rows["Year 4"][1] == 6
    assert isinstance(rows["All pupils"][8], int | float)  # a number, not text


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2024-12-20", "2024-09-01", "The end date must be on or after the start date."),
        ("2023-09-01", "2024-12-20", "Choose at most a year (366 days) at a time."),
        ("2026-11-01", "2099-01-01", "The end date cannot be in the future."),
        ("1999-09-01", "2000-01-01", "The start date must be on or after"),
        ("not a date", "2024-12-20", "Enter a valid date."),
    ],
)
@pytest.mark.django_db
def test_it_explains_a_bad_range(client, school, teacher, start, end, message):
    client.force_login(teacher)
    response = _get(client, school, **{**GOOD, "start": start, "end": end})
    assert response.status_code == 400
    assert b"There is a problem" in response.content and message.encode() in response.content


@pytest.mark.django_db
def test_a_governor_cannot_export(client, seeded, governor):
    client.force_login(governor)
    assert _get(client, seeded.school, **GOOD).status_code == 404
    assert _get(client, seeded.school).status_code == 404


@pytest.mark.django_db
def test_staff_of_another_school_get_404(client, seeded, outsider):
    client.force_login(outsider)
    assert _get(client, seeded.school, **GOOD).status_code == 404


@pytest.mark.django_db
def test_cells_cannot_run_as_formulas(client, seeded, teacher):
    seeded.pupils["Ava"].surname = "=HYPERLINK(1)"
    seeded.pupils["Ava"].save()
    client.force_login(teacher)
    response = _get(client, seeded.school, **GOOD)
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")
