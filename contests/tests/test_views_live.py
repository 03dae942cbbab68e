"""Live final pages: join by PIN, the contestant page, the host's projector page and the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models_live import LiveParticipant, LiveSession
from contests.services.live import live_advance, live_join, live_session_open
from contests.tests.live_factories import live_round, register


@pytest.fixture
def final(world):  # noqa: ANN001, ANN201
    round_ = live_round(organiser=world.officers["contest_organiser"])
    register(round_, world.officers["officer"])
    return live_session_open(round_=round_, host=world.user("contest_organiser"))


def test_joining_with_the_pin_leads_to_the_contestant_page(final, client_for):  # noqa: ANN001
    response = client_for("officer").post(reverse("contests:live-join"), {"pin": final.pin})
    assert response.status_code == 302
    assert response["Location"] == reverse("contests:live-play", kwargs={"session_id": final.pk})
    assert LiveParticipant.objects.filter(session=final).count() == 1


def test_a_wrong_pin_shows_a_vietnamese_message_and_joins_nothing(final, client_for):  # noqa: ANN001
    wrong = "999999" if final.pin != "999999" else "888888"
    response = client_for("officer").post(reverse("contests:live-join"), {"pin": wrong})
    assert response.status_code == 400
    assert f"Mã PIN {wrong}" in response.content.decode()
    assert not LiveParticipant.objects.exists()


def test_an_unregistered_officer_is_told_so(final, client_for):  # noqa: ANN001
    response = client_for("judge").post(reverse("contests:live-join"), {"pin": final.pin})
    assert response.status_code == 400
    assert "chưa đăng ký" in response.content.decode()
    assert not LiveParticipant.objects.exists()


def test_the_qr_code_leads_to_the_join_form_with_the_pin(final, client_for):  # noqa: ANN001
    response = client_for("officer").get(reverse("contests:live-join") + f"?pin={final.pin}")
    assert f'value="{final.pin}"' in response.content.decode()


def test_the_contestant_page_never_holds_the_question_or_its_answer(final, world, client_for):  # noqa: ANN001
    live_join(pin=final.pin, officer=world.officers["officer"])
    live_advance(session_id=final.pk, expected_phase="lobby", expected_index=-1)
    response = client_for("officer").get(reverse("contests:live-play", kwargs={"session_id": final.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"/ws/contests/live/{final.pk}/play/" in html
    for secret in ("SECRET-Q1", "Ctrl + S", "SECRET-Q2", "fraction"):
        assert secret not in html
    assert "<script>" not in html and " onclick=" not in html


def test_the_host_page_shows_pin_and_qr_code_but_no_question(final, client_for):  # noqa: ANN001
    response = client_for("contest_organiser").get(reverse("contests:live-host", kwargs={"round_id": final.round_id}))
    html = response.content.decode()
    assert final.pin in html and "<svg" in html and f"?pin={final.pin}" in html
    assert "SECRET-Q1" not in html


def test_opening_the_lobby_from_the_host_page(world, client_for):  # noqa: ANN001
    round_ = live_round(organiser=world.officers["contest_organiser"])
    response = client_for("contest_organiser").post(reverse("contests:live-open", kwargs={"round_id": round_.pk}))
    assert response.status_code == 302
    assert LiveSession.objects.filter(round=round_, phase="lobby").count() == 1


def test_a_round_that_cannot_be_live_says_why(world, client_for):  # noqa: ANN001
    from quizzes.tests import factories as quiz_factories

    round_ = live_round(organiser=world.officers["contest_organiser"],
                        quiz=quiz_factories.quiz(questions=[quiz_factories.question("matching")]))
    client = client_for("contest_organiser")
    response = client.post(reverse("contests:live-open", kwargs={"round_id": round_.pk}), follow=True)
    assert "Câu 1" in response.content.decode()
    assert not LiveSession.objects.exists()


def test_an_organiser_outside_the_audience_cannot_host(world, client_for):  # noqa: ANN001
    from org import services
    from core.roles import Role

    other = services.officer_create(full_name="Tổ Chức B", email="tcb@moj.gov.vn", unit=world.units["B"],
                                    position=world.positions["clerk"], username="tcb", password="x-Password-1",
                                    roles={Role.OFFICER, Role.CONTEST_ORGANISER})
    type(other.user).objects.filter(pk=other.user_id).update(must_change_password=False)
    round_ = live_round(organiser=world.officers["contest_organiser"], audience_unit=world.units["A"])
    from django.test import Client

    client = Client()
    client.force_login(other.user)
    assert client.get(reverse("contests:live-host", kwargs={"round_id": round_.pk})).status_code == 403
    assert client_for("contest_organiser").get(reverse("contests:live-host", kwargs={"round_id": round_.pk})
                                               ).status_code == 200


def test_live_round_list_query_budget(world, client_for, django_assert_max_num_queries):  # noqa: ANN001
    for _ in range(5):
        round_ = live_round(organiser=world.officers["contest_organiser"], audience_unit=world.units["P"])
        live_session_open(round_=round_, host=None)
    client = client_for("contest_organiser")
    client.get(reverse("contests:live-index"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("contests:live-index"))
    assert response.content.decode().count("PIN") >= 5


def test_the_finished_round_can_be_opened_again(final, world, client_for):  # noqa: ANN001
    LiveSession.objects.filter(pk=final.pk).update(phase="finished", finished_at=timezone.now() - timedelta(hours=1))
    response = client_for("contest_organiser").get(reverse("contests:live-host", kwargs={"round_id": final.round_id}))
    assert response.status_code == 200 and "contests/live.js" not in response.content.decode()


def test_live_pages_with_their_assets_stay_under_the_page_budget(final, world, client_for):  # noqa: ANN001
    from tests.test_page_budget import BUDGET, compressed_weight

    live_join(pin=final.pin, officer=world.officers["officer"])
    pages = [("contest_organiser", reverse("contests:live-host", kwargs={"round_id": final.round_id})),
             ("officer", reverse("contests:live-play", kwargs={"session_id": final.pk})),
             ("officer", reverse("contests:live-join"))]
    for role, url in pages:
        response = client_for(role).get(url)
        weight, assets = compressed_weight(response.content.decode())
        assert "contests/live.css" in assets
        assert weight <= 50 * 1024 < BUDGET, (url, weight)
