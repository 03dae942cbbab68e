"""Builders for live-final tests: a contest with a live round over a four-question quiz (single
choice, multiple choice, true/false, numerical) and registrations made directly."""

from __future__ import annotations

from contests.models import Contest, Registration, RegistrationKind, Round, RoundFormat
from quizzes.tests import factories as quiz_factories

QUESTIONS = [
    ("multichoice", {"single": True, "shuffle": False, "answers": [
        {"text": "Ctrl + S", "fraction": "1"}, {"text": "Ctrl + P", "fraction": "0"},
        {"text": "Ctrl + Z", "fraction": "0"}]}, "SECRET-Q1 Phím tắt lưu văn bản?"),
    ("multichoice", {"single": False, "shuffle": False, "answers": [
        {"text": "PDF", "fraction": "0.5"}, {"text": "DOCX", "fraction": "0.5"},
        {"text": "MP3", "fraction": "-1"}]}, "SECRET-Q2 Định dạng văn bản nào?"),
    ("truefalse", {"correct": True}, "SECRET-Q3 Chữ ký số có giá trị pháp lý?"),
    ("numerical", {"answers": [{"text": "5", "tolerance": "0", "fraction": "1"}]}, "SECRET-Q4 2 + 3 = ?"),
]


def live_quiz():  # noqa: ANN201
    category = quiz_factories.category("Chung kết")
    questions = [quiz_factories.question(qtype, cat=category, data=data, text=text, title=f"Câu {n}")
                 for n, (qtype, data, text) in enumerate(QUESTIONS, start=1)]
    return quiz_factories.quiz(questions=questions, title="Chung kết trực tiếp")


def live_round(*, organiser=None, audience_unit=None, options: dict | None = None, quiz=None) -> Round:  # noqa: ANN001
    contest = Contest.objects.create(title="Hội thi Tin học THADS 2027", audience_unit=audience_unit,
                                     allow_teams=True, is_published=True,
                                     created_by=organiser.user if organiser is not None else None)
    return Round.objects.create(contest=contest, order=1, title="Chung kết", format=RoundFormat.LIVE,
                                quiz=quiz or live_quiz(),
                                options=options if options is not None else {"read_seconds": 0, "answer_seconds": 20})


def register(round_: Round, officer) -> Registration:  # noqa: ANN001
    return Registration.objects.create(contest=round_.contest, kind=RegistrationKind.INDIVIDUAL, officer=officer)


def register_team(round_: Round, unit, members: list) -> Registration:  # noqa: ANN001
    registration = Registration.objects.create(contest=round_.contest, kind=RegistrationKind.TEAM, team_unit=unit)
    registration.members.set(members)
    return registration


def choice_id(session, index: int, text: str) -> str:  # noqa: ANN001
    """The id of the choice with this text in the session's snapshot of question `index`."""
    return next(a["id"] for a in session.questions[index]["data"]["answers"] if a["text"] == text)
