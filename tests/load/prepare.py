"""People for the load test: `python -m tests.load.prepare PLAN.json --staff 50 --parents 200`.

Run after `seed_demo` on the load test's own database. It creates one teacher login per
register group (each marks only their own group, as in a school, so no two savers meet
on one register) and parent logins for guardians with a phone and an email, and writes
the plan the locustfile reads: the shared password, the day whose registers are marked
(the latest school day up to today), and who is who.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path

PASSWORD = "load-test-password-1"  # a throwaway database only: never a real deployment


def plan_create(*, staff: int, parents: int, today: dt.date) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from absences.selectors.portal import children_of
    from registers.models import Enrolment, Guardian, Membership, Role, SchoolSession, User

    day = (
        SchoolSession.objects.filter(date__lte=today)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if day is None:
        raise SystemExit("No school day up to today: seed the demo first.")
    groups = list(
        Enrolment.objects.on_roll(day)
        .values_list("school_id", "school__urn", "registration_group")
        .distinct()
        .order_by("school__urn", "registration_group")
    )
    if len(groups) < staff:
        raise SystemExit(f"{staff} staff need {staff} register groups; the demo has {len(groups)}.")
    guardians = list(
        Guardian.objects.filter(user__isnull=True, pupils__enrolments__leaving_date__isnull=True)
        .exclude(phone="")
        .exclude(email="")
        .distinct()
        .order_by("pk")[: parents * 2]
    )
    kids = {g.pk: [c.pupil.pk for c in children_of(g, today)] for g in guardians}
    guardians = [g for g in guardians if kids[g.pk]][:parents]
    if len(guardians) < parents:
        raise SystemExit(f"{parents} parents wanted; the demo has {len(guardians)} to sign in.")
    password = make_password(PASSWORD)  # one hash for every login: hashing costs ~0.3 s each
    with transaction.atomic():
        plan_staff = []
        for n, (school_id, urn, group) in enumerate(groups[:staff]):
            user = User.objects.create(
                username=f"load-staff-{n:03d}", password=password, first_name="Load",
                last_name=f"Teacher {n}", position="Class teacher",
            )  # fmt: skip
            Membership.objects.create(
                user=user, school_id=school_id, role=Role.TEACHER, registration_groups=group
            )
            plan_staff.append({"username": user.username, "urn": urn, "group": group})
        plan_parents = []
        for n, guardian in enumerate(guardians):
            user = User.objects.create(
                username=f"load-parent-{n:03d}", password=password, email=guardian.email
            )
            guardian.user = user
            guardian.save(update_fields=["user"])
            plan_parents.append({"username": user.username, "children": kids[guardian.pk]})
    return {
        "password": PASSWORD,
        "today": today.isoformat(),
        "day": day.isoformat(),
        "staff_users": staff,
        "parent_users": parents,
        "staff": plan_staff,
        "parents": plan_parents,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", type=Path, help="where to write the plan (JSON)")
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--parents", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attendance_project.settings.local")
    import django

    django.setup()
    from django.utils import timezone

    plan = plan_create(staff=args.staff, parents=args.parents, today=timezone.localdate())
    args.plan.write_text(json.dumps(plan, indent=1))
    print(f"plan: {args.staff} staff, {args.parents} parents, registers of {plan['day']}")


if __name__ == "__main__":
    main()
