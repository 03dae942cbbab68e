"""The course report groups its rows by unit: one line of totals per unit that opens onto the unit's courses,
with the same totals per unit in the Excel export."""

from __future__ import annotations

import io
import re
from html import unescape

from django.urls import reverse
from openpyxl import load_workbook

from learning import selectors, services
from learning.models import Enrollment
from learning.tests.factories import due_in, make_course


def _units(page: str) -> dict[str, tuple[str, str]]:
    """unit id -> (its summary line as read, the HTML of its rows)."""
    found = {}
    for unit_id, body in re.findall(r'<details class="unit-group" id="unit-(\d+)"[^>]*>(.*?)</details>', page, re.S):
        summary = re.search(r"<summary>(.*?)</summary>", body, re.S).group(1)
        found[unit_id] = (" ".join(unescape(re.sub(r"<[^>]+>", " ", summary)).split()), body)
    return found


def test_report_shows_each_unit_with_its_totals_and_its_courses(world, client_for):
    everyone, branch = make_course(code="X", title="Khóa toàn tỉnh", lessons=1), make_course(code="Y", title="Khóa chi cục A", lessons=1)
    services.assignment_create(course=everyone, unit=world.units["P"], due_date=due_in(5))   # P 5, A 2, A1 1, B 1
    services.assignment_create(course=branch, unit=world.units["A"], due_date=due_in(5))     # A 2, A1 1
    services.lesson_progress_complete(officer=world.officers["officer"], lesson=everyone.lessons.get())  # A: X done
    services.lesson_open(officer=world.officers["other_a1"], lesson=branch.lessons.get())  # A1: Y started
    Enrollment.objects.filter(officer=world.officers["other_b"]).update(due_date=due_in(-1))  # B: X overdue
    services.enrollment_counts_refresh()

    page = client_for("provincial_leader").get(reverse("learning:report")).content.decode()
    units = _units(page)
    ids = {key: str(world.units[key].pk) for key in ("P", "A", "A1", "B")}
    assert list(units) == [ids["P"], ids["A"], ids["A1"], ids["B"]]  # the unit tree's order
    # Worked out by hand from the assignments above.
    assert units[ids["P"]][0] == ("Cục THADS tỉnh P Được giao 5 · Đã bắt đầu 0 · Hoàn thành 0 · Quá hạn 0 · 0%")
    assert units[ids["A"]][0] == "Chi cục A Được giao 4 · Đã bắt đầu 1 · Hoàn thành 1 · Quá hạn 0 · 25%"
    assert units[ids["A1"]][0] == "Tổ A1 Được giao 2 · Đã bắt đầu 1 · Hoàn thành 0 · Quá hạn 0 · 0%"
    assert units[ids["B"]][0] == "Chi cục B Được giao 1 · Đã bắt đầu 0 · Hoàn thành 0 · Quá hạn 1 · 0%"
    # Opening a unit shows its courses, each figure a drill-down to that unit's officers.
    rows_a = units[ids["A"]][1]
    assert "Khóa toàn tỉnh" in rows_a and "Khóa chi cục A" in rows_a
    assert f'{reverse("learning:report-officers", args=[everyone.pk])}?unit={ids["A"]}&amp;status=completed' in rows_a
    assert "Khóa chi cục A" not in units[ids["B"]][1]
    assert f'{reverse("learning:report-officers", args=[everyone.pk])}?unit={ids["B"]}&amp;status=overdue' in units[ids["B"]][1]
    # Several units: all start closed, the totals are enough to scan them.
    assert ' open>' not in page.split('class="unit-groups"', 1)[1]
    totals = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1)
    assert re.findall(r'class="num">(\d+)<', totals) == ["12", "2", "1", "1"]

    book = load_workbook(io.BytesIO(client_for("provincial_leader").get(reverse("learning:report-export")).content))
    by_unit = [list(row) for row in book["Theo đơn vị"].iter_rows(values_only=True)]
    assert by_unit == [
        ["Đơn vị", "Số khóa học", "Được giao", "Đã bắt đầu", "Hoàn thành", "Quá hạn", "Tỷ lệ hoàn thành (%)"],
        ["Cục THADS tỉnh P", 1, 5, 0, 0, 0, 0], ["Chi cục A", 2, 4, 1, 1, 0, 25], ["Tổ A1", 2, 2, 1, 0, 0, 0],
        ["Chi cục B", 1, 1, 0, 0, 1, 0]]
    assert book["Tổng hợp"].max_row == 1 + 6  # the course × unit rows, each with its unit, stay as they were


def test_a_manager_sees_only_the_units_of_their_subtree_and_a_single_unit_opens(world, client_for):
    course = make_course(code="X", lessons=1)
    services.assignment_create(course=course, unit=world.units["P"], due_date=due_in(5))
    services.enrollment_counts_refresh()
    page = client_for("unit_manager").get(reverse("learning:report"), {"unit": world.units["A1"].pk}).content.decode()
    units = _units(page)
    assert list(units) == [str(world.units["A1"].pk)]
    assert f'id="unit-{world.units["A1"].pk}" open>' in page
    everything = _units(client_for("unit_manager").get(reverse("learning:report")).content.decode())
    assert list(everything) == [str(world.units["A"].pk), str(world.units["A1"].pk)]


def test_grouping_adds_up_the_rows_it_is_given():
    rows = [
        {"course__code": "B", "officer__unit_id": 2, "officer__unit__name": "U2", "officer__unit__path": "0001/0002/",
         "assigned": 3, "started": 2, "completed": 1, "overdue": 1},
        {"course__code": "A", "officer__unit_id": 2, "officer__unit__name": "U2", "officer__unit__path": "0001/0002/",
         "assigned": 1, "started": 1, "completed": 1, "overdue": 0},
        {"course__code": "A", "officer__unit_id": 1, "officer__unit__name": "U1", "officer__unit__path": "0001/",
         "assigned": 2, "started": 0, "completed": 0, "overdue": 2},
    ]
    groups = selectors.report_funnel_by_unit(rows=rows)
    assert [(g["unit_name"], [r["course__code"] for r in g["rows"]], g["assigned"], g["started"], g["completed"],
             g["overdue"], g["completion_percent"]) for g in groups] == [
        ("U1", ["A"], 2, 0, 0, 2, 0), ("U2", ["A", "B"], 4, 3, 2, 1, 50)]
