from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from registers import benchmarks


class Command(BaseCommand):
    help = (
        "Run the benchmarks on a throwaway database and merge figures into var/bench/latest.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--large", action="store_true", help="Also run trust-sized benchmarks.")
        parser.add_argument("--only", help="Run only benchmarks whose label contains this text.")
        parser.add_argument(
            "--output", default=str(settings.VAR_DIR / "bench" / "latest.json"), help="JSON file."
        )

    def handle(self, *args, large: bool, only: str | None, output: str, **options) -> None:
        log = self.stderr.write
        with benchmarks.throwaway_database() as name, tempfile.TemporaryDirectory() as tmp:
            log(f"benchmark database: {name}")
            figures = benchmarks.run(workdir=Path(tmp), large=large, only=only, log=log)
        merged = benchmarks.merge_figures(Path(output), figures)
        self.stdout.write(json.dumps(merged, indent=2, sort_keys=True))
