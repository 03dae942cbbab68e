"""The IT focal person's weekly list: who is behind in their units, one suggestion each, actions recorded."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from analytics import selectors
from support.models import FocalAction
from support.tests.factories import article, focal, help_request, software


def _fresh(user):  # noqa: ANN001, ANN202
    return type(user).objects.get(pk=user.pk)


def test_list_holds_officers_of_the_focal_units_only_with_a_suggestion_each(world):  # noqa: ANN001
    from analytics.tests.factories import make_software

    make_software("CKS", "Chữ ký số")  # expected of every officer
    selectors.cache.delete(selectors.CATALOGUE_KEY)
    guide = article(title="Ký số bằng USB token", by=world.user("trainer"))
    assert guide.software.code == "CKS"
    focal(world.units["A"], world.officers["unit_manager"])
    help_request(world.officers["other_b"], subject="Ngoài đơn vị")
    week = selectors.focal_week_get(user=_fresh(world.user("unit_manager")), today=timezone.localdate())
    names = {row.laggard.name for row in week.rows}
    # Unit A's officers (A1 included) used no expected software this week; unit B is not theirs.
    assert world.officers["officer"].full_name in names and world.officers["other_a1"].full_name in names
    assert world.officers["other_b"].full_name not in names
    row = next(row for row in week.rows if row.laggard.officer_id == world.officers["officer"].pk)
    assert row.suggestion == "send_article" and row.article == guide and "CKS" in row.suggestion_text


def test_an_open_request_puts_an_officer_on_the_list(world):  # noqa: ANN001
    focal(world.units["A"], world.officers["unit_manager"])
    help_request(world.officers["officer"])
    week = selectors.focal_week_get(user=_fresh(world.user("unit_manager")))
    row = next(row for row in week.rows if row.laggard.officer_id == world.officers["officer"].pk)
    assert row.open_requests == 1


def test_recorded_action_keeps_what_the_list_showed_and_appears_next_week(world, client_for):  # noqa: ANN001
    focal(world.units["A"], world.officers["unit_manager"])
    help_request(world.officers["officer"])
    client = client_for("unit_manager")
    page = client.get(reverse("analytics:focal-week"))
    assert page.status_code == 200 and world.officers["officer"].full_name in page.content.decode()
    response = client.post(reverse("analytics:focal-action", args=[world.officers["officer"].pk]),
                           {"kind": "book_session", "note": "Hẹn chiều thứ Năm"})
    assert response.status_code == 302
    action = FocalAction.objects.get(officer=world.officers["officer"])
    assert action.before["requests"] == 1 and action.by == world.user("unit_manager")
    FocalAction.objects.filter(pk=action.pk).update(created_at=timezone.now() - dt.timedelta(days=7))
    page = client.get(reverse("analytics:focal-week")).content.decode()
    assert "Hẹn một buổi hướng dẫn 30 phút" in page


def test_an_officer_outside_the_focal_units_or_an_unknown_action_is_not_recorded(world, client_for):  # noqa: ANN001
    focal(world.units["A"], world.officers["unit_manager"])
    client = client_for("unit_manager")
    response = client.post(reverse("analytics:focal-action", args=[world.officers["officer"].pk]),
                           {"kind": "bribe"}, follow=True)
    assert "Hãy chọn việc đã làm trong danh sách." in response.content.decode()
    response = client.post(reverse("analytics:focal-action", args=[world.officers["other_b"].pk]),
                           {"kind": "book_session"})
    assert response.status_code == 404 and not FocalAction.objects.exists()


def test_week_page_queries_do_not_grow_with_officers(world, client_for, django_assert_max_num_queries):  # noqa: ANN001
    from org import services as org_services

    software("CKS")
    focal(world.units["A"], world.officers["unit_manager"])
    client = client_for("unit_manager")
    client.get(reverse("analytics:focal-week"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("analytics:focal-week"))
    for n in range(15):
        org_services.officer_create(full_name=f"Cán bộ {n}", email=f"cb{n}@moj.gov.vn", unit=world.units["A1"],
                                    position=world.positions["clerk"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("analytics:focal-week")).status_code == 200


def test_weekly_digest_goes_to_each_focal_person_once_a_week(world):  # noqa: ANN001
    from analytics.services.focal_digest import focal_digests_send
    from learning.models import Notification

    focal(world.units["A"], world.officers["unit_manager"])
    help_request(world.officers["officer"])
    monday = dt.date(2026, 12, 7)
    assert focal_digests_send(today=monday) == 1
    assert focal_digests_send(today=monday + dt.timedelta(days=2)) == 0
    note = Notification.objects.get(recipient=world.user("unit_manager"), reason_key__startswith="support:focal-week")
    assert world.officers["officer"].full_name in note.body and note.url == reverse("analytics:focal-week")
    assert focal_digests_send(today=monday + dt.timedelta(days=7)) == 1
