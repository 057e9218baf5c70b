from django.apps import AppConfig


class AbsencesConfig(AppConfig):
    """Parent absence reports, leave-of-absence requests and first-day calling; pre-enters codes into registers."""

    name = "absences"

    def ready(self) -> None:
        from absences.subject_access import ABSENCES_SOURCE
        from registers.navigation import NavItem, register_nav_item
        from registers.permissions import Capability
        from registers.signals import demo_seeded
        from registers.subject_access import register_subject_access_source

        demo_seeded.connect(_on_demo_seeded, dispatch_uid="absences.demo")
        register_subject_access_source(ABSENCES_SOURCE)

        register_nav_item(NavItem("Absence reports", "absences_queue", Capability.CORRECT_MARKS))
        register_nav_item(NavItem("First-day calls", "absences_calling", Capability.CORRECT_MARKS))
        register_nav_item(
            NavItem("Leave requests", "absences_leave_list", Capability.CORRECT_MARKS)
        )


def _on_demo_seeded(sender, *, school, today, seed, **kwargs) -> None:
    from absences.demo import absences_demo_seed

    absences_demo_seed(school=school, today=today, seed=seed)
