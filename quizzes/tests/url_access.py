from core.testing import EVERYONE, Rule, roles

BANK = roles("trainer", "admin")
RESULTS = roles("trainer", "admin", "unit_manager", "provincial_leader")


def _quiz(world):  # noqa: ANN001, ANN202
    from quizzes.tests import factories

    return factories.quiz(questions=[factories.question("multichoice"), factories.question("essay")], attempts=0)


def _quiz_kwargs(world):  # noqa: ANN001, ANN202
    return {"pk": _quiz(world).pk}


def _slot(world):  # noqa: ANN001, ANN202
    quiz = _quiz(world)
    return {"pk": quiz.pk, "slot_pk": quiz.slots.first().pk}


def _question(world):  # noqa: ANN001, ANN202
    from quizzes.tests import factories

    return {"pk": factories.question("multichoice").pk}


def _import(world):  # noqa: ANN001, ANN202
    from quizzes.models import QuestionImport
    from quizzes.tests import factories

    imp = QuestionImport.objects.create(uploaded_by=world.user("trainer"), file_name="x.gift", file_format="gift",
                                        content="::Q1:: 1+1? {=2 ~3}", category=factories.category(),
                                        status=QuestionImport.Status.INVALID)
    return {"pk": imp.pk}


def _attempt(world, officer_key="officer", finish=True):  # noqa: ANN001, ANN202
    from quizzes import services

    quiz = _quiz(world)
    attempt = services.attempt_start(quiz=quiz, officer=world.officers[officer_key])
    if finish:
        services.attempt_submit(attempt=attempt)
    return attempt


def _essay_answer(world):  # noqa: ANN001, ANN202
    from quizzes import services

    quiz = _quiz(world)
    attempt = services.attempt_start(quiz=quiz, officer=world.officers["officer"])
    answer = attempt.answers.get(version__qtype="essay")
    services.attempt_answer_save(attempt_id=attempt.pk, user_id=world.user("officer").pk, index=answer.index,
                                 raw={"text": "Bài luận"})
    services.attempt_submit(attempt=attempt)
    return {"pk": answer.pk}


def _answer_data(world):  # noqa: ANN001, ANN202
    return {"index": "0", "choice": ""}


ACCESS = {
    "quizzes:quiz-list": Rule(allowed=EVERYONE),
    "quizzes:quiz-create": Rule(allowed=BANK),
    # Published, for every officer: every signed-in officer may open it.
    "quizzes:quiz-detail": Rule(allowed=EVERYONE, kwargs=_quiz_kwargs),
    "quizzes:quiz-edit": Rule(allowed=BANK, kwargs=_quiz_kwargs),
    "quizzes:slot-add": Rule(allowed=BANK, kwargs=_quiz_kwargs, method="post", data=lambda w: {"question": "1"}),
    "quizzes:slot-update": Rule(allowed=BANK, kwargs=_slot, method="post", data=lambda w: {"move": "down"}),
    "quizzes:slot-remove": Rule(allowed=BANK, kwargs=_slot, method="post", data=lambda w: {}),
    "quizzes:override-save": Rule(allowed=BANK, kwargs=_quiz_kwargs, method="post", data=lambda w: {}),
    "quizzes:quiz-results": Rule(allowed=RESULTS, kwargs=_quiz_kwargs),
    "quizzes:quiz-statistics": Rule(allowed=BANK, kwargs=_quiz_kwargs),
    "quizzes:quiz-regrade": Rule(allowed=BANK, kwargs=_quiz_kwargs, method="post", data=lambda w: {}),
    # Every role is also an officer, so every role may start a quiz meant for everyone.
    "quizzes:attempt-start": Rule(allowed=EVERYONE, kwargs=_quiz_kwargs, method="post", data=lambda w: {}),
    # An attempt belongs to its officer alone.
    "quizzes:attempt-take": Rule(allowed=roles("officer"), kwargs=lambda w: {"pk": _attempt(w, finish=False).pk}),
    "quizzes:attempt-answer": Rule(allowed=roles("officer"), kwargs=lambda w: {"pk": _attempt(w, finish=False).pk},
                                   method="post", data=_answer_data),
    "quizzes:attempt-next": Rule(allowed=roles("officer"), kwargs=lambda w: {"pk": _attempt(w, finish=False).pk},
                                 method="post", data=lambda w: {}),
    "quizzes:attempt-submit": Rule(allowed=roles("officer"), kwargs=lambda w: {"pk": _attempt(w, finish=False).pk},
                                   method="post", data=lambda w: {}),
    # The officer's own review, and staff whose scope includes unit A.
    "quizzes:attempt-review@own": Rule(allowed=RESULTS | roles("officer"), kwargs=lambda w: {"pk": _attempt(w).pk}),
    # An officer of branch B: outside the unit manager's subtree.
    "quizzes:attempt-review@in-b": Rule(allowed=roles("trainer", "admin", "provincial_leader"),
                                        kwargs=lambda w: {"pk": _attempt(w, "other_b").pk}),
    "quizzes:grading-queue": Rule(allowed=BANK),
    "quizzes:answer-grade": Rule(allowed=BANK, kwargs=_essay_answer),
    "quizzes:bank": Rule(allowed=BANK),
    "quizzes:category-create": Rule(allowed=BANK),
    "quizzes:question-create": Rule(allowed=BANK, kwargs=lambda w: {"qtype": "multichoice"}),
    "quizzes:question-detail": Rule(allowed=BANK, kwargs=_question),
    "quizzes:question-edit": Rule(allowed=BANK, kwargs=_question),
    "quizzes:question-archive": Rule(allowed=BANK, kwargs=_question, method="post", data=lambda w: {}),
    "quizzes:import-start": Rule(allowed=BANK),
    "quizzes:import-detail": Rule(allowed=BANK, kwargs=_import),
    "quizzes:import-apply": Rule(allowed=BANK, kwargs=_import, method="post", data=lambda w: {}),
    "quizzes:export-gift": Rule(allowed=BANK),
}
