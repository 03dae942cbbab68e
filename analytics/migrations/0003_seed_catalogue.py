"""Loads the seed catalogue (analytics/catalogue.py, as of this migration): the 8 software of
DOMAIN.md with their meaningful actions and expected positions (positions that already exist),
the default xAPI verb × activity mappings, and the default score settings."""

from datetime import date

from django.db import migrations

from analytics import catalogue


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    Software = apps.get_model("analytics", "Software")
    SoftwareAction = apps.get_model("analytics", "SoftwareAction")
    XapiMapping = apps.get_model("analytics", "XapiMapping")
    ScoreSettings = apps.get_model("analytics", "ScoreSettings")
    Position = apps.get_model("org", "Position")
    actions = {}
    for order, (code, name, description, software_actions, positions) in enumerate(catalogue.SOFTWARE, start=1):
        software, _ = Software.objects.get_or_create(code=code, defaults={
            "name": name, "description": description, "order": order, "expected_of_everyone": not positions})
        for action_code, action_name in software_actions:
            action, _ = SoftwareAction.objects.get_or_create(software=software, code=action_code,
                                                             defaults={"name": action_name})
            actions[(code, action_code)] = action
        if positions:
            software.expected_positions.add(*Position.objects.filter(code__in=positions))
    for verb, activity, software_code, action_code in catalogue.XAPI_MAPPINGS:
        XapiMapping.objects.get_or_create(verb_iri=verb, activity_iri=activity,
                                          defaults={"action": actions[(software_code, action_code)]})
    if not ScoreSettings.objects.exists():
        ScoreSettings.objects.create(effective_from=date(2020, 1, 1))


class Migration(migrations.Migration):

    dependencies = [
        ("analytics", "0002_import_xapi_refill"),
        ("org", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
