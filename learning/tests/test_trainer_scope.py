"""Course-based scope: a trainer who is NOT at province level sees the learners, results, certificates and
reports of the courses they wrote or co-teach, whatever the learners' units — and nothing of other courses."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from learning import services
from learning.models import Certificate
from learning.tests.factories import make_course


def _complete(officer, course) -> Certificate:  # noqa: ANN001
    services.enrollment_self_enroll(officer=officer, course=course)
    for lesson in course.lessons.all():
        services.lesson_progress_complete(officer=officer, lesson=lesson)
    return Certificate.objects.get(officer=officer, course=course)


def _client(officer) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(officer.user)
    return client


def test_branch_trainer_sees_certificates_and_report_of_own_course_only(world, branch_trainer):
    own = make_course(code="OWN", title="Khóa của giảng viên chi cục", created_by=branch_trainer.user)
    other = make_course(code="OTH", title="Khóa của người khác")
    mine = _complete(world.officers["other_b"], own)  # a learner in branch B, outside the trainer's unit
    theirs = _complete(world.officers["other_b"], other)
    client = _client(branch_trainer)
    listing = client.get(reverse("learning:certificate-list")).content.decode()
    assert mine.code in listing and theirs.code not in listing
    assert client.get(reverse("learning:certificate-pdf", kwargs={"code": mine.code})).status_code == 200
    assert client.get(reverse("learning:certificate-pdf", kwargs={"code": theirs.code})).status_code == 404
    assert client.get(reverse("learning:certificate-revoke", kwargs={"code": theirs.code})).status_code == 404
    assert client.post(reverse("learning:certificate-revoke", kwargs={"code": mine.code}),
                       {"reason": "Cấp nhầm"}).status_code == 302
    table = client.get(reverse("learning:report")).content.decode().split("<tbody", 1)[1]
    assert "Khóa của giảng viên chi cục" in table and "Khóa của người khác" not in table
    officers = client.get(reverse("learning:report-officers", kwargs={"course": own.pk}),
                          {"unit": world.units["B"].pk}).content.decode()
    assert world.officers["other_b"].full_name in officers
    hidden = client.get(reverse("learning:report-officers", kwargs={"course": other.pk})).content.decode()
    assert world.officers["other_b"].full_name not in hidden


def test_a_co_trainer_gets_the_same_scope(world, branch_trainer):
    course = make_course(code="CO", title="Khóa dạy chung")
    certificate = _complete(world.officers["officer"], course)
    client = _client(branch_trainer)
    assert certificate.code not in client.get(reverse("learning:certificate-list")).content.decode()
    course.co_trainers.add(branch_trainer.user)
    assert certificate.code in client.get(reverse("learning:certificate-list")).content.decode()


def test_trainer_home_lists_my_courses_with_learners_in_progress_and_overdue(world, branch_trainer):
    from learning.tests.factories import due_in

    course = make_course(code="HP", title="Khóa trên trang chủ", created_by=branch_trainer.user)
    for key, days in (("officer", -2), ("other_b", 5)):
        services.enrollment_self_enroll(officer=world.officers[key], course=course)
        world.officers[key].enrollments.filter(course=course).update(due_date=due_in(days))
    body = _client(branch_trainer).get(reverse("core:home")).content.decode()
    assert 'id="panel-learning-trainer"' in body and "Khóa trên trang chủ" in body
    assert "?status=overdue\">1</a>" in body and "?status=in_progress\">1</a>" in body
    assert 'id="panel-learning-trainer"' not in _client(world.officers["officer"]).get(reverse("core:home")).content.decode()
