"""Bundle validation (contract §1): every error as `FILE:LINE: column: message`, and an
import with any error writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from registers.models import Mark, MarkChange, Pupil, School
from registers.services.bundle_import import bundle_import
from tests.registers.test_import_bundle import (
    FIRST_MARKS,
    PUPILS,
    A,
    B,
    import_bundle,
    marks,
    snapshot,
    upn,
    write_bundle,
)

BAD_CHECK_LETTER = ("Z" if A[0] != "Z" else "Y") + A[1:]
PUPILS_HEADER = "upn,surname,forename,date_of_birth,year_group,admission_date,leaving_date"
GUARDIANS_HEADER = "upn,name,parental_responsibility,lives_with,email,priority"


def pupils(*rows: str) -> str:
    return "\n".join([PUPILS_HEADER, *rows]) + "\n"


def guardians(*rows: str) -> str:
    return "\n".join([GUARDIANS_HEADER, *rows]) + "\n"


# (files of the bundle, an error that must be reported, word for word up to its end)
CASES = {
    "missing calendar": (
        {"calendar": None},
        "calendar.csv:1: (file): is missing; a bundle must hold calendar.csv",
    ),
    "empty file": ({"school": ""}, "school.csv:1: (file): is empty;"),
    "unknown column": (
        {"marks": "upn,date,session,code,minutes\n"},
        "marks.csv:1: minutes: unknown column; marks.csv has the columns upn, date, session, "
        "code, minutes_late",
    ),
    "missing column": (
        {"marks": "upn,date,code\n"},
        "marks.csv:1: session: required column is missing from the header",
    ),
    "repeated column": (
        {"marks": "upn,date,session,code,code\n"},
        "marks.csv:1: code: appears twice in the header; keep one",
    ),
    "wrong cell count": (
        {"marks": marks(f"{A},2024-09-02,AM,/,,extra")},
        "marks.csv:2: (row): has 6 cells but the header has 5 columns",
    ),
    "two schools": (
        {"school": "urn,name,phase\n100001,One,primary\n100002,Two,primary\n"},
        "school.csv:3: (row): a bundle describes exactly one school; remove this row",
    ),
    "no school": (
        {"school": "urn,name,phase\n"},
        "school.csv:2: (row): no school row; the file needs exactly one",
    ),
    "bad urn": (
        {"school": "urn,name,phase\n10001,One,primary\n"},
        "school.csv:2: urn: '10001' is not a URN; a URN is 6 digits",
    ),
    "bad phase": (
        {"school": "urn,name,phase\n100001,One,Primary\n"},
        "school.csv:2: phase: is 'Primary'; expected one of nursery, primary, secondary, "
        "all-through, special",
    ),
    "blank name": (
        {"school": "urn,name,phase\n100001,,primary\n"},
        "school.csv:2: name: is required; the cell is blank",
    ),
    "calendar kind": (
        {"calendar": "start_date,end_date,kind\n2024-09-02,2024-12-20,Term\n"},
        "calendar.csv:2: kind: is 'Term'; expected one of term, holiday, inset, closure",
    ),
    "calendar dates reversed": (
        {"calendar": "start_date,end_date,kind\n2024-12-20,2024-09-02,term\n"},
        "calendar.csv:2: end_date: 2024-09-02 is before start_date 2024-12-20",
    ),
    "calendar sessions on a term row": (
        {"calendar": "start_date,end_date,kind,sessions\n2024-09-02,2024-12-20,term,AM\n"},
        "calendar.csv:2: sessions: applies only to holiday, inset and closure rows",
    ),
    "calendar bad session": (
        {"calendar": "start_date,end_date,kind,sessions\n2024-09-02,2024-12-20,holiday,am\n"},
        "calendar.csv:2: sessions: is 'am'; expected one of AM, PM",
    ),
    "date not ISO": (
        {"calendar": "start_date,end_date,kind\n02/09/2024,2024-12-20,term\n"},
        "calendar.csv:2: start_date: '02/09/2024' is not a date; write dates as YYYY-MM-DD",
    ),
    "impossible date": (
        {"calendar": "start_date,end_date,kind\n2024-09-31,2024-12-20,term\n"},
        "calendar.csv:2: start_date: '2024-09-31' is not a date",
    ),
    "upn check letter": (
        {"pupils": pupils(f"{BAD_CHECK_LETTER},Able,Ann,2016-01-10,3,2023-09-01,")},
        f"pupils.csv:2: upn: '{BAD_CHECK_LETTER}' is not a valid UPN: The check letter",
    ),
    "upn length": (
        {"pupils": pupils("A12,Able,Ann,2016-01-10,3,2023-09-01,")},
        "pupils.csv:2: upn: 'A12' is not a valid UPN: A UPN has 13 characters; this has 3.",
    ),
    "year group": (
        {"pupils": pupils(f"{A},Able,Ann,2016-01-10,Y3,2023-09-01,")},
        "pupils.csv:2: year_group: is 'Y3'; expected one of N1, N2, R, 1, 2,",
    ),
    "leaving before admission": (
        {"pupils": pupils(f"{A},Able,Ann,2016-01-10,3,2023-09-01,2023-08-31")},
        "pupils.csv:2: leaving_date: 2023-08-31 is before admission_date 2023-09-01",
    ),
    "overlapping enrolments": (
        {
            "pupils": pupils(
                f"{A},Able,Ann,2016-01-10,3,2023-09-01,2024-10-01",
                f"{A},Able,Ann,2016-01-10,3,2024-09-30,",
            )
        },
        "pupils.csv:3: admission_date: this enrolment overlaps the one on line 2 for the "
        "same pupil",
    ),
    "flag": (
        {
            "pupils": "upn,surname,forename,date_of_birth,year_group,admission_date,fsm\n"
            f"{A},Able,Ann,2016-01-10,3,2023-09-01,yes\n"
        },
        "pupils.csv:2: fsm: is 'yes'; expected Y, N or blank",
    ),
    "send": (
        {
            "pupils": "upn,surname,forename,date_of_birth,year_group,admission_date,send\n"
            f"{A},Able,Ann,2016-01-10,3,2023-09-01,S\n"
        },
        "pupils.csv:2: send: is 'S'; expected one of N, K, E",
    ),
    "guardian flag": (
        {"guardians": guardians(f"{A},Pat Able,X,Y,pat@example.org,1")},
        "guardians.csv:2: parental_responsibility: is 'X'; expected Y, N or blank",
    ),
    "guardian priority": (
        {"guardians": guardians(f"{A},Pat Able,Y,Y,pat@example.org,0")},
        "guardians.csv:2: priority: is '0'; expected a whole number from 1",
    ),
    "guardian email": (
        {"guardians": guardians(f"{A},Pat Able,Y,Y,pat-at-example.org,1")},
        "guardians.csv:2: email: 'pat-at-example.org' is not an email address",
    ),
    "guardian of an unknown pupil": (
        {"guardians": guardians(f"{upn(9)},Pat Able,Y,Y,pat@example.org,1")},
        f"guardians.csv:2: upn: {upn(9)} is not in pupils.csv and has never been on roll at "
        "this school",
    ),
    "guardian listed twice": (
        {
            "guardians": guardians(
                f"{A},Pat Able,Y,Y,pat@example.org,1", f"{A},Pat Able,Y,Y,pat@example.org,2"
            )
        },
        f"guardians.csv:3: name: this guardian is already listed for {A} on line 2",
    ),
    "mark for an unknown pupil": (
        {"marks": marks(f"{upn(9)},2024-09-02,AM,/,")},
        f"marks.csv:2: upn: {upn(9)} is not in pupils.csv and has never been on roll at this "
        "school; add the pupil to pupils.csv",
    ),
    "mark with a bad upn": (
        {"marks": marks(f"{BAD_CHECK_LETTER},2024-09-02,AM,/,")},
        f"marks.csv:2: upn: '{BAD_CHECK_LETTER}' is not a valid UPN",
    ),
    "lower-case code": (
        {"marks": marks(f"{A},2024-09-02,AM,i,")},
        "marks.csv:2: code: 'i' is not a 2024 attendance code (did you mean 'I'? codes are "
        "case-sensitive)",
    ),
    "legacy code": (
        {"marks": marks(f"{A},2024-09-02,AM,H,")},
        "marks.csv:2: code: 'H' is not a 2024 attendance code; expected one of / \\ L K",
    ),
    "blank code": (
        {"marks": marks(f"{A},2024-09-02,AM,,")},
        "marks.csv:2: code: is required; the cell is blank",
    ),
    "bad session": (
        {"marks": marks(f"{A},2024-09-02,am,/,")},
        "marks.csv:2: session: is 'am'; expected AM or PM",
    ),
    "minutes on a present code": (
        {"marks": marks(f"{A},2024-09-02,AM,/,5")},
        "marks.csv:2: minutes_late: is set but the code is '/'; only L and U take minutes",
    ),
    "negative minutes": (
        {"marks": marks(f"{A},2024-09-02,AM,L,-5")},
        "marks.csv:2: minutes_late: is '-5'; expected a whole number of minutes, 0 or more",
    ),
    "fractional minutes": (
        {"marks": marks(f"{A},2024-09-02,AM,U,2.5")},
        "marks.csv:2: minutes_late: is '2.5'; expected a whole number of minutes, 0 or more",
    ),
    "mark on a weekend": (
        {"marks": marks(f"{A},2024-09-07,AM,/,")},
        "marks.csv:2: date: 2024-09-07 (Saturday) is not a school day in the calendar",
    ),
    "mark in a holiday": (
        {"marks": marks(f"{A},2024-10-29,PM,\\,")},
        "marks.csv:2: date: 2024-10-29 (Tuesday) is not a school day in the calendar",
    ),
    "mark in a closed afternoon": (
        {"marks": marks(f"{A},2024-12-20,PM,\\,")},
        "marks.csv:2: session: the calendar has no PM session on 2024-12-20",
    ),
    "mark with a bad date": (
        {"marks": marks(f"{A},2024-9-2,AM,/,")},
        "marks.csv:2: date: '2024-9-2' is not a date; write dates as YYYY-MM-DD",
    ),
    "mark before admission": (
        {
            "pupils": pupils(f"{A},Able,Ann,2016-01-10,3,2024-09-04,"),
            "marks": marks(f"{A},2024-09-03,AM,/,"),
        },
        f"marks.csv:2: date: {A} is not on roll on 2024-09-03 (on roll 2024-09-04 to now)",
    ),
    "mark after leaving": (
        {
            "pupils": pupils(f"{A},Able,Ann,2016-01-10,3,2023-09-01,2024-09-03"),
            "marks": marks(f"{A},2024-09-04,AM,/,"),
        },
        f"marks.csv:2: date: {A} is not on roll on 2024-09-04 (on roll 2023-09-01 to 2024-09-03)",
    ),
    "repeated mark": (
        {"marks": marks(f"{A},2024-09-02,AM,/,", f"{B},2024-09-02,AM,/,", f"{A},2024-09-02,AM,L,")},
        "marks.csv:4: (row): repeats the mark on line 2 (same upn, date and session)",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("files, expected", CASES.values(), ids=CASES.keys())
def test_it_reports_the_error_and_writes_nothing(
    tmp_path: Path, files: dict[str, str | None], expected: str
) -> None:
    result = import_bundle(tmp_path, **files)

    assert any(error.startswith(expected) for error in result.errors), result.errors
    assert School.objects.count() == Pupil.objects.count() == Mark.objects.count() == 0


@pytest.mark.django_db
def test_it_reports_every_error_in_every_file(tmp_path: Path) -> None:
    result = import_bundle(
        tmp_path,
        school="urn,name,phase\n100001,One,college\n",
        pupils=pupils(
            f"{A},Able,Ann,2016-13-10,3,2023-09-01,", f"{B},Baker,Ben,2016-01-10,3,2023-09-01,"
        ),
        marks=marks(
            f"{B},2024-09-02,AM,/,",
            f"{B},2024-09-02,PM,X1,",
            f"{B},2024-09-03,AM,L,late",
            f"{B},2024-09-07,AM,/,",
            f"{B},2024-09-02,AM,/,",
        ),
    )

    assert [e.split(";")[0] for e in result.errors] == [
        "school.csv:2: phase: is 'college'",
        "pupils.csv:2: date_of_birth: '2016-13-10' is not a date",
        "marks.csv:3: code: 'X1' is not a 2024 attendance code",
        "marks.csv:4: minutes_late: is 'late'",
        "marks.csv:5: date: 2024-09-07 (Saturday) is not a school day in the calendar",
        "marks.csv:6: (row): repeats the mark on line 2 (same upn, date and session)",
    ]


@pytest.mark.django_db
def test_marks_of_a_pupil_whose_row_failed_are_not_reported_again(tmp_path: Path) -> None:
    result = import_bundle(
        tmp_path,
        pupils=pupils(f"{A},Able,Ann,2016-01-10,Y3,2023-09-01,"),
        marks=marks(f"{A},2024-09-02,AM,/,", f"{A},2024-09-02,PM,\\,"),
    )

    assert [e.split(":")[0] for e in result.errors] == ["pupils.csv"]


@pytest.mark.django_db
def test_a_line_that_is_not_utf8_is_reported_with_its_number(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path, marks=marks(f"{A},2024-09-02,AM,/,"))
    with (bundle / "marks.csv").open("ab") as handle:
        handle.write(f"{A},2024-09-02,PM,".encode() + b"\xff\n")

    result = bundle_import(bundle_dir=bundle)

    assert result.errors == ["marks.csv:3: (row): is not UTF-8 text; save the file as UTF-8 CSV"]


@pytest.mark.django_db
def test_a_byte_order_mark_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path)
    school = (bundle / "school.csv").read_text()
    (bundle / "school.csv").write_text(school, encoding="utf-8-sig")

    assert bundle_import(bundle_dir=bundle).errors == []


@pytest.mark.django_db
def test_a_bundle_with_an_error_leaves_stored_marks_untouched(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=FIRST_MARKS)
    before = snapshot()

    result = import_bundle(
        tmp_path,
        pupils=PUPILS + f"    {upn(3)},Cole,Cat,2016-03-12,3,3A,2024-09-02,,,\n",
        marks=marks(f"{A},2024-09-02,AM,O,", f"{upn(3)},2024-09-02,AM,/,", f"{A},2024-09-02,PM,J,"),
    )

    assert len(result.errors) == 1
    assert snapshot() == before
    assert MarkChange.objects.count() == 0


@pytest.mark.django_db
def test_a_name_deleted_from_the_register_keeps_its_leaving_date(tmp_path: Path) -> None:
    import datetime as dt

    from django.utils import timezone

    from registers.models import Enrolment, RegisterDeletion

    import_bundle(tmp_path, marks=None)
    enrolment = Enrolment.objects.get(pupil__upn=B)
    enrolment.leaving_date = dt.date(2024, 10, 18)
    enrolment.save(update_fields=["leaving_date"])
    RegisterDeletion.objects.create(
        enrolment=enrolment, ground="a", ground_met_on=dt.date(2024, 10, 18),
        deletion_date=dt.date(2024, 10, 18), recorded_by_name="Head", recorded_at=timezone.now(),
        pupil_name="Ben Baker", pupil_upn=B, pupil_date_of_birth=dt.date(2016, 2, 11),
        pupil_year_group="3",
    )  # fmt: skip
    before = snapshot()

    back_on_roll = import_bundle(tmp_path, marks=None)  # PUPILS has no leaving date for B
    moved = import_bundle(tmp_path, marks=None, pupils=PUPILS.replace(
        f"{B},Baker,Ben,2016-02-11,3,3B,2023-09-01,,", f"{B},Baker,Ben,2016-02-11,3,3B,2023-09-01,2024-12-20,"
    ))  # fmt: skip
    same = import_bundle(tmp_path, marks=None, pupils=PUPILS.replace(
        f"{B},Baker,Ben,2016-02-11,3,3B,2023-09-01,,", f"{B},Baker,Ben,2016-02-11,3,3B,2023-09-01,2024-10-18,"
    ))  # fmt: skip

    for result in (back_on_roll, moved):
        [error] = result.errors
        assert error.startswith("pupils.csv:3: leaving_date: ")
        assert "deleted from the admission register on 2024-10-18" in error
    assert same.errors == []
    enrolment.refresh_from_db()
    assert enrolment.leaving_date == dt.date(2024, 10, 18)
    assert snapshot()["Enrolment"] == before["Enrolment"]
