"""Render letters' PDFs from their frozen rows, in chunks laid out as one document."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from letters import pdf
from letters.merge import blocks
from letters.models import Letter, LetterBatch, LetterStatus

logger = logging.getLogger(__name__)


def letter_html(letter: Letter) -> str:
    """The letter as HTML, from its frozen data alone."""
    return render_to_string(
        "letters/pdf/letter.html", {"d": letter.data, "blocks": blocks(letter.data["body"])}
    )


def letters_render(*, letter_ids: Sequence[int]) -> tuple[int, int]:
    """Render and store the PDFs of these letters; returns (rendered, failed).

    1. Lay the chunk out as one document and split it (`letters.pdf.htmls_to_pdfs`).
    2. If that fails, render each letter alone, so one bad letter fails alone.
    3. Store each PDF with its SHA-256 (one short transaction per chunk), and count the
       chunk toward its batch, finishing the batch when it is the last.
    """
    letters = list(
        Letter.objects.filter(pk__in=letter_ids, status=LetterStatus.QUEUED).order_by("pk")
    )
    if not letters:
        return 0, 0
    outcomes = _render_all(letters)
    rendered = failed = 0
    now = timezone.now()
    with transaction.atomic():
        for letter, result in zip(letters, outcomes, strict=True):
            if isinstance(result, bytes):
                _store(letter, result, now)
                rendered += 1
            else:
                letter.status, letter.render_error = LetterStatus.FAILED, result
                letter.save(update_fields=["status", "render_error"])
                failed += 1
        _count_batches(letters, outcomes)
    for batch_id in {letter.batch_id for letter in letters if letter.batch_id}:
        from letters.services.batches import letter_batch_finish

        letter_batch_finish(batch_id=batch_id)
    return rendered, failed


def _render_all(letters: list[Letter]) -> list[bytes | str]:
    htmls: list[str | None] = []
    for letter in letters:
        try:
            htmls.append(letter_html(letter))
        except Exception as error:  # a malformed frozen row fails alone
            logger.exception("letter %s: could not build its HTML", letter.pk)
            htmls.append(None)
            letter.render_error = f"Could not lay out the letter: {error}"
    good = [h for h in htmls if h is not None]
    try:
        pdfs = iter(pdf.htmls_to_pdfs(good))
        return [
            next(pdfs) if h is not None else _error(letter)
            for h, letter in zip(htmls, letters, strict=True)
        ]
    except Exception:
        logger.exception("a chunk of %d letters failed; rendering one by one", len(good))
    outcomes: list[bytes | str] = []
    for html, letter in zip(htmls, letters, strict=True):
        if html is None:
            outcomes.append(_error(letter))
            continue
        try:
            outcomes.append(pdf.html_to_pdf(html))
        except Exception as error:
            logger.exception("letter %s could not be rendered", letter.pk)
            outcomes.append(f"Could not produce the PDF: {error}")
    return outcomes


def _error(letter: Letter) -> str:
    return letter.render_error or "Could not produce the PDF."


def _store(letter: Letter, content: bytes, now) -> None:
    if letter.pdf:
        letter.pdf.delete(save=False)
    letter.pdf.save(f"letter-{letter.pk}.pdf", ContentFile(content), save=False)
    letter.sha256 = hashlib.sha256(content).hexdigest()
    letter.pages = pdf.page_count(content)
    letter.status, letter.render_error, letter.rendered_at = LetterStatus.READY, "", now
    letter.save(update_fields=["pdf", "sha256", "pages", "status", "render_error", "rendered_at"])


def _count_batches(letters: Iterable[Letter], outcomes: Iterable[bytes | str]) -> None:
    counts: dict[int, list[int]] = {}
    for letter, result in zip(letters, outcomes, strict=True):
        if letter.batch_id:
            pair = counts.setdefault(letter.batch_id, [0, 0])
            pair[0 if isinstance(result, bytes) else 1] += 1
    for batch_id, (ok, bad) in counts.items():
        LetterBatch.objects.filter(pk=batch_id).update(
            letters_rendered=F("letters_rendered") + ok, letters_failed=F("letters_failed") + bad
        )


def letter_pdf_matches(*, letter: Letter) -> bool:
    """Render the letter again from its frozen row: is it the stored PDF, byte for byte?"""
    if not letter.sha256:
        return False
    content = pdf.html_to_pdf(letter_html(letter))
    return hashlib.sha256(content).hexdigest() == letter.sha256


def stored_pdf(letter: Letter) -> bytes | None:
    """The stored PDF if its checksum still matches, else None."""
    if not letter.pdf:
        return None
    try:
        with letter.pdf.open("rb") as handle:
            content = handle.read()
    except OSError:
        return None
    return content if hashlib.sha256(content).hexdigest() == letter.sha256 else None
