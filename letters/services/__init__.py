"""The letters app's writes. Import services from here: `letters.services.letter_generate`."""

from letters.services.batches import letter_batch_create, letter_batch_finish
from letters.services.email import letter_email_queue, letter_email_send
from letters.services.generate import (
    letter_generate,
    letter_not_written_dismiss,
    letter_not_written_record,
)
from letters.services.render import letter_html, letter_pdf_matches, letters_render
from letters.services.templates import letter_settings_save, letter_template_save

__all__ = [
    "letter_batch_create",
    "letter_batch_finish",
    "letter_email_queue",
    "letter_email_send",
    "letter_generate",
    "letter_html",
    "letter_not_written_dismiss",
    "letter_not_written_record",
    "letter_pdf_matches",
    "letter_settings_save",
    "letter_template_save",
    "letters_render",
]
