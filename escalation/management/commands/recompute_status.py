"""`manage.py recompute_status`: the full recompute, with a progress bar on stderr."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from escalation.services.cases import cases_propose
from escalation.services.duties import duties_raise
from escalation.services.status import status_recompute_full
from registers.models import Enrolment, School


class Command(BaseCommand):
    help = "Recompute every pupil's stored status (and duties and proposals) from the marks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", action="append", help="URN; repeat for several.")
        parser.add_argument("--as-of", help="Date (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--status-only", action="store_true", help="Skip duties and ladder proposals."
        )

    def handle(self, *args, school: list[str] | None, as_of: str | None, **options) -> None:
        schools = School.objects.order_by("pk")
        if school:
            schools = schools.filter(urn__in=school)
            missing = set(school) - set(schools.values_list("urn", flat=True))
            if missing:
                raise CommandError(f"No school with URN {', '.join(sorted(missing))}.")
        try:
            today = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of must be YYYY-MM-DD, not {as_of!r}") from exc
        chosen = list(schools)
        total = Enrolment.objects.filter(school__in=chosen).values("pupil_id").distinct().count()
        with tqdm(total=total, unit="pupil", file=self.stderr._out, desc="aggregates") as bar:
            result = status_recompute_full(schools=chosen, today=today, progress=bar.update)
        raised = proposed = 0
        if not options["status_only"] and result.pupils:
            today = today or timezone.localdate()
            for s in chosen:
                raised += duties_raise(school=s, today=today).raised
                proposed += cases_propose(school=s, today=today)
        self.stdout.write(
            f"{result.pupils} statuses for {result.schools} schools; {result.created} new, "
            f"{len(result.differed)} differed; {raised} duties raised; {proposed} proposals."
        )
        for school_id, pupil_id in result.differed:
            self.stdout.write(f"differed: school {school_id} pupil {pupil_id}")
