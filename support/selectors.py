"""Reads of the IT help desk: focal persons, requests within reach, the how-to library, figures."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from core.roles import Role, has_role
from core.text import fold
from org.models import Officer, Unit
from org.selectors import officer_for_user, scope_filter
from support.models import Article, FocalAction, FocalPerson, HelpReply, HelpRequest, RequestStatus


def _ancestor_paths(unit: Unit) -> list[str]:
    """The unit's own path and those of every unit above it (paths are "0001/0002/...")."""
    parts = [part for part in unit.path.split("/") if part]
    return ["/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]


def focal_units_of(*, officer: Officer) -> list[Unit]:
    """Units whose focal person (main or deputy) `officer` is."""
    return [focal.unit for focal in FocalPerson.objects.select_related("unit").filter(officer=officer)]


def focal_person_list_for_unit(*, unit: Unit) -> list[FocalPerson]:
    """The focal persons who answer for `unit`: those of the nearest unit, itself or above, that has any."""
    focal = list(FocalPerson.objects.select_related("officer", "officer__user", "unit")
                 .filter(unit__path__in=_ancestor_paths(unit)))
    if not focal:
        return []
    nearest = max(len(person.unit.path) for person in focal)
    return sorted((person for person in focal if len(person.unit.path) == nearest), key=lambda person: person.kind)


def focal_person_list_provincial(*, unit: Unit) -> list[FocalPerson]:
    """The focal persons of the top-level unit above `unit` (the escalation target)."""
    root = _ancestor_paths(unit)[0]
    return list(FocalPerson.objects.select_related("officer", "officer__user", "unit").filter(unit__path=root))


def focal_person_list_visible(*, user) -> QuerySet[FocalPerson]:  # noqa: ANN001
    return (FocalPerson.objects.select_related("unit", "officer", "officer__user")
            .filter(scope_filter(user=user, unit_field="unit")))


def help_request_list_visible(*, user, status: str = "") -> QuerySet[HelpRequest]:  # noqa: ANN001
    """Requests a user may read: their own; a focal person's units' (subtrees); everything for admins."""
    from support.permissions import focal_units

    requests = HelpRequest.objects.select_related("requester", "unit", "software")
    if not has_role(user, Role.ADMIN):
        officer = officer_for_user(user)
        allowed = Q(requester=officer) if officer is not None else Q(pk__in=[])
        for unit in focal_units(user):
            allowed |= Q(unit__path__startswith=unit.path)
        requests = requests.filter(allowed)
    if status == "open":
        requests = requests.exclude(status=RequestStatus.DONE)
    elif status:
        requests = requests.filter(status=status)
    return requests


def help_request_get_visible(*, user, pk: int) -> HelpRequest | None:  # noqa: ANN001
    return help_request_list_visible(user=user).filter(pk=pk).first()


def help_reply_list(*, request: HelpRequest) -> QuerySet[HelpReply]:
    return request.replies.select_related("author", "article")


def article_search(*, query: str = "", software_id: int | None = None, published_only: bool = True) -> QuerySet[Article]:
    """Articles matching every word of `query`, accents and case ignored (typed with or without them)."""
    articles = Article.objects.select_related("software")
    if published_only:
        articles = articles.filter(is_published=True)
    for word in fold(query).split():
        articles = articles.filter(search_text__contains=word)
    if software_id:
        articles = articles.filter(software_id=software_id)
    return articles


def help_request_open_counts(*, officer_ids: list[int]) -> dict[int, int]:
    """Requests not done yet, per requester, for the given officers (one GROUP BY query)."""
    rows = (HelpRequest.objects.filter(requester_id__in=officer_ids).exclude(status=RequestStatus.DONE)
            .values("requester_id").annotate(n=Count("pk")).order_by())
    return {row["requester_id"]: row["n"] for row in rows}


def focal_action_latest(*, officer_ids: list[int]) -> dict[int, FocalAction]:
    """The latest recorded action for each of the given officers (one query)."""
    latest: dict[int, FocalAction] = {}
    for action in FocalAction.objects.filter(officer_id__in=officer_ids).select_related("article").order_by(
            "officer_id", "-created_at", "-pk"):
        latest.setdefault(action.officer_id, action)
    return latest


def article_for_software(*, codes: list[str]) -> dict[str, Article]:
    """The most helpful published article for each software code (one query)."""
    found: dict[str, Article] = {}
    for article in (Article.objects.filter(is_published=True, software__code__in=codes)
                    .select_related("software").order_by("-helpful_yes", "title")):
        found.setdefault(article.software.code, article)
    return found


# Words that carry no question of their own (accents folded): "không … được", "bị", "của", "giúp em"…
STOP_WORDS = frozenset("""
a ah anh bang bi cac cach can chi cho chua co cua cung da dang de den di do duoc em gi giup hay hoac hoi
khi khong la lam len luc minh mot muon nao nay nen nhe nhu nhung o oi ong ra rang roi sao se the thi toi
trong tren tu va vao ve voi xin xuong
""".split())
PUNCTUATION = re.compile(r"[^\w\s]|_")
QUESTION_SIMILARITY = 0.8
QUESTION_REQUESTS_MAX = 2000  # the most recent requests in scope that the grouping looks at
QUESTION_SUBJECTS_SHOWN = 20


def question_words(subject: str) -> tuple[str, ...]:
    """The significant words of a request's subject: accents folded, lower case, punctuation and
    stop words dropped, each word once, sorted (so word order does not matter)."""
    words = PUNCTUATION.sub(" ", fold(subject)).split()
    significant = {word for word in words if word not in STOP_WORDS and len(word) > 1}
    return tuple(sorted(significant or set(words)))


@dataclass
class AskedQuestion:
    """Requests grouped as one recurring question (same software, similar subject)."""

    software: str
    words: tuple[str, ...]
    text: str
    request_ids: list[int] = field(default_factory=list)
    subjects: list[dict] = field(default_factory=list)  # the most recent, as typed: pk, subject, unit, date

    @property
    def count(self) -> int:
        return len(self.request_ids)

    @property
    def question(self) -> str:
        """The subject typed most often in the group (the most recent of equals)."""
        tally: dict[str, int] = {}
        for item in self.subjects:
            tally[item["subject"]] = tally.get(item["subject"], 0) + 1
        return max(tally, key=lambda subject: tally[subject]) if tally else ""


def _similar(words: tuple[str, ...], text: str, question: AskedQuestion) -> bool:
    if words == question.words:
        return True
    matcher = difflib.SequenceMatcher(None, text, question.text, autojunk=False)
    return (matcher.real_quick_ratio() >= QUESTION_SIMILARITY and matcher.quick_ratio() >= QUESTION_SIMILARITY
            and matcher.ratio() >= QUESTION_SIMILARITY)


def help_question_list_top(*, requests: QuerySet[HelpRequest], limit: int = 10) -> list[AskedQuestion]:
    """The most asked questions among `requests` (already bounded to a period and a scope): the
    most recent `QUESTION_REQUESTS_MAX` of them, grouped per software, greedily, with the first
    group whose words are the same set or whose words read at least `QUESTION_SIMILARITY` alike
    (difflib ratio of the sorted significant words); groups of two requests or more, largest first,
    at most `limit`. One query."""
    groups: dict[object, list[AskedQuestion]] = {}
    rows = (requests.order_by("-created_at", "-pk")
            .values_list("pk", "subject", "software_id", "software__name", "unit__name", "created_at")
            [:QUESTION_REQUESTS_MAX])
    for pk, subject, software_id, software_name, unit_name, created_at in rows:
        words = question_words(subject)
        text = " ".join(words)
        candidates = groups.setdefault(software_id, [])
        group = next((question for question in candidates if _similar(words, text, question)), None)
        if group is None:
            group = AskedQuestion(software=software_name or "", words=words, text=text)
            candidates.append(group)
        group.request_ids.append(pk)
        if len(group.subjects) < QUESTION_SUBJECTS_SHOWN:
            group.subjects.append({"pk": pk, "subject": subject, "unit": unit_name, "created_at": created_at})
    recurring = [question for questions in groups.values() for question in questions if question.count >= 2]
    recurring.sort(key=lambda question: (-question.count, -question.request_ids[0]))
    return recurring[:limit]


@dataclass(frozen=True)
class SupportFigures:
    by_software: list[dict]
    by_unit: list[dict]
    by_month: list[dict]
    mean_hours_to_answer: float | None
    answered: int
    total: int
    top_articles: list[dict]
    top_questions: list[AskedQuestion] = ()


def support_figures(*, user, since: datetime) -> SupportFigures:  # noqa: ANN001
    """Requests per software, unit and month since `since`, time to the first answer, the
    articles most used in answers and the most asked questions (`help_question_list_top`), within
    the user's scope (admins: everything)."""
    requests = HelpRequest.objects.filter(created_at__gte=since)
    if not has_role(user, Role.ADMIN):
        scoped = scope_filter(user=user, unit_field="unit")
        from support.permissions import focal_units

        for unit in focal_units(user):
            scoped |= Q(unit__path__startswith=unit.path)
        requests = requests.filter(scoped)
    by_software = list(requests.values("software__code", "software__name").annotate(n=Count("pk")).order_by("-n"))
    by_unit = list(requests.values("unit__name").annotate(
        n=Count("pk"), open=Count("pk", filter=~Q(status=RequestStatus.DONE))).order_by("-n"))
    by_month = list(requests.annotate(month=TruncMonth("created_at")).values("month")
                    .annotate(n=Count("pk")).order_by("month"))
    wait = ExpressionWrapper(F("first_answered_at") - F("created_at"), output_field=DurationField())
    answered = requests.filter(first_answered_at__isnull=False)
    mean = answered.aggregate(mean=Avg(wait))["mean"]
    top_articles = list(HelpReply.objects.filter(request__in=requests, article__isnull=False)
                        .values("article_id", "article__title").annotate(n=Count("pk")).order_by("-n")[:10])
    return SupportFigures(
        by_software=by_software, by_unit=by_unit, by_month=by_month,
        mean_hours_to_answer=round(mean / timedelta(hours=1), 1) if mean is not None else None,
        answered=answered.count(), total=requests.count(), top_articles=top_articles,
        top_questions=help_question_list_top(requests=requests),
    )
