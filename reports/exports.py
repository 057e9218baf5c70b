"""Staff exports: figures by pupil or by group for any date range, as CSV or XLSX.

Pupil-level by design, so only for people who may view pupils; groups here are not
suppressed, because the people downloading them can already see every pupil.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from registers.models import School
from reports import selectors
from reports.compute import COHORT_LABELS, YEAR_LABELS
from reports.figures import Tally, total

FIGURE_HEADERS = (
    "pupils",
    "possible_sessions",
    "attended_sessions",
    "authorised_absence_sessions",
    "unauthorised_absence_sessions",
    "late_before_close_sessions",
    "late_after_close_sessions",
    "attendance_rate",
    "authorised_absence_rate",
    "unauthorised_absence_rate",
    "persistent_absence",
    "severe_absence",
)
PUPIL_HEADERS = ("upn", "name", "year_group", *COHORT_LABELS, *FIGURE_HEADERS[1:])
GROUP_HEADERS = ("group", *FIGURE_HEADERS, "persistent_absence_rate", "severe_absence_rate")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_RATE = re.compile(r"^\d{1,3}\.\d$")


def _figures(t: Tally) -> list[object]:
    c = t.counts
    return [
        t.pupils,
        c.possible,
        c.attended,
        c.authorised,
        c.unauthorised,
        c.late_before_close,
        c.late_after_close,
        t.attendance or "",
        t.authorised_rate or "",
        t.unauthorised_rate or "",
        t.persistent,
        t.severe,
    ]


def pupil_rows(*, school: School, start: date, end: date) -> list[list[object]]:
    rows = selectors.enrolment_rows(school=school, start=start, end=end)
    found = []
    for r in sorted(rows, key=lambda r: (r.name, r.upn)):  # one row per enrolment
        t = Tally.of_enrolment(r.counts)
        flags = ["yes" if key in r.cohorts else "no" for key in COHORT_LABELS]
        figures = _figures(t)[1:]
        figures[-2:] = ["yes" if t.persistent else "no", "yes" if t.severe else "no"]
        found.append([r.upn, r.name, YEAR_LABELS.get(r.year_group, r.year_group), *flags, *figures])
    return found


def group_rows(*, school: School, start: date, end: date) -> list[list[object]]:
    rows = selectors.enrolment_rows(school=school, start=start, end=end)
    groups: dict[str, list[Tally]] = {"All pupils": []}
    order = list(YEAR_LABELS)
    for r in sorted(rows, key=lambda r: order.index(r.year_group) if r.year_group in order else 99):
        t = Tally.of_enrolment(r.counts)
        groups["All pupils"].append(t)
        groups.setdefault(YEAR_LABELS.get(r.year_group, r.year_group), []).append(t)
    for key, label in COHORT_LABELS.items():
        groups[label] = [Tally.of_enrolment(r.counts) for r in rows if key in r.cohorts]
    found = []
    for label, tallies in groups.items():
        t = total(tallies)
        found.append([label, *_figures(t), t.pa_rate or "", t.sa_rate or ""])
    return found


def _safe(value: object) -> object:
    """Keep a spreadsheet from running a cell as a formula (names are typed by people)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([_safe(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode()  # the BOM lets Excel read UTF-8


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:  # rates as numbers, so the workbook can sort and chart them
        sheet.append([float(v) if isinstance(v, str) and _RATE.match(v) else _safe(v) for v in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
