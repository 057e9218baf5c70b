from django.apps import AppConfig


class PenaltiesConfig(AppConfig):
    """Notices to improve and penalty notices under the National Framework.

    Listens to `escalation.signals.threshold_decided`, adds the "Legal interventions"
    panel to the pupil page and the area to the school navigation, and gives the
    threshold decision form each parent's count of notices for the child.
    """

    name = "penalties"

    def ready(self) -> None:
        from escalation.panels import PupilPanel, register_pupil_panel
        from escalation.prefill import register_prior_notices
        from escalation.signals import threshold_decided
        from penalties.panels import panel_context
        from penalties.receivers import on_pupils_purging, on_threshold_decided
        from penalties.selectors import prior_notices
        from penalties.subject_access import PENALTIES_SOURCE
        from registers.navigation import NavItem, register_nav_item
        from registers.permissions import Capability
        from registers.signals import pupils_purging
        from registers.subject_access import register_subject_access_source

        threshold_decided.connect(on_threshold_decided, dispatch_uid="penalties.next_step")
        pupils_purging.connect(on_pupils_purging, dispatch_uid="penalties.purging")
        register_prior_notices(prior_notices)  # the threshold decision form's count
        register_pupil_panel(
            PupilPanel(
                key="legal_interventions",
                template="penalties/_pupil_panel.html",
                context=panel_context,
                order=60,
            )
        )
        register_nav_item(
            NavItem("Legal interventions", "penalties_register", Capability.MANAGE_CASES)
        )
        register_subject_access_source(PENALTIES_SOURCE)
