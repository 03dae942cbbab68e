"""What the browser is shown of a question: texts and choice ids while answering, plus marks,
feedback and right answers only in a review the quiz allows. Templates see only these dicts."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import lru_cache
from typing import Any

import markdown
import nh3
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from quizzes.question_types import question_type_for


class Shown(dict):
    """A question as shown: a dict whose missing keys read as None. Templates look up keys that only
    some question types or only the review set (``q.mark``, ``c.right``…); for a plain dict Django then
    tries an attribute and lists the dict's attributes (``dir``) on every miss, several hundred times
    on a 30-question page."""

    def __missing__(self, key: str) -> None:
        return None


def render_text(text: str, text_format: str = "moodle") -> SafeString:
    """Question text as safe HTML: Markdown rendered, HTML cleaned, plain text escaped.

    Kept per process for the last 2,048 texts (a question's text and answers are rendered for
    every officer who sees them: in an exam hall, the same few dozen texts hundreds of times)."""
    return _render_text(text or "", text_format)


@lru_cache(maxsize=2048)
def _render_text(text: str, text_format: str) -> SafeString:
    if text_format == "plain":
        return mark_safe(linebreaks(escape(text)))
    if text_format == "markdown":
        return mark_safe(nh3.clean(markdown.markdown(text)))
    if text_format == "moodle" and "<" not in text:
        return mark_safe(linebreaks(escape(text)))
    return mark_safe(nh3.clean(text))


def for_attempt(*, index: int, version: Any, order: list[str], response: dict[str, Any] | None) -> dict[str, Any]:  # noqa: ANN401
    """The question as the officer answers it: no fraction, no feedback, no right answer."""
    data = version.data or {}
    fmt = version.text_format
    response = response or {}
    shown = Shown({
        "index": index, "number": index + 1, "qtype": version.qtype,
        "text": render_text(version.text, fmt),
        "stem_after": render_text(data["stem_after"], fmt) if data.get("stem_after") else "",
    })
    question_type_for(version.qtype).show(shown, data=data, order=order, response=response,
                                         render=render_text, text_format=fmt)
    for key in ("choices", "rows"):
        if key in shown:
            shown[key] = [Shown(item) for item in shown[key]]
    return shown


def for_review(*, index: int, version: Any, order: list[str], answer: Any, show_marks: bool,  # noqa: ANN401
               show_correct: bool, show_feedback: bool) -> dict[str, Any]:
    """The question in a review: the officer's answer, and what the quiz's review options allow."""
    shown = for_attempt(index=index, version=version, order=order, response=answer.response)
    data = version.data or {}
    kind = question_type_for(version.qtype)
    result = kind.grade(data, answer.response)
    shown["review"] = True
    shown["state"] = ("needs_grading" if answer.needs_grading else result.state) if kind.gradable else ""
    if show_marks and kind.gradable:
        shown["mark"] = answer.mark
        shown["max_mark"] = answer.max_mark
    if show_feedback:
        shown["feedback"] = [render_text(text, version.text_format) for text in result.feedback]
        if version.general_feedback:
            shown["general_feedback"] = render_text(version.general_feedback,
                                                    data.get("general_feedback_format", version.text_format))
        if answer.grader_comment:
            shown["grader_comment"] = answer.grader_comment
    if show_correct:
        kind.show_right(shown, data=data)
    return shown


# Stand-ins for what differs between officers who see the same question the same way. Private-use
# characters: escaping leaves them as they are and no question text holds them.
_NUMBER, _INDEX, _URL, _CSRF, _SAVED = ("\ue000n\ue001", "\ue000i\ue001", "\ue000u\ue001", "\ue000c\ue001",
                                        "\ue000s\ue001")
_HTML_SECONDS = 6 * 3600


def _question_key(version_id: int, order: list[str], response: dict[str, Any] | None, saved: bool) -> str:
    raw = json.dumps([get_language(), version_id, order, response or {}, saved], sort_keys=True, default=str)
    return "quizzes:question-html:" + hashlib.sha256(raw.encode()).hexdigest()


def attempt_questions_html(*, items: list[tuple[int, Any, list[str], dict[str, Any] | None, datetime | None]],
                           answer_url: str, csrf_token: str) -> list[SafeString]:
    """The attempt page's questions as HTML, from (index, version, order, response, saved_at) each.

    A question's HTML depends on its version (never changed once written), its answers' order, the
    answer saved and the language; the rest (number, index, form address, CSRF token, time saved) is
    filled in here. So it is rendered once per process for everyone who sees that version in that
    order with that answer (in an exam hall: each version and order once, then read from the process
    cache) instead of through the template for every officer and every reload."""
    keys = [_question_key(version.pk, order, response, saved_at is not None)
            for _index, version, order, response, saved_at in items]
    cache = caches["local"]
    known = cache.get_many(keys)
    fresh: dict[str, str] = {}
    out = []
    for key, (index, version, order, response, saved_at) in zip(keys, items, strict=True):
        html = known.get(key) or fresh.get(key)
        if html is None:
            shown = for_attempt(index=index, version=version, order=order, response=response)
            shown.update({"number": _NUMBER, "index": _INDEX, "saved_time": _SAVED if saved_at else ""})
            html = fresh[key] = render_to_string("quizzes/_question.html",
                                                 {"q": shown, "answer_url": _URL, "csrf_token": _CSRF})
        saved = time_format(timezone.localtime(saved_at), "H:i:s") if saved_at else ""
        out.append(mark_safe(html.replace(_NUMBER, str(index + 1)).replace(_INDEX, str(index))
                             .replace(_URL, escape(answer_url)).replace(_CSRF, escape(csrf_token))
                             .replace(_SAVED, escape(saved))))
    if fresh:
        cache.set_many(fresh, _HTML_SECONDS)
    return out
