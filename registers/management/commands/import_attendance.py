"""`manage.py import_attendance BUNDLE_DIR [--dry-run]` (data-exchange contract §1)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from registers.services.bundle_import import BundleImportResult, bundle_import


class Command(BaseCommand):
    help = "Import a school bundle (school, calendar, pupils, guardians, marks CSV files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bundle_dir", type=Path, help="Folder holding the bundle's CSV files.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report changes; write nothing."
        )

    def handle(self, *args: object, bundle_dir: Path, dry_run: bool, **options: object) -> None:
        if not bundle_dir.is_dir():
            raise CommandError(f"{bundle_dir} is not a folder; give the bundle's folder")
        with self._progress() as progress:
            result = bundle_import(bundle_dir=bundle_dir, dry_run=dry_run, progress=progress)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            count = len(result.errors)
            raise CommandError(f"{count} error{'s' if count != 1 else ''}; nothing was imported")
        self.stdout.write(summary(result))

    @contextmanager
    def _progress(self) -> Iterator[Callable[[int], None] | None]:
        """A marks counter on stderr when someone is watching it, else nothing."""
        if not self.stderr.isatty():
            yield None
            return
        # tqdm redraws its line with "\r", so it writes to the terminal itself rather than
        # through the OutputWrapper, which would end every update with a newline.
        bar = tqdm(desc="marks checked", unit=" rows", file=sys.stderr, leave=False)

        def update(rows: int) -> None:
            bar.update(rows - bar.n)

        try:
            yield update
        finally:
            bar.close()


def summary(result: BundleImportResult) -> str:
    verb = "Dry run, nothing written; would import" if result.dry_run else "Imported"
    school = (
        "created"
        if result.schools_created
        else "updated"
        if result.schools_updated
        else "unchanged"
    )
    calendar = "replaced" if result.calendar_replaced else "unchanged"
    return "\n".join(
        [
            f"{verb} {result.bundle}",
            f"  school {result.school_urn}: {school}; calendar: {calendar}",
            f"  pupils: {result.pupils_created} created, {result.pupils_updated} updated",
            f"  enrolments: {result.enrolments_created} created, "
            f"{result.enrolments_updated} updated",
            f"  guardians: {result.guardians_created} created",
            f"  marks: {result.marks_created} created, {result.marks_changed} changed, "
            f"{result.marks_unchanged} unchanged",
        ]
    )
