"""Backup and restore of PostgreSQL, by the documented script: dump, wipe, restore, and
compare every table's row count and the register's checksums (PostgreSQL pass only)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
SCRIPT = Path(settings.BASE_DIR) / "bin" / "backup"


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A database of its own, migrated and holding a small demo school with amendments."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    name = f"attendance_backup_{os.getpid()}"
    admin = database_url("postgres").replace("postgres://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "attendance_project.settings.test",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for command in (
        ["migrate", "--noinput"],
        ["seed_demo", "--pupils", "40", "--today", "2025-01-15"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=settings.BASE_DIR, env=env, check=True,
            capture_output=True, timeout=600,
        )  # fmt: skip
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO registers_markchange (mark_id, previous_code, previous_minutes_late,"
            " previous_recorded_at, previous_source, previous_recorded_by_name,"
            " previous_recorded_by_position, new_code, new_minutes_late, changed_by_id,"
            " changed_by_name, changed_by_position, changed_at, reason, source)"
            " SELECT id, code, minutes_late, recorded_at, source, 'Office', 'Clerk', 'I', NULL,"
            " NULL, 'Office', 'Clerk', now(), 'Parent phoned', 'correction'"
            " FROM registers_mark WHERE code = 'N' LIMIT 5"
        )
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _backup(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], env={**os.environ, "DATABASE_URL": url}, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip


def test_a_round_trip_restores_every_row_and_the_same_register(
    scratch_database: str, tmp_path
) -> None:
    result = _backup(scratch_database, "check", str(tmp_path / "db.dump"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restore matches" in result.stdout and "marks-checksum" in result.stdout


def test_restoring_a_dump_brings_back_what_was_lost(scratch_database: str, tmp_path) -> None:
    dump = str(tmp_path / "db.dump")
    original = _backup(scratch_database, "fingerprint").stdout
    assert _backup(scratch_database, "dump", dump).returncode == 0
    url = scratch_database.replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "UPDATE registers_mark SET code = 'O' WHERE id = (SELECT min(id) FROM registers_mark"
            " WHERE code = '/')"
        )
    assert _backup(scratch_database, "fingerprint").stdout != original  # the checksum sees it
    result = _backup(scratch_database, "restore", dump)
    assert result.returncode == 0, result.stderr
    assert _backup(scratch_database, "fingerprint").stdout == original


def test_it_refuses_without_a_postgresql_url() -> None:
    result = subprocess.run(
        [str(SCRIPT), "check"], env={"PATH": os.environ["PATH"], "DATABASE_URL": "sqlite:///x"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and "PostgreSQL" in result.stderr
