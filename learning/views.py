from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from core.exports import xlsx_response
from core.permissions import require
from org.models import Unit
from org.selectors import officer_for_user, teaches_courses, trainer_search, unit_list_visible
from learning import permissions as perms
from learning import selectors, services
from learning.files import serve_file
from core.certificates import CertificateDocument, certificate_pdf as build_certificate_pdf, issuer_from_stored, site_url
from learning.formats.markdown_text import render_markdown
from learning.formats.report_xlsx import report_sheets
from learning.forms import (
    AssignmentForm,
    CertificateLookupForm,
    CertificateRevokeForm,
    CertificateSearchForm,
    CourseForm,
    ImageForm,
    LessonForm,
    ModuleForm,
    ReportFilterForm,
)
from learning.links import lesson_link
from learning.models import Assignment, Certificate, Course, Enrollment, Lesson, Module

PAGE_SIZE = 50


def _officer_or_403(request: HttpRequest):  # noqa: ANN202
    officer = officer_for_user(request.user)
    if officer is None:
        raise PermissionDenied
    return officer


# --- Learner pages ------------------------------------------------------------------------------

@require(perms.can_learn)
def my_courses(request: HttpRequest) -> HttpResponse:
    """"Khóa học của tôi": due dates, progress, continue; certificates."""
    officer = _officer_or_403(request)
    context = selectors.enrollment_groups_for_officer(officer=officer)
    context["certificates"] = list(selectors.certificate_list_for_officer(officer=officer).select_related("course"))
    return render(request, "learning/my_courses.html", context)


@require(perms.can_learn)
def catalogue(request: HttpRequest) -> HttpResponse:
    officer = officer_for_user(request.user)
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()
    courses = selectors.course_catalogue(officer=officer, category=category, query=query)
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/catalogue.html", {"page": page, "categories": Course.Category.choices,
                                                       "category": category, "q": query})


def _course_visible(request: HttpRequest, pk: int) -> tuple[Course, object]:
    course = get_object_or_404(Course, pk=pk)
    officer = officer_for_user(request.user)
    enrollment = selectors.enrollment_current_get(officer=officer, course=course)
    if not course.is_published and enrollment is None and not perms.can_manage_courses(request.user):
        raise Http404
    if officer is None and not perms.can_manage_courses(request.user):
        raise Http404
    return course, enrollment


def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course, enrollment = _course_visible(request, pk)
    officer = officer_for_user(request.user)
    missing = selectors.course_prerequisites_missing(officer=officer, course=course) if officer else []
    outline = selectors.course_outline(course=course, enrollment=enrollment)
    grades = selectors.course_grades(course=course, officer_ids=[officer.pk]) if enrollment else {}
    return render(request, "learning/course_detail.html", {
        "graded": bool(grades), "grade": grades.get(officer.pk) if grades else None,
        "course": course, "enrollment": enrollment, "outline": outline, "missing": missing,
        "missing_message": services.prerequisites_message(missing) if missing else "",
        "can_manage": perms.can_manage_courses(request.user),
        "prerequisites": list(course.prerequisites.all()),
    })


@require_POST
@require(perms.can_learn)
def course_enroll(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk)
    try:
        services.enrollment_self_enroll(officer=_officer_or_403(request), course=course)
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect("learning:course-detail", pk=course.pk)
    messages.success(request, _("You are enrolled. Good luck!"))
    return redirect("learning:course-resume", pk=course.pk)


@require_POST
@require(perms.can_learn)
def course_unenroll(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk)
    try:
        services.enrollment_unenroll(officer=_officer_or_403(request), course=course)
    except services.LearningError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You left the course."))
    return redirect("learning:course-detail", pk=course.pk)


@require(perms.can_learn)
def course_resume(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk)
    enrollment = selectors.enrollment_current_get(officer=_officer_or_403(request), course=course)
    if enrollment is None:
        return redirect("learning:course-detail", pk=course.pk)
    lesson = selectors.lesson_resume(enrollment=enrollment)
    if lesson is None:
        return redirect("learning:course-detail", pk=course.pk)
    return redirect("learning:lesson-detail", pk=lesson.pk)


def _lesson_visible(request: HttpRequest, pk: int) -> Lesson:
    lesson = get_object_or_404(Lesson.objects.select_related("course", "module"), pk=pk)
    if not perms.can_view_lesson(request.user, lesson):
        raise Http404
    return lesson


def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _lesson_visible(request, pk)
    officer = officer_for_user(request.user)
    enrollment = selectors.enrollment_current_get(officer=officer, course=lesson.course)
    progress = None
    blocked = ""
    locked_by = None
    if enrollment is not None:
        try:
            progress = services.lesson_open(officer=officer, lesson=lesson)
        except services.LessonLocked as error:
            blocked, locked_by = str(error), error.blocking
        except services.LearningError as error:
            blocked = str(error)
    previous, following = selectors.lesson_neighbours(lesson=lesson)
    context = {
        "lesson": lesson, "course": lesson.course, "enrollment": enrollment, "progress": progress,
        "blocked": blocked, "locked_by": locked_by, "previous": previous, "next": following,
        "body_html": render_markdown(lesson.body) if lesson.body and not blocked else "",
        "quiz_link": lesson_link(lesson, request) if lesson.kind == Lesson.Kind.QUIZ and not blocked else None,
        "preview": enrollment is None,
        "seen_minutes": (progress.seen_seconds // 60) if progress else 0,
    }
    # A lesson locked by the course order is refused, whatever link led here.
    return render(request, "learning/lesson_detail.html", context, status=403 if locked_by else 200)


@require_POST
@require(perms.can_learn)
def lesson_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """The learner's own tick: accepted only for lessons whose rule lets the learner mark them done."""
    lesson = _lesson_visible(request, pk)
    officer = _officer_or_403(request)
    try:
        services.lesson_progress_complete(officer=officer, lesson=lesson, source="manual")
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect("learning:lesson-detail", pk=lesson.pk)
    return _after_completion(request, officer, lesson)


def _after_completion(request: HttpRequest, officer, lesson: Lesson) -> HttpResponse:  # noqa: ANN001
    enrollment = selectors.enrollment_current_get(officer=officer, course=lesson.course)
    if enrollment and enrollment.completed_at:
        messages.success(request, _("Course completed. Your certificate is ready."))
        return redirect("learning:course-detail", pk=lesson.course_id)
    _previous, following = selectors.lesson_neighbours(lesson=lesson)
    return redirect("learning:lesson-detail", pk=following.pk) if following else \
        redirect("learning:course-detail", pk=lesson.course_id)


def _progress_answer(progress) -> JsonResponse:  # noqa: ANN001
    return JsonResponse({"completed": bool(progress and progress.completed_at),
                         "seen_seconds": progress.seen_seconds if progress else 0,
                         "video_percent": progress.video_percent if progress else 0})


@require_POST
@require(perms.can_learn)
def lesson_heartbeat(request: HttpRequest, pk: int) -> HttpResponse:
    """The lesson page says every half minute that it is still visible; the server measures the time."""
    lesson = _lesson_visible(request, pk)
    try:
        progress = services.lesson_heartbeat(officer=_officer_or_403(request), lesson=lesson)
    except services.LearningError:
        return HttpResponse(status=204)
    return _progress_answer(progress)


@require_POST
@require(perms.can_learn)
def lesson_video_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The lesson page reports how far the video has been watched (percent); the server keeps the maximum."""
    lesson = _lesson_visible(request, pk)
    raw = request.POST.get("percent", "")
    if not raw.isdigit():
        return HttpResponse(status=400)
    try:
        progress = services.lesson_video_progress(officer=_officer_or_403(request), lesson=lesson,
                                                  percent=int(raw))
    except services.LearningError:
        return HttpResponse(status=204)
    return _progress_answer(progress)


def _refuse_locked(request: HttpRequest, lesson: Lesson) -> None:
    officer = officer_for_user(request.user)
    enrollment = selectors.enrollment_current_get(officer=officer, course=lesson.course)
    if enrollment is not None and selectors.lesson_blocking_get(enrollment=enrollment, lesson=lesson):
        raise PermissionDenied


def lesson_video(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _lesson_visible(request, pk)
    if not lesson.video:
        raise Http404
    _refuse_locked(request, lesson)
    return serve_file(request, lesson.video)


def lesson_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve the lesson's file; for an enrolled officer this completes a "file downloaded" lesson."""
    lesson = _lesson_visible(request, pk)
    if not lesson.attachment:
        raise Http404
    officer = officer_for_user(request.user)
    if officer is not None:
        try:
            services.lesson_file_downloaded(officer=officer, lesson=lesson)
        except services.LearningError as error:
            raise PermissionDenied from error
    return serve_file(request, lesson.attachment, as_attachment=True)


def course_image(request: HttpRequest, pk: int) -> HttpResponse:
    from learning.models import CourseImage

    image = get_object_or_404(CourseImage.objects.select_related("course"), pk=pk)
    _course_visible(request, image.course_id)
    return serve_file(request, image.image)


# --- Certificates -------------------------------------------------------------------------------

def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate as printed: layout of a Vietnamese administrative document; stamped if revoked."""
    certificate = get_object_or_404(Certificate.objects.select_related("officer__unit"), code=code)
    if not perms.can_download_certificate(request.user, certificate):
        raise Http404
    verify_url = site_url(reverse("learning:certificate-verify", kwargs={"code": certificate.code}))
    document = CertificateDocument(
        title="Giấy chứng nhận", holder_name=certificate.officer_name,
        holder_unit=certificate.holder_unit_name or certificate.officer.unit.name,
        lines=("Đã hoàn thành khóa học", certificate.course_title),
        number=certificate.number or certificate.code, issued_on=certificate.issued_on, code=certificate.code,
        verify_url=verify_url, issuer=issuer_from_stored(certificate), valid_until=certificate.valid_until,
        revoked_on=timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None,
    )
    response = HttpResponse(build_certificate_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{certificate.code}.pdf"'
    return response


def _certificate_status(certificate: Certificate | None) -> str | None:
    if certificate is None:
        return None
    if certificate.is_revoked:
        return "revoked"
    if certificate.valid_until and certificate.valid_until < timezone.localdate():
        return "expired"
    return "valid"


def _verify_response(request: HttpRequest, *, code: str, form: CertificateLookupForm,
                     missing_status: int) -> HttpResponse:
    certificate = selectors.certificate_by_code(code=code) if code else None
    response = render(request, "learning/certificate_verify.html", {
        "certificate": certificate, "status": _certificate_status(certificate), "code": code, "form": form,
        "searched": bool(code),
    }, status=missing_status if code and certificate is None else 200)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: name, course, date, valid/expired/revoked — nothing else."""
    return _verify_response(request, code=code, form=CertificateLookupForm(initial={"code": code}),
                            missing_status=404)


@login_not_required
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """Public: type a code from a certificate; the answer is the same minimal one as the per-code page."""
    form = CertificateLookupForm(request.GET or None)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    return _verify_response(request, code=code, form=form, missing_status=200)  # a search: the page itself exists


@require(perms.can_revoke_certificate)
def certificate_list(request: HttpRequest) -> HttpResponse:
    """Trainers: find a certificate (code, name or course) to revoke it."""
    form = CertificateSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    certificates = selectors.certificate_list_visible(user=request.user, query=query)
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/certificate_list.html", {"form": form, "page": page, "q": query})


@require(perms.can_revoke_certificate)
def certificate_revoke(request: HttpRequest, code: str) -> HttpResponse:
    """Trainers: revoke a certificate within their scope, with a reason."""
    certificate = get_object_or_404(selectors.certificate_list_visible(user=request.user), code=code)
    form = CertificateRevokeForm(request.POST or None)
    if certificate.is_revoked:
        messages.info(request, _("Certificate %(code)s is already revoked.") % {"code": certificate.code})
        return redirect(f"{reverse('learning:certificate-list')}?q={certificate.code}")
    if request.method == "POST" and form.is_valid():
        services.certificate_revoke(certificate=certificate, reason=form.cleaned_data["reason"])
        messages.success(request, _("Certificate %(code)s revoked.") % {"code": certificate.code})
        return redirect(f"{reverse('learning:certificate-list')}?q={certificate.code}")
    return render(request, "learning/certificate_revoke.html", {"certificate": certificate, "form": form})


# --- Notifications ------------------------------------------------------------------------------

def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/notification_list.html", {"page": page})


@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    pk = request.POST.get("id")
    services.notification_mark_read(user=request.user, notification_id=int(pk) if pk and pk.isdigit() else None)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("learning:notification-list")


# --- Course building (trainers) -----------------------------------------------------------------

@require(perms.can_manage_courses)
def manage_course_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.course_list_for_trainer(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/manage_course_list.html", {"page": page})


@require(perms.can_manage_courses)
def course_create(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        prerequisites = data.pop("prerequisites")
        course = services.course_create(by=request.user, prerequisites=prerequisites, **data)
        messages.success(request, _("Course created as a draft. Add modules and lessons, then publish."))
        return redirect("learning:course-edit", pk=course.pk)
    return render(request, "learning/course_form.html", {"form": form})


@require(perms.can_manage_courses)
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        prerequisites = data.pop("prerequisites")
        services.course_update(course=Course.objects.get(pk=course.pk), prerequisites=prerequisites, **data)
        messages.success(request, _("Course saved."))
        return redirect("learning:course-edit", pk=course.pk)
    return render(request, "learning/course_edit.html", {
        "course": course, "form": form, "module_form": ModuleForm(prefix="module"),
        "outline": selectors.course_outline(course=course, include_archived=True),
        "image_form": ImageForm(), "images": list(course.images.order_by("-pk")),
        "publish_problems": services.course_publish_problems(course=course),
        "co_trainers": list(course.co_trainers.select_related("officer").order_by("officer__search_name", "pk")),
        "can_manage_team": perms.can_manage_course_team(request.user, course),
    })


# --- Co-trainers ---------------------------------------------------------------------------------

def _course_team_or_refuse(request: HttpRequest, pk: int) -> Course:
    """The course if the user may choose its co-trainers; a co-trainer is refused (403), anyone else who
    does not teach it gets 404."""
    course = get_object_or_404(Course.objects.select_related("created_by"), pk=pk)
    if perms.can_manage_course_team(request.user, course):
        return course
    if Course.objects.taught_by(request.user).filter(pk=course.pk).exists():
        raise PermissionDenied
    raise Http404


@require(perms.can_manage_courses)
def course_co_trainers(request: HttpRequest, pk: int) -> HttpResponse:
    """The course's co-trainers with a remove button each, and trainers of any unit to add, searched by
    name or e-mail (htmx swaps the results only)."""
    course = _course_team_or_refuse(request, pk)
    query = (request.GET.get("q") or "").strip()[:100]
    current = list(course.co_trainers.select_related("officer__unit").order_by("officer__search_name", "pk"))
    excluded = [user.pk for user in current] + ([course.created_by_id] if course.created_by_id else [])
    candidates = trainer_search(query=query, exclude_user_ids=excluded)
    context = {"course": course, "current": current, "candidates": candidates, "query": query}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "learning/course_co_trainers.html#candidates" if partial else "learning/course_co_trainers.html"
    return render(request, template, context)


def _person_name(user) -> str:  # noqa: ANN001
    return getattr(getattr(user, "officer", None), "full_name", "") or user.email


def _posted_user(request: HttpRequest):  # noqa: ANN202
    from core.models import User

    user_id = request.POST.get("user") or ""
    user = User.objects.filter(pk=int(user_id)).first() if user_id.isdigit() else None
    if user is None:
        raise Http404
    return user


@require_POST
@require(perms.can_manage_courses)
def course_co_trainer_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course_team_or_refuse(request, pk)
    user = _posted_user(request)
    try:
        if services.course_co_trainer_add(course=course, user=user, by=request.user):
            messages.success(request, _("%(name)s now co-teaches this course.") % {"name": _person_name(user)})
    except services.LearningError as error:
        messages.error(request, str(error))
    return redirect("learning:course-co-trainers", pk=course.pk)


@require_POST
@require(perms.can_manage_courses)
def course_co_trainer_remove(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course_team_or_refuse(request, pk)
    user = _posted_user(request)
    if services.course_co_trainer_remove(course=course, user=user, by=request.user):
        messages.success(request, _("%(name)s no longer co-teaches this course.") % {"name": _person_name(user)})
    return redirect("learning:course-co-trainers", pk=course.pk)


@require_POST
@require(perms.can_manage_courses)
def course_publish(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk)
    try:
        services.course_publish(course=course)
        messages.success(request, _("Course published."))
    except services.LearningError as error:
        messages.error(request, str(error))
    return redirect("learning:course-edit", pk=course.pk)


@require_POST
@require(perms.can_manage_courses)
def course_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a course for next year; the copy is a draft owned by the trainer who copied it."""
    course = get_object_or_404(Course, pk=pk)
    copy = services.course_duplicate(course=course, by=request.user)
    messages.success(request, _("Copy made as a draft: check its code and title, attach the quizzes of its quiz "
                                "lessons, then publish it."))
    return redirect("learning:course-edit", pk=copy.pk)


@require_POST
@require(perms.can_manage_courses)
def course_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk)
    services.course_unpublish(course=course)
    messages.success(request, _("Course taken out of the catalogue. Enrolled officers keep their progress."))
    return redirect("learning:course-edit", pk=course.pk)


@require_POST
@require(perms.can_manage_courses)
def image_upload(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        image = services.course_image_add(course=course, image=form.cleaned_data["image"])
        messages.success(request, _("Image uploaded. Its address: %(url)s") %
                         {"url": reverse("learning:course-image", kwargs={"pk": image.pk})})
    else:
        messages.error(request, " ".join(form.errors.get("image", [])))
    return redirect("learning:course-edit", pk=course.pk)


@require(perms.can_manage_courses)
def module_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk)
    form = ModuleForm(request.POST or None, prefix="module")
    if request.method == "POST" and form.is_valid():
        services.module_save(course=course, title=form.cleaned_data["title"],
                             position=form.cleaned_data.get("position") or None)
        messages.success(request, _("Module added."))
        return redirect("learning:course-edit", pk=course.pk)
    return render(request, "learning/simple_form.html",
                  {"form": form, "title": _("New module"), "course": course, "multipart": False})


@require(perms.can_manage_courses)
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = get_object_or_404(Module.objects.select_related("course"), pk=pk)
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        services.module_save(course=module.course, module=module, title=form.cleaned_data["title"],
                             position=form.cleaned_data["position"])
        messages.success(request, _("Module saved."))
        return redirect("learning:course-edit", pk=module.course_id)
    return render(request, "learning/simple_form.html",
                  {"form": form, "title": _("Edit module"), "course": module.course, "multipart": False})


def _lesson_fields(form: LessonForm) -> dict:
    data = dict(form.cleaned_data)
    for key in ("video", "attachment"):
        if data.get(key) is False:  # "clear" ticked
            data[key] = ""
    return data


@require(perms.can_manage_courses)
def lesson_create(request: HttpRequest, pk: int) -> HttpResponse:
    module = get_object_or_404(Module.objects.select_related("course"), pk=pk)
    form = LessonForm(request.POST or None, request.FILES or None, initial={"is_required": True})
    if request.method == "POST" and form.is_valid():
        lesson = services.lesson_save(module=module, **_lesson_fields(form))
        messages.success(request, _("Lesson added."))
        return redirect("learning:lesson-edit", pk=lesson.pk)
    return render(request, "learning/simple_form.html",
                  {"form": form, "title": _("New lesson in “%(module)s”") % {"module": module.title},
                   "course": module.course, "multipart": True})


@require(perms.can_manage_courses)
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.select_related("course", "module"), pk=pk)
    form = LessonForm(request.POST or None, request.FILES or None, instance=lesson)
    if request.method == "POST" and form.is_valid():
        services.lesson_save(module=lesson.module, lesson=Lesson.objects.get(pk=lesson.pk), **_lesson_fields(form))
        messages.success(request, _("Lesson saved."))
        return redirect("learning:lesson-edit", pk=lesson.pk)
    return render(request, "learning/simple_form.html",
                  {"form": form, "title": _("Edit lesson"), "course": lesson.course, "multipart": True,
                   "lesson": lesson})


@require_POST
@require(perms.can_manage_courses)
def lesson_remove(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.select_related("course", "module"), pk=pk)
    course_id = lesson.course_id
    if request.POST.get("confirm") != "yes":
        return render(request, "learning/confirm.html", {
            "title": _("Remove a lesson"),
            "question": _("Remove the lesson “%(lesson)s” from “%(course)s”?") % {"lesson": lesson.title,
                                                                                "course": lesson.course.title},
            "consequence": _("If officers have opened it, it is archived and their history is kept."),
            "confirm_label": _("Yes, remove"), "cancel_url": reverse("learning:course-edit", kwargs={"pk": course_id}),
        })
    if services.lesson_remove(lesson=lesson):
        messages.success(request, _("Lesson deleted."))
    else:
        messages.success(request, _("Lesson archived: officers have opened it, so their history is kept."))
    return redirect("learning:course-edit", pk=course_id)


@require_POST
@require(perms.can_manage_courses)
def lesson_move(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.select_related("module"), pk=pk)
    services.lesson_move(lesson=lesson, step=-1 if request.POST.get("direction") == "up" else 1)
    return redirect("learning:course-edit", pk=lesson.course_id)


@require(perms.can_manage_courses)
def enrollment_completion(request: HttpRequest, pk: int) -> HttpResponse:
    """Trainers of the course: a learner's lessons with what completes each; mark a lesson, or the whole
    course, done by hand (audited)."""
    enrollment = get_object_or_404(Enrollment.objects.current().select_related("course", "officer__unit"), pk=pk)
    if not perms.can_mark_completion(request.user, enrollment.course):
        raise Http404
    back = reverse("learning:enrollment-completion", kwargs={"pk": enrollment.pk})
    if request.method == "POST":
        lesson_id = request.POST.get("lesson", "")
        try:
            if lesson_id.isdigit():
                lesson = get_object_or_404(Lesson, pk=int(lesson_id), course_id=enrollment.course_id)
                services.lesson_progress_mark_by_trainer(enrollment=enrollment, lesson=lesson, by=request.user)
                messages.success(request, _("Lesson “%(lesson)s” marked as done for %(officer)s.") %
                                 {"lesson": lesson.title, "officer": enrollment.officer.full_name})
            elif request.POST.get("whole") == "yes":
                if request.POST.get("confirm") != "yes":
                    return render(request, "learning/confirm.html", {
                        "title": _("Mark the course as completed"),
                        "question": _("Mark “%(course)s” as completed for %(officer)s?") % {
                            "course": enrollment.course.title, "officer": enrollment.officer.full_name},
                        "consequence": _("Every required lesson not yet done is marked as done by you and "
                                         "a certificate is issued. The audit log keeps this."),
                        "confirm_label": _("Yes, mark as completed"), "cancel_url": back,
                        "hidden": {"whole": "yes"},
                    })
                services.enrollment_complete_by_trainer(enrollment=enrollment, by=request.user)
                messages.success(request, _("Course marked as completed for %(officer)s.") %
                                 {"officer": enrollment.officer.full_name})
        except services.LearningError as error:
            messages.error(request, str(error))
        return redirect(back)
    return render(request, "learning/enrollment_completion.html", {
        "enrollment": enrollment, "course": enrollment.course,
        "outline": selectors.course_outline(course=enrollment.course, enrollment=enrollment),
    })


# --- Assignments (managers) ---------------------------------------------------------------------

@require(perms.can_assign_courses)
def assignment_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.assignment_list_visible(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/assignment_list.html", {"page": page})


@require(perms.can_assign_courses)
def assignment_create(request: HttpRequest) -> HttpResponse:
    units = unit_list_visible(user=request.user)
    form = AssignmentForm(request.POST or None, units=units, initial={"course": request.GET.get("course")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                course=data["course"], unit=data["unit"], positions=data["positions"], due_date=data["due_date"],
                recertify_months=data["recertify_months"], by=request.user,
                due_days_after_enrolment=data["due_days_after_enrolment"],
            )
        except services.LearningError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Course assigned: %(count)s officers enrolled.") %
                             {"count": assignment.enrollments.count()})
            return redirect("learning:assignment-list")
    return render(request, "learning/simple_form.html",
                  {"form": form, "title": _("Assign a course"), "multipart": False})


@require_POST
@require(perms.can_assign_courses)
def assignment_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment.objects.select_related("unit", "course"), pk=pk)
    if not perms.can_assign_to_unit(request.user, assignment.unit):
        raise Http404
    if request.POST.get("confirm") != "yes":
        return render(request, "learning/confirm.html", {
            "title": _("Stop an assignment"),
            "question": _("Stop assigning “%(course)s” to %(unit)s?") % {"course": assignment.course.title,
                                                                         "unit": assignment.unit.name},
            "consequence": _("Officers already enrolled keep their enrollment; newcomers are no longer enrolled."),
            "confirm_label": _("Yes, stop"), "cancel_url": reverse("learning:assignment-list"),
        })
    services.assignment_deactivate(assignment=assignment)
    messages.success(request, _("Assignment stopped. Officers already enrolled keep their enrollment."))
    return redirect("learning:assignment-list")


# --- Reports ------------------------------------------------------------------------------------

def _report_filters(request: HttpRequest) -> tuple[ReportFilterForm, dict]:
    form = ReportFilterForm(request.GET or None, courses=selectors.course_list_for_report(user=request.user),
                            units=unit_list_visible(user=request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {"course_id": filters["course"].pk if filters.get("course") else None,
                  "unit_id": filters["unit"].pk if filters.get("unit") else None}


@require(perms.can_view_reports)
def report(request: HttpRequest) -> HttpResponse:
    form, filters = _report_filters(request)
    rows = selectors.report_funnel(user=request.user, **filters)
    if form.is_valid() and form.cleaned_data.get("status") == "overdue":  # the managers' digest links here
        rows = [row for row in rows if row["overdue"]]
    totals = {key: sum(row[key] for row in rows) for key in selectors.REPORT_FIGURES}
    groups = selectors.report_funnel_by_unit(rows=rows)
    return render(request, "learning/report.html", {"form": form, "rows": rows, "groups": groups, "totals": totals,
                                                     "query": request.GET.urlencode()})


STATUS_LABELS = {
    "": gettext_lazy("All"), "not_started": gettext_lazy("Not started"), "in_progress": pgettext_lazy("courses", "In progress"),
    "completed": gettext_lazy("Completed"), "overdue": gettext_lazy("Overdue"),
}


@require(perms.can_view_reports)
def report_officers(request: HttpRequest, course: int) -> HttpResponse:
    course_obj = get_object_or_404(Course, pk=course)
    unit_id = request.GET.get("unit")
    unit_id = int(unit_id) if unit_id and unit_id.isdigit() else None
    units = Unit.objects.all() if teaches_courses(request.user) else unit_list_visible(user=request.user)
    unit = units.filter(pk=unit_id).first() if unit_id else None  # the rows below stay within scope
    if unit_id and unit is None:
        raise Http404
    status = request.GET.get("status", "")
    enrollments = selectors.report_officers(user=request.user, course_id=course_obj.pk, unit_id=unit_id, status=status)
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("page"))
    seconds = selectors.enrollment_time_spent_map(enrollment_ids=[row.pk for row in page])
    grades = selectors.course_grades(course=course_obj, officer_ids=[row.officer_id for row in page])
    for row in page:
        row.time_spent = seconds.get(row.pk, 0)
        row.grade = grades.get(row.officer_id)
    statuses = [(code, label) for code, label in STATUS_LABELS.items()]
    return render(request, "learning/report_officers.html", {
        "course": course_obj, "unit": unit, "status": status, "statuses": statuses, "page": page,
        "today": timezone.localdate(), "graded": bool(grades),
        "can_mark": perms.can_mark_completion(request.user, course_obj),
    })


@require(perms.can_view_reports)
def report_export(request: HttpRequest) -> HttpResponse:
    _form, filters = _report_filters(request)
    rows = selectors.report_funnel(user=request.user, **filters)
    details = selectors.report_export_details(user=request.user, course_id=filters["course_id"],
                                              unit_id=filters["unit_id"]) if filters["course_id"] else None
    if details is not None:
        details = selectors.enrollments_with_grades(course=Course.objects.get(pk=filters["course_id"]),
                                                    enrollments=details.iterator(chunk_size=2000))
    sheets = report_sheets(rows, details, today=timezone.localdate(),
                           groups=selectors.report_funnel_by_unit(rows=rows))
    return xlsx_response(sheets, filename=f"bao-cao-khoa-hoc-{timezone.localdate():%Y%m%d}.xlsx")
