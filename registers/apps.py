from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


class RegistersConfig(AppConfig):
    """Schools, calendar, pupils, codes, marks and the attendance rules core.

    Every other app builds on this one; it imports none of them.
    """

    name = "registers"
    verbose_name = "Registers"

    def ready(self) -> None:
        from django.urls import register_converter

        from registers import checks  # noqa: F401  (registers the deployment checks)
        from registers.converters import IsoDateConverter, SessionConverter

        # Registered before any URLconf is imported, so every view module can use them.
        register_converter(IsoDateConverter, "isodate")
        register_converter(SessionConverter, "session")

        # The code table is data the register cannot work without. The data migration
        # loads it; this puts it back after a flush (which sends post_migrate), as
        # contenttypes does for its rows, so a flushed database is still usable.
        post_migrate.connect(ensure_attendance_codes, sender=self)

        from registers.selectors.subject_access import REGISTERS_SOURCE
        from registers.subject_access import register_subject_access_source

        register_subject_access_source(REGISTERS_SOURCE)  # the others add theirs likewise

        # Pupils and enrolments are deleted only by the retention purge (rules §5.3, §5.9).
        from django.db.models.signals import pre_delete

        from registers.models import Enrolment, Pupil
        from registers.protection import refuse_register_deletion

        for model in (Pupil, Enrolment):
            pre_delete.connect(
                refuse_register_deletion, sender=model, dispatch_uid=f"protect-{model.__name__}"
            )


def ensure_attendance_codes(*, apps=global_apps, using: str = "default", **kwargs: object) -> None:
    """Create any missing row of the code table from `registers.codes`."""
    from registers.codes import CODE_TABLE

    try:
        model = apps.get_model("registers", "AttendanceCode")
    except LookupError:  # migrating from before the table existed
        return
    have = set(model.objects.using(using).values_list("code", flat=True))
    model.objects.using(using).bulk_create(
        model(
            code=c.code,
            meaning=c.meaning,
            category=c.category.value,
            group=c.group.value,
            sort_order=order,
        )
        for order, c in enumerate(CODE_TABLE)
        if c.code not in have
    )
