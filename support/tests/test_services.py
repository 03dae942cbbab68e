from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.models import AuditEvent
from learning.models import Notification
from support import selectors, services
from support.models import HelpRequest, RequestStatus
from support.tests.factories import article, focal, help_request, software

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_answer_is_due_after_two_working_days_skipping_the_weekend_and_holidays(db):  # noqa: ANN001
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=HCM)
    assert timezone.localtime(services.help_request_due(asked_at=friday)).date().isoformat() == "2026-12-08"
    # 30/4 and 1/5/2027 are holidays (Friday, Saturday; Monday 3/5 is the day in lieu): asked on
    # Thursday 29/4, the working days are Tuesday 4/5 and Wednesday 5/5.
    before_holiday = datetime(2027, 4, 29, 9, 0, tzinfo=HCM)
    assert timezone.localtime(services.help_request_due(asked_at=before_holiday)).date().isoformat() == "2027-05-05"


def test_request_goes_to_the_nearest_unit_with_a_focal_person(world):  # noqa: ANN001
    provincial = focal(world.units["P"], world.officers["admin"])
    # The officer's unit A has none yet: the province answers.
    assert selectors.focal_person_list_for_unit(unit=world.units["A"]) == [provincial]
    unit_focal = focal(world.units["A"], world.officers["unit_manager"])
    assert selectors.focal_person_list_for_unit(unit=world.units["A1"]) == [unit_focal]


def test_new_request_notifies_the_focal_person_once_and_is_audited(world, django_capture_on_commit_callbacks):  # noqa: ANN001
    focal(world.units["A"], world.officers["unit_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        request = help_request(world.officers["officer"], page_url="/cases/12/")
    assert request.unit == world.units["A"] and request.status == RequestStatus.NEW
    notes = Notification.objects.filter(recipient=world.user("unit_manager"), kind="support")
    assert notes.count() == 1 and "Không ký số được văn bản" in notes.get().title
    event = AuditEvent.objects.get(target=f"help_request:{request.pk}")
    assert event.detail["status"] == {"before": "", "after": "new"}


def test_request_stays_with_the_unit_when_its_focal_person_changes(world):  # noqa: ANN001
    first = focal(world.units["A"], world.officers["unit_manager"])
    request = help_request(world.officers["officer"])
    assert selectors.help_request_get_visible(user=world.user("unit_manager"), pk=request.pk) is not None
    services.focal_person_set(unit=world.units["A"], officer=world.officers["other_a1"], kind="main",
                              by=world.user("admin"))
    first.refresh_from_db()
    assert first.officer == world.officers["other_a1"]
    other = world.officers["other_a1"].user
    assert selectors.help_request_get_visible(user=other, pk=request.pk) is not None
    fresh = type(other).objects.get(pk=world.user("unit_manager").pk)  # a new request's user
    assert selectors.help_request_get_visible(user=fresh, pk=request.pk) is None


def test_menus_learn_of_a_new_focal_person_without_a_query_per_page(world, django_assert_num_queries):  # noqa: ANN001
    from django.contrib.auth import get_user_model

    from support.permissions import is_any_focal_person

    def fresh(user):  # noqa: ANN001, ANN202 - each request has its own user object
        return get_user_model().objects.get(pk=user.pk)

    manager = world.user("unit_manager")
    assert not is_any_focal_person(fresh(manager))
    user = fresh(manager)
    with django_assert_num_queries(0):
        assert not is_any_focal_person(user)
    focal(world.units["A"], world.officers["unit_manager"])
    assert is_any_focal_person(fresh(manager))


def test_focal_person_must_work_in_the_unit(world):  # noqa: ANN001
    with pytest.raises(services.SupportError):
        services.focal_person_set(unit=world.units["A"], officer=world.officers["other_b"], kind="main",
                                  by=world.user("admin"))


def test_scope_officer_sees_own_requests_focal_person_their_units_others_nothing(world):  # noqa: ANN001
    focal(world.units["A"], world.officers["unit_manager"])
    mine = help_request(world.officers["officer"])
    elsewhere = help_request(world.officers["other_b"])
    assert list(selectors.help_request_list_visible(user=world.user("officer"))) == [mine]
    assert list(selectors.help_request_list_visible(user=world.user("unit_manager"))) == [mine]
    assert list(selectors.help_request_list_visible(user=world.user("trainer"))) == []
    assert set(selectors.help_request_list_visible(user=world.user("admin"))) == {mine, elsewhere}


def test_replies_move_the_status_and_rating_only_when_done(world):  # noqa: ANN001
    focal(world.units["A"], world.officers["unit_manager"])
    request = help_request(world.officers["officer"])
    helper, officer = world.user("unit_manager"), world.user("officer")
    services.help_request_reply(request=request, body="Cắm lại USB token rồi thử lại.", by=helper)
    request.refresh_from_db()
    assert request.status == RequestStatus.WAITING and request.first_answered_at is not None
    with pytest.raises(services.SupportError):
        services.help_request_rate(request=request, rating=5, by=officer)
    services.help_request_reply(request=request, body="Vẫn lỗi.", by=officer)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    services.help_request_set_status(request=request, status=RequestStatus.DONE, by=officer)
    with pytest.raises(services.SupportError):
        services.help_request_rate(request=request, rating=4, by=helper)
    with pytest.raises(services.SupportError):
        services.help_request_rate(request=request, rating=6, by=officer)
    services.help_request_rate(request=request, rating=4, comment="Nhanh", by=officer)
    request.refresh_from_db()
    assert (request.rating, request.rating_comment) == (4, "Nhanh")
    changes = [event.detail["status"] for event in AuditEvent.objects.filter(
        target=f"help_request:{request.pk}").order_by("pk") if "status" in event.detail]
    assert changes == [{"before": "", "after": "new"}, {"before": "new", "after": "waiting"},
                       {"before": "waiting", "after": "in_progress"}, {"before": "in_progress", "after": "done"}]


def test_empty_reply_is_refused(world):  # noqa: ANN001
    request = help_request(world.officers["officer"])
    with pytest.raises(services.SupportError):
        services.help_request_reply(request=request, body="   ", by=world.user("admin"))
    assert request.replies.count() == 0


def test_unanswered_request_escalates_once_to_the_provincial_focal_person(world, django_capture_on_commit_callbacks):  # noqa: ANN001
    focal(world.units["P"], world.officers["admin"])
    focal(world.units["A"], world.officers["unit_manager"])
    request = help_request(world.officers["officer"])
    answered = help_request(world.officers["officer"], subject="Quên mật khẩu hộp thư")
    services.help_request_reply(request=answered, body="Đã đặt lại.", by=world.user("unit_manager"))
    later = request.due_at + timedelta(minutes=1)
    assert services.help_requests_escalate(now=request.due_at - timedelta(minutes=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.help_requests_escalate(now=later) == 1
        assert services.help_requests_escalate(now=later + timedelta(hours=1)) == 0
    request.refresh_from_db()
    assert request.escalated_at == later
    assert Notification.objects.filter(recipient=world.user("admin"), title__contains=request.subject).count() == 1
    assert HelpRequest.objects.get(pk=answered.pk).escalated_at is None


def test_article_search_ignores_accents_and_composed_forms(world):  # noqa: ANN001
    import unicodedata

    found = article(by=world.user("trainer"))
    article(title="Gửi thư công vụ", body="Mở hộp thư", by=world.user("trainer"))
    assert list(selectors.article_search(query="ky so usb")) == [found]
    decomposed = unicodedata.normalize("NFD", "Ký số")
    assert list(selectors.article_search(query=decomposed)) == [found]
    draft = article(title="Ký số nháp", by=world.user("trainer"), published=False)
    assert draft not in selectors.article_search(query="ky so")


def test_vote_counts_once_per_person_and_moves_when_changed(world):  # noqa: ANN001
    item = article(by=world.user("trainer"))
    services.article_vote(article=item, user=world.user("officer"), helpful=True)
    services.article_vote(article=item, user=world.user("officer"), helpful=True)
    services.article_vote(article=item, user=world.user("judge"), helpful=False)
    item = services.article_vote(article=item, user=world.user("officer"), helpful=False)
    assert (item.helpful_yes, item.helpful_no) == (0, 2)


def test_reply_becomes_a_draft_article(world):  # noqa: ANN001
    request = help_request(world.officers["officer"])
    reply = services.help_request_reply(request=request, body="Bước 1: cắm USB token.", by=world.user("admin"))
    created = services.article_from_reply(reply=reply, by=world.user("admin"))
    assert (created.title, created.body, created.is_published, created.source_reply) == (
        request.subject, reply.body, False, reply)


# --- the focal persons' training track ------------------------------------------------------------------

def test_naming_a_focal_person_enrols_them_in_the_track_and_stopping_keeps_it(world, settings,  # noqa: ANN001
                                                                               django_capture_on_commit_callbacks):
    from learning.models import Enrollment
    from learning.tests.factories import make_course

    settings.THADS_FOCAL_TRACK_COURSES = ["DM-CNTT", "DM-ATTT", "KHONG-CO"]
    track = make_course(code="DM-CNTT", title="Cán bộ đầu mối CNTT")
    draft = make_course(code="DM-ATTT", title="An toàn thông tin", publish=False)
    other = make_course(code="C9", title="Khoá khác")
    officer, successor = world.officers["unit_manager"], world.officers["other_a1"]
    with django_capture_on_commit_callbacks(execute=True):
        place = focal(world.units["A"], officer)
    assert list(Enrollment.objects.filter(officer=officer).values_list("course__code", flat=True)) == ["DM-CNTT"]
    event = AuditEvent.objects.filter(target=f"officer:{officer.pk}", detail__event="support_focal_track").get()
    assert event.detail["enrolled"] == ["DM-CNTT"]
    assert event.detail["skipped"] == [{"course": "DM-ATTT", "reason": "Khóa học này chưa mở để đăng ký."}]
    notes = Notification.objects.filter(recipient=officer.user, kind="support")
    assert notes.count() == 1 and "đầu mối CNTT" in notes.get().title
    # Named again (another place, the phone changed): nothing enrolled twice, no second notice.
    with django_capture_on_commit_callbacks(execute=True):
        services.focal_person_set(unit=world.units["A"], officer=officer, kind="main", phone="0297 3812345",
                                  by=world.user("admin"))
    assert Enrollment.objects.filter(officer=officer, course=track).count() == 1
    assert Notification.objects.filter(recipient=officer.user, kind="support").count() == 1
    # Replaced: the successor is enrolled; the one replaced keeps the enrolment, audited as kept.
    services.focal_person_set(unit=world.units["A"], officer=successor, kind="main", by=world.user("admin"))
    assert Enrollment.objects.filter(officer=successor, course=track).exists()
    assert Enrollment.objects.filter(officer=officer, course=track).exists()
    kept = AuditEvent.objects.filter(target=f"officer:{officer.pk}", detail__event="support_focal_track",
                                     detail__left=True).get()
    assert kept.detail["kept"] == ["DM-CNTT"]
    # Removed: the same.
    place.refresh_from_db()
    services.focal_person_remove(focal=place, by=world.user("admin"))
    assert Enrollment.objects.filter(officer=successor, course=track).exists()
    assert AuditEvent.objects.filter(target=f"officer:{successor.pk}", detail__left=True).count() == 1
    assert not Enrollment.objects.filter(course=other).exists()


# --- the most asked questions ---------------------------------------------------------------------------

def test_questions_typed_with_and_without_accents_are_grouped_per_software(world):  # noqa: ANN001
    cks, mail = software(), software("EMAIL", "Thư điện tử công vụ")
    officer, other = world.officers["officer"], world.officers["other_b"]
    asked = [
        (officer, cks, "Không ký số được văn bản"),
        (other, cks, "khong ky so duoc van ban!!"),  # no accents, punctuation
        (officer, cks, "Văn bản không ký số được"),  # another word order
        (other, cks, "Ký số văn bản bị lỗi"),  # one more word: similar enough
        (officer, mail, "Không ký số được văn bản"),  # the same words, another software
        (officer, mail, "Quên mật khẩu hộp thư"),
        (other, mail, "quen mat khau hop thu cong vu"),
        (officer, cks, "Máy in không in được"),  # asked once: not a recurring question
    ]
    requests = [help_request(who, software=what, subject=subject) for who, what, subject in asked]
    top = selectors.help_question_list_top(requests=HelpRequest.objects.all())
    assert [(question.software, question.count) for question in top] == [(cks.name, 4), (mail.name, 2)]
    assert sorted(top[0].request_ids) == [request.pk for request in requests[:4]]
    assert top[0].question == "Ký số văn bản bị lỗi"  # each typed once: the most recent
    assert selectors.question_words("Không ký số được văn bản!") == ("ban", "ky", "so", "van")
    # bounded to the scope given: a manager of branch A sees only the requests of A
    scoped = selectors.support_figures(user=world.user("unit_manager"), since=timezone.now() - timedelta(days=30))
    assert [(question.software, question.count) for question in scoped.top_questions] == [(cks.name, 2)]
