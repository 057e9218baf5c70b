"""The `make bench` harness: runs every app's benchmarks and merges their figures.

Each app that has benchmarks provides a `bench` module with a `BENCHMARKS` list of
callables `(workdir: Path, large: bool) -> dict[str, float]`. They run on a throwaway
copy of the configured database engine (Django's test database), never on live data.
Figures are flat `name -> number` pairs with the unit in the name, merged into
`var/bench/latest.json` so figures written by other runs are kept.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.db import connection

Benchmark = Callable[[Path, bool], dict[str, float]]


def discover() -> list[tuple[str, Benchmark]]:
    """`(label, callable)` for every benchmark of every installed app, in app order."""
    found: list[tuple[str, Benchmark]] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.bench")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.bench":
                raise
            continue
        found.extend((f"{config.label}.{fn.__name__}", fn) for fn in module.BENCHMARKS)
    return found


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create a fresh database of the configured engine, migrate it, and drop it after."""
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        # Measure an on-disk file like the one `make run` uses, not an in-memory database.
        connection.settings_dict["TEST"]["NAME"] = str(Path(old_name).with_suffix(".bench.sqlite3"))
    name = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield name
    finally:
        creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


def merge_figures(path: Path, figures: dict[str, float]) -> dict[str, float]:
    """Merge `figures` into the flat JSON object at `path` and return the result."""
    merged: dict[str, float] = {}
    if path.exists():
        try:
            merged = json.loads(path.read_text())
        except json.JSONDecodeError:
            merged = {}
    merged.update({k: round(v, 3) for k, v in figures.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
    return merged


def run(
    *, workdir: Path, large: bool, only: str | None, log: Callable[[str], None]
) -> dict[str, float]:
    figures: dict[str, float] = {
        "bench_database_is_postgresql": float(connection.vendor == "postgresql")
    }
    for label, fn in discover():
        if only and only not in label:
            continue
        log(f"running {label} …")
        started = time.perf_counter()
        result = fn(workdir, large)
        log(f"  {label}: {result} ({time.perf_counter() - started:.1f} s)")
        figures.update(result)
    return figures
