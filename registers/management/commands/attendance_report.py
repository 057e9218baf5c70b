"""`manage.py attendance_report --school URN --as-of YYYY-MM-DD [--format json|csv]` (contract §2)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registers.models import School
from registers.reporting import CSV_FIELDS, attendance_report, report_csv_rows


class Command(BaseCommand):
    help = "Print a school's attendance figures for the academic year up to a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's 6-digit URN.")
        parser.add_argument("--as-of", required=True, help="Last date counted, YYYY-MM-DD.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(
        self, *args: object, school: str, as_of: str, format: str, **options: object
    ) -> None:
        report = attendance_report(school=_school(school), as_of=_date(as_of))
        if format == "csv":
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(report_csv_rows(report))
            self.stdout.write(buffer.getvalue(), ending="")
        else:
            self.stdout.write(json.dumps(report, indent=2))


def _school(urn: str) -> School:
    school = School.objects.filter(urn=urn.strip()).first()
    if school is None:
        raise CommandError(f"No school has URN {urn!r}; give the 6-digit URN of an imported school")
    return school


def _date(value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date; write it as YYYY-MM-DD") from None
