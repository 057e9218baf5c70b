"""The load test script end to end, small and short (PostgreSQL and Redis pass only):
it builds its database, serves the app with gunicorn and a worker, runs locust, and
writes its figures; every simulated request succeeds. The full-size run (50 staff, 200
parents, 5 minutes) is `bin/loadtest`, with its figures in the README."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.conftest import _services_available, database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
SCRIPT = Path(settings.BASE_DIR) / "bin" / "loadtest"


def test_load_script_runs_every_journey_without_errors(tmp_path: Path) -> None:
    reason = _services_available()
    if reason:
        pytest.skip(f"needs PostgreSQL and Redis: {reason}")
    output, name = tmp_path / "bench.json", f"attendance_load_test_{os.getpid()}"
    env = {
        **os.environ,
        "LOAD_DATABASE_URL": database_url(name),
        "LOAD_WORKDIR": str(tmp_path),
        "LOAD_PORT": str(18000 + os.getpid() % 1000),
        "LOAD_THINK_SCALE": "0.1",  # short pauses, so a short run takes every path
        "BIN": str(Path(sys.executable).parent),
    }
    try:
        done = subprocess.run(
            [str(SCRIPT), "--staff", "4", "--parents", "6", "--schools", "1",
             "--duration", "25s", "--output", str(output)],
            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    finally:
        admin = database_url("postgres").replace("postgres://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(output.read_text())
    assert figures["load_errors"] == 0
    assert figures["load_requests_per_s"] > 0 and figures["load_p95_ms"] > 0
    with open(tmp_path / "locust_stats.csv") as handle:
        counts = {row["Name"]: int(row["Request Count"]) for row in csv.DictReader(handle)}
    for journey in ("sign in", "register (open)", "register (save)", "portal (child)"):
        assert counts.get(journey, 0) > 0, counts
