from core.testing import EVERYONE, PUBLIC, Rule, roles

TRAINERS = roles("trainer", "admin")
ASSIGNERS = roles("unit_manager", "provincial_leader", "admin")
REPORTERS = roles("trainer", "unit_manager", "provincial_leader", "admin")


def _course(world):  # noqa: ANN001, ANN202
    from learning.models import Course
    from learning.tests.factories import make_course

    return Course.objects.filter(code="MX").first() or make_course(code="MX", title="Khóa học ma trận")


def _enrolled(world):  # noqa: ANN001, ANN202
    """A published course in which only the plain officer is enrolled."""
    from learning import services

    course = _course(world)
    return services.enrollment_self_enroll(officer=world.officers["officer"], course=course)


def _lesson(world):  # noqa: ANN001, ANN202
    return {"pk": _enrolled(world).course.lessons.first().pk}


def _opened_lesson(world):  # noqa: ANN001, ANN202
    """A lesson the officer has opened: removing it archives it, so every allowed role can try again."""
    from learning import services

    lesson = _enrolled(world).course.lessons.first()
    services.lesson_open(officer=world.officers["officer"], lesson=lesson)
    return {"pk": lesson.pk}


def _file_lesson(field):  # noqa: ANN001, ANN202
    def build(world):  # noqa: ANN001, ANN202
        from django.core.files.base import ContentFile

        from learning import services
        from learning.models import Lesson

        enrollment = _enrolled(world)
        module = enrollment.course.modules.first()
        kind = Lesson.Kind.VIDEO if field == "video" else Lesson.Kind.FILE
        lesson = services.lesson_save(module=module, title="Tệp", kind=kind)
        getattr(lesson, field).save("tep.mp4" if field == "video" else "tep.pdf", ContentFile(b"0123456789"))
        return {"pk": lesson.pk}
    return build


def _image(world):  # noqa: ANN001, ANN202
    from django.core.files.base import ContentFile

    from learning.models import CourseImage

    enrollment = _enrolled(world)
    image = CourseImage(course=enrollment.course)
    image.image.save("anh.png", ContentFile(b"\x89PNG\r\n"))
    return {"pk": image.pk}


def _certificate(world):  # noqa: ANN001, ANN202
    from learning import services

    enrollment = _enrolled(world)
    for lesson in enrollment.course.lessons.all():
        services.lesson_progress_complete(officer=world.officers["officer"], lesson=lesson)
    return {"code": enrollment.certificate.code}


def _certificate_b(world):  # noqa: ANN001, ANN202
    """A certificate of an officer in branch B (outside manager A's subtree)."""
    from learning import services

    officer = world.officers["other_b"]
    enrollment = services.enrollment_self_enroll(officer=officer, course=_course(world))
    for lesson in enrollment.course.lessons.all():
        services.lesson_progress_complete(officer=officer, lesson=lesson)
    return {"code": enrollment.refresh_from_db() or enrollment.certificate.code}


def _draft(world):  # noqa: ANN001, ANN202
    from learning.tests.factories import make_course

    return {"pk": make_course(code="DRAFT", title="Bản nháp", publish=False).pk}


def _module(world):  # noqa: ANN001, ANN202
    return {"pk": _course(world).modules.first().pk}


def _taught_enrollment(world):  # noqa: ANN001, ANN202
    """An enrollment (of officer other_b, in branch B) in a course the trainer wrote."""
    from learning import services
    from learning.models import Course
    from learning.tests.factories import make_course

    course = Course.objects.filter(code="MT").first() or make_course(code="MT", title="Khóa của giảng viên",
                                                                       created_by=world.user("trainer"))
    return {"pk": services.enrollment_self_enroll(officer=world.officers["other_b"], course=course).pk}


def _authored(world):  # noqa: ANN001, ANN202
    """A course the trainer wrote: they (and administrators) choose its co-trainers."""
    from learning.models import Course
    from learning.tests.factories import make_course

    course = Course.objects.filter(code="MT").first() or make_course(code="MT", title="Khóa của giảng viên",
                                                                       created_by=world.user("trainer"))
    return {"pk": course.pk}


def _untaught_enrollment(world):  # noqa: ANN001, ANN202
    return {"pk": _enrolled(world).pk}


def _assignment(world):  # noqa: ANN001, ANN202
    from learning import services
    from learning.tests.factories import due_in

    assignment = services.assignment_create(course=_course(world), unit=world.units["A"], due_date=due_in(10))
    return {"pk": assignment.pk}


def _assignment_b(world):  # noqa: ANN001, ANN202
    from learning import services
    from learning.tests.factories import due_in

    assignment = services.assignment_create(course=_course(world), unit=world.units["B"], due_date=due_in(10))
    return {"pk": assignment.pk}


ACCESS = {
    "learning:my-courses": Rule(allowed=EVERYONE),
    "learning:catalogue": Rule(allowed=EVERYONE),
    "learning:course-detail": Rule(allowed=EVERYONE, kwargs=lambda w: {"pk": _course(w).pk}),
    "learning:course-detail@draft": Rule(allowed=TRAINERS, kwargs=_draft),
    "learning:course-enroll": Rule(allowed=EVERYONE, kwargs=lambda w: {"pk": _course(w).pk}, method="post",
                                   data=lambda w: {}),
    # Leaving a course: the self-enrolled officer leaves; anyone else is told they are not enrolled (a redirect).
    "learning:course-unenroll": Rule(allowed=EVERYONE, kwargs=lambda w: {"pk": _enrolled(w).course.pk},
                                     method="post", data=lambda w: {}),
    "learning:course-resume": Rule(allowed=EVERYONE, kwargs=lambda w: {"pk": _course(w).pk}),
    # Only the enrolled officer (and trainers, to preview) open a lesson and its files.
    "learning:lesson-detail": Rule(allowed=roles("officer", "trainer", "admin"), kwargs=_lesson),
    "learning:lesson-complete": Rule(allowed=roles("officer", "trainer", "admin"), kwargs=_lesson, method="post",
                                     data=lambda w: {}),
    "learning:lesson-heartbeat": Rule(allowed=roles("officer", "trainer", "admin"), kwargs=_lesson, method="post",
                                      data=lambda w: {"seconds": "60"}),
    "learning:lesson-video-progress": Rule(allowed=roles("officer", "trainer", "admin"), kwargs=_lesson,
                                           method="post", data=lambda w: {"percent": "50"}),
    "learning:lesson-video": Rule(allowed=roles("officer", "trainer", "admin"), kwargs=_file_lesson("video")),
    "learning:lesson-file": Rule(allowed=roles("officer", "trainer", "admin"), kwargs=_file_lesson("attachment")),
    "learning:course-image": Rule(allowed=EVERYONE, kwargs=_image),
    # The holder, and those whose scope includes the holder (officer is in A).
    "learning:certificate-pdf": Rule(allowed=roles("officer", "trainer", "unit_manager", "provincial_leader", "admin"),
                                     kwargs=_certificate),
    "learning:certificate-pdf@in-b": Rule(allowed=roles("trainer", "provincial_leader", "admin"),
                                          kwargs=_certificate_b),
    "learning:certificate-revoke": Rule(allowed=TRAINERS, kwargs=_certificate, method="post",
                                        data=lambda w: {"reason": "Cấp nhầm"}),
    "learning:certificate-revoke@form": Rule(allowed=TRAINERS, kwargs=_certificate),
    "learning:certificate-list": Rule(allowed=TRAINERS),
    "learning:certificate-verify": Rule(allowed=PUBLIC, kwargs=_certificate),
    "learning:certificate-lookup": Rule(allowed=PUBLIC),
    "learning:certificate-lookup@code": Rule(allowed=PUBLIC, kwargs=lambda w: {}, query="?code=ABCD2345EFGH"),
    "learning:notification-list": Rule(allowed=EVERYONE),
    "learning:notification-read": Rule(allowed=EVERYONE, method="post", data=lambda w: {}),
    "learning:manage-course-list": Rule(allowed=TRAINERS),
    "learning:course-create": Rule(allowed=TRAINERS),
    "learning:course-edit": Rule(allowed=TRAINERS, kwargs=lambda w: {"pk": _course(w).pk}),
    "learning:course-publish": Rule(allowed=TRAINERS, kwargs=lambda w: {"pk": _course(w).pk}, method="post",
                                    data=lambda w: {}),
    "learning:course-duplicate": Rule(allowed=TRAINERS, kwargs=lambda w: {"pk": _course(w).pk}, method="post",
                                      data=lambda w: {}),
    "learning:course-unpublish": Rule(allowed=TRAINERS, kwargs=lambda w: {"pk": _course(w).pk}, method="post",
                                      data=lambda w: {}),
    "learning:image-upload": Rule(allowed=TRAINERS, kwargs=lambda w: {"pk": _course(w).pk}, method="post",
                                  data=lambda w: {}),
    "learning:module-create": Rule(allowed=TRAINERS, kwargs=lambda w: {"pk": _course(w).pk}),
    "learning:module-edit": Rule(allowed=TRAINERS, kwargs=_module),
    "learning:lesson-create": Rule(allowed=TRAINERS, kwargs=_module),
    "learning:lesson-edit": Rule(allowed=TRAINERS, kwargs=_lesson),
    "learning:lesson-remove": Rule(allowed=TRAINERS, kwargs=_opened_lesson, method="post", data=lambda w: {}),
    "learning:lesson-move": Rule(allowed=TRAINERS, kwargs=_lesson, method="post", data=lambda w: {"direction": "up"}),
    # Marking completion by hand: trainers of the course (whatever the learner's unit) and administrators.
    "learning:enrollment-completion": Rule(allowed=TRAINERS, kwargs=_taught_enrollment),
    "learning:enrollment-completion@not-taught": Rule(allowed=roles("admin"), kwargs=_untaught_enrollment),
    # Co-trainers: chosen by the course's author and administrators only.
    "learning:course-co-trainers": Rule(allowed=TRAINERS, kwargs=_authored),
    "learning:course-co-trainers@not-author": Rule(allowed=roles("admin"), kwargs=lambda w: {"pk": _course(w).pk}),
    "learning:course-co-trainer-add": Rule(allowed=TRAINERS, kwargs=_authored, method="post",
                                           data=lambda w: {"user": w.user("contest_organiser").pk}),
    "learning:course-co-trainer-add@not-author": Rule(allowed=roles("admin"), kwargs=lambda w: {"pk": _course(w).pk},
                                                      method="post", data=lambda w: {"user": w.user("contest_organiser").pk}),
    "learning:course-co-trainer-remove": Rule(allowed=TRAINERS, kwargs=_authored, method="post",
                                              data=lambda w: {"user": w.user("contest_organiser").pk}),
    "learning:assignment-list": Rule(allowed=ASSIGNERS),
    "learning:assignment-create": Rule(allowed=ASSIGNERS),
    "learning:assignment-deactivate": Rule(allowed=ASSIGNERS, kwargs=_assignment, method="post", data=lambda w: {}),
    "learning:assignment-deactivate@in-b": Rule(allowed=roles("provincial_leader", "admin"), kwargs=_assignment_b,
                                                method="post", data=lambda w: {}),
    "learning:report": Rule(allowed=REPORTERS),
    "learning:report-officers": Rule(allowed=REPORTERS, kwargs=lambda w: {"course": _course(w).pk}),
    "learning:report-export": Rule(allowed=REPORTERS),
}
