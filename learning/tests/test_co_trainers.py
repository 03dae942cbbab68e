"""Co-trainers of a course: chosen by its author or an administrator among trainers of any unit (audited);
a co-trainer then sees the course's learners and report whatever their units, and the course on their home
page; a co-trainer does not choose others; another trainer gets 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from core.roles import Role
from learning import services
from learning.tests.factories import make_course
from org import services as org_services

pytestmark = pytest.mark.django_db


def _client(officer) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(officer.user)
    return client


def _urls(course) -> tuple[str, str, str]:  # noqa: ANN001
    return tuple(reverse(f"learning:{name}", kwargs={"pk": course.pk})
                 for name in ("course-co-trainers", "course-co-trainer-add", "course-co-trainer-remove"))


@pytest.fixture
def other_trainer(world):  # noqa: ANN001, ANN201
    """A second trainer, in branch B, who neither wrote nor co-teaches the courses of these tests."""
    officer = org_services.officer_create(
        full_name="Đỗ Văn Khác", email="trainer_b@moj.gov.vn", unit=world.units["B"],
        position=world.positions["clerk"], username="trainer_b", roles={Role.OFFICER, Role.TRAINER})
    type(officer.user).objects.filter(pk=officer.user_id).update(must_change_password=False)
    return officer


# --- service ---------------------------------------------------------------------------------------

def test_add_and_remove_are_audited_with_before_and_after(world, branch_trainer):
    course = make_course(created_by=world.user("trainer"))
    author = world.user("trainer")
    assert services.course_co_trainer_add(course=course, user=branch_trainer.user, by=author) is True
    assert services.course_co_trainer_add(course=course, user=branch_trainer.user, by=author) is False
    assert list(course.co_trainers.all()) == [branch_trainer.user]
    assert services.course_co_trainer_remove(course=course, user=branch_trainer.user, by=author) is True
    assert services.course_co_trainer_remove(course=course, user=branch_trainer.user, by=author) is False
    added, removed = AuditEvent.objects.filter(action=AuditEvent.Action.COURSE_TEAM_CHANGED).order_by("id")
    assert added.actor == author and added.target == course.code
    assert added.detail["before"] == {"co_trainers": []}
    assert added.detail["after"] == {"co_trainers": ["trainer_a1@moj.gov.vn"]}
    assert removed.detail["after"] == {"co_trainers": []}


def test_only_an_active_trainer_who_is_not_the_author_can_be_added(world):
    course = make_course(created_by=world.user("trainer"))
    for user in (world.user("officer"), world.user("trainer")):
        with pytest.raises(services.LearningError):
            services.course_co_trainer_add(course=course, user=user, by=world.user("admin"))
    assert not course.co_trainers.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.COURSE_TEAM_CHANGED).exists()


# --- pages -----------------------------------------------------------------------------------------

def test_author_finds_a_trainer_of_another_unit_without_accents_and_adds_them(world, branch_trainer, other_trainer):
    course = make_course(created_by=branch_trainer.user)  # the author is at branch level (division A1)
    page, add, _remove = _urls(course)
    client = _client(branch_trainer)
    html = client.get(page, {"q": "do van"}).content.decode()
    assert "Đỗ Văn Khác" in html and "Chi cục B" in html
    assert "Mai Giảng Viên" not in html.split('id="candidates"', 1)[1]  # the author is not offered
    partial = client.get(page, {"q": "khac"}, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="candidates"') and "Đỗ Văn Khác" in partial
    assert "Không có giảng viên nào phù hợp." in client.get(page, {"q": "canbo"}, headers={"HX-Request": "true"}).content.decode()
    response = client.post(add, {"user": other_trainer.user_id})
    assert response.status_code == 302 and list(course.co_trainers.all()) == [other_trainer.user]
    after = client.get(page).content.decode()
    assert "Đỗ Văn Khác" in after.split('id="candidates"', 1)[0]  # now listed as co-teaching


def test_plain_officers_are_not_offered_and_cannot_be_added(world, client_for):
    course = make_course(created_by=world.user("trainer"))
    page, add, _remove = _urls(course)
    client = client_for("trainer")
    officer = world.officers["officer"]
    assert officer.full_name not in client.get(page, {"q": officer.email}).content.decode().split('id="candidates"', 1)[1]
    response = client.post(add, {"user": officer.user_id}, follow=True)
    assert "Chỉ tài khoản đang hoạt động có vai trò giảng viên" in response.content.decode()
    assert not course.co_trainers.exists()


def test_admin_adds_and_removes_on_any_course(world, client_for, branch_trainer):
    course = make_course()  # no author
    page, add, remove = _urls(course)
    admin = client_for("admin")
    assert admin.get(page).status_code == 200
    admin.post(add, {"user": branch_trainer.user_id})
    assert course.co_trainers.filter(pk=branch_trainer.user_id).exists()
    admin.post(remove, {"user": branch_trainer.user_id})
    assert not course.co_trainers.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.COURSE_TEAM_CHANGED, actor=world.user("admin")).count() == 2


def test_a_co_trainer_cannot_choose_others_and_another_trainer_gets_404(world, branch_trainer, other_trainer):
    course = make_course(created_by=world.user("trainer"))
    services.course_co_trainer_add(course=course, user=branch_trainer.user, by=world.user("trainer"))
    page, add, remove = _urls(course)
    co_trainer = _client(branch_trainer)
    assert co_trainer.get(page).status_code == 403
    assert co_trainer.post(add, {"user": other_trainer.user_id}).status_code == 403
    assert co_trainer.post(remove, {"user": branch_trainer.user_id}).status_code == 403
    stranger = _client(other_trainer)
    assert stranger.get(page).status_code == 404
    assert stranger.post(add, {"user": other_trainer.user_id}).status_code == 404
    assert list(course.co_trainers.all()) == [branch_trainer.user]
    edit = co_trainer.get(reverse("learning:course-edit", kwargs={"pk": course.pk})).content.decode()
    assert "Mai Giảng Viên" in edit and page not in edit  # listed, without the link to choose


def test_course_edit_page_links_the_author_to_the_co_trainers(world, client_for):
    course = make_course(created_by=world.user("trainer"))
    page = _urls(course)[0]
    assert page in client_for("trainer").get(reverse("learning:course-edit", kwargs={"pk": course.pk})).content.decode()


def test_a_branch_trainer_added_as_co_trainer_sees_the_report_and_the_course_on_their_home(
        world, client_for, branch_trainer):
    course = make_course(code="CT", title="Khóa dạy chung", created_by=world.user("trainer"))
    services.enrollment_self_enroll(officer=world.officers["other_b"], course=course)  # a learner in branch B
    co_trainer = _client(branch_trainer)
    report = reverse("learning:report-officers", kwargs={"course": course.pk})
    home = reverse("core:home")
    assert world.officers["other_b"].full_name not in co_trainer.get(report).content.decode()
    assert "Khóa dạy chung" not in co_trainer.get(home).content.decode()  # and the panel is now cached
    client_for("trainer").post(_urls(course)[1], {"user": branch_trainer.user_id})
    assert world.officers["other_b"].full_name in co_trainer.get(report).content.decode()
    body = co_trainer.get(home).content.decode()
    assert 'id="panel-learning-trainer"' in body and "Khóa dạy chung" in body.split('id="panel-learning-trainer"', 1)[1]
    client_for("trainer").post(_urls(course)[2], {"user": branch_trainer.user_id})
    assert "Khóa dạy chung" not in co_trainer.get(home).content.decode()
