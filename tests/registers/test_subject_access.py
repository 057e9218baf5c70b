"""Subject access export: every app's records of one pupil at one school in one zip, with
nothing of any other pupil, no secrets, a manifest whose checksums hold, and an audit
event naming the export."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from absences.models import CallAttempt, SignInLink
from escalation.models import Case, CaseEvent, CaseEventKind, PupilNote
from letters.models import Letter, LetterSettings
from letters.services import letter_generate
from registers.models import AccessEvent, AccessKind, Guardian, Mark, Pupil, School, User
from registers.services.api_tokens import api_token_create
from registers.services.corrections import mark_correct
from registers.services.subject_access import subject_access_export
from registers.subject_access import Entry, SubjectAccessSource, record, subject_access_sources
from tests.absences.factories import AbsenceReportFactory, LeaveAdultFactory, LeaveRequestFactory
from tests.letters.factories import AS_OF, family
from tests.penalties.conftest import decision
from tests.penalties.helpers import requested
from tests.registers.factories import MarkFactory, PupilGuardianFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
AMENDED_ON = D("2024-09-03")
NOTICE_ON = D("2025-01-14")


@dataclass
class World:
    school: School
    pupil: Pupil
    other: Pupil  # a half-sibling at the same school, sharing the pupil's mother
    mother: Guardian
    secrets: list[str]


@pytest.fixture(autouse=True)
def _media(tmp_path, settings) -> None:  # noqa: PT004 - each test gets its own files
    settings.MEDIA_ROOT = tmp_path / "media"


def _history(school: School, pupil: Pupil, parent: Guardian, user: User) -> None:
    """A row in every app: an amended mark, a case, notes, a decision, a report, a leave
    request with evidence, a call, a penalty notice."""
    MarkFactory(school=school, pupil=pupil, date=AMENDED_ON, recorded_by=user)
    mark_correct(
        school=school,
        pupil=pupil,
        day=AMENDED_ON,
        session="AM",
        code="I",
        reason=f"{parent.name} phoned: {pupil.forename} was ill",
        user=user,
    )
    case = Case.objects.create(school=school, pupil=pupil, stage=1, stage_since=AS_OF)
    CaseEvent.objects.create(
        case=case,
        kind=CaseEventKind.ACCEPTED,
        stage_from=0,
        stage_to=1,
        action="letter_1",
        reasons=[f"{pupil.forename}'s attendance is below 96%"],
        by=user,
        by_name=user.get_full_name(),
        at=timezone.now(),
        on=AS_OF,
    )
    PupilNote.objects.create(
        school=school,
        pupil=pupil,
        recorded_by=user,
        recorded_at=timezone.now(),
        occurred_on=AS_OF,
        body=f"Spoke to {parent.name} about {pupil.forename} {pupil.surname}.",
    )
    decision(school, pupil, user)
    AbsenceReportFactory(
        school=school, pupil=pupil, guardian=parent, child_name=f"{pupil.forename} {pupil.surname}"
    )
    leave = LeaveRequestFactory(
        school=school,
        pupil=pupil,
        requested_by=parent,
        evidence=SimpleUploadedFile("ticket.pdf", f"%PDF ticket {pupil.upn}".encode()),
    )
    LeaveAdultFactory(leave_request=leave, name=parent.name)
    CallAttempt.objects.create(
        school=school,
        pupil=pupil,
        date=AS_OF,
        guardian=parent,
        outcome="spoke",
        reason_given=f"{pupil.forename} has a cold",
        made_by=user,
        made_at=timezone.now(),
    )
    requested(school, pupil, [parent], NOTICE_ON, user)


@pytest.fixture
def world(school: School, lead: User, django_capture_on_commit_callbacks) -> World:
    school.address, school.postcode = "School Lane\nHatfield", "AL10 8ZZ"
    school.phone, school.email, school.headteacher = "01707 000000", "office@a.example", "Pat Head"
    school.save()
    LetterSettings.objects.create(school=school, signatory_name="Pat Head")
    pupil = family(school, forename="Sam", surname="Example")
    other = family(school, forename="Zebedee", surname="Otherchild")
    mother = Guardian.objects.get(name="Alex Example")
    PupilGuardianFactory(pupil=other, guardian=mother, relationship="Mother", priority=4)
    mother.user = UserFactory(username="alex-parent")
    mother.save()
    link = SignInLink.objects.create(
        guardian=mother,
        token_hash=hashlib.sha256(b"a sign-in token").hexdigest(),
        created_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    token, _key = api_token_create(
        school=school, name="Warehouse", scopes=["read"], created_by=lead
    )
    for child in (pupil, other):
        _history(school, child, mother, lead)
        with django_capture_on_commit_callbacks(execute=True):
            letter_generate(
                school=school, pupil=child, kind="below_96_first", as_at=AS_OF, created_by=lead
            )
        AccessEvent.objects.create(
            user=lead, user_name="Lee Lead", school=school, pupil=child, kind=AccessKind.VIEW,
            view_name="dashboard_pupil", path=f"/schools/{school.urn}/pupils/{child.pk}/",
        )  # fmt: skip
    secrets = [lead.password, mother.user.password, link.token_hash, token.digest]
    return World(school, pupil, other, mother, secrets)


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def export(world: World, user: User) -> dict[str, bytes]:
    result = subject_access_export(pupil=world.pupil, school=world.school, requested_by=user)
    with result.file:
        return unzip(result.file.read())


def _walk(data: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(data, list):
        for item in data:
            yield from _walk(item)


def test_it_holds_every_apps_records_of_the_pupil(world: World, head: User) -> None:
    files = export(world, head)
    data = {path: json.loads(c) for path, c in files.items() if path.endswith(".json")}
    assert data["registers/pupil.json"]["upn"] == world.pupil.upn
    assert data["registers/pupil.json"]["year_group"] == {"value": "4", "label": "Year 4"}
    [mark] = [m for m in data["registers/marks/2024-25.json"] if m["date"] == "2024-09-03"]
    assert mark["code_id"] == "I" and mark["code_meaning"].startswith("Illness")
    [amendment] = mark["amendments"]
    assert (amendment["previous_code_id"], amendment["new_code_id"]) == ("/", "I")
    assert amendment["reason"] == "Alex Example phoned: Sam was ill"
    assert data["escalation/case.json"]["events"][0]["kind"]["value"] == "accepted"
    assert len(data["escalation/threshold_decisions.json"]) == 1
    assert len(data["escalation/notes_and_contacts.json"]) == 1
    [report] = data["absences/absence_reports.json"]
    assert report["child_name"] == "Sam Example"
    [leave] = data["absences/leave_requests.json"]
    assert files[leave["evidence_file"]] == f"%PDF ticket {world.pupil.upn}".encode()
    assert len(data["absences/first_day_calls.json"]) == 1
    [notice] = data["penalties/penalty_notices.json"]
    assert notice["guardian_id"] == world.mother.pk
    assert notice["status"] == {"value": "requested", "label": "Requested"}
    assert [s["date"] for s in data["penalties/covered_sessions.json"]] == ["2025-01-14"]
    assert [e["kind"]["value"] for e in data["registers/access_audit.json"]] == ["view"]


def test_letters_are_their_frozen_data_and_the_stored_pdf(world: World, head: User) -> None:
    files = export(world, head)
    letters = Letter.objects.filter(pupil=world.pupil).order_by("pk")
    assert letters.count() == 2
    for letter in letters:
        folder = f"letters/{letter.letter_date.isoformat()}-{letter.pk}-{letter.kind}"
        with letter.pdf.open("rb") as handle:
            assert files[f"{folder}/letter.pdf"] == handle.read()
        assert hashlib.sha256(files[f"{folder}/letter.pdf"]).hexdigest() == letter.sha256
        assert json.loads(files[f"{folder}/data.json"]) == letter.data
        assert json.loads(files[f"{folder}/record.json"])["sha256"] == letter.sha256


def test_nothing_of_another_pupil_is_in_it(world: World, head: User) -> None:
    files = export(world, head)
    other = world.other
    for path, content in files.items():
        text = content.decode(errors="replace")
        for marker in (other.forename, other.surname, other.upn):
            assert marker not in path and marker not in text, f"{marker} in {path}"
        if path.endswith(".json") and path != "manifest.json":
            ids = {v for k, v in _walk(json.loads(content)) if k == "pupil_id"}
            assert ids <= {world.pupil.pk}, path
    other_letters = Letter.objects.filter(pupil=other).values_list("pk", flat=True)
    assert other_letters and not any(f"-{pk}-" in path for pk in other_letters for path in files)


def test_no_secret_is_in_it(world: World, head: User) -> None:
    files = export(world, head)
    everything = b"\n".join(files.values()).decode(errors="replace")
    for secret in [*world.secrets, head.password]:
        assert secret not in everything
    assert "pbkdf2_" not in everything and "argon2" not in everything
    [link] = json.loads(files["registers/guardians.json"])[:1]
    assert link["guardian"]["has_portal_account"] is True and "user" not in link["guardian"]


def test_the_manifest_lists_every_file_with_its_checksum(world: World, head: User) -> None:
    files = export(world, head)
    manifest = json.loads(files["manifest.json"])
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json", "README.txt"}
    for path, digest in listed.items():
        assert hashlib.sha256(files[path]).hexdigest() == digest
        assert f"{digest}  {path}" in files["README.txt"].decode()
    assert manifest["pupil"]["upn"] == world.pupil.upn
    assert manifest["school"] == {"urn": world.school.urn, "name": world.school.name}
    assert manifest["exported_by"] == {"name": head.get_full_name(), "position": head.position}
    assert [s["folder"] for s in manifest["sources"]] == [
        "registers", "escalation", "absences", "letters", "penalties",
    ]  # fmt: skip
    assert list(files) == sorted(listed) + ["manifest.json", "README.txt"]


def test_the_export_is_recorded_in_the_access_audit(world: World, head: User) -> None:
    before = AccessEvent.objects.count()
    result = subject_access_export(
        pupil=world.pupil, school=world.school, requested_by=head, path="/somewhere/"
    )
    result.file.close()
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("id")
    assert (event.user, event.school, event.pupil, event.kind) == (
        head, world.school, world.pupil, AccessKind.EXPORT,
    )  # fmt: skip
    today = timezone.localdate().isoformat()
    assert result.filename == f"sar-{world.pupil.upn}-{today}.zip"
    assert event.detail == f"Subject access export {result.filename}"
    assert event.path == "/somewhere/"


def test_a_pupil_with_no_records_elsewhere_gets_the_register_files(school: School, head) -> None:
    pupil = family(school, forename="Nia", surname="Quiet")
    result = subject_access_export(pupil=pupil, school=school, requested_by=head)
    with result.file:
        files = unzip(result.file.read())
    assert json.loads(files["escalation/case.json"]) is None
    assert json.loads(files["escalation/weekly_figures.json"]) == []
    assert not any(path.startswith("letters/") for path in files)


def test_a_source_writing_outside_its_folder_is_refused(school: School, head, monkeypatch) -> None:
    from registers import subject_access

    bad = SubjectAccessSource("rogue", "", lambda **kw: [Entry("registers/pupil.json", {})])
    monkeypatch.setitem(subject_access.SUBJECT_ACCESS_SOURCES, "rogue", bad)
    pupil = family(school, forename="Nia", surname="Quiet")
    with pytest.raises(ValueError, match="bad path"):
        subject_access_export(pupil=pupil, school=school, requested_by=head)


def test_record_writes_dates_decimals_choices_and_users_plainly(school: School, lead) -> None:
    pupil = family(school, forename="Nia", surname="Quiet")
    mark = Mark.objects.create(
        school=school, pupil=pupil, date=AMENDED_ON, session="PM", code_id="L", minutes_late=5,
        recorded_by=lead, recorded_at=timezone.now(), source="register",
    )  # fmt: skip
    row = record(mark)
    assert row["date"] == "2024-09-03" and row["session"] == {"value": "PM", "label": "Afternoon"}
    assert row["recorded_by"] == lead.get_full_name() and "recorded_by_id" not in row
    assert row["recorded_at"].startswith(timezone.localtime(mark.recorded_at).date().isoformat())
    from escalation.models import PupilStatus

    assert record(PupilStatus.objects.get(pupil=pupil))["attendance_rate"] == "91.3"


def _points_at_pupil(model: type[models.Model], targets: set[type[models.Model]]) -> bool:
    return any(
        f.related_model in targets for f in model._meta.get_fields() if f.is_relation and f.concrete
    )


def test_every_model_about_a_pupil_is_exported_or_said_to_be_left_out() -> None:
    """A model pointing at a pupil (or at a row that does) is exported by some source or
    named, with the reason, in a source's `leaves_out`: "all data held" stays true as
    apps add models."""
    first_party = ("registers", "escalation", "absences", "letters", "penalties", "reports")
    all_models = [m for m in apps.get_models() if m._meta.app_label in first_party]
    direct = {m for m in all_models if _points_at_pupil(m, {Pupil})}
    about_pupil = direct | {m for m in all_models if _points_at_pupil(m, direct - {Pupil})}
    declared = set()
    for source in subject_access_sources():
        declared |= set(source.covers) | set(source.leaves_out)
    missing = sorted(m._meta.label for m in about_pupil if m._meta.label not in declared)
    assert not missing
