"""Every Celery task of the project retries with backoff when the database, the broker or
a file store fails for a moment (and stops after a few tries); a bug is not retried."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry
from django.apps import apps
from django.db import InterfaceError, OperationalError

from attendance_project.celery import app as celery_app
from registers.tasks import RETRY_ON, calendar_rebuild_task

APPS = {config.name for config in apps.get_app_configs() if not config.name.startswith("django")}


def project_tasks() -> list:
    celery_app.loader.import_default_modules()
    return [
        task
        for name, task in sorted(celery_app.tasks.items())
        if name.split(".", 1)[0] in APPS and not name.startswith("celery.")
    ]


def test_the_project_has_tasks_from_every_app_with_tasks() -> None:
    found = {task.name.split(".", 1)[0] for task in project_tasks()}
    assert {"registers", "escalation", "absences", "letters", "reports"} <= found


@pytest.mark.parametrize("task", project_tasks(), ids=lambda task: task.name)
def test_each_task_retries_brief_failures_with_backoff(task) -> None:
    assert set(RETRY_ON) <= set(task.autoretry_for)
    assert {OSError, OperationalError, InterfaceError} <= set(task.autoretry_for)
    assert task.retry_backoff
    assert 1 <= task.max_retries <= 5


@pytest.mark.parametrize(
    "error", [OperationalError("server closed the connection unexpectedly"), OSError("EIO")]
)
def test_a_brief_failure_is_retried(monkeypatch, error: Exception) -> None:
    _fail_with(monkeypatch, error)
    with pytest.raises(Retry) as retry:
        calendar_rebuild_task.apply(args=(1,))
    assert retry.value.exc is error


def test_a_bug_is_not_retried(monkeypatch) -> None:
    calls = _fail_with(monkeypatch, ValueError("a bug, not a blip"))
    with pytest.raises(ValueError):
        calendar_rebuild_task.apply(args=(1,))
    assert len(calls) == 1


def _fail_with(monkeypatch, error: Exception) -> list[object]:
    calls: list[object] = []

    def fail(*, school):
        calls.append(school)
        raise error

    monkeypatch.setattr("registers.tasks.calendar_rebuild", fail)
    monkeypatch.setattr("registers.tasks.School.objects.filter", lambda **kw: _One())
    return calls


class _One:
    def first(self):
        return object()
