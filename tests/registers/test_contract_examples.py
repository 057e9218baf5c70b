"""The contract's examples (data-exchange §3): each bundle imported through the command
gives exactly the report of each `expected_<as_of>.json` beside it."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

EXAMPLES = Path(settings.BASE_DIR).parent / "shared" / "examples"


def _cases() -> list[tuple[Path, Path]]:
    return [
        (expected.parent / "bundle", expected)
        for expected in sorted(EXAMPLES.glob("*/expected_*.json"))
        if (expected.parent / "bundle").is_dir()
    ]


CASES = _cases()

pytestmark = pytest.mark.skipif(
    not CASES, reason=f"no contract examples (*/bundle and expected_*.json) under {EXAMPLES}"
)


def _as_of(expected: Path) -> str:
    return expected.stem.removeprefix("expected_")


def _report(urn: str, as_of: str, *extra: str) -> str:
    out = StringIO()
    call_command("attendance_report", "--school", urn, "--as-of", as_of, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bundle, expected", CASES, ids=[f"{b.parent.name}-{_as_of(e)}" for b, e in CASES]
)
def test_the_example_bundle_gives_the_expected_report(bundle: Path, expected: Path) -> None:
    want = json.loads(expected.read_text(encoding="utf-8"))
    call_command("import_attendance", str(bundle), stdout=StringIO())

    got = json.loads(_report(want["school"], _as_of(expected)))

    assert got == want


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bundle, expected", CASES, ids=[f"{b.parent.name}-{_as_of(e)}" for b, e in CASES]
)
def test_the_example_report_is_the_same_after_importing_the_bundle_twice(
    bundle: Path, expected: Path
) -> None:
    want = json.loads(expected.read_text(encoding="utf-8"))
    for _ in range(2):
        call_command("import_attendance", str(bundle), stdout=StringIO())

    got = json.loads(_report(want["school"], _as_of(expected)))
    rows = list(csv.DictReader(StringIO(_report(want["school"], _as_of(expected), "--format=csv"))))

    assert got == want
    assert [row["upn"] for row in rows] == [pupil["upn"] for pupil in want["pupils"]]
    assert [int(row["possible_sessions"]) for row in rows] == [
        pupil["possible_sessions"] for pupil in want["pupils"]
    ]
