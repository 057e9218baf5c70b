"""Load the 2024 code table from `registers.codes`, the single source of the codes."""

from django.db import migrations


def load_codes(apps, schema_editor):
    from registers.codes import CODE_TABLE

    AttendanceCode = apps.get_model("registers", "AttendanceCode")
    for order, c in enumerate(CODE_TABLE):
        AttendanceCode.objects.update_or_create(
            code=c.code,
            defaults={
                "meaning": c.meaning,
                "category": c.category.value,
                "group": c.group.value,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("registers", "0001_initial")]

    operations = [migrations.RunPython(load_codes, migrations.RunPython.noop)]
