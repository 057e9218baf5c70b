from django.apps import AppConfig


class EscalationConfig(AppConfig):
    """The status engine, escalation policy and cases, read from registers.

    `registers` never imports this app: it announces mark writes with
    `registers.signals.marks_changed`, which `ready()` connects to the recompute queue,
    and the retention purge's removal of old marks with `marks_purged`, which drops the
    weekly figures counted from them.
    """

    name = "escalation"

    def ready(self) -> None:
        from escalation import subject_access
        from escalation.navigation import NAV_ITEMS
        from escalation.panels import PupilPanel, register_pupil_panel
        from registers.navigation import register_nav_item
        from registers.signals import marks_changed, marks_purged
        from registers.subject_access import register_subject_access_source

        marks_changed.connect(_on_marks_changed, dispatch_uid="escalation.recompute")
        marks_purged.connect(_on_marks_purged, dispatch_uid="escalation.retention")
        for item in NAV_ITEMS:  # the dashboard's areas in the layout's school navigation
            register_nav_item(item)
        register_subject_access_source(subject_access.ESCALATION_SOURCE)
        register_pupil_panel(  # last on the pupil page, for headteachers only
            PupilPanel(
                "subject_access",
                "escalation/_subject_access_panel.html",
                subject_access.export_panel_context,
                order=200,
            )
        )


def _on_marks_changed(sender, *, school, pupil_ids, source, dates=None, **kwargs) -> None:
    from escalation.services.queue import status_enqueue

    status_enqueue(school=school, pupil_ids=pupil_ids, dates=dates)


def _on_marks_purged(sender, *, cutoff, **kwargs) -> dict[str, int]:
    from escalation.services.retention import pupil_weeks_purge

    return pupil_weeks_purge(cutoff=cutoff)
