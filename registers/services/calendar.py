from __future__ import annotations

from collections import Counter

from django.db import transaction

from registers import rules
from registers.models import School, SchoolSession, SchoolWeek
from registers.selectors import calendar_ranges


@transaction.atomic
def calendar_rebuild(*, school: School) -> int:
    """Derive the school's sessions and numbered school weeks from its calendar entries.

    1. Expand the entries into sessions (term weekdays less holidays, INSET, closures).
    2. Group the sessions into Monday–Sunday weeks; each week with a session is a school
       week, numbered 1, 2, 3 … across terms and years (rules §3.3 items 2–3).
    3. Replace the stored rows in one transaction, so readers never see a half-built calendar.

    Returns the number of sessions.
    """
    sessions = rules.calendar_sessions(calendar_ranges(school))
    per_week = Counter(rules.week_monday(d) for d, _half in sessions)
    SchoolSession.objects.filter(school=school).delete()
    SchoolWeek.objects.filter(school=school).delete()
    weeks = SchoolWeek.objects.bulk_create(
        SchoolWeek(school=school, monday=monday, number=n, session_count=per_week[monday])
        for n, monday in enumerate(sorted(per_week), start=1)
    )
    week_by_monday = {w.monday: w for w in weeks}
    SchoolSession.objects.bulk_create(
        (
            SchoolSession(
                school=school, date=d, session=half.name, week=week_by_monday[rules.week_monday(d)]
            )
            for d, half in sessions
        ),
        batch_size=2000,
    )
    return len(sessions)
