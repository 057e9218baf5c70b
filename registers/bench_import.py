"""Benchmarks of the bundle import and the attendance report on a realistic school year.

`bench_import` and `bench_report` write a bundle into `workdir`, import it into a new
school of the configured database and time the step measured. They leave the data in
place: run them on a throwaway database.
"""

from __future__ import annotations

import contextlib
import csv
import random
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from registers import rules
from registers.models import School
from registers.reporting import attendance_report
from registers.services.bundle_import import bundle_import
from registers.upn import make_upn

YEAR_END = date(2025, 7, 22)

# The 2024/25 year of a typical English school: 190 days, 380 sessions.
CALENDAR = (
    ("2024-09-02", "2024-12-20", "term", "", "Autumn"),
    ("2024-09-02", "2024-09-02", "inset", "", "INSET"),
    ("2024-10-28", "2024-11-01", "holiday", "", "Half term"),
    ("2025-01-06", "2025-04-04", "term", "", "Spring"),
    ("2025-02-17", "2025-02-21", "holiday", "", "Half term"),
    ("2025-04-22", "2025-07-22", "term", "", "Summer"),
    ("2025-05-05", "2025-05-05", "holiday", "", "Bank holiday"),
    ("2025-05-26", "2025-05-30", "holiday", "", "Half term"),
    ("2025-07-21", "2025-07-22", "inset", "", "INSET"),
)

# Roughly national 2024/25 proportions: about 93% present, the rest mostly illness,
# medical, lateness and unauthorised absence, with a sprinkling of the rarer codes.
_OTHER_CODES = ("L", "I", "M", "O", "N", "G", "U", "C", "B", "V", "R", "E", "C2", "Y6", "#")
_OTHER_WEIGHTS = (150, 300, 50, 80, 30, 50, 20, 30, 10, 10, 5, 5, 10, 2, 1)
_PRESENT_PER_10000 = 9300


def _free_urn() -> str:
    taken = set(School.objects.filter(urn__startswith="9").values_list("urn", flat=True))
    return next(f"{n:06d}" for n in range(900000, 1000000) if f"{n:06d}" not in taken)


def _sessions() -> list[rules.Session]:
    ranges = [
        rules.CalendarRange(start=date.fromisoformat(start), end=date.fromisoformat(end), kind=kind)
        for start, end, kind, _sessions, _label in CALENDAR
    ]
    return rules.calendar_sessions(ranges)


def _write(path: Path, header: tuple[str, ...], rows: Iterator[tuple[object, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_bundle(*, pupils: int, directory: Path, urn: str, seed: int = 2024) -> int:
    """Write a bundle of one school year for `pupils` pupils; return the number of marks."""
    directory.mkdir(parents=True, exist_ok=True)
    la = 100 + int(urn) % 900  # a UPN range of its own for each benchmark school
    upns = [
        make_upn(la=la, establishment=i // 1000, year=2024, serial=i % 1000) for i in range(pupils)
    ]
    _write(
        directory / "school.csv",
        ("urn", "name", "phase"),
        iter([(urn, "Bench School", "secondary")]),
    )
    _write(
        directory / "calendar.csv",
        ("start_date", "end_date", "kind", "sessions", "label"),
        iter(CALENDAR),
    )
    _write(
        directory / "pupils.csv",
        ("upn", "surname", "forename", "date_of_birth", "year_group", "admission_date", "fsm"),
        (
            (
                upn,
                f"Surname{i}",
                f"Pupil{i}",
                "2012-05-01",
                "7",
                "2024-09-02",
                "Y" if i % 5 == 0 else "",
            )
            for i, upn in enumerate(upns)
        ),
    )
    sessions = [(d.isoformat(), half.name) for d, half in _sessions()]
    _write(
        directory / "marks.csv",
        ("upn", "date", "session", "code", "minutes_late"),
        _marks(upns, sessions, random.Random(seed)),
    )
    return len(upns) * len(sessions)


def _marks(
    upns: list[str], sessions: list[tuple[str, str]], rng: random.Random
) -> Iterator[tuple[str, str, str, str, str]]:
    for upn in upns:
        for day, half in sessions:
            if rng.randrange(10000) < _PRESENT_PER_10000:
                yield upn, day, half, "/" if half == "AM" else "\\", ""
                continue
            code = rng.choices(_OTHER_CODES, _OTHER_WEIGHTS)[0]
            yield upn, day, half, code, str(rng.randrange(1, 30)) if code in "LU" else ""


def _reset_peak_rss() -> None:
    """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    """This process's peak resident memory since the last reset, in MiB (0 if unknown)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _import(*, pupils: int, workdir: Path) -> tuple[School, float, int]:
    urn = _free_urn()
    directory = workdir / f"bundle_{urn}"
    marks = write_bundle(pupils=pupils, directory=directory, urn=urn)
    _reset_peak_rss()
    started = time.perf_counter()
    result = bundle_import(bundle_dir=directory)
    elapsed = time.perf_counter() - started
    if result.errors:
        raise RuntimeError("benchmark bundle failed to import: " + "; ".join(result.errors[:5]))
    if result.marks_created != marks:
        raise RuntimeError(f"expected {marks} marks, the import created {result.marks_created}")
    return School.objects.get(urn=urn), elapsed, marks


def bench_import(*, pupils: int = 2000, workdir: Path) -> dict[str, float]:
    """Marks per second through `bundle_import`, end to end, for a year of a school."""
    _school, elapsed, marks = _import(pupils=pupils, workdir=workdir)
    return {"import_marks_per_s": round(marks / elapsed, 1), "import_peak_rss_mb": peak_rss_mb()}


def bench_report(*, pupils: int, workdir: Path) -> dict[str, float]:
    """Seconds for the attendance report at the end of the year of a `pupils`-pupil school."""
    school, _elapsed, _marks = _import(pupils=pupils, workdir=workdir)
    started = time.perf_counter()
    report = attendance_report(school=school, as_of=YEAR_END)
    elapsed = time.perf_counter() - started
    if len(report["pupils"]) != pupils:
        raise RuntimeError(f"the report lists {len(report['pupils'])} pupils, not {pupils}")
    return {f"report_{pupils}_pupils_s": round(elapsed, 3)}
