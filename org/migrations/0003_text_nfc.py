"""Names typed with combining accents before entry was normalised are rewritten in NFC."""

from functools import partial

from django.db import migrations

from core.text import nfc_repair_models

FIELDS = {"UnitKind": ["name"], "Unit": ["name"], "Position": ["name"], "Officer": ["full_name"]}


class Migration(migrations.Migration):
    dependencies = [("org", "0002_unitsignatory")]
    operations = [migrations.RunPython(partial(nfc_repair_models, app_label="org", fields=FIELDS),
                                     migrations.RunPython.noop)]
