"""Requesting and building reports: the snapshot, the stored PDF and its checksum."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from registers.models import Role
from reports.models import Report, ReportKind, ReportState
from reports.services import report_build, report_file_matches, report_request

TODAY = dt.date(2026, 12, 1)


def _build(school, user, kind=ReportKind.SCHOOL, key="term-2024-autumn") -> Report:
    report = report_request(school=school, kind=kind, period_key=key, user=user, today=TODAY)
    return report_build(report_id=report.pk, today=TODAY)


@pytest.mark.django_db
def test_it_queues_the_build_after_commit(seeded, governor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = report_request(
            school=seeded.school,
            kind=ReportKind.SCHOOL,
            period_key="term-2024-autumn",
            user=governor,
            today=TODAY,
        )
    assert len(callbacks) == 1
    report.refresh_from_db()
    assert report.state == ReportState.DONE and report.percent == 100


@pytest.mark.django_db
def test_it_stores_a_pdf_with_its_checksum(seeded, governor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = _build(seeded.school, governor)
    assert report.state == ReportState.DONE
    assert report_file_matches(report=report)
    with report.file.open("rb") as handle:
        pdf = PdfReader(handle)
        text = "".join(page.extract_text() for page in pdf.pages)
        box = pdf.pages[0].mediabox
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842  # A4
    assert "Test School A" in text and "Autumn term 2024/25" in text
    for pupil in seeded.pupils.values():
        assert pupil.surname not in text and pupil.upn not in text


@pytest.mark.django_db
def test_the_snapshot_suppresses_small_groups(seeded, governor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    snap = _build(seeded.school, governor).figures
    years = {row["key"]: row["figures"] for row in snap["year_groups"]}
    # Reception and Year 11 have one pupil each: the total minus Year 4 would give the
    # two of them together, so Year 4 is hidden as well.
    assert years["R"] == {"suppressed": True, "text": "fewer than 5 pupils"}
    assert years["11"] == {"suppressed": True, "text": "fewer than 5 pupils"}
    assert years["4"] == {"suppressed": True, "text": "withheld"}
    fsm = next(row for row in snap["cohorts"] if row["key"] == "fsm")
    assert fsm["figures"]["suppressed"] and fsm["rest"]["suppressed"]  # 3 of 8
    assert fsm["attendance_gap"] is None
    assert snap["dfe"]["outside_age"] == {"n": None, "text": "fewer than 5"}
    # Gus (aged 4) and Hal (aged 15, summer 2) are counted differently the DfE way: the
    # difference between the two ways would be theirs, so the DfE figures are withheld.
    assert snap["dfe"]["withheld"] and snap["dfe"]["figures"]["suppressed"]


@pytest.mark.django_db
def test_a_school_below_the_limit_shows_no_figures(school, governor, settings, tmp_path):
    from tests.escalation.helpers import fill
    from tests.registers.factories import PupilFactory

    settings.MEDIA_ROOT = tmp_path
    for _ in range(3):
        fill(school, PupilFactory(school=school), "2024-09-02", "2024-12-20")
    report = _build(school, governor)
    snap = report.figures
    assert snap["suppressed"] and snap["summary"] == [] and snap["weeks"] == []
    assert snap["year_groups"] == [] and snap["cohorts"] == []
    assert "attendance" not in snap["school_way"]


@pytest.mark.django_db
def test_the_limit_is_a_setting(seeded, governor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REPORTS_SUPPRESS_BELOW = 10
    snap = _build(seeded.school, governor).figures
    assert snap["suppressed"] and snap["school_way"]["text"] == "fewer than 10 pupils"


@pytest.mark.django_db
def test_it_refuses_a_period_not_in_the_calendar(school, governor):
    with pytest.raises(ValidationError):
        report_request(
            school=school,
            kind=ReportKind.SCHOOL,
            period_key="term-2019-autumn",
            user=governor,
            today=TODAY,
        )


@pytest.mark.django_db
def test_a_trust_report_ranks_the_schools(seeded, sibling_school, member, settings, tmp_path):
    from tests.conftest import add_calendar
    from tests.escalation.helpers import fill
    from tests.registers.factories import PupilFactory

    settings.MEDIA_ROOT = tmp_path
    add_calendar(sibling_school)
    for _ in range(6):
        fill(sibling_school, PupilFactory(school=sibling_school), "2024-09-02", "2024-12-20")
    leader = member(Role.TRUST_LEADER, trust=seeded.school.trust)
    report = _build(seeded.school, leader, kind=ReportKind.TRUST)
    snap = report.figures
    by_urn = {s["urn"]: s for s in snap["schools"]}
    assert by_urn["100002"]["rank"] == 1  # every session present
    assert by_urn["100001"]["rank"] == 2
    assert by_urn["100002"]["figures"]["attendance"] == "100.0"
    assert float(by_urn["100001"]["gap_to_trust"]) < 0 < float(by_urn["100002"]["gap_to_trust"])
    assert snap["trust_figures"]["pupils"] == 14
    assert report.state == ReportState.DONE and report_file_matches(report=report)


@pytest.mark.django_db
def test_a_failed_build_is_recorded(seeded, governor, monkeypatch):
    import reports.services as services

    def broken(**kwargs):
        raise ValueError("no figures")

    monkeypatch.setattr(services, "school_figures", broken)
    report = _build(seeded.school, governor)
    assert report.state == ReportState.FAILED and "no figures" in report.error


@pytest.mark.django_db
def test_notices_not_in_the_system_are_said_to_be_so(seeded, governor, monkeypatch, media):
    import reports.compute as compute
    from reports.presentation import report_html

    monkeypatch.setattr(compute.selectors, "intervention_counts", lambda **kwargs: None)
    report = _build(seeded.school, governor)
    assert report.figures["interventions"] is None
    html = report_html(report, for_pdf=True)
    assert "Notices to improve and penalty notices: not recorded in this system." in html


def test_a_hidden_bar_says_why():
    from reports.presentation import group_chart

    rows = [
        {"key": "1", "label": "Year 1", "figures": {"suppressed": False, "attendance": "95.0"}},
        {"key": "2", "label": "Year 2", "figures": {"suppressed": True, "text": "withheld"}},
        {
            "key": "3",
            "label": "Year 3",
            "figures": {"suppressed": True, "text": "fewer than 5 pupils"},
        },
    ]
    svg = str(group_chart(rows, chart_id="years", title="Attendance (%) by year group"))
    assert svg.index(">withheld</text>") < svg.index(">fewer than 5 pupils</text>")
    assert "Year 2: withheld; Year 3: fewer than 5 pupils" in svg
    assert "—" not in svg
