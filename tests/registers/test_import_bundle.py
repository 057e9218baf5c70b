"""The bundle import (contract §1): what it writes, idempotence, audit trail, dry run.

`write_bundle` and the constants here are also used by the other import and report tests.
"""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path
from textwrap import dedent

import pytest
from django.core.management import CommandError, call_command

from registers.models import (
    CalendarEntry,
    Enrolment,
    Guardian,
    Mark,
    MarkChange,
    Pupil,
    PupilGuardian,
    School,
    SchoolSession,
    SchoolWeek,
)
from registers.services.bundle_import import BundleImportResult, bundle_import
from registers.upn import make_upn


def upn(n: int) -> str:
    return make_upn(la=919, establishment=2001, year=2024, serial=n)


A, B, C = upn(1), upn(2), upn(3)

SCHOOL = """\
    urn,name,phase
    100001,Test Primary,primary
"""
# Autumn 2024: Monday 2 Sep to Friday 20 Dec, half term 28 Oct to 1 Nov, and the
# afternoon of Friday 20 Dec closed.
CALENDAR = """\
    start_date,end_date,kind,sessions,label
    2024-09-02,2024-12-20,term,,Autumn
    2024-10-28,2024-11-01,holiday,,Half term
    2024-12-20,2024-12-20,closure,PM,Early finish
"""
PUPILS = f"""\
    upn,surname,forename,date_of_birth,year_group,registration_group,admission_date,leaving_date,fsm,send
    {A},Able,Ann,2016-01-10,3,3A,2023-09-01,,Y,K
    {B},Baker,Ben,2016-02-11,3,3B,2023-09-01,,,
"""
MARKS_HEADER = "upn,date,session,code,minutes_late"


def marks(*rows: str) -> str:
    return "\n".join([MARKS_HEADER, *rows]) + "\n"


def write_bundle(directory: Path, **files: str | None) -> Path:
    """Write a bundle; each keyword is a file stem, e.g. marks=..., and None leaves it out.

    school, calendar and pupils default to the constants above.
    """
    contents = {"school": SCHOOL, "calendar": CALENDAR, "pupils": PUPILS} | files
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.csv"):
        path.unlink()
    for stem, text in contents.items():
        if text is not None:
            (directory / f"{stem}.csv").write_text(dedent(text), encoding="utf-8")
    return directory


def import_bundle(
    directory: Path, *, dry_run: bool = False, **files: str | None
) -> BundleImportResult:
    return bundle_import(bundle_dir=write_bundle(directory, **files), dry_run=dry_run)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the tables an import writes, to prove a re-import leaves them alone."""
    models = (School, CalendarEntry, SchoolSession, SchoolWeek, Pupil, Enrolment, Guardian)
    tables = {m.__name__: sorted(m.objects.values_list()) for m in models}
    tables["PupilGuardian"] = sorted(PupilGuardian.objects.values_list())
    tables["Mark"] = sorted(Mark.objects.values_list())
    tables["MarkChange"] = sorted(MarkChange.objects.values_list())
    return tables


FIRST_MARKS = marks(
    f"{A},2024-09-02,AM,/,",
    f"{A},2024-09-02,PM,\\,",
    f"{A},2024-09-03,AM,L,12",
    f"{B},2024-09-02,AM,I,",
)


@pytest.mark.django_db
def test_it_creates_the_school_calendar_pupils_enrolments_and_marks(tmp_path: Path) -> None:
    result = import_bundle(tmp_path, marks=FIRST_MARKS)

    assert result.errors == []
    assert (result.schools_created, result.pupils_created, result.enrolments_created) == (1, 2, 2)
    assert (result.marks_created, result.marks_changed, result.marks_unchanged) == (4, 0, 0)
    school = School.objects.get(urn="100001")
    assert (school.name, school.phase) == ("Test Primary", "primary")
    # 16 weeks of term less a week of half term = 75 days, less one closed afternoon.
    assert SchoolSession.objects.filter(school=school).count() == 149
    assert SchoolWeek.objects.filter(school=school).count() == 15
    ann = Pupil.objects.get(upn=A)
    assert (ann.surname, ann.fsm, ann.send, ann.pupil_premium) == ("Able", True, "K", False)
    late = Mark.objects.get(pupil=ann, date=date(2024, 9, 3), session="AM")
    assert (late.code_id, late.minutes_late, late.source) == ("L", 12, "import")
    assert MarkChange.objects.count() == 0


@pytest.mark.django_db
def test_reimporting_the_same_bundle_changes_nothing(tmp_path: Path) -> None:
    guardians = f"""\
        upn,name,relationship,parental_responsibility,lives_with,email,phone,priority,address,postcode
        {A},Pat Able,Mother,Y,Y,pat@example.org,07700 900001,1,1 High Street; Townsville,AB1 2CD
    """
    import_bundle(tmp_path, marks=FIRST_MARKS, guardians=guardians)
    before = snapshot()

    result = import_bundle(tmp_path, marks=FIRST_MARKS, guardians=guardians)

    assert result.errors == []
    assert (result.marks_created, result.marks_changed, result.marks_unchanged) == (0, 0, 4)
    assert (result.pupils_created, result.pupils_updated, result.guardians_created) == (0, 0, 0)
    assert not result.calendar_replaced
    assert snapshot() == before


@pytest.mark.django_db
def test_a_changed_mark_is_updated_and_audited_like_a_browser_change(tmp_path: Path) -> None:
    import_bundle(tmp_path / "first", marks=FIRST_MARKS)
    original = Mark.objects.get(pupil__upn=A, date=date(2024, 9, 3), session="AM")

    result = import_bundle(
        tmp_path / "corrected",
        marks=marks(
            f"{A},2024-09-02,AM,/,",
            f"{A},2024-09-02,PM,\\,",
            f"{A},2024-09-03,AM,U,40",
            f"{B},2024-09-02,AM,M,",
        ),
    )

    assert (result.marks_created, result.marks_changed, result.marks_unchanged) == (0, 2, 2)
    mark = Mark.objects.get(pk=original.pk)
    assert (mark.code_id, mark.minutes_late, mark.source) == ("U", 40, "import")
    change = MarkChange.objects.get(mark=mark)
    assert (change.previous_code_id, change.previous_minutes_late) == ("L", 12)
    assert change.previous_recorded_at == original.recorded_at
    assert change.previous_source == "import"
    assert (change.new_code_id, change.new_minutes_late) == ("U", 40)
    assert change.changed_by is None
    assert change.changed_by_name == "Bundle import"
    assert change.source == "import"
    assert "corrected" in change.reason
    assert change.changed_at >= original.recorded_at
    assert MarkChange.objects.filter(mark__pupil__upn=B, new_code="M", previous_code="I").exists()


@pytest.mark.django_db
def test_stored_marks_missing_from_the_bundle_are_left_alone(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=FIRST_MARKS)

    result = import_bundle(tmp_path, marks=marks(f"{A},2024-09-04,AM,/,"))

    assert (result.marks_created, result.marks_unchanged) == (1, 0)
    assert Mark.objects.count() == 5
    assert MarkChange.objects.count() == 0


@pytest.mark.django_db
def test_a_bundle_without_marks_imports_pupils_only(tmp_path: Path) -> None:
    result = import_bundle(tmp_path, marks=None)

    assert result.errors == [] and result.marks_created == 0
    assert Pupil.objects.count() == 2


@pytest.mark.django_db
def test_a_dry_run_reports_the_changes_and_writes_nothing(tmp_path: Path) -> None:
    result = import_bundle(tmp_path, dry_run=True, marks=FIRST_MARKS)

    assert result.errors == [] and result.dry_run
    assert (result.schools_created, result.pupils_created, result.marks_created) == (1, 2, 4)
    assert School.objects.count() == Pupil.objects.count() == Mark.objects.count() == 0


@pytest.mark.django_db
def test_a_dry_run_of_changed_marks_counts_them_without_auditing(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=FIRST_MARKS)
    before = snapshot()

    result = import_bundle(
        tmp_path,
        dry_run=True,
        marks=marks(f"{A},2024-09-02,AM,O,", f"{A},2024-09-02,PM,\\,", f"{C},2024-09-02,AM,/,"),
        pupils=PUPILS + f"    {C},Cole,Cat,2016-03-12,3,3A,2024-09-02,,,\n",
    )

    assert result.errors == []
    assert (result.pupils_created, result.enrolments_created) == (1, 1)
    assert (result.marks_created, result.marks_changed, result.marks_unchanged) == (1, 1, 1)
    assert snapshot() == before


@pytest.mark.django_db
def test_pupils_are_updated_by_upn_and_enrolments_matched_by_admission_date(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=None)
    enrolment = Enrolment.objects.get(pupil__upn=B)
    pupils = f"""\
        upn,surname,forename,date_of_birth,year_group,registration_group,admission_date,leaving_date
        {A},Able-Smith,Ann,2016-01-10,3,3A,2023-09-01,
        {B},Baker,Ben,2016-02-11,3,3C,2023-09-01,2024-10-18
        {B},Baker,Ben,2016-02-11,3,3C,2024-11-04,
    """

    result = import_bundle(tmp_path, marks=None, pupils=pupils)

    assert (result.pupils_created, result.pupils_updated) == (0, 1)
    assert (result.enrolments_created, result.enrolments_updated) == (1, 1)
    ann = Pupil.objects.get(upn=A)
    assert (ann.surname, ann.fsm, ann.send) == ("Able-Smith", False, "N")
    enrolment.refresh_from_db()
    assert (enrolment.leaving_date, enrolment.registration_group) == (date(2024, 10, 18), "3C")
    assert Enrolment.objects.filter(pupil__upn=B).count() == 2


@pytest.mark.django_db
def test_marks_may_name_a_pupil_already_on_roll_but_not_in_pupils_csv(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=None)
    only_ann = f"""\
        upn,surname,forename,date_of_birth,year_group,admission_date
        {A},Able,Ann,2016-01-10,3,2023-09-01
    """

    result = import_bundle(tmp_path, pupils=only_ann, marks=marks(f"{B},2024-09-02,AM,/,"))

    assert result.errors == [] and result.marks_created == 1


@pytest.mark.django_db
def test_a_guardian_on_several_rows_is_one_person_linked_to_each_pupil(tmp_path: Path) -> None:
    guardians = f"""\
        upn,name,relationship,parental_responsibility,lives_with,email,priority,address,postcode
        {A},Pat Able,Mother,Y,Y,pat@example.org,1,1 High Street; Flat 2; Townsville,AB1 2CD
        {B},Pat Able,Aunt,N,N,PAT@example.org,2,,
        {B},Sam Baker,Father,Y,Y,,1,,
    """

    result = import_bundle(tmp_path, marks=None, guardians=guardians)

    assert result.guardians_created == 2
    pat = Guardian.objects.get(name="Pat Able")
    assert pat.address == "1 High Street\nFlat 2\nTownsville"
    assert pat.postcode == "AB1 2CD"
    aunt = PupilGuardian.objects.get(guardian=pat, pupil__upn=B)
    assert (aunt.relationship, aunt.parental_responsibility, aunt.lives_with, aunt.priority) == (
        "Aunt",
        False,
        False,
        2,
    )
    assert PupilGuardian.objects.filter(guardian=pat).count() == 2


@pytest.mark.django_db
def test_next_years_calendar_keeps_last_years_and_a_corrected_one_replaces_its_own(
    tmp_path: Path,
) -> None:
    import_bundle(tmp_path, marks=None)
    next_year = """\
        start_date,end_date,kind,sessions,label
        2025-09-01,2025-12-19,term,,Autumn 2025
    """
    import_bundle(tmp_path, marks=None, calendar=next_year)
    assert CalendarEntry.objects.count() == 4

    corrected = """\
        start_date,end_date,kind,sessions,label
        2024-09-02,2024-12-20,term,,Autumn
        2024-10-28,2024-11-01,holiday,,Half term
    """
    result = import_bundle(tmp_path, marks=None, calendar=corrected)

    assert result.calendar_replaced
    assert CalendarEntry.objects.count() == 3
    assert SchoolSession.objects.filter(date=date(2024, 12, 20), session="PM").exists()
    assert SchoolSession.objects.filter(date=date(2025, 9, 1)).count() == 2


@pytest.mark.django_db
def test_the_command_prints_a_summary(tmp_path: Path) -> None:
    out = StringIO()

    call_command("import_attendance", str(write_bundle(tmp_path, marks=FIRST_MARKS)), stdout=out)

    assert "marks: 4 created, 0 changed, 0 unchanged" in out.getvalue()
    assert "pupils: 2 created" in out.getvalue()


@pytest.mark.django_db
def test_the_command_dry_run_writes_nothing(tmp_path: Path) -> None:
    out = StringIO()

    call_command("import_attendance", str(write_bundle(tmp_path)), "--dry-run", stdout=out)

    assert out.getvalue().startswith("Dry run, nothing written")
    assert School.objects.count() == 0


@pytest.mark.django_db
def test_the_command_prints_every_error_to_stderr_and_fails(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path, marks=marks(f"{A},2024-09-02,AM,i,", f"{A},2024-09-07,AM,/,"))
    err = StringIO()

    with pytest.raises(CommandError, match="2 errors; nothing was imported"):
        call_command("import_attendance", str(bundle), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0].startswith("marks.csv:2: code: 'i' is not a 2024 attendance code")
    assert lines[1].startswith("marks.csv:3: date: 2024-09-07 (Saturday) is not a school day")


@pytest.mark.django_db
def test_the_command_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_attendance", str(tmp_path / "nowhere"))


@pytest.mark.django_db
def test_an_import_over_a_browser_mark_keeps_who_made_the_original(tmp_path: Path) -> None:
    from registers.models import User

    import_bundle(tmp_path / "first", marks=FIRST_MARKS)
    tutor = User.objects.create(
        username="tutor", first_name="Tom", last_name="Tutor", position="Form tutor"
    )
    Mark.objects.filter(pupil__upn=B).update(recorded_by=tutor, source="register")

    import_bundle(tmp_path / "second", marks=marks(f"{B},2024-09-02,AM,M,"))

    change = MarkChange.objects.get(mark__pupil__upn=B)
    assert (change.previous_recorded_by_name, change.previous_recorded_by_position) == (
        "Tom Tutor",
        "Form tutor",
    )
    assert change.previous_source == "register"


@pytest.mark.django_db
def test_an_import_that_writes_marks_tells_listeners_which_pupils(
    tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    from registers.signals import marks_changed

    heard: list[dict] = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    marks_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_bundle(tmp_path, marks=FIRST_MARKS)
        with django_capture_on_commit_callbacks(execute=True):
            import_bundle(tmp_path, marks=FIRST_MARKS)  # unchanged: nobody is told
    finally:
        marks_changed.disconnect(listener)

    assert len(heard) == 1
    assert heard[0]["source"] == "import"
    assert heard[0]["pupil_ids"] == frozenset(Pupil.objects.values_list("id", flat=True))
