"""Writes of the IT help desk. Every status change is audited; notifications go through
learning's notification machinery (each once per reason) after commit."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import get_calendar
from core.models import AuditEvent, User
from core.services import audit_record
from core.text import fold
from org.models import Officer, Unit
from support.models import (
    ActionKind, Article, ArticleImage, ArticleVote, FocalAction, FocalPerson, HelpReply, HelpRequest, RequestStatus,
)
from support.selectors import focal_person_list_for_unit, focal_person_list_provincial


class SupportError(Exception):
    """A refused change, with a message for the person who asked for it."""


def _notify(*, officers: list[Officer], reason_key: str, title: str, url: str) -> None:
    from learning.services import notification_send

    for officer in officers:
        notification_send(recipient=officer.user, kind="support", reason_key=f"{reason_key}:{officer.user_id}",
                          title=title, url=url)


def _bump_panels(request: HelpRequest) -> None:
    """The requester's and the focal persons' home panels show the change at once."""
    from core.fragments import panel_cache_bump

    officer_ids = [request.requester_id] + [person.officer_id for person in focal_person_list_for_unit(unit=request.unit)]
    panel_cache_bump(officer_ids=officer_ids, panel="support")


def help_request_due(*, asked_at: datetime) -> datetime:
    """The answer is due at the end of the THADS_HELP_TARGET_WORKING_DAYS-th working day after
    the request (Vietnamese calendar: weekends, holidays and the site's overrides)."""
    days = getattr(settings, "THADS_HELP_TARGET_WORKING_DAYS", 2)
    local = timezone.localtime(asked_at).date()
    due_day = get_calendar().add_working_days(local, days)
    return timezone.make_aware(datetime.combine(due_day, time(17, 0)))


# --- focal persons ---------------------------------------------------------------------------------

def _forget_focal(*user_ids: int) -> None:
    """Menus read who is a focal person from the principal cache (support.permissions.focal_units)."""
    from django.core.cache import cache

    from core.principal import principal_key

    keys = [principal_key("focal", user_id) for user_id in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


@transaction.atomic
def focal_person_set(*, unit: Unit, officer: Officer, kind: str, phone: str = "", by: User) -> FocalPerson:
    """Name `officer` the main or deputy focal person of `unit` (replacing whoever held that place).

    Raises SupportError when the officer does not work in the unit's subtree or already holds the
    other place of the same unit. The officer is enrolled in the focal persons' training track
    (`focal_track_enrol`); the one replaced keeps theirs. Audited."""
    if not officer.unit.path.startswith(unit.path):
        raise SupportError(_("The focal person must work in this unit or a unit under it."))
    existing = FocalPerson.objects.filter(unit=unit, kind=kind).select_related("officer").first()
    if FocalPerson.objects.filter(unit=unit, officer=officer).exclude(kind=kind).exists():
        raise SupportError(_("This officer is already the other focal person of this unit."))
    before = existing.officer.full_name if existing else ""
    before_officer = existing.officer if existing else None
    _forget_focal(officer.user_id, *([existing.officer.user_id] if existing else []))
    if existing:
        existing.officer, existing.phone = officer, phone
        existing.save(update_fields=["officer", "phone"])
        focal = existing
    else:
        focal = FocalPerson.objects.create(unit=unit, officer=officer, kind=kind, phone=phone)
    audit_record(action=AuditEvent.Action.OTHER, actor=by, target=f"unit:{unit.pk}",
                 detail={"event": "support_focal_person", "kind": kind, "before": before, "after": officer.full_name})
    if existing is not None and before_officer is not None and before_officer.pk != officer.pk:
        _track_kept(officer=before_officer, by=by)
    focal_track_enrol(officer=officer, by=by)
    return focal


def _track_courses() -> list:
    from learning.models import Course

    codes = list(getattr(settings, "THADS_FOCAL_TRACK_COURSES", []))
    return sorted(Course.objects.filter(code__in=codes), key=lambda course: codes.index(course.code))


@transaction.atomic
def focal_track_enrol(*, officer: Officer, by: User) -> list[str]:
    """Enrol a focal person in the focal persons' training track: every course whose code is in
    `THADS_FOCAL_TRACK_COURSES`, through learning's enrolment service (an existing enrolment is kept
    as it is). A course that is not published, or whose prerequisites the officer has not done, is
    skipped and named in the audit entry. Returns the codes of the courses newly enrolled; the
    officer is notified of them once. Audited when anything was enrolled or skipped."""
    from learning.selectors import enrollment_current_get
    from learning.services import LearningError, enrollment_self_enroll

    enrolled, already, skipped = [], [], []
    for course in _track_courses():
        if enrollment_current_get(officer=officer, course=course) is not None:
            already.append(course.code)
            continue
        try:
            with transaction.atomic():
                enrollment_self_enroll(officer=officer, course=course)
        except LearningError as refusal:
            skipped.append({"course": course.code, "reason": str(refusal)})
            continue
        enrolled.append(course.code)
    if enrolled or skipped:
        audit_record(action=AuditEvent.Action.OTHER, actor=by, target=f"officer:{officer.pk}",
                     detail={"event": "support_focal_track", "enrolled": enrolled, "already": already,
                             "skipped": skipped})
    if enrolled:
        url = reverse("learning:my-courses")
        transaction.on_commit(lambda: _notify(
            officers=[officer], reason_key=f"focal-track:{officer.pk}:{','.join(enrolled)}",
            title=_("You are now an IT focal person: the focal persons' training track was added to your courses."),
            url=url))
    return enrolled


def _track_kept(*, officer: Officer, by: User) -> None:
    """An officer who stops being a focal person keeps the track's enrolments (their history); the
    audit entry says which stay."""
    from learning.selectors import enrollment_current_get

    if FocalPerson.objects.filter(officer=officer).exists():
        return  # still the focal person of another unit
    kept = [course.code for course in _track_courses()
            if enrollment_current_get(officer=officer, course=course) is not None]
    if kept:
        audit_record(action=AuditEvent.Action.OTHER, actor=by, target=f"officer:{officer.pk}",
                     detail={"event": "support_focal_track", "left": True, "kept": kept})


@transaction.atomic
def focal_person_remove(*, focal: FocalPerson, by: User) -> None:
    """Remove a focal person; the unit's requests stay with the unit, and the officer keeps the
    training track's enrolments (audited as kept). Audited."""
    _forget_focal(focal.officer.user_id)
    audit_record(action=AuditEvent.Action.OTHER, actor=by, target=f"unit:{focal.unit_id}",
                 detail={"event": "support_focal_person", "kind": focal.kind, "before": focal.officer.full_name, "after": ""})
    officer = focal.officer
    focal.delete()
    _track_kept(officer=officer, by=by)


# --- help requests -----------------------------------------------------------------------------------

@transaction.atomic
def help_request_create(*, requester: Officer, subject: str, description: str = "", software=None,  # noqa: ANN001
                        page_url: str = "", attachment=None, by: User) -> HelpRequest:  # noqa: ANN001
    """Open a request for the requester's unit, due after the target working days; notify the
    unit's focal persons (the nearest unit up the tree that has any). Audited."""
    now = timezone.now()
    request = HelpRequest(requester=requester, unit=requester.unit, software=software, subject=subject.strip(),
                          description=description.strip(), page_url=page_url[:500], due_at=help_request_due(asked_at=now))
    if attachment is not None:
        request.attachment = attachment
    request.save()
    audit_record(action=AuditEvent.Action.OTHER, actor=by, target=f"help_request:{request.pk}",
                 detail={"event": "support_request", "status": {"before": "", "after": request.status},
                         "subject": request.subject})
    _bump_panels(request)
    url = reverse("support:request-detail", args=[request.pk])
    focal = [person.officer for person in focal_person_list_for_unit(unit=request.unit)]
    transaction.on_commit(lambda: _notify(officers=focal, reason_key=f"help-new:{request.pk}",
                                          title=_("New IT help request: %(subject)s") % {"subject": request.subject},
                                          url=url))
    return request


def _set_status(*, request: HelpRequest, status: str, by: User) -> None:
    if request.status == status:
        return
    before = request.status
    request.status = status
    request.closed_at = timezone.now() if status == RequestStatus.DONE else None
    request.save(update_fields=["status", "closed_at"])
    audit_record(action=AuditEvent.Action.OTHER, actor=by, target=f"help_request:{request.pk}",
                 detail={"event": "support_request", "status": {"before": before, "after": status}})
    _bump_panels(request)


@transaction.atomic
def help_request_reply(*, request: HelpRequest, body: str, by: User, article: Article | None = None,
                       status: str = "") -> HelpReply:
    """Add a reply. A helper's reply counts as the first answer and moves the request on (to
    `status`, by default "waiting for the officer"); the requester's reply reopens a waiting one.
    The other side is notified. Raises SupportError for an empty reply or a closed request."""
    request = HelpRequest.objects.select_for_update().select_related("requester", "unit").get(pk=request.pk)
    body = body.strip()
    if not body and article is None:
        raise SupportError(_("Write a reply or choose an article."))
    if request.status == RequestStatus.DONE and by.pk != request.requester.user_id:
        raise SupportError(_("This request is closed."))
    reply = HelpReply.objects.create(request=request, author=by, body=body, article=article)
    url = reverse("support:request-detail", args=[request.pk])
    if by.pk == request.requester.user_id:
        if request.status in (RequestStatus.WAITING, RequestStatus.DONE):
            _set_status(request=request, status=RequestStatus.IN_PROGRESS, by=by)
        focal = [person.officer for person in focal_person_list_for_unit(unit=request.unit)]
        transaction.on_commit(lambda: _notify(officers=focal, reason_key=f"help-reply:{reply.pk}",
                                              title=_("The officer answered: %(subject)s") % {"subject": request.subject},
                                              url=url))
    else:
        if request.first_answered_at is None:
            request.first_answered_at = timezone.now()
            request.save(update_fields=["first_answered_at"])
        _set_status(request=request, status=status or RequestStatus.WAITING, by=by)
        requester = request.requester
        transaction.on_commit(lambda: _notify(officers=[requester], reason_key=f"help-reply:{reply.pk}",
                                              title=_("Your IT help request was answered: %(subject)s")
                                              % {"subject": request.subject}, url=url))
    return reply


@transaction.atomic
def help_request_set_status(*, request: HelpRequest, status: str, by: User) -> HelpRequest:
    """Move a request to `status` (audited with before and after)."""
    if status not in RequestStatus.values:
        raise SupportError(_("Unknown status."))
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    _set_status(request=request, status=status, by=by)
    return request


@transaction.atomic
def help_request_rate(*, request: HelpRequest, rating: int, comment: str = "", by: User) -> HelpRequest:
    """The requester rates the answer (1-5) once the request is done."""
    request = HelpRequest.objects.select_for_update().select_related("requester").get(pk=request.pk)
    if by.pk != request.requester.user_id:
        raise SupportError(_("Only the officer who asked can rate the answer."))
    if request.status != RequestStatus.DONE:
        raise SupportError(_("A request can be rated once it is done."))
    if not 1 <= int(rating) <= 5:
        raise SupportError(_("Rating: choose from 1 to 5."))
    request.rating, request.rating_comment = int(rating), comment.strip()[:500]
    request.save(update_fields=["rating", "rating_comment"])
    audit_record(action=AuditEvent.Action.OTHER, actor=by, target=f"help_request:{request.pk}",
                 detail={"event": "support_request", "rating": request.rating})
    return request


def help_requests_escalate(*, now: datetime | None = None) -> int:
    """Send every request still unanswered past its due time to the provincial focal persons,
    once (cron-safe: a re-run escalates nothing twice). Returns how many were escalated."""
    now = now or timezone.now()
    count = 0
    overdue = HelpRequest.objects.select_related("unit").filter(
        first_answered_at__isnull=True, escalated_at__isnull=True, due_at__lt=now).exclude(status=RequestStatus.DONE)
    for request in overdue:
        with transaction.atomic():
            if not HelpRequest.objects.filter(pk=request.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            audit_record(action=AuditEvent.Action.OTHER, target=f"help_request:{request.pk}",
                         detail={"event": "support_request", "escalated": {"before": None, "after": now.isoformat()}})
            officers = [person.officer for person in focal_person_list_provincial(unit=request.unit)]
            url = reverse("support:request-detail", args=[request.pk])
            transaction.on_commit(lambda officers=officers, request=request, url=url: _notify(
                officers=officers, reason_key=f"help-escalated:{request.pk}",
                title=_("Unanswered past its due time: %(subject)s") % {"subject": request.subject}, url=url))
            count += 1
    return count


# --- the how-to library ------------------------------------------------------------------------------

def _search_text(article: Article) -> str:
    return fold(f"{article.title} {article.body}")


@transaction.atomic
def article_create(*, title: str, body: str, by: User, software=None, source_reply: HelpReply | None = None,  # noqa: ANN001
                   is_published: bool = True) -> Article:
    article = Article(title=title.strip(), body=body, software=software, author=by, source_reply=source_reply,
                      is_published=is_published)
    article.search_text = _search_text(article)
    article.save()
    return article


@transaction.atomic
def article_update(*, article: Article, title: str, body: str, software=None, is_published: bool = True) -> Article:  # noqa: ANN001
    article.title, article.body, article.software, article.is_published = title.strip(), body, software, is_published
    article.search_text = _search_text(article)
    article.save()
    return article


@transaction.atomic
def article_image_add(*, article: Article, image, alt: str = "", by: User) -> ArticleImage:  # noqa: ANN001
    """Store a picture (already checked: `support.forms.ArticleImageForm`) for `article` as media and
    insert it at the end of the article's Markdown as `![alt](address)`; the address serves it to
    whoever may read the article. Returns the stored picture."""
    picture = ArticleImage.objects.create(article=article, image=image, uploaded_by=by)
    label = " ".join((alt or "").replace("[", " ").replace("]", " ").split()) or _("picture")
    url = reverse("support:article-image", args=[picture.pk])
    article.body = f"{article.body.rstrip()}\n\n![{label}]({url})\n"
    article.search_text = _search_text(article)
    article.save(update_fields=["body", "search_text", "updated_at"])
    return picture


def article_from_reply(*, reply: HelpReply, by: User) -> Article:
    """Turn a helper's reply into an unpublished article to edit (one click from the request)."""
    request = reply.request
    return article_create(title=request.subject, body=reply.body, software=request.software, by=by,
                          source_reply=reply, is_published=False)


@transaction.atomic
def article_vote(*, article: Article, user: User, helpful: bool) -> Article:
    """Record "did this help?" once per person; a changed answer moves the counts."""
    try:
        with transaction.atomic():
            ArticleVote.objects.create(article=article, user=user, helpful=helpful)
        Article.objects.filter(pk=article.pk).update(**{("helpful_yes" if helpful else "helpful_no"): F(
            "helpful_yes" if helpful else "helpful_no") + 1})
    except IntegrityError:
        vote = ArticleVote.objects.select_for_update().get(article=article, user=user)
        if vote.helpful != helpful:
            vote.helpful = helpful
            vote.save(update_fields=["helpful"])
            plus, minus = ("helpful_yes", "helpful_no") if helpful else ("helpful_no", "helpful_yes")
            Article.objects.filter(pk=article.pk).update(**{plus: F(plus) + 1, minus: F(minus) - 1})
    article.refresh_from_db(fields=["helpful_yes", "helpful_no"])
    return article


@transaction.atomic
def focal_action_record(*, officer: Officer, kind: str, by: User, note: str = "", article: Article | None = None,
                        before: dict | None = None) -> FocalAction:
    """Record what a focal person did for an officer, with what the weekly list showed for them then
    (`before`), so next week's list shows whether it helped. Audited."""
    if kind not in ActionKind.values:
        raise SupportError(_("Unknown action."))
    action = FocalAction.objects.create(officer=officer, kind=kind, note=note.strip()[:300], article=article,
                                        before=before or {}, by=by)
    audit_record(action=AuditEvent.Action.OTHER, actor=by, target=f"officer:{officer.pk}",
                 detail={"event": "support_focal_action", "kind": kind, "before": before or {}})
    return action
