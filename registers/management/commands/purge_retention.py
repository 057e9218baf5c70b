"""`manage.py purge_retention [--dry-run]`: the retention purge, run now, with its report."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from registers.models import RetentionPurge
from registers.services.retention import retention_purge


def report_lines(report: RetentionPurge) -> list[str]:
    kind = "Dry run (nothing removed)" if report.dry_run else "Retention purge"
    lines = [
        f"{kind}, {report.started_at:%Y-%m-%d %H:%M}",
        f"Register entries dated before {report.register_cutoff:%d %b %Y}; "
        f"access events before {report.audit_cutoff:%d %b %Y}.",
    ]
    if not report.counts:
        lines.append("Nothing to remove." if report.dry_run else "Nothing removed.")
    removed = {k: n for k, n in report.counts.items() if "_kept_" not in k}
    kept = {k: n for k, n in report.counts.items() if "_kept_" in k}
    if removed:
        lines.append("Would remove:" if report.dry_run else "Removed:")
        lines += [f"  {label}: {count}" for label, count in removed.items()]
    if kept:
        lines.append("Kept, because another record still needs them (see the log):")
        lines += [f"  {label}: {count}" for label, count in kept.items()]
    return lines


class Command(BaseCommand):
    help = (
        "Remove register records and access events older than their retention period "
        "(REGISTER_RETENTION_YEARS, ACCESS_AUDIT_RETENTION_YEARS) and print the report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; remove nothing."
        )

    def handle(self, *args: object, dry_run: bool, **options: object) -> None:
        report = retention_purge(today=timezone.localdate(), dry_run=dry_run)
        for line in report_lines(report):
            self.stdout.write(line)
