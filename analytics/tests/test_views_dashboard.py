"""The adoption pages: what each role sees, drill-downs, export, query budgets."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analytics.services.scores import score_state_touch
from analytics.tests.factories import make_score, make_software, put_officer_counts, put_unit_counts
from cases.models import CaseDeadline
from cases.tests.factories import ensure_reference_data, make_case
from org import services as org_services

# Written against a catalogue each test builds; the seeded one is set aside.
pytestmark = pytest.mark.usefixtures("empty_catalogue")


@pytest.fixture
def data(world):  # noqa: ANN001, ANN201
    """QLVB expected of enforcement officers, EMAIL of everyone; the officer in A used QLVB today and has
    a score; the officer has one overdue case step (intake long ago, no decision recorded)."""
    ensure_reference_data()
    today = timezone.localdate()
    make_software("QLVB", "Quản lý văn bản", positions=[world.positions["enforcement_officer"]], order=1)
    make_software("EMAIL", "Thư điện tử công vụ", order=2)
    officer = world.officers["officer"]
    put_officer_counts(officer, today, active__QLVB=1, events__QLVB=6, steps_recorded=4, steps_on_time=3)
    put_officer_counts(world.officers["other_b"], today, active__EMAIL=1, events__EMAIL=2)
    put_unit_counts(world.units["A"], today, active__QLVB=1, officers=2, steps_recorded=4, steps_on_time=3)
    put_unit_counts(world.units["B"], today, active__EMAIL=1, officers=1)
    make_score(officer, today, 35.5, "beginner")
    make_score(world.officers["other_a1"], today, 82, "proficient")
    make_case(world, number="7/QĐ-CCTHADS", intake=today - dt.timedelta(days=40))
    return world


def _names(html: str, table_id: str) -> str:
    match = re.search(rf'<table id="{table_id}".*?</table>', html, re.S)
    assert match, table_id
    return match.group(0)


def test_manager_sees_only_own_subtree_with_laggard_first(data, client_for):
    html = client_for("unit_manager").get(reverse("analytics:dashboard")).content.decode()
    officers = _names(html, "officer-table")
    assert "Nguyễn Văn Á" in officers and "Trần Thị OTHER_A1" in officers
    assert "Trần Thị OTHER_B" not in html and "Huỳnh Lãnh Đạo" not in officers
    laggards = _names(html, "laggard-table")
    # The officer has an overdue case step: first in the combined list, with a link to the rows behind it.
    first = re.search(r'<tr data-officer="(\d+)"', laggards).group(1)
    assert int(first) == data.officers["officer"].pk
    assert f'{reverse("analytics:officer-detail", args=[data.officers["officer"].pk])}' in laggards
    # Scores: lowest first; stage shown.
    assert officers.index("Nguyễn Văn Á") < officers.index("Trần Thị OTHER_A1")
    assert "Mới bắt đầu" in officers and "Thành thạo" in officers


def test_leader_sees_the_whole_province_and_admin_everything(data, client_for):
    for role in ("provincial_leader", "admin"):
        html = client_for(role).get(reverse("analytics:dashboard")).content.decode()
        assert "Trần Thị OTHER_B" in _names(html, "officer-table"), role


def test_a_unit_outside_scope_cannot_be_chosen(data, client_for):
    response = client_for("unit_manager").get(reverse("analytics:dashboard"), {"unit": data.units["B"].pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trần Thị OTHER_B" not in html
    assert "Chi cục A" in html


def test_every_chart_is_a_data_block_with_links_and_a_table(data, client_for):
    html = client_for("unit_manager").get(reverse("analytics:dashboard")).content.decode()
    assert "<script>" not in html.replace('<script type="application/json"', "")  # no inline script
    blocks = re.findall(r'<script id="(chart-[a-z]+)" type="application/json">(.*?)</script>', html, re.S)
    assert {name for name, _ in blocks} == {"chart-stages", "chart-timeliness", "chart-funnel", "chart-trend"}
    for name, body in blocks:
        figure = json.loads(body)
        assert figure["data"] and figure["layout"], name
        assert all(trace.get("customdata") for trace in figure["data"]), f"{name}: every point opens its rows"
        assert f'data-chart="{name}"' in html
    for table in ("stages", "timeliness", "funnel", "trend", "heatmap"):
        assert f'<table id="{table}"' in html
    assert "plotly-basic.min.js" in html and "analytics/charts.js" in html


def test_stage_drill_down_lists_only_that_stage(data, client_for):
    html = client_for("unit_manager").get(reverse("analytics:dashboard"), {"stage": "proficient"}).content.decode()
    officers = _names(html, "officer-table")
    assert "Trần Thị OTHER_A1" in officers and "Nguyễn Văn Á" not in officers


def test_heatmap_cell_is_active_officer_days_over_working_days(data, client_for):
    """A: 1 active QLVB officer-day out of 2 officers on one day; the month's share of working days
    scales the officer-days: percent = 1 / (2 × working days ÷ calendar days)."""
    from analytics import selectors

    today = timezone.localdate()
    period = selectors.period_get(kind="month", year=today.year, month=today.month)
    board = selectors.dashboard_get(user=data.user("unit_manager"), period=period, today=today)
    row = next(row for row in board.heatmap if row["unit"].code == "A")
    share = selectors.working_days_between(period.start, period.end) / ((period.end - period.start).days + 1)
    cell = next(cell for cell in row["cells"] if cell["code"] == "QLVB")
    assert cell["percent"] == round(100 * 1 / (2 * share), 1)
    assert row["own_only"] is True  # A's own officers; A1 has its own row


def test_officer_drill_down_shows_overdue_steps_and_is_scoped(data, client_for):
    officer = data.officers["officer"]
    deadline = CaseDeadline.objects.filter(officer=officer, is_open=True).first()
    url = reverse("analytics:officer-detail", args=[officer.pk])
    html = client_for("unit_manager").get(url).content.decode()
    assert "7/QĐ-CCTHADS" in _names(html, "overdue-table")
    assert deadline.expected.name in html
    assert "QLVB" in _names(html, "software-table")
    other = reverse("analytics:officer-detail", args=[data.officers["other_b"].pk])
    assert client_for("unit_manager").get(other).status_code == 404
    assert client_for("provincial_leader").get(other).status_code == 200


def test_export_holds_what_is_on_screen_within_scope(data, client_for):
    response = client_for("unit_manager").get(reverse("analytics:dashboard-export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert {"Cán bộ", "Chậm trong tuần này", "Đơn vị × phần mềm"} <= set(book.sheetnames)
    cells = {str(cell.value) for row in book["Cán bộ"].iter_rows() for cell in row}
    assert "Nguyễn Văn Á" in cells and "Trần Thị OTHER_B" not in cells


def test_officer_scorecard_and_home_panel(data, client_for):
    client = client_for("officer")
    html = client.get(reverse("analytics:scorecard")).content.decode()
    software = _names(html, "software")
    assert "QLVB" in software and "EMAIL" in software
    assert "1 bước thi hành án quá hạn chưa nhập" in html  # the next step, from the overdue deadline
    home = client.get(reverse("core:home")).content.decode()
    assert 'id="panel-adoption"' in home
    assert "1 bước thi hành án quá hạn chưa nhập" in home
    assert "Mức dùng phần mềm sẽ hiện ở đây" not in home


def test_scorecard_shows_the_month_s_contest_prizes_and_entries(data, client_for):
    officer = data.officers["officer"]
    put_officer_counts(officer, timezone.localdate(), contest_entered=2, contest_awarded=1)
    html = client_for("officer").get(reverse("analytics:scorecard")).content.decode()
    assert "Giải thưởng / lượt dự thi hội thi<strong>1/2</strong>" in html


def test_next_step_names_an_unused_expected_software(world, client_for):
    make_software("QLVB", "Quản lý văn bản", positions=[world.positions["enforcement_officer"]])
    html = client_for("officer").get(reverse("analytics:scorecard")).content.decode()
    assert "Tháng này bạn chưa dùng Quản lý văn bản" in html


def test_province_overview_ranks_and_keeps_small_units_aggregate(data, client_for):
    """A (3 officers) and B (1 officer) are under 5 and not the leader's own unit: one combined row.
    With 5 officers, B is shown by name and ranked."""
    today = timezone.localdate()
    client = client_for("provincial_leader")
    html = client.get(reverse("analytics:province")).content.decode()
    ranking = _names(html, "ranking")
    assert "Chi cục A" not in ranking and "Chi cục B" not in ranking
    assert "Các đơn vị dưới 5 cán bộ (gộp chung)" in ranking
    for index in range(4):
        officer = org_services.officer_create(full_name=f"Cán bộ B{index}", email=f"b{index}@moj.gov.vn",
                                              unit=data.units["B"], position=data.positions["clerk"])
        make_score(officer, today, 60 + index)
    make_score(data.officers["other_b"], today, 50)
    make_score(data.officers["other_b"], today.replace(day=1) - dt.timedelta(days=1), 20)
    ranking = _names(client.get(reverse("analytics:province")).content.decode(), "ranking")
    assert "Chi cục B" in ranking and "Chi cục A" not in ranking
    assert f"?period=month&amp;month={today:%Y-%m}&amp;unit={data.units['B'].pk}" in ranking


def test_query_counts_stay_flat_as_data_grows_tenfold(data, client_for):
    """Dashboard and province overview: the same number of queries with 10× the officers and days."""
    today = timezone.localdate()

    def grow(count: int, start: int) -> None:
        for index in range(start, start + count):
            officer = org_services.officer_create(full_name=f"Cán bộ {index}", email=f"cb{index}@moj.gov.vn",
                                                  unit=data.units["A1"], position=data.positions["clerk"])
            for back in range(3):
                put_officer_counts(officer, today - dt.timedelta(days=back), active__EMAIL=1, steps_recorded=2)
            make_score(officer, today, 40 + index % 50)

    def measure(client, url: str) -> tuple[int, int]:  # noqa: ANN001
        """Queries of the first request after the data changed (figures built) and of the next one
        (figures from the cache)."""
        score_state_touch()
        counts = []
        for _attempt in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return tuple(counts)

    client_m, client_l = client_for("unit_manager"), client_for("provincial_leader")
    urls = [(client_m, reverse("analytics:dashboard")), (client_l, reverse("analytics:province")),
            (client_m, reverse("analytics:dashboard") + "?period=year")]
    grow(3, 0)
    for client, url in urls:  # sessions, principals and the software catalogue into their caches
        client.get(url)
    small = [measure(client, url) for client, url in urls]
    grow(27, 3)
    large = [measure(client, url) for client, url in urls]
    assert small == large
    assert max(cold for cold, _warm in large) <= 16, large
    assert all(warm < cold for cold, warm in large), large


def test_dashboard_query_budget(data, client_for, django_assert_max_num_queries, django_assert_num_queries):
    client = client_for("unit_manager")
    client.get(reverse("analytics:dashboard"))
    with django_assert_max_num_queries(16):
        client.get(reverse("analytics:dashboard"))
    leader = client_for("provincial_leader")
    leader.get(reverse("analytics:province"))
    # A repeat request: the row units and the data version; the aggregate of the headcount and the
    # scores per unit × month comes from the cache (test_views_dashboard_cache has the first request).
    with django_assert_num_queries(2):
        leader.get(reverse("analytics:province"))


def test_bad_filter_input_is_named_and_falls_back(data, client_for):
    response = client_for("unit_manager").get(reverse("analytics:dashboard"), {"month": "2026-13", "period": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nhập tháng theo dạng YYYY-MM." in html
