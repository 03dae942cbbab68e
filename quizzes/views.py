from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import require
from org.selectors import officer_for_user, officer_list_visible
from quizzes import presentation, selectors, services
from quizzes.forms import (
    CategoryForm,
    GradeForm,
    ImportForm,
    OverrideForm,
    QuestionFilterForm,
    QuestionForm,
    QuizForm,
    SlotFixedForm,
    SlotMarkForm,
    SlotRandomForm,
)
from quizzes.models import (
    Attempt,
    AttemptAnswer,
    Navigation,
    Question,
    QuestionImport,
    QuestionType,
    Quiz,
    QuizSlot,
)
from quizzes.permissions import (
    can_grade_attempt,
    can_manage_bank,
    can_manage_quizzes,
    can_see_quizzes,
    can_take_quizzes,
    can_view_results,
)

PAGE_SIZE = 50


# ---------------------------------------------------------------- question bank

@require(can_manage_bank)
def bank(request: HttpRequest) -> HttpResponse:
    categories = selectors.category_tree()
    form = QuestionFilterForm(request.GET or None, categories=categories)
    filters = form.cleaned_data if form.is_valid() else {}
    questions = selectors.question_list(
        category_id=filters["category"].pk if filters.get("category") else None,
        qtype=filters.get("qtype") or "", tag=filters.get("tag") or "", query=filters.get("q") or "")
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "categories": categories, "types": QuestionType.choices,
               "export_query": request.GET.urlencode()}
    template = "quizzes/bank.html#question-table" if request.htmx else "quizzes/bank.html"
    return render(request, template, context)


@require(can_manage_bank)
def category_create(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST or None, categories=selectors.category_tree())
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(name=form.cleaned_data["name"], parent=form.cleaned_data["parent"])
        except services.QuizError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("Category “%(name)s” created.") % {"name": category.name})
            return redirect("quizzes:bank")
    return render(request, "quizzes/simple_form.html", {"form": form, "title": _("New question category"),
                                                         "hint": _("Give the category a short name; put it under a parent to build a tree.")})


@require(can_manage_bank)
def question_create(request: HttpRequest, qtype: str) -> HttpResponse:
    if qtype not in QuestionType.values:
        raise Http404
    categories = selectors.category_tree()
    if not categories:
        messages.info(request, _("Create a category first."))
        return redirect("quizzes:category-create")
    form = QuestionForm(request.POST or None, qtype=qtype, categories=categories,
                        initial={"category": request.GET.get("category")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        question = services.question_create(
            category=data["category"], qtype=qtype, title=data["title"], text=data["text"],
            text_format=data["text_format"], general_feedback=data["general_feedback"], data=data["data"],
            default_mark=data["default_mark"], tags=data["tag_list"], by=request.user)
        messages.success(request, _("Question saved."))
        return redirect("quizzes:question-detail", pk=question.pk)
    return render(request, "quizzes/question_form.html", {"form": form, "qtype": qtype,
                                                           "qtype_label": QuestionType(qtype).label})


@require(can_manage_bank)
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("current_version", "category"), pk=pk)
    version = question.current_version
    initial = {"category": question.category_id, "title": version.title, "text": version.text,
               "text_format": version.text_format, "default_mark": version.default_mark,
               "general_feedback": version.general_feedback,
               "tags": ", ".join(question.tags.values_list("name", flat=True))}
    form = QuestionForm(request.POST or None, qtype=question.qtype, categories=selectors.category_tree(),
                        version=version, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = services.question_update(
            question=question, category=data["category"], title=data["title"], text=data["text"],
            text_format=data["text_format"], general_feedback=data["general_feedback"], data=data["data"],
            default_mark=data["default_mark"], tags=data["tag_list"], by=request.user)
        messages.success(request, _("Saved as version %(n)s. Attempts already made keep the version they showed.")
                         % {"n": new.number})
        return redirect("quizzes:question-detail", pk=question.pk)
    return render(request, "quizzes/question_form.html", {"form": form, "question": question,
                                                           "qtype": question.qtype,
                                                           "qtype_label": QuestionType(question.qtype).label})


@require(can_manage_bank)
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("current_version", "category"), pk=pk)
    version = question.current_version
    order = [a["id"] for a in (version.data or {}).get("answers", [])] or sorted(
        {p["right"] for p in (version.data or {}).get("pairs", [])})
    preview = presentation.for_review(
        index=0, version=version, order=order, show_marks=False, show_correct=True, show_feedback=True,
        answer=AttemptAnswer(version=version, response=None, max_mark=version.default_mark))
    return render(request, "quizzes/question_detail.html", {
        "question": question, "version": version, "preview": preview,
        "versions": selectors.question_versions(question=question), "tags": question.tags.all()})


@require(can_manage_bank)
@require_POST
def question_archive(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=pk)
    services.question_archive(question=question, archived=not question.is_archived)
    messages.success(request, _("Question archived.") if question.is_archived else _("Question restored."))
    return redirect("quizzes:question-detail", pk=pk)


@require(can_manage_bank)
def import_start(request: HttpRequest) -> HttpResponse:
    categories = selectors.category_tree()
    form = ImportForm(request.POST or None, request.FILES or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        question_import = services.question_import_preview(
            file_name=upload.name, content=upload.read(), file_format=form.cleaned_data["file_format"],
            category=form.cleaned_data["category"], strict=form.cleaned_data["strict"], by=request.user)
        return redirect("quizzes:import-detail", pk=question_import.pk)
    return render(request, "quizzes/import_start.html", {"form": form, "has_categories": bool(categories)})


def _own_import(request: HttpRequest, pk: int) -> QuestionImport:
    question_import = get_object_or_404(QuestionImport.objects.select_related("category"), pk=pk)
    if question_import.uploaded_by_id != request.user.pk and not can_manage_bank(request.user):
        raise Http404
    return question_import


@require(can_manage_bank)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question_import = _own_import(request, pk)
    preview = []
    if question_import.status == QuestionImport.Status.PREVIEW:
        result = services.questions_parse(text=question_import.content, file_format=question_import.file_format)
        preview = result.questions[:200]
    return render(request, "quizzes/import_detail.html", {
        "imp": question_import, "preview": preview, "total": sum(question_import.summary.values()),
        "type_labels": dict(QuestionType.choices)})


@require(can_manage_bank)
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    question_import = _own_import(request, pk)
    try:
        result = services.question_import_apply(question_import=question_import, by=request.user)
    except services.QuizError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s questions imported.") % {"n": sum(result.imported.values())})
    return redirect("quizzes:import-detail", pk=pk)


@require(can_manage_bank)
def export_gift(request: HttpRequest) -> HttpResponse:
    categories = selectors.category_tree()
    form = QuestionFilterForm(request.GET or None, categories=categories)
    filters = form.cleaned_data if form.is_valid() else {}
    questions = list(selectors.question_list(
        category_id=filters["category"].pk if filters.get("category") else None,
        qtype=filters.get("qtype") or "", tag=filters.get("tag") or "", query=filters.get("q") or "",
    ).select_related("category__parent__parent").order_by("category_id", "pk"))
    text = services.questions_export_gift(questions=questions)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questions-{timezone.localdate():%Y%m%d}.gift.txt"'
    return response


# ---------------------------------------------------------------- quizzes

@require(can_see_quizzes)
def quiz_list(request: HttpRequest) -> HttpResponse:
    officer = officer_for_user(request.user)
    context = {"available": selectors.quiz_list_for_officer(officer=officer) if officer else [],
               "can_manage": can_manage_quizzes(request.user), "now": timezone.now()}
    if context["can_manage"]:
        context["managed"] = Paginator(selectors.quiz_list_manage(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quizzes/quiz_list.html", context)


@require(can_manage_quizzes)
def quiz_create(request: HttpRequest) -> HttpResponse:
    form = QuizForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        quiz = services.quiz_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Quiz created. Now add its questions."))
        return redirect("quizzes:quiz-detail", pk=quiz.pk)
    return render(request, "quizzes/quiz_form.html", {"form": form})


@require(can_manage_quizzes)
def quiz_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz, pk=pk)
    form = QuizForm(request.POST or None, instance=quiz)
    if request.method == "POST" and form.is_valid():
        services.quiz_update(quiz=quiz, **form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect("quizzes:quiz-detail", pk=quiz.pk)
    return render(request, "quizzes/quiz_form.html", {"form": form, "quiz": quiz})


def _visible_quiz(request: HttpRequest, pk: int) -> Quiz:
    quiz = get_object_or_404(Quiz.objects.select_related("audience", "lesson"), pk=pk)
    if can_manage_quizzes(request.user) or can_view_results(request.user):
        return quiz
    if selectors.quiz_is_visible_to_officer(quiz=quiz, officer=officer_for_user(request.user)):
        return quiz
    raise Http404


def quiz_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _visible_quiz(request, pk)
    officer = officer_for_user(request.user)
    now = timezone.now()
    context = {"quiz": quiz, "now": now, "can_manage": can_manage_quizzes(request.user),
               "can_results": can_view_results(request.user)}
    if officer is not None and quiz.is_published:
        mine = list(Attempt.objects.filter(quiz=quiz, officer=officer).order_by("number"))
        closed = selectors.quiz_closed_for_everyone(quiz=quiz, now=now)
        for attempt in mine:
            if selectors.attempt_is_overdue(attempt=attempt, now=now):
                services.attempt_refresh(attempt=attempt, now=now)
                attempt.refresh_from_db()
            attempt.quiz = quiz
            attempt.shows = selectors.review_shows(attempt=attempt, now=now, closed=closed)
        rules = selectors.quiz_rules_for(quiz=quiz, officer=officer)
        context.update({
            "my_attempts": mine, "rules": rules,
            "in_progress": next((a for a in mine if a.state == Attempt.State.IN_PROGRESS), None),
            "attempts_left": (rules.attempts_allowed - len(mine)) if rules.attempts_allowed else None,
            "is_open": (not quiz.open_at or quiz.open_at <= now) and (not rules.close_at or now < rules.close_at),
            # The quiz grade is a mark: shown once the marks of the attempts it counts may be seen.
            "my_grade": selectors.quiz_grade_for(quiz=quiz, attempts=[a for a in mine if a.shows.marks]),
        })
    if context["can_manage"]:
        categories = selectors.category_tree()
        context.update({
            "slots": quiz.slots.select_related("question__current_version", "random_category"),
            "fixed_form": SlotFixedForm(),
            "random_form": SlotRandomForm(categories=categories),
            "override_form": OverrideForm(officers=officer_list_visible(user=request.user).filter(is_active=True)),
            "overrides": quiz.overrides.select_related("officer__unit"),
            "to_grade": selectors.grading_queue(user=request.user, quiz=quiz).count(),
        })
    return render(request, "quizzes/quiz_detail.html", context)


@require(can_manage_quizzes)
@require_POST
def slot_add(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz, pk=pk)
    try:
        if "random-category" in request.POST:
            form = SlotRandomForm(request.POST, categories=selectors.category_tree())
            if not form.is_valid():
                raise services.QuizError(_("Check the random question fields."))
            services.quiz_slot_add(quiz=quiz, random_category=form.cleaned_data["category"],
                                   count=form.cleaned_data["count"], mark=form.cleaned_data["mark"],
                                   include_subcategories=form.cleaned_data["include_subcategories"])
        else:
            form = SlotFixedForm(request.POST)
            if not form.is_valid():
                raise services.QuizError(_("Type the number of a question of the bank."))
            question = Question.objects.active().filter(pk=form.cleaned_data["question"],
                                                        current_version__isnull=False).first()
            if question is None:
                raise services.QuizError(_("No question has this number."))
            services.quiz_slot_add(quiz=quiz, question=question, mark=form.cleaned_data["mark"])
    except services.QuizError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Question added."))
    return redirect("quizzes:quiz-detail", pk=pk)


@require(can_manage_quizzes)
@require_POST
def slot_remove(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz, pk=pk)
    slot = QuizSlot.objects.filter(pk=slot_pk, quiz=quiz).first()
    if slot is not None:  # pressing twice is harmless
        services.quiz_slot_remove(slot=slot)
    messages.success(request, _("Question removed from the quiz."))
    return redirect("quizzes:quiz-detail", pk=pk)


@require(can_manage_quizzes)
@require_POST
def slot_update(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    """Move a question up or down, or change its mark (for attempts started from now on)."""
    quiz = get_object_or_404(Quiz, pk=pk)
    slot = get_object_or_404(QuizSlot, pk=slot_pk, quiz=quiz)
    back = redirect(f"{reverse('quizzes:quiz-detail', kwargs={'pk': pk})}#slots")
    move = request.POST.get("move")
    if move in ("up", "down"):
        services.quiz_slot_move(slot=slot, offset=-1 if move == "up" else 1)
        messages.success(request, _("Order saved."))
        return back
    form = SlotMarkForm(request.POST)
    try:
        if not form.is_valid():
            raise services.QuizError(_("Question %(n)s: the mark must be a number from 0 to %(max)s.")
                                     % {"n": slot.position, "max": services.MAX_SLOT_MARK})
        services.quiz_slot_mark_set(slot=slot, mark=form.cleaned_data["mark"])
    except services.QuizError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Mark of question %(n)s saved; attempts already started keep theirs.")
                         % {"n": slot.position})
    return back


@require(can_manage_quizzes)
@require_POST
def override_save(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz, pk=pk)
    form = OverrideForm(request.POST, officers=officer_list_visible(user=request.user))
    if form.is_valid():
        services.override_set(quiz=quiz, officer=form.cleaned_data["officer"],
                              extra_minutes=form.cleaned_data["extra_minutes"],
                              extra_attempts=form.cleaned_data["extra_attempts"],
                              close_at=form.cleaned_data["close_at"])
        messages.success(request, _("Arrangement saved for %(name)s.") % {"name": form.cleaned_data["officer"]})
    else:
        messages.error(request, _("Check the arrangement fields."))
    return redirect("quizzes:quiz-detail", pk=pk)


@require(can_view_results)
def quiz_results(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz, pk=pk)
    attempts = selectors.attempt_list_visible(user=request.user, quiz=quiz).order_by(
        "officer__unit__path", "officer__full_name", "number")
    page = Paginator(attempts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quizzes/quiz_results.html", {
        "quiz": quiz, "page": page, "can_grade": can_grade_attempt(request.user),
        "can_manage": can_manage_quizzes(request.user)})


@require(can_manage_quizzes)
def quiz_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz, pk=pk)
    return render(request, "quizzes/quiz_statistics.html", {"quiz": quiz,
                                                             "stats": selectors.quiz_statistics(quiz=quiz)})


@require(can_manage_quizzes)
@require_POST
def quiz_regrade(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz, pk=pk)
    result = services.quiz_regrade(quiz=quiz, by=request.user, to_latest=request.POST.get("to_latest") != "0")
    messages.success(request, _("%(attempts)s attempts regraded; %(changed)s scores changed.") % result)
    return redirect("quizzes:quiz-results", pk=pk)


@require(can_grade_attempt)
def grading_queue(request: HttpRequest) -> HttpResponse:
    quiz = None
    if request.GET.get("quiz", "").isdigit():
        quiz = Quiz.objects.filter(pk=int(request.GET["quiz"])).first()
    answers = selectors.grading_queue(user=request.user, quiz=quiz)
    page = Paginator(answers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quizzes/grading_queue.html", {"page": page, "quiz": quiz})


@require(can_grade_attempt)
def answer_grade(request: HttpRequest, pk: int) -> HttpResponse:
    answer = AttemptAnswer.objects.filter(pk=pk, attempt__state=Attempt.State.FINISHED).select_related(
        "attempt__officer__unit", "attempt__quiz", "version").first()
    if answer is None or not selectors.attempt_list_visible(user=request.user).filter(pk=answer.attempt_id).exists():
        raise Http404
    form = GradeForm(request.POST or None, initial={"mark": answer.mark, "comment": answer.grader_comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_grade_manual(answer=answer, mark=form.cleaned_data["mark"], by=request.user,
                                         comment=form.cleaned_data["comment"])
        except services.QuizError as exc:
            form.add_error("mark", str(exc))
        else:
            messages.success(request, _("Mark saved."))
            following = selectors.grading_queue(user=request.user, quiz=answer.attempt.quiz).first()
            if following is not None:
                return redirect("quizzes:answer-grade", pk=following.pk)
            return redirect("quizzes:grading-queue")
    layout = answer.attempt.layout[answer.index] if answer.index < len(answer.attempt.layout) else {}
    shown = presentation.for_review(index=answer.index, version=answer.version, order=layout.get("order", []),
                                    answer=answer, show_marks=True, show_correct=True, show_feedback=True)
    return render(request, "quizzes/answer_grade.html", {"answer": answer, "form": form, "q": shown})


# ---------------------------------------------------------------- attempts

@require(can_take_quizzes)
@require_POST
def attempt_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start (or resume) the officer's attempt, then the attempt page. Only a published quiz meant for
    the officer's unit can be started, whatever other role they hold (one query checks both)."""
    officer = officer_for_user(request.user)
    quiz = selectors.quiz_get_for_officer(pk=pk, officer=officer)
    if quiz is None:
        raise Http404
    try:
        attempt = services.attempt_start(quiz=quiz, officer=officer)
    except services.QuizError as exc:
        messages.error(request, str(exc))
        return redirect("quizzes:quiz-detail", pk=pk)
    return redirect("quizzes:attempt-take", pk=attempt.pk)


def _own_attempt(request: HttpRequest, pk: int) -> Attempt:
    attempt = (Attempt.objects.select_related("quiz", "officer")
               .filter(pk=pk, officer__user_id=request.user.pk).first())
    if attempt is None:
        raise Http404
    return attempt


def attempt_take(request: HttpRequest, pk: int) -> HttpResponse:
    """The attempt page: questions with the answers saved so far, and the server's deadline."""
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    attempt = services.attempt_refresh(attempt=attempt, now=now)
    if attempt.state != Attempt.State.IN_PROGRESS:
        messages.info(request, _("This attempt is closed; your saved answers were submitted."))
        return redirect("quizzes:attempt-review", pk=attempt.pk)
    answers = list(attempt.answers.select_related("version"))
    sequential = attempt.quiz.navigation == Navigation.SEQUENTIAL
    shown = [(answer.index, answer.version, attempt.layout[answer.index].get("order", []), answer.response,
              answer.saved_at) for answer in answers if not sequential or answer.index == attempt.current_index]
    questions = presentation.attempt_questions_html(
        items=shown, answer_url=reverse("quizzes:attempt-answer", kwargs={"pk": attempt.pk}),
        csrf_token=get_token(request))
    answered = sum(1 for a in answers if a.saved_at)
    return render(request, "quizzes/attempt_take.html", {
        "attempt": attempt, "quiz": attempt.quiz, "questions": questions, "now": now,
        "sequential": sequential, "is_last": attempt.current_index >= len(attempt.layout) - 1,
        "total": len(answers), "answered": answered,
    })


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def attempt_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one answer as it is given; answers JSON {ok, saved_at, revision} or {ok: false, code, message}."""
    try:
        index = int(request.POST.get("index", ""))
    except ValueError:
        index = -1
    try:
        answer = services.attempt_answer_save(attempt_id=pk, user_id=request.user.pk, index=index, raw=request.POST)
    except services.AnswerRefused as exc:
        status = {"not_found": 404, "invalid": 400}.get(exc.code, 409)
        if _wants_json(request):
            return JsonResponse({"ok": False, "code": exc.code, "message": str(exc)}, status=status)
        if exc.code == "not_found":
            raise Http404 from exc
        messages.error(request, str(exc))
        return redirect("quizzes:attempt-take", pk=pk)
    if _wants_json(request):
        return JsonResponse({"ok": True, "index": index, "saved_at": answer.saved_at.isoformat(),
                             "revision": answer.revision})
    messages.success(request, _("Answer saved."))
    return redirect(f"{request.path.rsplit('/answer/', 1)[0]}/#q{index + 1}")


@require_POST
def attempt_next(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _own_attempt(request, pk)
    services.attempt_advance(attempt=attempt, user_id=request.user.pk)
    return redirect("quizzes:attempt-take", pk=pk)


@require_POST
def attempt_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Finish the attempt (pressing twice, or after the clock closed it, is harmless)."""
    attempt = _own_attempt(request, pk)
    services.attempt_submit(attempt=attempt)
    return redirect("quizzes:attempt-review", pk=pk)


def attempt_review(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = Attempt.objects.select_related("quiz", "officer__unit").filter(pk=pk).first()
    if attempt is None:
        raise Http404
    now = timezone.now()
    own = attempt.officer.user_id == request.user.pk
    staff = can_view_results(request.user) and selectors.attempt_list_visible(user=request.user).filter(
        pk=attempt.pk).exists()
    if not own and not staff:
        raise Http404
    attempt = services.attempt_refresh(attempt=attempt, now=now)
    if attempt.state == Attempt.State.IN_PROGRESS:
        if own:
            return redirect("quizzes:attempt-take", pk=pk)
        raise PermissionDenied
    quiz = attempt.quiz
    # A trainer or manager in scope sees everything; the officer what the review options allow now.
    shows = selectors.REVIEW_EVERYTHING if staff and not own else selectors.review_shows(attempt=attempt, now=now)
    questions = []
    if shows.answers:
        for answer in attempt.answers.select_related("version"):
            entry = attempt.layout[answer.index]
            questions.append(presentation.for_review(
                index=answer.index, version=answer.version, order=entry.get("order", []), answer=answer,
                show_marks=shows.marks, show_correct=shows.correct, show_feedback=shows.feedback))
    return render(request, "quizzes/attempt_review.html", {
        "attempt": attempt, "quiz": quiz, "questions": questions, "is_open": shows.answers,
        "show_marks": shows.marks, "own": own,
    })


# ---------------------------------------------------------------- lesson link

def lesson_link(lesson, request) -> tuple[str, str] | None:  # noqa: ANN001
    quiz = Quiz.objects.filter(lesson=lesson).only("pk", "title").first()
    if quiz is None:
        return None
    return reverse("quizzes:quiz-detail", kwargs={"pk": quiz.pk}), _("Take the quiz “%(title)s”") % {"title": quiz.title}
