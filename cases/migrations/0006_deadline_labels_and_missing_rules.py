"""Deadline rules as officers read them, and the two rules of DOMAIN.md that were missing.

- The legal basis of the rules seeded for Law 106/2025/QH15 read "Luật THADS 2025 (chưa đối chiếu) —
  theo Điều …": officers now read the law and the corresponding article of the previous law; "not
  verified" stays on the rule (`is_verified`) for administrators.
- Art. 30: the right to request enforcement expires 5 years after the judgment takes effect
  (a "judgment effective" step; the request, i.e. the intake of a case on request, is due within 5 years).
- Art. 44(2): re-verification every 6 months, yearly when the debtor is serving a prison sentence or
  their address is unknown (a "no means yet — debtor in prison or address unknown" step).
"""

from datetime import date

from django.db import migrations

OLD_PREFIX = "Luật THADS 2025 (chưa đối chiếu) — theo "
NEW_PREFIX = "Luật THADS 2025 (tương ứng "
NEW_SUFFIX = " Luật 2008)"

STEP_TYPES = [
    # code, name, order, on time within (working days), status set
    ("judgment_effective", "Bản án, quyết định có hiệu lực pháp luật", 5, 1, ""),
    ("no_means_yearly", "Chưa có điều kiện thi hành án (người phải THA đang chấp hành án phạt tù "
                        "hoặc không rõ địa chỉ)", 71, 1, "no_means"),
]
LAWS = [
    (date(2015, 7, 1), "Luật THADS 2008 (sửa đổi 2014), ", "", True),
    (date(2026, 7, 1), NEW_PREFIX, NEW_SUFFIX, False),
]
RULES = [
    ("judgment_effective", "intake", "on_request", 5, "years", "Điều 30"),
    ("no_means_yearly", "verification", "", 1, "years", "Điều 44 khoản 2"),
]


def forwards(apps, schema_editor):
    StepType = apps.get_model("cases", "StepType")
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    for rule in DeadlineRule.objects.filter(article__startswith=OLD_PREFIX):
        rule.article = (NEW_PREFIX + rule.article[len(OLD_PREFIX):] + NEW_SUFFIX)[:80]
        rule.save(update_fields=["article"])
    types = {step.code: step for step in StepType.objects.all()}
    for code, name, order, within, status in STEP_TYPES:
        types[code], _ = StepType.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "on_time_within": within, "sets_status": status})
    if "intake" not in types or "verification" not in types:
        return  # a database whose step types were replaced by an administrator: nothing to attach to
    for effective_from, prefix, suffix, verified in LAWS:
        for from_code, to_code, kind, period, unit, article in RULES:
            DeadlineRule.objects.get_or_create(
                from_step=types[from_code], to_step=types[to_code], case_kind=kind, effective_from=effective_from,
                defaults={"period": period, "unit": unit, "article": (prefix + article + suffix)[:80],
                          "is_verified": verified})


def backwards(apps, schema_editor):
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    for rule in DeadlineRule.objects.filter(article__startswith=NEW_PREFIX, article__endswith=NEW_SUFFIX):
        rule.article = (OLD_PREFIX + rule.article[len(NEW_PREFIX):-len(NEW_SUFFIX)])[:80]
        rule.save(update_fields=["article"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_text_nfc")]
    operations = [migrations.RunPython(forwards, backwards)]
