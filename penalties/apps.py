from django.apps import AppConfig


class PenaltiesConfig(AppConfig):
    """Notices to improve and penalty notices under the National Framework."""

    name = "penalties"
