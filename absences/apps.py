from django.apps import AppConfig


class AbsencesConfig(AppConfig):
    """Parent absence reports, leave-of-absence requests and first-day calling; pre-enters codes into registers."""

    name = "absences"
