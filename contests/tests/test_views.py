"""Contest pages: organiser setup, registration, taking a round, judging, results; query budgets."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from contests import services
from contests.models import Contest, Registration, Round
from contests.models_judging import Criterion, JudgeScore
from contests.tests import factories
from core.ui import landing_url_for


def _local(moment):  # noqa: ANN001, ANN202
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_organiser_creates_a_contest_adds_a_round_and_publishes(world, client_for):
    client = client_for("contest_organiser")
    now = timezone.now()
    response = client.post(reverse("contests:contest-create"), {
        "title": "Hội thi Tin học THADS 2027", "audience_unit": world.units["P"].pk, "allow_individual": "on",
        "team_min_size": 2, "team_max_size": 1, "registration_opens_at": _local(now),
        "registration_closes_at": _local(now + timedelta(days=7)), "awards_first": 1, "awards_second": 2,
        "awards_third": 3, "awards_merit": 4})
    assert response.status_code == 200 and "Số thành viên đội" in response.content.decode()
    assert not Contest.objects.exists()
    response = client.post(reverse("contests:contest-create"), {
        "title": "Hội thi Tin học THADS 2027", "audience_unit": world.units["P"].pk, "allow_individual": "on",
        "team_min_size": 1, "team_max_size": 5, "registration_opens_at": _local(now),
        "registration_closes_at": _local(now + timedelta(days=7)), "awards_first": 1, "awards_second": 2,
        "awards_third": 3, "awards_merit": 4})
    contest = Contest.objects.get()
    assert response.url == reverse("contests:contest-manage", kwargs={"pk": contest.pk})
    response = client.post(reverse("contests:contest-publish", kwargs={"pk": contest.pk}), {"published": "1"},
                           follow=True)
    assert "chưa có vòng thi" in response.content.decode()
    response = client.post(reverse("contests:round-create", kwargs={"pk": contest.pk}), {
        "title": "Thực hành ký số", "format": "judged", "weight": "1", "aggregate": "trimmed"})
    round_ = Round.objects.get()
    assert response.url == reverse("contests:round-judging", kwargs={"pk": round_.pk})
    assert round_.options == {"aggregate": "trimmed"}
    client.post(reverse("contests:round-judging", kwargs={"pk": round_.pk}),
                {"action": "task", "task-title": "Ký số văn bản"})
    task = round_.tasks.get()
    client.post(reverse("contests:round-judging", kwargs={"pk": round_.pk}),
                {"action": "criterion", "criterion-task": task.pk, "criterion-title": "Đúng quy trình",
                 "criterion-max_points": "10"})
    assert task.criteria.get().max_points == Decimal(10)
    client.post(reverse("contests:contest-publish", kwargs={"pk": contest.pk}), {"published": "1"})
    contest.refresh_from_db()
    assert contest.is_published


def test_another_units_organiser_cannot_manage_the_contest(world, client_for):
    from core.roles import Role
    from org import services as org_services

    contest = factories.contest(world, audience_unit=world.units["A"])
    outsider = org_services.officer_create(full_name="Tổ chức B", email="tcb@moj.gov.vn", unit=world.units["B"],
                                           position=world.positions["clerk"], username="tcb",
                                           roles={Role.OFFICER, Role.CONTEST_ORGANISER})
    type(outsider.user).objects.filter(pk=outsider.user_id).update(must_change_password=False)
    from django.test import Client

    client = Client()
    client.force_login(outsider.user)
    assert client.get(reverse("contests:contest-manage", kwargs={"pk": contest.pk})).status_code == 404
    assert contest.title not in client.get(reverse("contests:manage-list")).content.decode()


def test_officer_registers_and_takes_the_online_round_on_the_quiz_pages(world, client_for):
    contest = factories.contest(world)
    round_ = factories.online_round(contest)
    client = client_for("officer")
    page = client.get(reverse("contests:contest-detail", kwargs={"pk": contest.pk})).content.decode()
    assert reverse("contests:register", kwargs={"pk": contest.pk}) in page
    response = client.post(reverse("contests:round-start", kwargs={"pk": round_.pk}), follow=True)
    assert "chưa đăng ký" in response.content.decode()
    client.post(reverse("contests:register", kwargs={"pk": contest.pk}))
    assert Registration.objects.filter(contest=contest, officer=world.officers["officer"]).exists()
    response = client.post(reverse("contests:round-start", kwargs={"pk": round_.pk}))
    assert response.status_code == 302 and "/quizzes/attempts/" in response.url
    assert client.get(response.url).status_code == 200


def test_a_round_quiz_stays_out_of_the_quiz_list(world, client_for):
    contest = factories.contest(world)
    round_ = factories.online_round(contest)
    page = client_for("officer").get(reverse("quizzes:quiz-list")).content.decode()
    assert round_.quiz.title not in page
    assert client_for("officer").get(reverse("quizzes:quiz-detail", kwargs={"pk": round_.quiz_id})).status_code == 404


def test_manager_registers_the_unit_team(world, client_for):
    contest = factories.contest(world, allow_teams=True, team_min_size=1, team_max_size=1)
    client = client_for("unit_manager")
    url = reverse("contests:team", kwargs={"pk": contest.pk})
    page = client.get(url).content.decode()
    assert world.officers["officer"].full_name in page and world.officers["other_b"].full_name not in page
    response = client.post(url, {"members": [world.officers["officer"].pk, world.officers["other_a1"].pk]})
    assert response.status_code == 200 and "từ 1 đến 1 thành viên" in response.content.decode()
    response = client.post(url, {"members": [world.officers["other_b"].pk]})
    assert response.status_code == 200 and not Registration.objects.exists()  # not a choice: form error
    client.post(url, {"members": [world.officers["other_a1"].pk]})
    team = Registration.objects.get()
    assert team.team_unit == world.units["A"] and list(team.members.all()) == [world.officers["other_a1"]]


def test_judge_sees_only_their_sheets_and_bad_points_change_nothing(world, client_for):
    contest = factories.contest(world)
    round_ = factories.judged_round(contest)
    mine = services.judge_assign(round_=round_, registration=factories.enter(contest, world.officers["other_b"]),
                                 judge=world.user("judge"))
    client = client_for("judge")
    page = client.get(reverse("contests:judge-list")).content.decode()
    assert world.officers["other_b"].full_name in page
    first, second = Criterion.objects.filter(task__round=round_).order_by("order")
    url = reverse("contests:sheet", kwargs={"pk": mine.pk})
    response = client.post(url, {f"points-{first.pk}": "12", f"points-{second.pk}": "3", "submit": "1"})
    assert response.status_code == 400
    assert "Tiêu chí 1”: 12 vượt quá điểm tối đa 10.00" in response.content.decode()
    assert not JudgeScore.objects.exists()
    client.post(url, {f"points-{first.pk}": "9", f"comment-{first.pk}": "Tốt", f"points-{second.pk}": "3",
                      "submit": "1"})
    mine.refresh_from_db()
    assert mine.submitted_at is not None
    response = client.post(url, {f"points-{first.pk}": "1", f"points-{second.pk}": "1", "submit": "0"})
    assert "bị khóa" in response.content.decode()
    assert JudgeScore.objects.get(criterion=first).points == Decimal(9)


def test_public_results_only_once_published(world, client):
    contest = factories.contest(world)
    now = timezone.now()
    round_ = factories.online_round(contest, opens=now - timedelta(hours=2), closes=now - timedelta(minutes=1))
    factories.enter(contest, world.officers["officer"])
    url = reverse("contests:public-results", kwargs={"pk": contest.pk})
    assert client.get(url).status_code == 404
    factories.take(round_, world.officers["officer"], right=2, started=now - timedelta(hours=1), seconds=60)
    services.results_publish(contest=contest)
    page = client.get(url).content.decode()
    assert world.officers["officer"].full_name in page and "Giải Nhất" in page
    award = contest.awards.get()
    verify = client.get(reverse("contests:award-verify", kwargs={"code": award.code})).content.decode()
    assert "Giấy chứng nhận này là thật" in verify
    assert client.get(reverse("contests:award-verify", kwargs={"code": "KHONGCOMAGIAI"})).status_code == 404


def test_list_pages_keep_their_query_budgets(world, client_for, django_assert_max_num_queries):
    contest = factories.contest(world, allow_teams=True, team_min_size=1, team_max_size=3)
    now = timezone.now()
    online = factories.online_round(contest, opens=now - timedelta(hours=2))
    judged = factories.judged_round(contest)
    people = [world.officers[key] for key in ("officer", "other_b", "trainer", "judge")]
    for person in people:
        factories.enter(contest, person)
        factories.take(online, person, right=1, started=now - timedelta(hours=1), seconds=30)
    services.registration_team_save(contest=contest, unit=world.units["A"], members=[world.officers["other_a1"]],
                                    registered_by=world.user("unit_manager"))
    for registration in contest.registrations.all():
        services.judge_assign(round_=judged, registration=registration, judge=world.user("judge"))
    organiser, officer, judge = client_for("contest_organiser"), client_for("officer"), client_for("judge")
    pages = [
        (organiser, reverse("contests:manage-list"), 3),
        (organiser, reverse("contests:contest-manage", kwargs={"pk": contest.pk}), 7),
        (organiser, reverse("contests:results-manage", kwargs={"pk": contest.pk}), 14),
        (organiser, reverse("contests:round-judging", kwargs={"pk": judged.pk}), 17),
        (officer, reverse("contests:contest-list"), 4),
        (officer, reverse("contests:scoreboard", kwargs={"pk": online.pk}), 9),
        (judge, reverse("contests:judge-list"), 3),
    ]
    for client, url, budget in pages:
        client.get(url)  # fills the per-process caches
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


def test_organisers_and_judges_land_on_their_contest_pages(world):
    assert landing_url_for(world.user("contest_organiser")) == reverse("contests:manage-list")
    assert landing_url_for(world.user("judge")) == reverse("contests:judge-list")
    assert landing_url_for(world.user("officer")) == reverse("core:home")


def test_home_panel_lists_contests_to_join_and_the_round_to_take(world, client_for):
    contest = factories.contest(world)
    client = client_for("officer")
    assert contest.title in client.get(reverse("core:home")).content.decode()
    factories.online_round(contest)
    factories.enter(contest, world.officers["officer"])  # registering refreshes the officer's panel
    assert "Vòng loại trực tuyến" in client.get(reverse("core:home")).content.decode()


def test_organiser_edits_the_contest_and_a_round_keeping_its_options(world, client_for):
    contest = factories.contest(world)
    round_ = factories.online_round(contest, freeze_minutes=15)
    client = client_for("contest_organiser")
    now = timezone.now()
    response = client.post(reverse("contests:contest-edit", kwargs={"pk": contest.pk}), {
        "title": "  Hội thi Tin học THADS 2027 (sửa)  ", "audience_unit": world.units["A"].pk, "allow_individual": "on",
        "audience_positions": [world.positions["clerk"].pk], "team_min_size": 1, "team_max_size": 5,
        "registration_opens_at": _local(now), "registration_closes_at": _local(now + timedelta(days=3)),
        "awards_first": 1, "awards_second": 1, "awards_third": 1, "awards_merit": 0})
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.title == "Hội thi Tin học THADS 2027 (sửa)" and contest.audience_unit == world.units["A"]
    assert list(contest.audience_positions.all()) == [world.positions["clerk"]]
    client.post(reverse("contests:round-edit", kwargs={"pk": round_.pk}), {
        "title": "Vòng loại", "format": "online", "weight": "1.5", "quiz": round_.quiz_id,
        "opens_at": _local(round_.opens_at), "closes_at": _local(round_.closes_at), "freeze_minutes": "20"})
    round_.refresh_from_db()
    assert round_.weight == Decimal("1.5") and round_.options == {"freeze_minutes": 20}


def test_organiser_allows_an_own_unit_judge_and_corrects_a_locked_sheet_on_the_judging_page(world, client_for):
    from core.models import AuditEvent

    contest = factories.contest(world)
    round_ = factories.judged_round(contest)
    registration = factories.enter(contest, world.officers["trainer"])  # in P, like the judge
    sheet = services.judge_assign(round_=round_, registration=registration, judge=world.user("judge"))
    assert sheet.own_unit
    client = client_for("contest_organiser")
    url = reverse("contests:round-judging", kwargs={"pk": round_.pk})
    assert "cùng đơn vị với thí sinh" in client.get(url).content.decode()
    client.post(url, {"action": "allow", "assignment": sheet.pk})
    sheet.refresh_from_db()
    assert sheet.own_unit_allowed
    first, second = Criterion.objects.filter(task__round=round_).order_by("order")
    services.score_sheet_save(assignment=sheet, judge=world.user("judge"),
                              entries={first.pk: ("7", ""), second.pk: ("2", "")}, submit=True)
    response = client.post(url, {"action": "amend", "assignment": sheet.pk, "amend-criterion": first.pk,
                                 "amend-points": "20", "amend-reason": "Nhầm"}, follow=True)
    assert "vượt quá điểm tối đa" in response.content.decode()
    client.post(url, {"action": "amend", "assignment": sheet.pk, "amend-criterion": first.pk, "amend-points": "8",
                      "amend-reason": "Cộng sót ý 2"})
    assert JudgeScore.objects.get(criterion=first).points == Decimal(8)
    assert AuditEvent.objects.filter(detail__event="score_amended", detail__reason="Cộng sót ý 2").exists()


def test_officer_withdraws_while_registration_is_open(world, client_for):
    contest = factories.contest(world)
    factories.enter(contest, world.officers["officer"])
    client_for("officer").post(reverse("contests:withdraw", kwargs={"pk": contest.pk}))
    assert Registration.objects.get().withdrawn_at is not None


def test_award_certificate_pdf_for_the_holder_with_a_register_number(world, client_for):
    contest = factories.contest(world)
    now = timezone.now()
    round_ = factories.online_round(contest, opens=now - timedelta(hours=2), closes=now - timedelta(minutes=1))
    factories.enter(contest, world.officers["officer"])
    factories.enter(contest, world.officers["other_b"])
    factories.take(round_, world.officers["officer"], right=2, started=now - timedelta(hours=1), seconds=60)
    services.results_publish(contest=contest)
    award = contest.awards.get()
    assert award.number == f"001/{timezone.localdate().year}/GT" and award.issuer_agency == world.units["P"].name
    client = client_for("officer")
    page = client.get(reverse("contests:contest-detail", kwargs={"pk": contest.pk})).content.decode()
    url = reverse("contests:award-pdf", kwargs={"code": award.code})
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client_for("contest_organiser").get(url).status_code == 200
    assert client_for("judge").get(url).status_code == 404  # not their award, not their contest


def test_a_live_final_has_a_scoreboard_and_links_to_join_and_host(world, client_for):
    from contests.tests import live_factories

    round_ = live_factories.live_round(organiser=world.officers["contest_organiser"], audience_unit=world.units["P"])
    live_factories.register(round_, world.officers["officer"])
    page = client_for("officer").get(reverse("contests:contest-detail", kwargs={"pk": round_.contest_id})).content
    assert reverse("contests:live-join").encode() in page
    manage = client_for("contest_organiser").get(reverse("contests:contest-manage", kwargs={"pk": round_.contest_id}))
    assert reverse("contests:live-host", kwargs={"round_id": round_.pk}).encode() in manage.content
    response = client_for("officer").get(reverse("contests:scoreboard", kwargs={"pk": round_.pk}))
    assert response.status_code == 200 and "Chưa có thí sinh nào" in response.content.decode()


def test_results_export_is_a_workbook_with_overall_and_unit_sheets(world, client_for):
    import io

    from openpyxl import load_workbook

    contest = factories.contest(world, title="=HYPERLINK(\"x\")")
    now = timezone.now()
    round_ = factories.online_round(contest, opens=now - timedelta(hours=2), closes=now - timedelta(minutes=1))
    factories.enter(contest, world.officers["officer"])
    factories.take(round_, world.officers["officer"], right=1, started=now - timedelta(hours=1), seconds=61)
    response = client_for("contest_organiser").get(reverse("contests:results-export", kwargs={"pk": contest.pk}))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    overall, units = book.worksheets
    assert [cell.value for cell in overall[2]][:4] == [1, world.officers["officer"].full_name, "Chi cục A", 50]
    assert overall.freeze_panes == "A2" and units["B2"].value == "Chi cục A"
