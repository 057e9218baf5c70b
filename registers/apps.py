from django.apps import AppConfig


class RegistersConfig(AppConfig):
    """Schools, calendar, pupils, codes, marks and the attendance rules core.

    Every other app builds on this one; it imports none of them.
    """

    name = "registers"
    verbose_name = "Registers"

    def ready(self) -> None:
        from django.urls import register_converter

        from registers.converters import IsoDateConverter, SessionConverter

        # Registered before any URLconf is imported, so every view module can use them.
        register_converter(IsoDateConverter, "isodate")
        register_converter(SessionConverter, "session")
