"""Course texts typed with combining accents before entry was normalised are rewritten in NFC."""

from functools import partial

from django.db import migrations

from core.text import nfc_repair_models

FIELDS = {
    "Course": ["title", "summary"],
    "Module": ["title"],
    "Lesson": ["title", "body"],
    "Certificate": ["officer_name", "course_title", "revoked_reason"],
    "Notification": ["title", "body"],
}


class Migration(migrations.Migration):
    dependencies = [("learning", "0004_certificate_issue_details")]
    operations = [migrations.RunPython(partial(nfc_repair_models, app_label="learning", fields=FIELDS),
                                     migrations.RunPython.noop)]
