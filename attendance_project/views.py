"""Project-level endpoints: the health check used by the containers' probes."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from attendance_project.celery import app as celery_app

logger = logging.getLogger(__name__)


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means unhealthy; the message says which
        logger.warning("health: database check failed: %s", exc)
        return str(exc)
    return None


def _check_broker() -> str | None:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("health: broker check failed: %s", exc)
        return str(exc)
    return None


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database and the Celery broker answer, 503 naming what failed."""
    problems = {
        name: error
        for name, error in (("database", _check_database()), ("broker", _check_broker()))
        if error
    }
    status = 503 if problems else 200
    return JsonResponse(
        {"status": "error" if problems else "ok", "problems": problems}, status=status
    )
