"""Benchmarks of the register: bundle import and the contract report."""

from __future__ import annotations

from pathlib import Path

from registers.bench_import import bench_import, bench_report
from registers.bench_register import bench_register


def import_marks(workdir: Path, large: bool) -> dict[str, float]:
    return bench_import(pupils=2000, workdir=workdir / "import")


def report_2000_pupils(workdir: Path, large: bool) -> dict[str, float]:
    return bench_report(pupils=2000, workdir=workdir / "report2000")


def report_20000_pupils(workdir: Path, large: bool) -> dict[str, float]:
    return bench_report(pupils=20000, workdir=workdir / "report20000")


BENCHMARKS = [import_marks, report_2000_pupils, report_20000_pupils, bench_register]
