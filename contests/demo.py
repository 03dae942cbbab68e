"""Demo contest "Hội thi Tin học THADS 2027": a finished online qualifying round with a frozen last half
hour, a live final ready for `bantochuc` to host with registered contestants (`canbo` among them), a
judged practical round half-scored by `giamkhao` and two more judges; last year's contest with its results
and awards published; and a contest open for registration. Deterministic and idempotent."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contests import services
from contests.models import Contest, Registration
from contests.models_judging import Criterion
from core.models import User
from core.roles import Role
from org import services as org_services
from org.models import Officer, Position, Unit
from quizzes import services as quiz_services
from quizzes.models import Quiz

TITLE = "Hội thi Tin học THADS 2027"
DEMO_USERNAMES = ["canbo", "canbomoi", "giangvien", "quanly", "lanhdao", "bantochuc", "giamkhao", "quantri"]
PAST_TITLE = "Hội thi Tin học THADS 2026"
OPEN_TITLE = "Hội thi Chữ ký số và văn bản điện tử 2027"
CATEGORY = ["Hội thi Tin học THADS"]
STATEMENTS = [
    ("Chữ ký số có giá trị pháp lý như chữ ký tay khi văn bản điện tử được ký đúng quy định.", True),
    ("Mật khẩu hộp thư công vụ có thể gửi cho đồng nghiệp qua tin nhắn để nhờ kiểm tra thư.", False),
    ("Phím tắt Ctrl + S dùng để lưu văn bản đang soạn.", True),
    ("Tệp đính kèm lạ trong thư điện tử nên mở ngay để kiểm tra nội dung.", False),
    ("Sao lưu dữ liệu định kỳ giúp khôi phục khi máy tính bị mã độc tống tiền.", True),
    ("Văn bản điện tử gửi qua trục liên thông không cần số, ký hiệu.", False),
    ("Có thể họp trực tuyến trên phần mềm họp của ngành từ máy tính cơ quan.", True),
    ("Khi rời bàn làm việc không cần khóa màn hình máy tính.", False),
    ("Phần mềm quản lý thi hành án cần được cập nhật ngay khi phát sinh việc thi hành án.", True),
    ("Usb của người lạ có thể cắm vào máy tính cơ quan nếu đã quét bằng điện thoại.", False),
]
LIVE_QUESTIONS = [
    ("multichoice", "Phím tắt nào dùng để lưu văn bản?", {"single": True, "shuffle": True, "answers": [
        {"text": "Ctrl + S", "fraction": "1", "feedback": ""}, {"text": "Ctrl + P", "fraction": "0", "feedback": ""},
        {"text": "Ctrl + Z", "fraction": "0", "feedback": ""}, {"text": "Ctrl + N", "fraction": "0", "feedback": ""}]}),
    ("truefalse", "Chữ ký số cá nhân có thể cho người khác mượn để ký thay.", {"correct": False}),
    ("multichoice", "Những việc nào giúp phòng mã độc tống tiền?", {"single": False, "shuffle": True, "answers": [
        {"text": "Sao lưu dữ liệu định kỳ", "fraction": "0.5", "feedback": ""},
        {"text": "Cập nhật hệ điều hành", "fraction": "0.5", "feedback": ""},
        {"text": "Tắt phần mềm diệt virus cho máy chạy nhanh", "fraction": "-1", "feedback": ""}]}),
    ("numerical", "Thời hạn ra quyết định thi hành án theo đơn là bao nhiêu ngày làm việc?",
     {"answers": [{"text": "5", "tolerance": "0", "fraction": "1", "feedback": ""}]}),
]


def _quiz(title: str, questions: list[tuple[str, str, dict]]) -> Quiz:
    category = quiz_services.category_get_or_create_path(path=CATEGORY)
    quiz = Quiz.objects.create(title=title, is_published=False, attempts_allowed=1, time_limit_minutes=20,
                               shuffle_questions=True, review_when="after_close", review_marks_when="after_close",
                               review_correct_when="after_close", review_feedback_when="after_close")
    for qtype, text, data in questions:
        question = quiz_services.question_create(category=category, qtype=qtype, title=text[:60], text=text,
                                                 data=data, general_feedback="", tags=["HOITHI"])
        quiz_services.quiz_slot_add(quiz=quiz, question=question, mark=Decimal(1))
    return quiz


def _judges() -> list[User]:
    judges = [User.objects.get(username="giamkhao")]
    unit = Unit.objects.get(code="KG-KT")
    position = Position.objects.get(code="inspector")
    for username, name in [("giamkhao2", "Lâm Thị Mỹ Duyên"), ("giamkhao3", "Thạch Văn Hòa")]:
        officer = Officer.objects.filter(user__username=username).first() or org_services.officer_create(
            full_name=name, email=f"{username}@moj.gov.vn", unit=unit, position=position, username=username,
            roles={Role.OFFICER, Role.JUDGE})
        judges.append(officer.user)
    return judges


@transaction.atomic
def seed(*, rng: random.Random) -> None:
    if Contest.objects.filter(title=TITLE).exists() or not Unit.objects.filter(code="KG").exists():
        return
    now = timezone.now().replace(second=0, microsecond=0)
    organiser = User.objects.get(username="bantochuc")
    province = Unit.objects.get(code="KG")
    opened = now - timedelta(days=3)
    contest = services.contest_create(
        created_by=organiser, title=TITLE, audience_unit=province, allow_individual=True, allow_teams=False,
        description="Hội thi ứng dụng công nghệ thông tin dành cho công chức, người lao động Thi hành án dân sự "
                    "tỉnh: vòng loại trực tuyến, vòng thực hành có giám khảo chấm và chung kết trực tiếp.",
        registration_opens_at=now - timedelta(days=10), registration_closes_at=opened,
        awards_first=1, awards_second=2, awards_third=3, awards_merit=4)
    qualifying = services.round_save(
        contest=contest, title="Vòng loại trực tuyến", format="online", weight=Decimal("1"),
        quiz=_quiz("Đề vòng loại — Hội thi Tin học THADS 2027", [("truefalse", text, {"correct": answer})
                                                                for text, answer in STATEMENTS]),
        opens_at=opened, closes_at=opened + timedelta(hours=2), options={"freeze_minutes": 30})
    practical = services.round_save(contest=contest, title="Thực hành ký số và gửi văn bản", format="judged",
                                    weight=Decimal("1"), options={"aggregate": "trimmed"})
    task = services.task_save(round_=practical, title="Ký số một văn bản và gửi vào hộp thư công vụ của đơn vị",
                              description="Ký số tệp PDF được phát, gửi đúng địa chỉ, đúng tiêu đề trong 10 phút.")
    for title, maximum in [("Ký số đúng quy trình", "4"), ("Gửi đúng địa chỉ và tiêu đề", "3"),
                           ("Thời gian và thao tác", "3")]:
        services.criterion_save(task=task, title=title, max_points=Decimal(maximum))
    services.round_save(contest=contest, title="Chung kết trực tiếp", format="live", weight=Decimal("2"),
                        quiz=_quiz("Đề chung kết — Hội thi Tin học THADS 2027", LIVE_QUESTIONS))
    Contest.objects.filter(pk=contest.pk).update(is_published=True)
    contest.refresh_from_db()

    # Contestants: canbo and officers across the province, registered while registration was open.
    others = list(Officer.objects.filter(unit__path__startswith=province.path, is_active=True)
                  .exclude(user__username__in=DEMO_USERNAMES)
                  .exclude(position__code__in=["driver", "head"]).order_by("pk"))
    people = [Officer.objects.get(user__username="canbo")] + rng.sample(others, k=min(23, len(others)))
    entries = [Registration.objects.create(contest=contest, kind="individual", officer=person,
                                           registered_by=person.user) for person in people]
    Registration.objects.filter(contest=contest).update(created_at=opened - timedelta(days=2))

    # The qualifying round: everyone starts within the first 90 minutes; a few finish in the frozen half hour.
    for number, person in enumerate(people):
        started = opened + timedelta(minutes=rng.randint(0, 80) if number % 6 else rng.randint(88, 95))
        attempt = services.round_attempt_start(round_=qualifying, officer=person, now=started)
        skill = rng.uniform(0.45, 0.95)
        for answer in attempt.answers.select_related("version"):
            right = rng.random() < skill
            correct = bool(answer.version.data.get("correct"))
            quiz_services.attempt_answer_save(attempt_id=attempt.pk, user_id=person.user_id, index=answer.index,
                                              raw={"choice": "true" if right == correct else "false"},
                                              now=started + timedelta(seconds=30 * (answer.index + 1)))
        quiz_services.attempt_submit(attempt=attempt, now=started + timedelta(seconds=rng.randint(330, 1150)))

    # The practical round, half-scored: three judges, the first eight entries; some sheets still open.
    judges = _judges()
    criteria = list(Criterion.objects.filter(task__round=practical).order_by("order"))
    for number, registration in enumerate(entries[:8]):
        for judge_number, judge in enumerate(judges):
            sheet = services.judge_assign(round_=practical, registration=registration, judge=judge)
            if sheet.own_unit or (number >= 5 and judge_number == 0):
                continue  # a judge of the entry's own unit waits for leave; giamkhao still has sheets to do
            points = {criterion.pk: (str(rng.randint(int(criterion.max_points) // 2, int(criterion.max_points))),
                                     rng.choice(["Thao tác thành thạo.", "Còn lúng túng khi chọn chứng thư số.",
                                                 "Gửi đúng địa chỉ, tiêu đề chưa chuẩn.", ""]))
                      for criterion in criteria}
            services.score_sheet_save(assignment=sheet, judge=judge, entries=points, submit=number < 4,
                                      now=now - timedelta(days=1))

    # Last year's contest: one online round, results published with awards (public page, PDFs).
    last_year = now - timedelta(days=300)
    past = services.contest_create(
        created_by=organiser, title=PAST_TITLE, audience_unit=province, registration_opens_at=last_year - timedelta(days=20),
        registration_closes_at=last_year - timedelta(days=1), awards_first=1, awards_second=1, awards_third=2,
        awards_merit=2, description="Hội thi năm trước: kết quả và giải thưởng đã công bố.")
    past_round = services.round_save(
        contest=past, title="Thi trực tuyến", format="online",
        quiz=_quiz("Đề thi — Hội thi Tin học THADS 2026", [("truefalse", text, {"correct": answer})
                                                          for text, answer in STATEMENTS[2:8]]),
        opens_at=last_year, closes_at=last_year + timedelta(hours=1), options={"freeze_minutes": 10})
    Contest.objects.filter(pk=past.pk).update(is_published=True)
    past.refresh_from_db()
    for person in people[:10]:
        Registration.objects.create(contest=past, kind="individual", officer=person, registered_by=person.user)
        started = last_year + timedelta(minutes=rng.randint(0, 40))
        attempt = services.round_attempt_start(round_=past_round, officer=person, now=started)
        for answer in attempt.answers.select_related("version"):
            correct = bool(answer.version.data.get("correct"))
            right = rng.random() < 0.75
            quiz_services.attempt_answer_save(attempt_id=attempt.pk, user_id=person.user_id, index=answer.index,
                                              raw={"choice": "true" if right == correct else "false"},
                                              now=started + timedelta(seconds=20 * (answer.index + 1)))
        quiz_services.attempt_submit(attempt=attempt, now=started + timedelta(seconds=rng.randint(150, 900)))
    services.results_publish(contest=past, now=last_year + timedelta(days=1))

    # A second contest, open for registration (individuals and unit teams).
    services.contest_create(
        created_by=organiser, title=OPEN_TITLE, audience_unit=province, allow_individual=True, allow_teams=True,
        team_min_size=2, team_max_size=4, registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=14),
        description="Thi theo cá nhân hoặc theo đội của Chi cục: ký số, gửi nhận văn bản điện tử.")
    second = Contest.objects.get(title=OPEN_TITLE)
    services.round_save(contest=second, title="Vòng loại trực tuyến", format="online",
                        quiz=_quiz("Đề vòng loại — Chữ ký số 2027", [("truefalse", text, {"correct": answer})
                                                                     for text, answer in STATEMENTS[:6]]),
                        opens_at=now + timedelta(days=15), closes_at=now + timedelta(days=15, hours=1),
                        options={"freeze_minutes": 15})
    services.contest_publish(contest=second)
