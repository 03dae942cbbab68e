"""The question bank: categories, questions and their versions, GIFT/Aiken import and export."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.models import AuditEvent, User
from core.services import audit_record
from quizzes.bank import data_from_parsed, normalise_data, parsed_from_version, title_for
from quizzes.exceptions import QuizError
from quizzes.formats import FormatParseError, parse_aiken, parse_gift, serialize_gift
from quizzes.models import Question, QuestionCategory, QuestionImport, QuestionType, QuestionVersion, Tag
from quizzes.question_types import question_type_for


# ---------------------------------------------------------------- bank

@transaction.atomic
def category_create(*, name: str, parent: QuestionCategory | None = None, description: str = "") -> QuestionCategory:
    """Create a category (names are unique among siblings). Raises QuizError on a duplicate."""
    name = " ".join(name.split())
    if QuestionCategory.objects.filter(parent=parent, name=name).exists():
        raise QuizError(_("The category “%(name)s” already exists.") % {"name": name})
    return QuestionCategory.objects.create(name=name, parent=parent, description=description)


def category_get_or_create_path(*, path: list[str], parent: QuestionCategory | None = None) -> QuestionCategory:
    """The category at `path` (names from the top, or below `parent`), created as needed."""
    category = parent
    for name in path:
        name = " ".join(name.split())[:200]
        if not name:
            continue
        category, _ = QuestionCategory.objects.get_or_create(parent=category, name=name)
    if category is None:
        raise QuizError(_("The category name is empty."))
    return category


def _tags(names: list[str]) -> list[Tag]:
    clean = list(dict.fromkeys(" ".join(n.split())[:60] for n in names if n and n.strip()))
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=clean)}
    return [existing.get(name) or Tag.objects.get_or_create(name=name)[0] for name in clean]


def _version_create(*, question: Question, qtype: str, title: str, text: str, text_format: str,
                    general_feedback: str, data: dict[str, Any], default_mark: Decimal,
                    by: User | None) -> QuestionVersion:
    number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = QuestionVersion.objects.create(
        question=question, number=number, qtype=qtype, title=title.strip()[:255] or qtype, text=text,
        text_format=text_format, general_feedback=general_feedback, data=normalise_data(qtype, data),
        default_mark=default_mark, created_by=by,
    )
    question.current_version = version
    question.save(update_fields=["current_version", "updated_at"])
    return version


@transaction.atomic
def question_create(*, category: QuestionCategory, qtype: str, title: str, text: str, data: dict[str, Any],
                    text_format: str = "moodle", general_feedback: str = "", default_mark: Decimal = Decimal(1),
                    tags: list[str] | None = None, idnumber: str = "", by: User | None = None) -> Question:
    """Create a question and its first version. `data` is the type-specific part (see README)."""
    if qtype not in QuestionType.values:
        raise QuizError(_("Unknown question type: %(type)s") % {"type": qtype})
    question = Question.objects.create(category=category, qtype=qtype, idnumber=idnumber[:100], created_by=by)
    if not question_type_for(qtype).gradable:
        default_mark = Decimal(0)
    _version_create(question=question, qtype=qtype, title=title, text=text, text_format=text_format,
                    general_feedback=general_feedback, data=data, default_mark=default_mark, by=by)
    if tags:
        question.tags.set(_tags(tags))
    return question


@transaction.atomic
def question_update(*, question: Question, title: str, text: str, data: dict[str, Any], text_format: str,
                    general_feedback: str, default_mark: Decimal, category: QuestionCategory,
                    tags: list[str], by: User | None) -> QuestionVersion:
    """Save an edit as a new version; attempts keep the version they showed. Returns the new version."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    question.category = category
    question.save(update_fields=["category", "updated_at"])
    question.tags.set(_tags(tags))
    if not question_type_for(question.qtype).gradable:
        default_mark = Decimal(0)
    return _version_create(question=question, qtype=question.qtype, title=title, text=text,
                           text_format=text_format, general_feedback=general_feedback, data=data,
                           default_mark=default_mark, by=by)


@transaction.atomic
def question_archive(*, question: Question, archived: bool = True) -> Question:
    """Hide a question from the bank and from random draws; attempts that used it are untouched."""
    question.is_archived = archived
    question.save(update_fields=["is_archived", "updated_at"])
    return question


# ---------------------------------------------------------------- import / export

@dataclass
class ImportResult:
    """Counts by question type and errors by line; `questions` are the parsed questions."""

    imported: Counter = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)
    questions: list[Any] = field(default_factory=list)
    saved: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"imported": dict(sorted(self.imported.items())), "errors": self.errors}


def questions_parse(*, text: str | bytes, file_format: str) -> ImportResult:
    """Parse a GIFT or Aiken file (never raises on content): every question read and every error."""
    if file_format not in ("gift", "aiken"):
        raise QuizError(_("The format must be gift or aiken."))
    parser = parse_gift if file_format == "gift" else parse_aiken
    result = ImportResult()
    try:
        parsed = parser(text, strict=False)
    except FormatParseError as exc:  # a problem with the file as a whole (encoding...)
        result.errors.append({"line": exc.line, "message": exc.message})
        return result
    result.questions = list(parsed.questions)
    result.errors = [{"line": err.line, "message": err.message} for err in parsed.errors]
    result.errors.sort(key=lambda err: err["line"])
    for question in result.questions:
        result.imported[question.type] += 1
    return result


def _category_path(name: str | None) -> list[str]:
    if not name:
        return []
    parts = [part.strip() for part in name.replace("\\/", "\u2215").split("/")]
    parts = [part.replace("\u2215", "/") for part in parts if part]
    while parts and parts[0] in ("$course$", "$system$", "$module$", "$cat1$", "$cat2$", "$cat3$", "top", "Top"):
        parts.pop(0)
    return parts


@transaction.atomic
def questions_import(*, text: str | bytes, file_format: str, category: QuestionCategory, by: User | None = None,
                     strict: bool = True, dry_run: bool = False) -> ImportResult:
    """Import a GIFT or Aiken file into `category` ($CATEGORY lines make sub-categories below it).

    Strict mode imports nothing when any question has an error; otherwise the readable questions
    are imported and the errors listed. A dry run parses and counts but writes nothing.
    Writes an audit entry when questions are saved.
    """
    result = questions_parse(text=text, file_format=file_format)
    if strict and result.errors:
        result.imported = Counter()  # strict: one error and nothing is imported
        return result
    if dry_run or not result.questions:
        return result
    for parsed in result.questions:
        target = category
        path = _category_path(parsed.category)
        if path:
            target = category_get_or_create_path(path=path, parent=category)
        question_create(
            category=target, qtype=parsed.type, title=title_for(parsed), text=parsed.text,
            text_format=parsed.text_format, general_feedback=parsed.general_feedback,
            data=data_from_parsed(parsed), tags=parsed.tags, idnumber=parsed.id or "", by=by,
        )
    result.saved = True
    audit_record(action=AuditEvent.Action.IMPORT, actor=by, target=f"quizzes:category:{category.pk}",
                 detail={"format": file_format, **result.as_dict()})
    return result


@transaction.atomic
def question_import_preview(*, file_name: str, content: bytes, file_format: str, category: QuestionCategory,
                            strict: bool, by: User) -> QuestionImport:
    """Store an uploaded file with its dry-run result, for the trainer to confirm."""
    result = questions_parse(text=content, file_format=file_format)
    text = content.decode("utf-8-sig", errors="replace") if isinstance(content, bytes) else content
    status = QuestionImport.Status.PREVIEW
    if (strict and result.errors) or not result.questions:
        status = QuestionImport.Status.INVALID
    return QuestionImport.objects.create(
        uploaded_by=by, file_name=file_name[:255], file_format=file_format, content=text, category=category,
        strict=strict, status=status, summary=dict(result.imported), errors=result.errors,
    )


@transaction.atomic
def question_import_apply(*, question_import: QuestionImport, by: User) -> ImportResult:
    """Import a previewed file. Raises QuizError if it was already imported or has blocking errors."""
    locked = QuestionImport.objects.select_for_update().get(pk=question_import.pk)
    if locked.status != QuestionImport.Status.PREVIEW:
        raise QuizError(_("This file was already imported or has errors."))
    result = questions_import(text=locked.content, file_format=locked.file_format, category=locked.category,
                              by=by, strict=locked.strict)
    if not result.saved:
        raise QuizError(_("No question could be imported."))
    locked.status = QuestionImport.Status.APPLIED
    locked.save(update_fields=["status"])
    question_import.status = locked.status
    return result


def questions_export_gift(*, questions: list[Question]) -> str:
    """GIFT text of the current versions, with $CATEGORY lines, ids and tags."""
    parsed = []
    for question in questions:
        names = []
        category = question.category
        while category is not None:
            names.append(category.name.replace("/", "\\/"))
            category = category.parent
        parsed.append(parsed_from_version(
            question.current_version, category="$course$/top/" + "/".join(reversed(names)),
            tags=[tag.name for tag in question.tags.all()], idnumber=question.idnumber,
        ))
    return serialize_gift(parsed)
