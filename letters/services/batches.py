"""Batches: letters of one kind for a list of pupils, produced in chunks by workers, and
printed as one merged PDF (plus a zip of one file per letter)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from pypdf import PdfWriter

from letters.models import BatchStatus, Letter, LetterBatch, LetterStatus
from letters.services.generate import letter_generate
from registers.models import Pupil, School, User

CHUNK = 25  # letters laid out as one document: ~2.5 s of work, small enough to spread


@transaction.atomic
def letter_batch_create(
    *,
    school: School,
    kind: str,
    as_at: dt.date,
    pupils: Iterable[Pupil],
    created_by: User | None,
    extra: Mapping[str, str] | None = None,
    description: str = "",
) -> LetterBatch:
    """Generate the letters of a batch, reporting pupils whose letters cannot be written.

    Each pupil's letters are generated in a savepoint: a pupil without an address or a
    figure the wording needs is listed in `problems` and the others go ahead. The PDFs
    are queued in chunks once the transaction commits.
    """
    batch = LetterBatch.objects.create(
        school=school,
        kind=kind,
        as_at=as_at,
        created_at=timezone.now(),
        created_by=created_by,
        description=description[:300],
    )
    problems: list[dict[str, str]] = []
    ids: list[int] = []
    pupils = list(pupils)
    for pupil in pupils:
        try:
            with transaction.atomic():
                letters = letter_generate(
                    school=school,
                    pupil=pupil,
                    kind=kind,
                    as_at=as_at,
                    created_by=created_by,
                    extra=extra,
                    batch=batch,
                    queue_render=False,
                )
        except ValidationError as error:
            problems.append({"pupil": str(pupil), "error": " ".join(error.messages)})
            continue
        ids.extend(letter.pk for letter in letters)
    batch.pupils_total, batch.letters_total, batch.problems = len(pupils), len(ids), problems
    if not ids:
        batch.status, batch.finished_at = BatchStatus.FAILED, timezone.now()
    batch.save()
    from letters.tasks import letters_render_task

    for start in range(0, len(ids), CHUNK):
        letters_render_task.delay_on_commit(ids[start : start + CHUNK])
    return batch


def letter_batch_finish(*, batch_id: int) -> bool:
    """Once every letter is rendered or failed, merge the batch; True if this call did.

    The claim is a conditional update, so when two workers finish chunks at once only
    one merges.
    """
    now = timezone.now()
    claimed = LetterBatch.objects.filter(
        pk=batch_id,
        status=BatchStatus.RENDERING,
        finished_at__isnull=True,
        letters_total__lte=F("letters_rendered") + F("letters_failed"),
    ).update(finished_at=now)
    if not claimed:
        return False
    batch = LetterBatch.objects.get(pk=batch_id)
    letters = list(batch.letters.filter(status=LetterStatus.READY).order_by("pk"))
    problems = list(batch.problems)
    for letter in batch.letters.filter(status=LetterStatus.FAILED).order_by("pk"):
        problems.append(
            {"pupil": letter.data["pupil"]["name"], "error": letter.render_error or "failed"}
        )
    merged, archive = _merge(letters)
    with transaction.atomic():
        if letters:
            batch.merged_pdf.save(f"batch-{batch.pk}.pdf", ContentFile(merged), save=False)
            batch.archive.save(f"batch-{batch.pk}.zip", ContentFile(archive), save=False)
        batch.problems = problems
        batch.status = BatchStatus.DONE if letters else BatchStatus.FAILED
        batch.save(update_fields=["merged_pdf", "archive", "problems", "status"])
    return True


def _merge(letters: list[Letter]) -> tuple[bytes, bytes]:
    writer = PdfWriter()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for letter in letters:
            with letter.pdf.open("rb") as handle:
                content = handle.read()
            writer.append(io.BytesIO(content))
            if len(writer.pages) % 2:  # each letter starts on a fresh sheet when duplexed
                writer.add_blank_page()
            archive.writestr(letter.filename, content)
    merged = io.BytesIO()
    writer.write(merged)
    return merged.getvalue(), buffer.getvalue()
