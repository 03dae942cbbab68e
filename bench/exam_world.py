"""What the exam-hall benches share: the environment of a throw-away site and the exam an exam hall
sits (30 questions: 10 fixed, 20 drawn at random from a category of 60 true/false and single-choice
questions, questions and answers shuffled for each officer, one attempt allowed), with its officers."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def prepare_env(tmp: Path, *, settings_module: str = "config.settings",
                allowed_hosts: str = "127.0.0.1,localhost") -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("THADS_VAR_DIR", str(tmp))
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    env.update({"DEBUG": "false", "ALLOWED_HOSTS": allowed_hosts, "THADS_REQUIRE_MFA": "false",
                "DJANGO_SETTINGS_MODULE": settings_module, "LOG_LEVEL": "ERROR"})
    os.environ.update(env)
    return env


def exam_hall_build(officers: int) -> tuple[int, list]:
    """The published exam and `officers` officers of a unit of their own, ready to sit it (first
    password already changed); returns the quiz's id and the officers' user accounts."""
    import django

    django.setup()
    from core.models import User
    from org import services as org_services
    from org.models import Position, UnitKind
    from quizzes import services
    from quizzes.models import Quiz

    run = secrets.token_hex(3)
    kind, _ = UnitKind.objects.get_or_create(code="bench-branch", defaults={"name": "Chi cục"})
    position, _ = Position.objects.get_or_create(code="bench-clerk", defaults={"name": "Thư ký"})
    unit = org_services.unit_create(code=f"BENCH-{run}", name=f"Đơn vị thử tải {run}", kind=kind)

    def question(category, i: int):  # noqa: ANN001, ANN202
        if i % 2:
            return services.question_create(category=category, qtype="truefalse", title=f"Đ/S {i}",
                                            text=f"Mệnh đề {i}", data={"correct": True})
        return services.question_create(category=category, qtype="multichoice", title=f"TN {i}", text=f"Câu {i}",
                                        data={"single": True, "answers": [
                                            {"text": "A", "fraction": "1"}, {"text": "B", "fraction": "0"},
                                            {"text": "C", "fraction": "0"}]})

    fixed_category = services.category_create(name=f"Thử tải {run}")
    fixed = [question(fixed_category, i) for i in range(10)]
    pool = services.category_create(name=f"Ngân hàng thử tải {run}")
    for i in range(60):
        question(pool, 100 + i)
    quiz = Quiz.objects.create(title=f"Thử tải {run}", is_published=True, time_limit_minutes=60, attempts_allowed=1,
                               shuffle_questions=True, shuffle_answers=True)
    for item in fixed:
        services.quiz_slot_add(quiz=quiz, question=item)
    services.quiz_slot_add(quiz=quiz, random_category=pool, count=20)
    users = []
    for i in range(officers):
        officer = org_services.officer_create(full_name=f"Cán bộ {i}", email=f"bench-{run}-{i}@moj.gov.vn",
                                              unit=unit, position=position, username=f"bench-{run}-{i}")
        User.objects.filter(pk=officer.user_id).update(must_change_password=False)
        users.append(User.objects.get(pk=officer.user_id))
    return quiz.pk, users
