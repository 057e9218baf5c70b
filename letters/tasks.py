"""Celery tasks of the letters app: thin interfaces over the services.

Rendering runs in the Celery worker's long-lived processes: WeasyPrint's fonts and
stylesheets are loaded once per process, and each task lays out a chunk of letters as
one document. A batch is queued as many chunk tasks, so a worker with two processes
renders two chunks at a time.
"""

from __future__ import annotations

from celery import shared_task

from letters.services import letter_email_send, letters_render
from registers.tasks import RETRY_ON


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=3)
def letters_render_task(letter_ids: list[int]) -> tuple[int, int]:
    """Render the queued letters among `letter_ids` (idempotent: ready ones are skipped)."""
    return letters_render(letter_ids=letter_ids)


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=3)
def letter_email_task(letter_id: int) -> str:
    return letter_email_send(letter_id=letter_id)
