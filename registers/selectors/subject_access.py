"""The register's part of a subject access export: the pupil, their time on roll, their
guardians, every mark with its amendments, and who looked at their records."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from django.db.models import Prefetch

from registers.models import (
    AccessEvent,
    Enrolment,
    Mark,
    MarkChange,
    Pupil,
    PupilGuardian,
    RegisterDeletion,
    School,
)
from registers.rules import academic_year
from registers.subject_access import Entry, SubjectAccessSource, record


def _guardians(pupil: Pupil) -> list[dict[str, Any]]:
    links = PupilGuardian.objects.filter(pupil=pupil).select_related("guardian")
    return [
        {
            "link": record(link),
            # The portal account is a sign-in, not data about the family: only whether
            # there is one (its password hash and sign-in links are never exported).
            "guardian": record(
                link.guardian,
                exclude=["user"],
                has_portal_account=link.guardian.user_id is not None,
            ),
        }
        for link in links.order_by("priority", "id")
    ]


def _deletion(enrolment: Enrolment) -> dict[str, Any] | None:
    """The deletion from the admission register that ended the enrolment, if any, with
    the deletion return as it was sent."""
    try:
        return record(enrolment.register_deletion)
    except RegisterDeletion.DoesNotExist:
        return None


def _mark(mark: Mark) -> dict[str, Any]:
    return record(
        mark,
        code_meaning=mark.code.meaning,
        amendments=[record(change) for change in mark.changes.all()],
    )


def _marks_by_year(*, school: School, pupil: Pupil) -> Iterator[Entry]:
    changes = MarkChange.objects.select_related("changed_by").order_by("changed_at", "id")
    marks = (
        Mark.objects.filter(school=school, pupil=pupil)
        .select_related("code", "recorded_by")
        .prefetch_related(Prefetch("changes", queryset=changes))
        .order_by("date", "session")
    )
    for label, year in groupby(marks.iterator(chunk_size=500), lambda m: academic_year(m.date)[2]):
        yield Entry(f"registers/marks/{label.replace('/', '-')}.json", [_mark(m) for m in year])


def registers_subject_access(*, pupil: Pupil, school: School) -> Iterator[Entry]:
    yield Entry("registers/pupil.json", record(pupil))
    enrolments = Enrolment.objects.filter(school=school, pupil=pupil)
    enrolments = enrolments.select_related("register_deletion__recorded_by")
    yield Entry(
        "registers/enrolments.json",
        [record(e, register_deletion=_deletion(e)) for e in enrolments.order_by("admission_date")],
    )
    yield Entry("registers/guardians.json", _guardians(pupil))
    yield from _marks_by_year(school=school, pupil=pupil)
    events = AccessEvent.objects.filter(school=school, pupil=pupil).select_related("user")
    yield Entry("registers/access_audit.json", [record(e) for e in events.order_by("at", "id")])


REGISTERS_SOURCE = SubjectAccessSource(
    key="registers",
    description=(
        "The pupil's details (UPN, name, date of birth, year group, FSM, SEND and other "
        "characteristics); their enrolments at this school, with any deletion from the "
        "admission register and the return made about it; their parents and carers with "
        "contact details; every attendance mark, one file per school year, each with its "
        "full amendment history (original entry, who changed it, when and why); and the "
        "access audit: who opened or downloaded this pupil's records, and when."
    ),
    collect=registers_subject_access,
    covers=(
        "registers.Pupil",
        "registers.Enrolment",
        "registers.RegisterDeletion",
        "registers.Guardian",
        "registers.PupilGuardian",
        "registers.Mark",
        "registers.MarkChange",
        "registers.AccessEvent",
    ),
    leaves_out={
        "registers.IdempotentResponse": (
            "short-lived copies of API responses kept to answer retried writes; the marks "
            "they carried are exported above"
        ),
        "registers.RegisterTaking": "a record that a class's register was taken, not about one pupil",
    },
    order=10,
)
