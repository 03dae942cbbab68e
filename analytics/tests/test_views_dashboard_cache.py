"""The dashboards' figures from count tables and scores are built once per data version and read from
the cache until the next fill or score write; the cache is shared by scope, never across scopes."""

from __future__ import annotations

import datetime as dt
import io
import re
from unittest.mock import patch
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from analytics import selectors, services, views
from analytics.models import AdoptionScore
from analytics.services.scores import SETTING_FIELDS, score_state_touch
from analytics.tests.factories import add_events, make_software
from core.roles import Role
from org import services as org_services

pytestmark = pytest.mark.usefixtures("own_catalogue")

MARCH = dt.date(2026, 3, 1)
TUESDAY, WEDNESDAY, THURSDAY = dt.date(2026, 3, 10), dt.date(2026, 3, 11), dt.date(2026, 3, 12)
MARCH_BOARD = reverse("analytics:dashboard") + "?period=month&month=2026-03"


def officer_cells(html: str, officer) -> list[str]:  # noqa: ANN001
    """The officer table's cells of one officer: name, unit, score, stage, active days, steps, …"""
    table = re.search(r'<table id="officer-table">.*?</table>', html, re.S).group(0)
    row = re.search(rf'<tr data-officer="{officer.pk}">(.*?)</tr>', table, re.S)
    assert row, f"{officer} not in the officer table"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def manager_of(world, unit: str, name: str) -> Client:  # noqa: ANN001
    officer = org_services.officer_create(
        full_name=name, email=f"{name.split()[-1].lower()}@moj.gov.vn", unit=world.units[unit],
        position=world.positions["head"], roles={Role.OFFICER, Role.UNIT_MANAGER})
    officer.user.must_change_password = False
    officer.user.save(update_fields=["must_change_password"])
    client = Client()
    client.force_login(officer.user)
    return client


@pytest.fixture
def filled(world):  # noqa: ANN001, ANN201
    """EMAIL expected of everyone; the officer in A used it on Tuesday, the officer in B on Wednesday; the
    count tables filled through Wednesday."""
    make_software("EMAIL", "Thư điện tử công vụ")
    add_events(world.officers["officer"], "EMAIL", TUESDAY, 2)
    add_events(world.officers["other_b"], "EMAIL", WEDNESDAY, 1)
    services.counts_fill(through=WEDNESDAY, start=TUESDAY)
    return world


def test_second_request_is_served_from_the_cache(filled, client_for, django_assert_num_queries):
    manager, leader = client_for("unit_manager"), client_for("provincial_leader")
    for client, url in ((manager, MARCH_BOARD), (leader, MARCH_BOARD), (leader, reverse("analytics:province"))):
        client.get(url)  # session, principal and software catalogue into their caches
    score_state_touch()  # a new data version: the figures are built again
    # Visible units (the filter form's, which also give the chosen unit and the table's row units), the
    # officers, the data version, scores and period counts, software used in the last week, unit × software
    # sums, the trend's scores and counts, overdue case steps and courses, the training funnel (one
    # aggregate of learning's count table).
    with django_assert_num_queries(12):
        first = manager.get(MARCH_BOARD).content.decode()
    # The six reads of count tables and scores come from the cache.
    with django_assert_num_queries(6):
        second = manager.get(MARCH_BOARD).content.decode()
    assert officer_cells(first, filled.officers["officer"]) == officer_cells(second, filled.officers["officer"])
    with django_assert_num_queries(12):
        leader.get(MARCH_BOARD)
    with django_assert_num_queries(6):
        leader.get(MARCH_BOARD)
    # Province: the row units, the data version and one aggregate; then the first two only.
    with django_assert_num_queries(3):
        leader.get(reverse("analytics:province"))
    with django_assert_num_queries(2):
        leader.get(reverse("analytics:province"))


def test_fill_refill_and_score_writes_show_on_the_next_request(filled, client_for):
    manager, officer = client_for("unit_manager"), filled.officers["officer"]
    cells = officer_cells(manager.get(MARCH_BOARD).content.decode(), officer)
    assert cells[2] == "—" and cells[4] == "1"  # no score yet; one active day
    assert officer_cells(manager.get(MARCH_BOARD).content.decode(), officer)[4] == "1"

    add_events(officer, "EMAIL", WEDNESDAY, 1)  # late data about a filled day: marked for a refill
    assert services.counts_fill(through=WEDNESDAY).refilled == [WEDNESDAY]
    assert officer_cells(manager.get(MARCH_BOARD).content.decode(), officer)[4] == "2"

    add_events(officer, "EMAIL", THURSDAY, 1)
    services.counts_fill(through=THURSDAY)
    assert officer_cells(manager.get(MARCH_BOARD).content.decode(), officer)[4] == "3"

    services.adoption_scores_compute(month=MARCH)
    score = AdoptionScore.objects.get(officer=officer, month=MARCH).total
    assert officer_cells(manager.get(MARCH_BOARD).content.decode(), officer)[2] == f"{score:.0f}"
    assert score != 100

    # Only breadth counts now: EMAIL was used, so 100.
    values = {name: Decimal(0) for name in SETTING_FIELDS[:5]} | {"weight_breadth": Decimal(1)}
    values |= {"stage_beginner_from": Decimal(1), "stage_regular_from": Decimal(50),
               "stage_proficient_from": Decimal(80)}
    services.score_settings_save(effective_from=MARCH, values=values)
    cells = officer_cells(manager.get(MARCH_BOARD).content.decode(), officer)
    assert cells[2] == "100" and cells[3] == "Thành thạo"


def test_province_overview_shows_scores_written_after_it_was_cached(filled, client_for):
    leader, url = client_for("provincial_leader"), reverse("analytics:province") + "?month=2026-03"

    def ranking() -> str:
        html = leader.get(url).content.decode()
        return re.search(r'<table id="ranking">.*?</table>', html, re.S).group(0)

    before = ranking()
    assert ranking() == before
    services.counts_fill(through=THURSDAY)
    services.adoption_scores_compute(month=MARCH)
    after = ranking()
    # The province's own officers now have a March score: their row's figures are no longer empty.
    assert after.count("—") < before.count("—")


def test_managers_of_different_units_never_see_each_other_s_figures(filled, client_for):
    manager_a, manager_b = client_for("unit_manager"), manager_of(filled, "B", "Quản Lý Bê")
    html_a = manager_a.get(MARCH_BOARD).content.decode()
    html_b = manager_b.get(MARCH_BOARD).content.decode()
    assert officer_cells(html_a, filled.officers["officer"])[4] == "1"
    assert "Trần Thị OTHER_B" not in html_a
    assert officer_cells(html_b, filled.officers["other_b"])[4] == "1"
    assert "Nguyễn Văn Á" not in html_b
    html_a = manager_a.get(MARCH_BOARD).content.decode()
    assert "Trần Thị OTHER_B" not in html_a and officer_cells(html_a, filled.officers["officer"])[4] == "1"


def test_managers_with_the_same_scope_share_the_figures(filled, client_for, django_assert_num_queries):
    second = manager_of(filled, "A", "Quản Lý Hai")  # also an officer of A: made before any figure is cached
    second.get(reverse("analytics:scorecard"))  # their session and principal into the cache
    client_for("unit_manager").get(MARCH_BOARD)
    with django_assert_num_queries(6):  # as a repeat request: the first manager's figures
        html = second.get(MARCH_BOARD).content.decode()
    assert officer_cells(html, filled.officers["officer"])[4] == "1"


def test_leader_and_manager_see_their_own_scope_from_the_same_cache(filled, client_for):
    leader, manager = client_for("provincial_leader"), client_for("unit_manager")
    html = leader.get(MARCH_BOARD).content.decode()
    assert officer_cells(html, filled.officers["other_b"])[4] == "1"
    assert officer_cells(html, filled.officers["officer"])[4] == "1"
    html = manager.get(MARCH_BOARD).content.decode()
    assert "Trần Thị OTHER_B" not in html
    assert "Trần Thị OTHER_B" in leader.get(MARCH_BOARD).content.decode()


def test_each_language_gets_its_own_page_with_the_same_figures(filled, client_for):
    manager = client_for("unit_manager")
    vietnamese = manager.get(MARCH_BOARD).content.decode()
    manager.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = manager.get(MARCH_BOARD).content.decode()
    assert "Chưa có điểm" in vietnamese
    assert "No score yet" in english and "Chưa có điểm" not in english
    officer = filled.officers["officer"]
    in_english, in_vietnamese = officer_cells(english, officer), officer_cells(vietnamese, officer)
    assert in_english[2] == in_vietnamese[2] and in_english[4:] == in_vietnamese[4:]  # score, days, steps…
    manager.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert "Chưa có điểm" in manager.get(MARCH_BOARD).content.decode()


def test_the_nightly_job_builds_the_landing_pages_before_the_first_visit(filled, client_for, django_assert_num_queries):
    manager, leader = client_for("unit_manager"), client_for("provincial_leader")
    second = manager_of(filled, "A", "Quản Lý Hai")  # same scope as the first manager: built once
    board, province = reverse("analytics:dashboard"), reverse("analytics:province")
    for client, url in ((manager, board), (second, board), (leader, board), (leader, province)):
        client.get(url)  # session, principal and software catalogue into their caches
    score_state_touch()  # the nightly fill moved the data version
    # The manager's unit and the leader's province (two dashboards), and the leader's overview.
    assert selectors.landing_figures_warm(province_page=views.province_content,
                                          dashboard_page=views.dashboard_sections_warm) == 3
    for client in (manager, second, leader):
        with django_assert_num_queries(6), patch("analytics.views._dashboard_sections_context") as drawn:
            client.get(board)  # as a repeat request: nothing built, the sections' HTML included
        drawn.assert_not_called()
    with django_assert_num_queries(2), patch("analytics.views._province_context") as drawn:
        leader.get(province)
    drawn.assert_not_called()  # the page's HTML too was built by the job
    # Another view of the dashboard is not built ahead: its first request builds it.
    with django_assert_num_queries(12):
        manager.get(MARCH_BOARD)


def test_fill_counts_builds_the_landing_pages_only_into_a_shared_cache(filled, settings):
    shared = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                      "LOCATION": "fill-counts-test"}}
    out = io.StringIO()
    call_command("fill_counts", "--through", "2026-03-11", stdout=out)
    assert "landing pages not built (the cache is local to each process)" in out.getvalue()
    # Redis in the PostgreSQL + Redis pass; any other back-end stands for a shared one here.
    settings.CACHES = {**settings.CACHES, "default": shared if "locmem" not in shared["BACKEND"] else
                       {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    out = io.StringIO()
    call_command("fill_counts", "--through", "2026-03-11", stdout=out)
    assert "3 landing page(s) built into the cache" in out.getvalue()
    out = io.StringIO()
    call_command("fill_counts", "--through", "2026-03-11", "--no-warm", stdout=out)
    assert "landing" not in out.getvalue()


def test_province_page_is_kept_per_figures_filter_and_language(filled, client_for, django_assert_num_queries):
    leader, url = client_for("provincial_leader"), reverse("analytics:province")

    def content(query: str) -> str:
        html = leader.get(url + query).content.decode()
        return re.search(r"<main.*?</main>", html, re.S).group(0)

    first = content("?month=2026-03&sort=total")
    with django_assert_num_queries(2):  # the row units and the data version: the HTML is kept
        assert content("?month=2026-03&sort=total") == first
    by_activity = content("?month=2026-03&sort=activity")
    assert by_activity != first and 'sort=activity" aria-current="true"' in by_activity
    assert "Nhập tháng theo dạng YYYY-MM." in content("?month=2026-13")
    assert "Nhập tháng theo dạng YYYY-MM." not in content("")
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Units ranked" in content("?month=2026-03&sort=total")
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert content("?month=2026-03&sort=total") == first
    services.adoption_scores_compute(month=MARCH)  # a score write: the page is drawn again
    assert content("?month=2026-03&sort=total") != first


def test_dashboard_sections_are_kept_per_filter_and_show_live_names(filled, client_for):
    """The sections drawn from the figures (stages, timeliness, trend, unit × software, officer table) are
    kept per filter as typed; the names they show are read live, so a renamed officer shows at once."""
    manager, officer = client_for("unit_manager"), filled.officers["officer"]

    def page(query: str = "") -> str:
        html = manager.get(MARCH_BOARD + query).content.decode()
        return re.search(r"<main.*?</main>", html, re.S).group(0)

    first = page()
    with patch("analytics.views._dashboard_sections_context", wraps=views._dashboard_sections_context) as drawn:
        assert page() == first
        drawn.assert_not_called()
        only_unscored = page("&stage=")
        assert drawn.call_count == 1
    assert only_unscored != first and "Chưa có điểm (" not in first
    assert officer_cells(only_unscored, officer)[0] == officer.full_name
    assert re.search(r"<h2 id=\"officers\">.*Chưa có điểm", only_unscored)
    org_services.officer_update(officer=officer, full_name="Nguyễn Văn Đổi Tên")
    renamed = page()
    assert officer_cells(renamed, officer)[0] == "Nguyễn Văn Đổi Tên"
    assert officer_cells(renamed, officer)[1:] == officer_cells(first, officer)[1:]
