"""Load the national amounts and periods (rules §4.2, §4.3) as editable dated rows."""

from dataclasses import asdict

from django.db import migrations


def load(apps, schema_editor):
    from penalties.rules import NATIONAL_TERMS

    Terms = apps.get_model("penalties", "PenaltyTermsConfig")
    for terms in NATIONAL_TERMS:
        Terms.objects.get_or_create(
            school=None,
            local_authority="",
            effective_from=terms.effective_from,
            defaults={
                **{k: v for k, v in asdict(terms).items() if k != "effective_from"},
                "note": "National terms (Education (Penalty Notices) (England) Regulations)",
            },
        )


def unload(apps, schema_editor):
    apps.get_model("penalties", "PenaltyTermsConfig").objects.filter(
        school=None, local_authority=""
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("penalties", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
