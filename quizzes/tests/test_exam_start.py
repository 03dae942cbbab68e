"""Exam-hall start: what a start reads and writes, and the attempt page's query count (first render and
reload), held exactly so that a change that adds a query per question or per slot shows here."""

from __future__ import annotations

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes import services
from quizzes.models import Attempt, Question
from quizzes.services.attempts import _attempt_slots, _slots_key
from quizzes.tests import factories


def exam(*, fixed: int = 4, drawn: int = 6, pool: int = 12, **fields):  # noqa: ANN001, ANN003, ANN201
    """A shuffled exam: `fixed` questions, then `drawn` random slots from a category of `pool`."""
    bank = factories.category("Ngân hàng đề thi")
    for i in range(pool):
        factories.question("truefalse" if i % 2 else "multichoice", cat=bank, title=f"Ngân hàng {i}")
    cat = factories.category("Câu cố định")
    quiz = factories.quiz(questions=[factories.question("multichoice", cat=cat, title=f"Cố định {i}")
                                     for i in range(fixed)],
                          shuffle_questions=True, shuffle_answers=True, **fields)
    if drawn:
        services.quiz_slot_add(quiz=quiz, random_category=bank, count=drawn)
    return quiz


def selects(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]


def test_the_draw_reads_the_same_few_times_however_many_random_slots(world):  # noqa: ANN001
    """Slots, one pool per category, the drawn versions: a random slot more adds no query."""
    counts = {}
    for drawn in (2, 8):
        quiz = exam(drawn=drawn, title=f"Đề {drawn}")
        with CaptureQueriesContext(connection) as queries:
            attempt = services.attempt_start(quiz=quiz, officer=world.officers["officer"])
        assert len(attempt.layout) == 4 + drawn
        counts[drawn] = len(selects(queries))
    assert counts[2] == counts[8] == 5  # attempts so far, override, slots, pool, drawn versions


def test_draws_are_distinct_per_officer_and_kept_with_the_attempt(world):  # noqa: ANN001
    quiz = exam(drawn=6, pool=40, attempts=1)
    layouts = {}
    for role in ("officer", "other_b", "unit_manager"):
        attempt = services.attempt_start(quiz=quiz, officer=world.officers[role])
        versions = [entry["version"] for entry in attempt.layout]
        assert len(set(versions)) == 10  # no question twice in one attempt
        assert [a.version_id for a in attempt.answers.order_by("index")] == versions
        layouts[role] = versions
    assert len({tuple(v) for v in layouts.values()}) == 3  # each officer drew and shuffled their own


def test_the_start_keeps_what_an_answer_save_reads_exactly_as_the_database_has_it(world):  # noqa: ANN001
    quiz = exam()
    officer = world.officers["officer"]
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    kept = caches["local"].get(_slots_key(attempt.pk, officer.user_id))
    assert kept is not None and len(kept) == 10
    assert kept == _attempt_slots(attempt_id=attempt.pk, user_id=officer.user_id, fresh=True)


def test_pressing_start_twice_lands_in_the_same_attempt_with_its_deadline(world, client_for):  # noqa: ANN001
    quiz = exam(time_limit=20)
    client = client_for("officer")
    url = reverse("quizzes:attempt-start", kwargs={"pk": quiz.pk})
    first = client.post(url)
    attempt = Attempt.objects.get(quiz=quiz)
    second = client.post(url)
    assert first["Location"] == second["Location"] == reverse("quizzes:attempt-take", kwargs={"pk": attempt.pk})
    assert Attempt.objects.filter(quiz=quiz).count() == 1
    attempt.refresh_from_db()
    assert (attempt.deadline - attempt.started_at).total_seconds() == 20 * 60


def test_start_refuses_a_quiz_not_meant_for_the_officer_even_to_a_manager(world, client_for):  # noqa: ANN001
    """One query checks published and audience for everyone who starts (a quiz manager who may see
    every quiz still takes only those meant for their unit)."""
    quiz = exam(audience=world.units["B"])
    for role in ("officer", "trainer"):  # branch A; the province (trainers manage every quiz)
        response = client_for(role).post(reverse("quizzes:attempt-start", kwargs={"pk": quiz.pk}))
        assert response.status_code == 404, role
    unpublished = exam(published=False, title="Chưa công bố")
    response = client_for("trainer").post(reverse("quizzes:attempt-start", kwargs={"pk": unpublished.pk}))
    assert response.status_code == 404
    assert not Attempt.objects.exists()


def test_start_and_attempt_page_query_counts(world, client_for, django_assert_num_queries):  # noqa: ANN001
    """Start (POST), the first render of the attempt page and a reload mid-attempt, counted exactly.

    Start: the quiz with its audience check, the officer's attempts, their override, slots, the pool,
    the drawn versions, then the attempt and its answers in one transaction (here a savepoint inside
    the test's transaction: SAVEPOINT, 2 INSERT, RELEASE). First render and reload alike: the attempt with its quiz, then its answers with their
    versions (the header's links were read, and kept, when the officer opened the quiz page)."""
    quiz = exam(fixed=10, drawn=20, pool=40)
    client = client_for("officer")
    client.get(reverse("quizzes:quiz-detail", kwargs={"pk": quiz.pk}))  # the officer read the quiz page first
    url = reverse("quizzes:attempt-start", kwargs={"pk": quiz.pk})
    with django_assert_num_queries(6 + 4):
        response = client.post(url)
    page = response["Location"]
    with django_assert_num_queries(2):
        first = client.get(page)
    assert first.status_code == 200 and first.content.decode().count('class="answer-form"') == 30
    client.post(page.rstrip("/") + "/answer/", {"index": "0", "choice": "x"}, HTTP_ACCEPT="application/json")
    with django_assert_num_queries(2):
        again = client.get(page)
    assert again.status_code == 200
    assert ">None<" not in again.content.decode() and '"None"' not in again.content.decode()


def test_an_archived_question_is_no_longer_drawn(world):  # noqa: ANN001
    """The pool is read at each start (nothing kept between starts): a question archived after one
    officer started is never drawn for the next."""
    quiz = exam(fixed=0, drawn=3, pool=4)
    first = services.attempt_start(quiz=quiz, officer=world.officers["officer"])
    drawn_first = {entry["version"] for entry in first.layout}
    keep = Question.objects.filter(current_version_id__in=drawn_first).order_by("pk")[:3]
    for question in Question.objects.filter(category__name="Ngân hàng đề thi").exclude(pk__in=keep):
        services.question_archive(question=question, archived=True)
    second = services.attempt_start(quiz=quiz, officer=world.officers["other_b"])
    assert {entry["version"] for entry in second.layout} == drawn_first


def test_a_long_exam_is_stored_whole_in_batches_with_every_answer_id_kept(world):  # noqa: ANN001
    """80 questions: more answer rows than SQLite takes in one statement (999 parameters)."""
    quiz = exam(fixed=0, drawn=80, pool=80)
    officer = world.officers["officer"]
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    stored = list(attempt.answers.order_by("index").values_list("index", "version_id"))
    assert stored == [(i, entry["version"]) for i, entry in enumerate(attempt.layout)]
    kept = caches["local"].get(_slots_key(attempt.pk, officer.user_id))
    assert kept == _attempt_slots(attempt_id=attempt.pk, user_id=officer.user_id, fresh=True)
    assert len(kept) == 80
