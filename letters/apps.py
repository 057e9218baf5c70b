from django.apps import AppConfig


class LettersConfig(AppConfig):
    """Letters to parents rendered as PDFs, acting on escalation's cases.

    `ready()` adds the Letters area to the navigation, the Letters panel to the pupil
    page and the parent portal, and the letters to the subject access export, and listens
    for decided cases and leave requests.
    """

    name = "letters"

    def ready(self) -> None:
        from absences.portal import PortalPanel, register_portal_panel
        from absences.signals import leave_decided
        from escalation.panels import PupilPanel, register_pupil_panel
        from escalation.signals import case_decided
        from letters import panels, receivers
        from letters.subject_access import LETTERS_SOURCE
        from registers.navigation import NavItem, register_nav_item
        from registers.permissions import Capability
        from registers.signals import pupils_purging
        from registers.subject_access import register_subject_access_source

        register_nav_item(NavItem("Letters", "letters_index", Capability.VIEW_PUPILS))
        register_pupil_panel(
            PupilPanel("letters", "letters/_pupil_panel.html", panels.pupil_panel_context, 60)
        )
        register_portal_panel(
            PortalPanel("letters", "letters/_portal_panel.html", panels.portal_panel_context, 60)
        )
        case_decided.connect(receivers.on_case_decided, dispatch_uid="letters.case_decided")
        leave_decided.connect(receivers.on_leave_decided, dispatch_uid="letters.leave_decided")
        pupils_purging.connect(receivers.on_pupils_purging, dispatch_uid="letters.purging")
        register_subject_access_source(LETTERS_SOURCE)
