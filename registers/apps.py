from django.apps import AppConfig


class RegistersConfig(AppConfig):
    """Schools, calendar, pupils, codes, marks and the attendance rules core.

    Every other app builds on this one; it imports none of them.
    """

    name = "registers"
    verbose_name = "Registers"
