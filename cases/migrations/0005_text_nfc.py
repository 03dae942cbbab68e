"""Case texts typed with combining accents before entry was normalised are rewritten in NFC."""

from functools import partial

from django.db import migrations

from core.text import nfc_repair_models

FIELDS = {
    "StepType": ["name"],
    "DeadlineRule": ["article"],
    "EnforcementCase": ["obligation", "judgment_ref"],
    "CaseParty": ["full_name", "address"],
    "CaseStep": ["note"],
}


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_deadline_rule_verified")]
    operations = [migrations.RunPython(partial(nfc_repair_models, app_label="cases", fields=FIELDS),
                                     migrations.RunPython.noop)]
