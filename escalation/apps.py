from django.apps import AppConfig


class EscalationConfig(AppConfig):
    """The status engine, escalation policy and cases, read from registers."""

    name = "escalation"
