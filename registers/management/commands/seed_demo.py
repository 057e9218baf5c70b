"""`manage.py seed_demo`: load a realistic demo school (or trust) into an empty database."""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from registers.models import School
from registers.services.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DemoError,
    DemoSummary,
    demo_seed,
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Load a demo primary school with pupils, guardians, staff logins and a register "
        "history up to yesterday (deterministic for --seed and --today)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pupils", type=int, default=420, help="Pupils per school.")
        parser.add_argument(
            "--schools", type=int, default=1, help="Schools of the demo trust (URNs from 140001)."
        )
        parser.add_argument(
            "--years", type=int, default=0, help="Earlier academic years of history to add."
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today", type=_date, default=None, help="YYYY-MM-DD; marks stop the day before."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any school exists."
        )
        parser.add_argument(
            "--list-logins", action="store_true", help="Print the demo logins and stop."
        )
        parser.add_argument(
            "--print-password", action="store_true", help="Print the demo password and stop."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_password"]:
            self.stdout.write(DEMO_PASSWORD)
            return
        if options["list_logins"]:
            for login in DEMO_LOGINS:
                self.stdout.write(f"{login.role:<16} {login.username}")
            return
        if options["if_empty"] and School.objects.exists():
            self.stdout.write("A school already exists: the demo was not loaded.")
            return
        self._seed(options)

    def _seed(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            summary = demo_seed(
                today=options["today"] or timezone.localdate(),
                seed=options["seed"],
                pupils=options["pupils"],
                schools=options["schools"],
                years=options["years"],
                progress=sys.stderr.isatty(),
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self._report(summary, seconds=time.perf_counter() - started)

    def _report(self, summary: DemoSummary, *, seconds: float) -> None:
        top = sorted(summary.codes.items(), key=lambda item: -item[1])[:12]
        lines = [
            f"Demo loaded in {seconds:.1f} s: {summary.schools} school(s), "
            f"{summary.pupils} pupils, {summary.marks} marks.",
            f"This year so far: {summary.counts.possible} possible sessions, "
            f"overall absence {summary.overall_absence or '-'}%, "
            f"unauthorised {summary.unauthorised or '-'}%, "
            f"persistently absent {summary.persistent_rate or '-'}% ({summary.persistent}), "
            f"severely absent {summary.severe_rate or '-'}% ({summary.severe}).",
            "Codes: " + ", ".join(f"{code} {count}" for code, count in top),
            f"Sign in as {', '.join(login.username for login in DEMO_LOGINS)} "
            f"with the password {DEMO_PASSWORD!r}.",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
