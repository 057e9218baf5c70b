from django.apps import AppConfig


class LettersConfig(AppConfig):
    """Letters to parents rendered as PDFs, acting on escalation's cases."""

    name = "letters"
