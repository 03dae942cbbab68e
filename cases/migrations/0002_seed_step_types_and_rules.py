"""Seed the step types and the statutory deadline rules of DOMAIN.md (both stay editable data).

Law 26/2008/QH12 as amended by 64/2014/QH13 is seeded from 1 July 2015; Law 106/2025/QH15 replaces
it from 1 July 2026 and its deadlines are not verified yet, so the same periods are seeded for that
date, marked as such, for an administrator to correct.
"""

from datetime import date

from django.db import migrations

STEP_TYPES = [
    # code, name, order, on time within (working days), status set
    ("intake", "Thụ lý", 10, 1, ""),
    ("decision", "Ra quyết định thi hành án", 20, 1, ""),
    ("procuracy", "Gửi quyết định cho Viện kiểm sát", 30, 1, ""),
    ("notification", "Thông báo cho đương sự", 40, 1, ""),
    ("voluntary_end", "Hết thời hạn tự nguyện", 50, 1, ""),
    ("verification", "Xác minh điều kiện thi hành án", 60, 1, "in_progress"),
    ("no_means", "Xác định chưa có điều kiện thi hành án", 70, 1, "no_means"),
    ("no_means_published", "Công khai thông tin chưa có điều kiện", 75, 1, ""),
    ("coercion", "Cưỡng chế thi hành án", 80, 1, ""),
    ("seizure", "Kê biên tài sản", 90, 1, ""),
    ("valuation", "Thẩm định giá", 100, 1, ""),
    ("auction", "Bán đấu giá", 110, 1, ""),
    ("collection", "Thu tiền", 120, 1, ""),
    ("payout", "Chi trả tiền", 130, 1, ""),
    ("postponement", "Hoãn thi hành án", 140, 1, "postponed"),
    ("suspension", "Tạm đình chỉ thi hành án", 150, 1, "suspended"),
    ("termination", "Đình chỉ thi hành án", 160, 1, "terminated"),
    ("closure", "Kết thúc thi hành án", 170, 1, "completed"),
    ("archive", "Lưu trữ hồ sơ", 180, 1, "archived"),
]

# from, to, case kind, period, unit, article
RULES = [
    ("intake", "decision", "on_request", 5, "working_days", "Điều 36 khoản 1"),
    ("intake", "decision", "ex_officio", 5, "working_days", "Điều 36 khoản 2"),
    ("decision", "procuracy", "", 3, "working_days", "Điều 38"),
    ("decision", "notification", "", 3, "working_days", "Điều 39"),
    ("notification", "voluntary_end", "", 10, "calendar_days", "Điều 45"),
    ("voluntary_end", "verification", "", 10, "calendar_days", "Điều 44 khoản 1"),
    ("no_means", "verification", "", 6, "months", "Điều 44 khoản 2"),
    ("no_means", "no_means_published", "", 5, "working_days", "Điều 44a"),
    ("collection", "payout", "", 10, "calendar_days", "Điều 47 khoản 5"),
]
LAWS = [
    (date(2015, 7, 1), "Luật THADS 2008 (sửa đổi 2014), "),
    (date(2026, 7, 1), "Luật THADS 2025 (chưa đối chiếu) — theo "),
]


def seed(apps, schema_editor):
    StepType = apps.get_model("cases", "StepType")
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    types = {}
    for code, name, order, within, status in STEP_TYPES:
        types[code], _ = StepType.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "on_time_within": within, "sets_status": status})
    for effective_from, law in LAWS:
        for from_code, to_code, kind, period, unit, article in RULES:
            DeadlineRule.objects.get_or_create(
                from_step=types[from_code], to_step=types[to_code], case_kind=kind, effective_from=effective_from,
                defaults={"period": period, "unit": unit, "article": (law + article)[:80]})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
