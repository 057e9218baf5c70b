"""Save a school's wording of a letter (a new version each time) and its letter settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from letters import merge
from letters.kinds import SPECS
from letters.models import LetterSettings, LetterTemplate
from registers.models import School, User


@transaction.atomic
def letter_template_save(
    *, school: School, kind: str, subject: str, body: str, user: User | None
) -> LetterTemplate:
    """Save the wording as the next version; unknown merge fields are refused here, so
    they never reach a letter. Letters already generated keep the version they used."""
    if kind not in SPECS:
        raise ValidationError(f"Unknown kind of letter {kind!r}.")
    subject, body = subject.strip(), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = ["Enter the letter's subject line."]
    if not body:
        errors["body"] = ["Enter the letter's text."]
    for field, text in (("subject", subject), ("body", body)):
        if text and (problems := merge.text_errors(text)):
            errors[field] = problems
    if "\n" in subject:
        errors.setdefault("subject", []).append("The subject must be a single line.")
    if errors:
        raise ValidationError(errors)
    latest = (
        LetterTemplate.objects.select_for_update()
        .filter(school=school, kind=kind)
        .order_by("-version")
        .first()
    )
    return LetterTemplate.objects.create(
        school=school,
        kind=kind,
        version=(latest.version if latest else 0) + 1,
        subject=subject,
        body=body,
        created_at=timezone.now(),
        created_by=user,
        created_by_name=(user.get_full_name() or user.username) if user else "",
    )


@transaction.atomic
def letter_settings_save(*, settings: LetterSettings) -> LetterSettings:
    settings.full_clean()
    settings.save()
    return settings
