"""Small builders for contests tests: a published contest, rounds of each format, entries, answers."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from contests import services
from contests.models import Contest, Registration, Round
from quizzes import services as quiz_services
from quizzes.models import Attempt
from quizzes.tests import factories as quiz_factories


def contest(world, **fields) -> Contest:  # noqa: ANN001, ANN003
    now = timezone.now()
    values = {"title": "Hội thi Tin học THADS 2027", "audience_unit": world.units["P"],
              "registration_opens_at": now - timedelta(days=1), "registration_closes_at": now + timedelta(days=1)}
    values.update(fields)
    published = values.pop("published", True)
    created = services.contest_create(created_by=world.user("contest_organiser"), **values)
    if published:
        Contest.objects.filter(pk=created.pk).update(is_published=True)
        created.refresh_from_db()
    return created


def online_round(contest_: Contest, *, opens: datetime | None = None, closes: datetime | None = None,
                 freeze_minutes: int = 0, weight: Decimal = Decimal(1), questions: int = 2) -> Round:
    now = timezone.now()
    cat = quiz_factories.category("Hội thi")
    quiz = quiz_factories.quiz(questions=[quiz_factories.question("truefalse", cat=cat, title=f"Câu {n}")
                                          for n in range(questions)], published=False, time_limit=None,
                               title=f"Vòng loại {contest_.pk}")
    return services.round_save(contest=contest_, title="Vòng loại trực tuyến", format="online", weight=weight,
                               quiz=quiz, opens_at=opens or now - timedelta(hours=1),
                               closes_at=closes or now + timedelta(hours=1),
                               options={"freeze_minutes": freeze_minutes})


def judged_round(contest_: Contest, *, aggregate: str = "mean", maxima: tuple = (Decimal(10), Decimal(5)),
                 weight: Decimal = Decimal(1)) -> Round:
    round_ = services.round_save(contest=contest_, title="Thực hành ký số", format="judged", weight=weight,
                                 options={"aggregate": aggregate})
    task = services.task_save(round_=round_, title="Ký số một văn bản và gửi vào hộp thư công vụ")
    for number, maximum in enumerate(maxima, start=1):
        services.criterion_save(task=task, title=f"Tiêu chí {number}", max_points=maximum)
    return round_


def enter(contest_: Contest, officer) -> Registration:  # noqa: ANN001
    return services.registration_individual_create(contest=contest_, officer=officer, registered_by=officer.user)


def take(round_: Round, officer, *, right: int, started: datetime, seconds: int) -> Attempt:  # noqa: ANN001
    """The officer takes the round's quiz starting at `started`, answering the first `right` questions
    right (the rest wrong), and finishes `seconds` later."""
    attempt = services.round_attempt_start(round_=round_, officer=officer, now=started)
    for answer in attempt.answers.select_related("version"):
        correct = answer.version.data.get("correct", True)
        choice = correct if answer.index < right else not correct
        quiz_services.attempt_answer_save(attempt_id=attempt.pk, user_id=officer.user_id, index=answer.index,
                                          raw={"choice": "true" if choice else "false"},
                                          now=started + timedelta(seconds=1))
    return quiz_services.attempt_submit(attempt=attempt, now=started + timedelta(seconds=seconds))
