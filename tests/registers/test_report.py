"""The attendance report (contract §2): on-roll counting, rates, PA/SA, the threshold."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from registers.models import Mark, Pupil, School, Trust
from registers.reporting import attendance_report
from tests.registers.test_import_bundle import A, B, C, import_bundle, marks

FIRST_WEEK = [f"2024-09-0{day}" for day in range(2, 7)]  # Monday 2 to Friday 6 September


def week_marks(upn: str, codes: list[str]) -> list[str]:
    """Mark rows for the first week's ten sessions, AM then PM, from `codes` ("" = none)."""
    sessions = [(day, half) for day in FIRST_WEEK for half in ("AM", "PM")]
    return [
        f"{upn},{day},{half},{code},"
        for (day, half), code in zip(sessions, codes, strict=False)
        if code
    ]


def report(as_of: str, urn: str = "100001") -> dict[str, Any]:
    school = School.objects.get(urn=urn)
    return attendance_report(school=school, as_of=date.fromisoformat(as_of))


def pupil(figures: dict[str, Any], upn: str) -> dict[str, Any]:
    return next(p for p in figures["pupils"] if p["upn"] == upn)


def pupils_csv(*rows: str) -> str:
    header = "upn,surname,forename,date_of_birth,year_group,admission_date,leaving_date"
    return "\n".join([header, *rows]) + "\n"


def on_roll(upn: str, admission: str, leaving: str = "") -> str:
    return f"{upn},Surname,Forename,2016-01-10,3,{admission},{leaving}"


@pytest.mark.django_db
def test_the_report_heads_the_pupils_sorted_by_upn(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=None)

    figures = report("2024-09-06")

    assert (figures["school"], figures["as_of"], figures["academic_year"]) == (
        "100001",
        "2024-09-06",
        "2024/25",
    )
    assert [p["upn"] for p in figures["pupils"]] == sorted([A, B])


@pytest.mark.django_db
def test_a_session_on_roll_without_a_mark_counts_as_unmarked_only(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=marks(*week_marks(A, ["/", "\\", "/", "\\"])))

    ann = pupil(report("2024-09-06"), A)

    assert (ann["possible_sessions"], ann["attended_sessions"], ann["unmarked_sessions"]) == (
        4,
        4,
        6,
    )
    assert ann["attendance_rate"] == "100.0"


@pytest.mark.django_db
def test_as_of_counts_both_sessions_of_its_day_and_nothing_after(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=marks(*week_marks(A, ["/", "\\", "/", "O"] + ["O"] * 6)))

    ann = pupil(report("2024-09-03"), A)

    assert (ann["possible_sessions"], ann["unauthorised_absence_sessions"]) == (4, 1)
    assert ann["national_threshold"]["sessions_in_window"] == 1


@pytest.mark.django_db
def test_a_joiner_counts_from_admission_and_a_leaver_up_to_leaving(tmp_path: Path) -> None:
    pupils = pupils_csv(
        on_roll(A, "2024-09-04"),
        on_roll(B, "2023-09-01", "2024-09-03"),
        on_roll(C, "2023-09-01", "2024-07-19"),
    )
    import_bundle(tmp_path, pupils=pupils, marks=marks(*week_marks(B, ["/", "\\", "I", "I"])))
    Mark.objects.create(  # recorded after B left, e.g. by another route: it must not count
        school=School.objects.get(),
        pupil=Pupil.objects.get(upn=B),
        date=date(2024, 9, 4),
        session="AM",
        code_id="O",
        recorded_at=datetime.fromisoformat("2024-09-04T09:00:00+00:00"),
        source="register",
    )

    figures = report("2024-09-06")

    assert [p["upn"] for p in figures["pupils"]] == sorted([A, B])  # C left before 1 Sep
    joiner, leaver = pupil(figures, A), pupil(figures, B)
    assert (joiner["possible_sessions"], joiner["unmarked_sessions"]) == (0, 6)
    assert joiner["attendance_rate"] is None
    assert (leaver["possible_sessions"], leaver["authorised_absence_sessions"]) == (4, 2)
    assert (leaver["unauthorised_absence_sessions"], leaver["unmarked_sessions"]) == (0, 0)


@pytest.mark.django_db
def test_a_pupil_admitted_after_as_of_is_not_listed(tmp_path: Path) -> None:
    import_bundle(tmp_path, pupils=pupils_csv(on_roll(A, "2024-09-09")), marks=None)

    assert report("2024-09-06")["pupils"] == []


@pytest.mark.django_db
def test_a_mark_on_a_day_without_a_session_does_not_count(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=marks(*week_marks(A, ["/"])))
    Mark.objects.create(
        school=School.objects.get(),
        pupil=Pupil.objects.get(upn=A),
        date=date(2024, 9, 7),
        session="AM",
        code_id="O",
        recorded_at=datetime.fromisoformat("2024-09-07T09:00:00+00:00"),
        source="register",
    )

    ann = pupil(report("2024-09-13"), A)

    assert (ann["possible_sessions"], ann["unauthorised_absence_sessions"]) == (1, 0)
    assert ann["unmarked_sessions"] == 19


@pytest.mark.django_db
def test_not_possible_codes_count_in_nothing_and_zero_possible_gives_a_null_rate(
    tmp_path: Path,
) -> None:
    codes = ["X", "Y1", "Q", "D", "Z", "#", "Y4", "Y7", "X", "X"]
    import_bundle(tmp_path, marks=marks(*week_marks(A, codes)))

    ann = pupil(report("2024-09-06"), A)

    assert ann["possible_sessions"] == ann["attended_sessions"] == 0
    assert ann["unmarked_sessions"] == 0
    assert ann["attendance_rate"] is None
    assert (ann["persistent_absence"], ann["severe_absence"]) == (False, False)


@pytest.mark.django_db
def test_each_category_and_the_late_codes_are_counted(tmp_path: Path) -> None:
    codes = ["/", "\\", "L", "U", "K", "C2", "M", "G", "N", "#"]
    import_bundle(tmp_path, marks=marks(*week_marks(A, codes)))

    ann = pupil(report("2024-09-06"), A)

    assert ann["possible_sessions"] == 9
    assert ann["attended_sessions"] == 4  # / \ L K
    assert ann["authorised_absence_sessions"] == 2  # C2 M
    assert ann["unauthorised_absence_sessions"] == 3  # U G N
    assert (ann["late_before_close_sessions"], ann["late_after_close_sessions"]) == (1, 1)
    assert ann["attendance_rate"] == "44.4"


# (codes of the first week's ten sessions, persistent absence, severe absence, rate)
BOUNDARIES = {
    "10% absent is PA": (["I"] + ["/"] * 9, True, False, "90.0"),
    "1 of 9 absent is PA": (["X", "O"] + ["/"] * 8, True, False, "88.9"),
    "none absent": (["/"] * 10, False, False, "100.0"),
    "50% absent is SA": (["I", "O", "G", "M", "N"] + ["/"] * 5, True, True, "50.0"),
    "4 of 9 absent is not SA": (["X"] + ["I"] * 4 + ["/"] * 5, True, False, "55.6"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "codes, persistent, severe, rate", BOUNDARIES.values(), ids=BOUNDARIES.keys()
)
def test_persistent_and_severe_absence_are_inclusive_at_the_boundary(
    tmp_path: Path, codes: list[str], persistent: bool, severe: bool, rate: str
) -> None:
    import_bundle(tmp_path, marks=marks(*week_marks(A, codes)))

    ann = pupil(report("2024-09-06"), A)

    assert (ann["persistent_absence"], ann["severe_absence"]) == (persistent, severe)
    assert ann["attendance_rate"] == rate


@pytest.mark.django_db
def test_one_absence_in_more_than_ten_sessions_is_not_persistent(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=marks(*week_marks(A, ["I"] + ["/"] * 9), f"{A},2024-09-09,AM,/,"))

    ann = pupil(report("2024-09-09"), A)

    assert (ann["possible_sessions"], ann["persistent_absence"]) == (11, False)


SUMMER_AND_AUTUMN = """\
    start_date,end_date,kind,sessions,label
    2024-06-03,2024-07-19,term,,Summer 2
    2024-09-02,2024-12-20,term,,Autumn
    2024-10-28,2024-11-01,holiday,,Half term
"""


@pytest.mark.django_db
def test_the_threshold_window_reaches_back_before_1_september(tmp_path: Path) -> None:
    july = [f"2024-07-{day}" for day in ("15", "16", "17", "18", "19")]
    ann = [f"{A},{day},{half},G," for day in july for half in ("AM", "PM")]
    ben = [f"{B},{day},{half},G," for day in july[:4] for half in ("AM", "PM")]
    ben += [f"{B},2024-09-03,AM,O,", f"{B},2024-09-03,PM,O,"]
    import_bundle(tmp_path, calendar=SUMMER_AND_AUTUMN, marks=marks(*ann, *ben))

    figures = report("2024-09-06")

    for upn, first_met_on in ((A, "2024-09-02"), (B, "2024-09-03")):
        threshold = pupil(figures, upn)["national_threshold"]
        assert threshold == {
            "sessions_in_window": 10,
            # Summer 2 and one autumn week are 8 school weeks: the window starts at the first.
            "window_start": "2024-06-03",
            "window_end": "2024-09-08",
            "met_now": True,
            "first_met_on": first_met_on,
        }
    assert pupil(figures, A)["unauthorised_absence_sessions"] == 0  # July is last year


@pytest.mark.django_db
def test_the_window_is_ten_school_weeks_skipping_holiday_weeks(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=None)

    threshold = pupil(report("2024-11-15"), A)["national_threshold"]

    # 11 weeks from 2 Sep to 15 Nov, less the half-term week: exactly 10 school weeks.
    assert (threshold["window_start"], threshold["window_end"]) == ("2024-09-02", "2024-11-17")
    assert threshold["first_met_on"] is None


@pytest.mark.django_db
def test_a_move_inside_a_trust_joins_both_schools_weeks_and_marks(tmp_path: Path) -> None:
    first = [f"{A},2024-09-{day},{half},O," for day in ("16", "17", "18") for half in ("AM", "PM")]
    import_bundle(
        tmp_path / "first",
        pupils=pupils_csv(on_roll(A, "2023-09-01", "2024-09-20")),
        marks=marks(*first),
    )
    second_calendar = "start_date,end_date,kind\n2024-09-09,2024-12-20,term\n"
    import_bundle(
        tmp_path / "second",
        school="urn,name,phase\n100002,Second Academy,primary\n",
        calendar=second_calendar,
        pupils=pupils_csv(on_roll(A, "2024-09-23")),
        marks=marks(*[f"{A},2024-09-{d},{h},G," for d in ("23", "24") for h in ("AM", "PM")]),
    )
    alone = pupil(report("2024-09-27", urn="100002"), A)["national_threshold"]
    trust = Trust.objects.create(name="Example Trust")
    School.objects.update(trust=trust)

    joined = pupil(report("2024-09-27", urn="100002"), A)["national_threshold"]

    assert (alone["sessions_in_window"], alone["window_start"], alone["met_now"]) == (
        4,
        "2024-09-09",
        False,
    )
    assert joined == {
        "sessions_in_window": 10,
        "window_start": "2024-09-02",  # the first school's first week joins the union
        "window_end": "2024-09-29",
        "met_now": True,
        "first_met_on": "2024-09-24",
    }
    second = pupil(report("2024-09-27", urn="100002"), A)
    assert second["unauthorised_absence_sessions"] == 4  # counts stay per school


@pytest.mark.django_db
def test_the_command_prints_json(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=marks(*week_marks(A, ["/", "O"])))
    out = StringIO()

    call_command("attendance_report", "--school", "100001", "--as-of", "2024-09-06", stdout=out)

    assert json.loads(out.getvalue()) == report("2024-09-06")
    assert out.getvalue().startswith('{\n  "school": "100001",')


@pytest.mark.django_db
def test_the_command_prints_one_flat_csv_row_per_pupil(tmp_path: Path) -> None:
    import_bundle(tmp_path, marks=marks(*week_marks(A, ["/", "O"])))
    out = StringIO()

    call_command(
        "attendance_report", "--school=100001", "--as-of=2024-09-06", "--format=csv", stdout=out
    )

    rows = list(csv.DictReader(StringIO(out.getvalue())))
    assert [row["upn"] for row in rows] == sorted([A, B])
    ann = rows[[row["upn"] for row in rows].index(A)]
    assert ann["school"] == "100001" and ann["academic_year"] == "2024/25"
    assert ann["as_of"] == "2024-09-06"
    assert (ann["possible_sessions"], ann["attendance_rate"], ann["unmarked_sessions"]) == (
        "2",
        "50.0",
        "8",
    )
    assert ann["persistent_absence"] == "true"
    assert ann["national_threshold_sessions_in_window"] == "1"
    assert ann["national_threshold_window_start"] == "2024-09-02"
    assert ann["national_threshold_met_now"] == "false"
    assert ann["national_threshold_first_met_on"] == ""
    ben = rows[[row["upn"] for row in rows].index(B)]
    assert ben["attendance_rate"] == ""


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_school() -> None:
    with pytest.raises(CommandError, match="No school has URN '999999'"):
        call_command("attendance_report", "--school", "999999", "--as-of", "2024-09-06")


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", ["2024-13-01", "06/09/2024", "20240906", "today"])
def test_the_command_refuses_a_bad_date(tmp_path: Path, as_of: str) -> None:
    import_bundle(tmp_path, marks=None)

    with pytest.raises(CommandError, match="is not a date; write it as YYYY-MM-DD"):
        call_command("attendance_report", "--school", "100001", "--as-of", as_of)
