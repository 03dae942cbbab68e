"""Pages: nothing is revealed before the review allows it, answer saving over HTTP, query budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt
from quizzes.tests import factories
from quizzes.tests.test_services_attempts import right_answers

SECRETS = ["FB-RIGHT-SAVE", "FB-WRONG-PRINT", "FB-TRUE", "FB-FALSE", "FB-SHORT", "FB-NUM", "FB-GENERAL",
           "chữ ký số", "fraction", "right answer", "đáp án đúng"]


def test_attempt_page_reveals_no_answer_or_feedback(world, client_for):  # noqa: ANN001
    quiz = factories.all_types_quiz()
    client = client_for("officer")
    response = client.post(reverse("quizzes:attempt-start", kwargs={"pk": quiz.pk}))
    attempt = Attempt.objects.get(quiz=quiz)
    assert response["Location"] == reverse("quizzes:attempt-take", kwargs={"pk": attempt.pk})
    html = client.get(response["Location"]).content.decode()
    assert "QUESTION-TEXT multichoice" in html and "Ctrl + P" in html
    for secret in SECRETS:
        assert secret not in html, secret
    assert attempt.deadline.isoformat() in html


def test_answer_endpoint_acknowledges_refuses_and_the_page_shows_saved_answers(world, client_for):  # noqa: ANN001
    quiz = factories.all_types_quiz()
    client = client_for("officer")
    client.post(reverse("quizzes:attempt-start", kwargs={"pk": quiz.pk}))
    attempt = Attempt.objects.get(quiz=quiz)
    url = reverse("quizzes:attempt-answer", kwargs={"pk": attempt.pk})
    short = attempt.answers.get(version__qtype="shortanswer").index
    ok = client.post(url, {"index": short, "text": "Chu ky so 2026"}, HTTP_ACCEPT="application/json")
    assert ok.status_code == 200 and ok.json()["ok"] is True and ok.json()["revision"] == 1
    assert 'value="Chu ky so 2026"' in client.get(reverse("quizzes:attempt-take", kwargs={"pk": attempt.pk})).content.decode()
    bad = client.post(url, {"index": 42, "text": "x"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 409 and bad.json()["code"] == "not_in_attempt"
    stranger = client_for("trainer").post(url, {"index": short, "text": "x"}, HTTP_ACCEPT="application/json")
    assert stranger.status_code == 404
    client.post(reverse("quizzes:attempt-submit", kwargs={"pk": attempt.pk}))
    late = client.post(url, {"index": short, "text": "sau khi nộp"}, HTTP_ACCEPT="application/json")
    assert late.status_code == 409 and late.json()["code"] == "closed"
    assert "đã nộp" in late.json()["message"]
    # Submitting again is harmless.
    again = client.post(reverse("quizzes:attempt-submit", kwargs={"pk": attempt.pk}))
    assert again.status_code == 302


def test_overdue_answer_gets_a_clear_message(world, client_for):  # noqa: ANN001
    quiz = factories.all_types_quiz(time_limit=1)
    officer = world.officers["officer"]
    attempt = services.attempt_start(quiz=quiz, officer=officer, now=timezone.now() - timedelta(minutes=2))
    response = client_for("officer").post(reverse("quizzes:attempt-answer", kwargs={"pk": attempt.pk}),
                                          {"index": 0, "text": "x"}, HTTP_ACCEPT="application/json")
    # Nothing has closed the attempt yet (no job, no page opened): the save is refused as overdue.
    assert response.status_code == 409 and response.json()["code"] == "overdue"
    assert response.json()["message"] == "Đã hết giờ làm bài; câu trả lời gửi sau hạn không được lưu."
    assert attempt.answers.get(index=0).response is None


def test_review_follows_the_quiz_settings(world, client_for):  # noqa: ANN001
    quiz = factories.all_types_quiz(review_when="after_close", close_at=timezone.now() + timedelta(hours=2))
    officer = world.officers["officer"]
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    for index, raw in right_answers(attempt).items():
        services.attempt_answer_save(attempt_id=attempt.pk, user_id=officer.user.pk, index=index, raw=raw)
    services.attempt_submit(attempt=attempt)
    client = client_for("officer")
    url = reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk})
    closed = client.get(url).content.decode()
    for secret in SECRETS:
        assert secret not in closed, secret
    quiz.review_when = "after_submit"
    quiz.review_correct_when = "never"
    quiz.save()
    open_html = client.get(url).content.decode()
    assert "FB-RIGHT-SAVE" in open_html and "FB-GENERAL" in open_html
    assert "ok\">✔" not in open_html
    # A trainer always sees the full review of officers in scope.
    assert "✔" in client_for("trainer").get(url).content.decode()


def _finished_attempt(quiz, officer):  # noqa: ANN001, ANN202
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    for index, raw in right_answers(attempt).items():
        services.attempt_answer_save(attempt_id=attempt.pk, user_id=officer.user.pk, index=index, raw=raw)
    return services.attempt_submit(attempt=attempt)


def test_review_options_by_item_marks_at_once_right_answers_when_closed_for_everyone(world, client_for):  # noqa: ANN001
    from quizzes.models import Override

    now = timezone.now()
    quiz = factories.all_types_quiz(review_when="after_submit", review_marks_when="after_submit",
                                    review_correct_when="after_close", review_feedback_when="after_close",
                                    close_at=now + timedelta(hours=1))
    attempt = _finished_attempt(quiz, world.officers["officer"])
    client = client_for("officer")
    url = reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk})
    before = client.get(url)
    assert before.context["is_open"] and before.context["show_marks"]
    html = before.content.decode()
    assert "✔" not in html and "FB-GENERAL" not in html and "FB-RIGHT-SAVE" not in html
    detail = client.get(reverse("quizzes:quiz-detail", kwargs={"pk": quiz.pk}))
    assert detail.context["my_attempts"][0].shows.marks
    assert 'id="review-options"' in detail.content.decode()
    # The quiz has closed, but another officer's arrangement keeps it open for them: still hidden.
    Quiz = type(quiz)
    Quiz.objects.filter(pk=quiz.pk).update(close_at=now - timedelta(minutes=1))
    Override.objects.create(quiz=quiz, officer=world.officers["other_a1"], close_at=now + timedelta(hours=1))
    html = client.get(url).content.decode()
    assert "✔" not in html and "FB-GENERAL" not in html
    Override.objects.all().delete()
    html = client.get(url).content.decode()
    assert "✔" in html and "FB-GENERAL" in html and "FB-RIGHT-SAVE" in html


def test_marks_never_shown_hide_the_score_and_the_grade(world, client_for):  # noqa: ANN001
    quiz = factories.quiz(review_when="after_submit", review_marks_when="never")
    officer = world.officers["officer"]
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    services.attempt_submit(attempt=attempt)
    client = client_for("officer")
    review = client.get(reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk}))
    assert review.context["is_open"] and not review.context["show_marks"]
    detail = client.get(reverse("quizzes:quiz-detail", kwargs={"pk": quiz.pk}))
    assert detail.context["my_grade"] is None and not detail.context["my_attempts"][0].shows.marks
    # The trainer still sees everything.
    assert client_for("trainer").get(reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk})).context["show_marks"]


def test_after_close_options_need_a_closing_date(world, client_for):  # noqa: ANN001
    from quizzes.models import Quiz

    data = {"title": "Không ngày đóng", "attempts_allowed": 1, "grading_method": "highest", "pass_mark": 50,
            "navigation": "free", "review_when": "after_submit", "review_marks_when": "after_submit",
            "review_correct_when": "after_close", "review_feedback_when": "never", "shuffle_answers": "on"}
    response = client_for("trainer").post(reverse("quizzes:quiz-create"), data)
    assert response.status_code == 200 and not Quiz.objects.filter(title="Không ngày đóng").exists()
    assert "review_correct_when" in response.context["form"].errors
    data["close_at"] = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert client_for("trainer").post(reverse("quizzes:quiz-create"), data).status_code == 302
    assert Quiz.objects.get(title="Không ngày đóng").review_correct_when == "after_close"


def test_trainer_reorders_questions_and_sets_marks_for_attempts_started_afterwards(world, client_for):  # noqa: ANN001
    from decimal import Decimal

    cat = factories.category()
    quiz = factories.quiz(questions=[factories.question("truefalse", cat=cat, title=f"Câu {n}") for n in (1, 2, 3)])
    first, second, third = (slot.pk for slot in quiz.slots.order_by("position"))
    earlier = services.attempt_start(quiz=quiz, officer=world.officers["officer"])
    client = client_for("trainer")

    def update(slot_pk, data):  # noqa: ANN001, ANN202
        return client.post(reverse("quizzes:slot-update", kwargs={"pk": quiz.pk, "slot_pk": slot_pk}), data)

    assert update(first, {"move": "down"}).status_code == 302
    update(third, {"move": "up"})
    update(third, {"move": "up"})  # already first now
    update(first, {"move": "down"})  # to the end
    assert list(quiz.slots.order_by("position").values_list("pk", flat=True)) == [third, second, first]
    assert sorted(quiz.slots.values_list("position", flat=True)) == [1, 2, 3]
    update(second, {"mark": "2.5"})
    assert quiz.slots.get(pk=second).mark == Decimal("2.5")
    refused = update(second, {"mark": "-1"})
    page = client.get(refused["Location"]).content.decode()
    assert "Câu 2:" in page and quiz.slots.get(pk=second).mark == Decimal("2.5")
    detail = client.get(reverse("quizzes:quiz-detail", kwargs={"pk": quiz.pk})).content.decode()
    assert 'name="move" value="down"' in detail and 'name="mark"' in detail
    # The attempt started before keeps its order and marks; a new one follows the new set-up.
    assert [entry["mark"] for entry in Attempt.objects.get(pk=earlier.pk).layout] == ["1.00", "1.00", "1.00"]
    later = services.attempt_start(quiz=quiz, officer=world.officers["other_a1"])
    assert [Decimal(entry["mark"]) for entry in later.layout] == [Decimal(1), Decimal("2.5"), Decimal(1)]


def test_import_preview_lists_errors_by_line_then_nothing_is_saved(world, client_for):  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quizzes.models import Question

    cat = factories.category()
    client = client_for("trainer")
    upload = SimpleUploadedFile("bank.gift", "::A::Câu 1 {=x ~y}\n\n::B::Câu 2 {=x ~y\n".encode())
    response = client.post(reverse("quizzes:import-start"), {"file": upload, "file_format": "gift",
                                                             "category": cat.pk, "strict": "on"})
    detail = client.get(response["Location"]).content.decode()
    assert "Dòng 3:" in detail and 'id="import-errors"' in detail
    apply = response["Location"] + "apply/"
    client.post(apply)
    assert Question.objects.count() == 0
    good = SimpleUploadedFile("ok.gift", "::A::Câu 1 {=x ~y}\n".encode())
    response = client.post(reverse("quizzes:import-start"), {"file": good, "file_format": "gift",
                                                             "category": cat.pk, "strict": "on"})
    client.post(response["Location"] + "apply/")
    client.post(response["Location"] + "apply/")  # twice: imported once
    assert Question.objects.count() == 1


def test_question_form_creates_and_edits_versions(world, client_for):  # noqa: ANN001
    from quizzes.models import Question

    cat = factories.category()
    client = client_for("trainer")
    data = {"category": cat.pk, "title": "Phím tắt", "text": "Phím lưu?", "text_format": "moodle",
            "default_mark": "1", "tags": "IU03, IU02", "single": "on", "shuffle": "on",
            "answer_0_text": "Ctrl+S", "answer_0_fraction": "1", "answer_1_text": "Ctrl+P", "answer_1_fraction": "0"}
    for i in range(2, 5):
        data[f"answer_{i}_fraction"] = "0"
    response = client.post(reverse("quizzes:question-create", kwargs={"qtype": "multichoice"}), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get()
    assert sorted(question.tags.values_list("name", flat=True)) == ["IU02", "IU03"]
    edit = client.get(reverse("quizzes:question-edit", kwargs={"pk": question.pk})).content.decode()
    assert "Ctrl+S" in edit
    data.update({"answer_0_id": "a1", "answer_1_id": "a2", "answer_1_text": "Ctrl+Shift+S"})
    client.post(reverse("quizzes:question-edit", kwargs={"pk": question.pk}), data)
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert question.current_version.data["answers"][1]["text"] == "Ctrl+Shift+S"


@pytest.mark.parametrize("qtype, column, hint", [
    ("numerical", True, False), ("shortanswer", False, True), ("multichoice", False, False)])
def test_question_form_shows_the_columns_and_hint_its_type_declares(world, client_for, qtype, column, hint):  # noqa: ANN001
    factories.category()
    page = client_for("trainer").get(reverse("quizzes:question-create", kwargs={"qtype": qtype})).content.decode()
    assert ("<th>Sai số chấp nhận</th>" in page) is column
    assert ("Dùng * thay cho ký tự bất kỳ" in page) is hint
    assert ('name="answer_0_tolerance"' in page) is column


def test_statistics_page_and_export(world, client_for):  # noqa: ANN001
    quiz = factories.all_types_quiz()
    officer = world.officers["officer"]
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    services.attempt_submit(attempt=attempt)
    client = client_for("trainer")
    html = client.get(reverse("quizzes:quiz-statistics", kwargs={"pk": quiz.pk})).content.decode()
    assert 'id="items"' in html
    gift = client.get(reverse("quizzes:export-gift")).content.decode()
    assert "::Câu truefalse::" in gift


def _many_questions(n: int) -> None:
    cat = factories.category()
    for i in range(n):
        factories.question("multichoice", cat=cat, title=f"Câu {i}", tags=["IU01", f"T{i % 3}"])


def test_bank_query_budget_stays_flat(world, client_for, django_assert_max_num_queries):  # noqa: ANN001
    client = client_for("trainer")
    _many_questions(3)
    with django_assert_max_num_queries(14):
        client.get(reverse("quizzes:bank"))
    _many_questions(30)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("quizzes:bank")).status_code == 200


def _attempts(world, n: int) -> object:  # noqa: ANN001
    from org import services as org_services

    quiz = factories.all_types_quiz(attempts=0)
    for i in range(n):
        officer = org_services.officer_create(
            full_name=f"Cán bộ {i}", email=f"cb{i}-{quiz.pk}@moj.gov.vn", unit=world.units["A"],
            position=world.positions["clerk"])
        services.attempt_submit(attempt=services.attempt_start(quiz=quiz, officer=officer))
    return quiz


def test_results_grading_and_quiz_list_query_budgets(world, client_for, django_assert_max_num_queries):  # noqa: ANN001
    client = client_for("trainer")
    small = _attempts(world, 2)
    big = _attempts(world, 20)
    for quiz in (small, big):
        with django_assert_max_num_queries(14):
            assert client.get(reverse("quizzes:quiz-results", kwargs={"pk": quiz.pk})).status_code == 200
        with django_assert_max_num_queries(14):
            assert client.get(reverse("quizzes:grading-queue") + f"?quiz={quiz.pk}").status_code == 200
        with django_assert_max_num_queries(16):
            assert client.get(reverse("quizzes:quiz-statistics", kwargs={"pk": quiz.pk})).status_code == 200
    officer_client = client_for("officer")
    with django_assert_max_num_queries(12):
        assert officer_client.get(reverse("quizzes:quiz-list")).status_code == 200


def test_unit_manager_sees_only_attempts_in_their_subtree(world, client_for):  # noqa: ANN001
    quiz = factories.all_types_quiz(attempts=0)
    for key in ("officer", "other_b"):
        services.attempt_submit(attempt=services.attempt_start(quiz=quiz, officer=world.officers[key]))
    html = client_for("unit_manager").get(reverse("quizzes:quiz-results", kwargs={"pk": quiz.pk})).content.decode()
    assert world.officers["officer"].full_name in html
    assert world.officers["other_b"].full_name not in html


def test_home_panel_lists_open_quizzes(world, client_for):  # noqa: ANN001
    quiz = factories.all_types_quiz(title="Kiểm tra chữ ký số")
    html = client_for("officer").get(reverse("core:home")).content.decode()
    assert quiz.title in html
