"""xAPI 1.0.3 statements as this site accepts them: parsing and checking, pure functions, no ORM.

Accepted: a statement object or an array of up to MAX_BATCH; each with an `id` (UUID; required
here, because it is what makes a re-sent statement harmless), an `actor` Agent identified by
`mbox` ("mailto:…") or `account` ({"homePage", "name"}), a `verb` with an IRI `id`, an `object`
Activity with an IRI `id`, and an optional ISO 8601 `timestamp` (default: the time received),
never in the future. Anything else in a statement is ignored.

Errors name the statement's index in the batch (0-based) and the field, as a JSON pointer-like
path ("actor.mbox"), with a message (English for the systems' developers, stable `code`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

MAX_BATCH = 500
# A clock skew allowance: a sender's clock slightly ahead is not "the future".
FUTURE_TOLERANCE = timedelta(minutes=5)
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class StatementError(Exception):
    index: int | None  # None: the request as a whole
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class Statement:
    index: int
    id: str
    email: str  # lower-case, from mbox ("" when the actor is an account)
    account_name: str  # from account.name ("" when the actor is an mbox)
    verb: str
    activity: str
    timestamp: datetime | None  # aware; None = the time received


def _iri(value: Any) -> bool:  # noqa: ANN401
    return isinstance(value, str) and len(value) <= 300 and bool(IRI_RE.match(value))


def _timestamp(index: int, value: Any, now: datetime) -> datetime | None:  # noqa: ANN401
    if value is None:
        return None
    if not isinstance(value, str):
        raise StatementError(index, "timestamp", "invalid", "timestamp must be an ISO 8601 string")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise StatementError(index, "timestamp", "invalid", f"timestamp {value!r} is not ISO 8601") from exc
    if moment.tzinfo is None:
        raise StatementError(index, "timestamp", "invalid", "timestamp must include a time zone offset")
    if moment > now + FUTURE_TOLERANCE:
        raise StatementError(index, "timestamp", "future", f"timestamp {value} is in the future")
    return moment


def _actor(index: int, actor: Any) -> tuple[str, str]:  # noqa: ANN401
    if not isinstance(actor, dict):
        raise StatementError(index, "actor", "missing", "actor is required (an Agent with mbox or account)")
    if actor.get("objectType", "Agent") != "Agent":
        raise StatementError(index, "actor.objectType", "unsupported", "only Agent actors are accepted")
    mbox, account = actor.get("mbox"), actor.get("account")
    if mbox is not None:
        if not isinstance(mbox, str) or not mbox.startswith("mailto:") or not EMAIL_RE.match(mbox[7:]):
            raise StatementError(index, "actor.mbox", "invalid", "mbox must be mailto:<e-mail address>")
        return mbox[7:].strip().lower(), ""
    if account is not None:
        if not isinstance(account, dict) or not isinstance(account.get("name"), str) or not account["name"].strip():
            raise StatementError(index, "actor.account.name", "missing", "account.name is required")
        if not _iri(account.get("homePage")):
            raise StatementError(index, "actor.account.homePage", "invalid", "account.homePage must be an IRI")
        return "", account["name"].strip()
    raise StatementError(index, "actor.mbox", "missing", "actor needs mbox or account")


def parse_statement(index: int, raw: Any, now: datetime) -> Statement:  # noqa: ANN401
    """One statement checked; raises StatementError naming the first bad field."""
    if not isinstance(raw, dict):
        raise StatementError(index, "", "invalid", "a statement must be a JSON object")
    statement_id = raw.get("id")
    if statement_id is None:
        raise StatementError(index, "id", "missing", "id is required (a UUID chosen by the sender)")
    try:
        statement_id = str(uuid.UUID(str(statement_id)))
    except ValueError as exc:
        raise StatementError(index, "id", "invalid", f"id {statement_id!r} is not a UUID") from exc
    email, account_name = _actor(index, raw.get("actor"))
    verb = raw.get("verb")
    if not isinstance(verb, dict) or "id" not in verb:
        raise StatementError(index, "verb.id", "missing", "verb.id is required")
    if not _iri(verb["id"]):
        raise StatementError(index, "verb.id", "invalid", "verb.id must be an IRI")
    obj = raw.get("object")
    if not isinstance(obj, dict) or "id" not in obj:
        raise StatementError(index, "object.id", "missing", "object.id is required")
    if obj.get("objectType", "Activity") != "Activity":
        raise StatementError(index, "object.objectType", "unsupported", "only Activity objects are accepted")
    if not _iri(obj["id"]):
        raise StatementError(index, "object.id", "invalid", "object.id must be an IRI")
    return Statement(index=index, id=statement_id, email=email, account_name=account_name, verb=verb["id"],
                     activity=obj["id"], timestamp=_timestamp(index, raw.get("timestamp"), now))


def parse_batch(payload: Any, now: datetime) -> list[Statement]:  # noqa: ANN401
    """A statement or an array of statements, each checked, ids unique within the batch."""
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list) or not payload:
        raise StatementError(None, "", "invalid", "the body must be a statement or a non-empty array of statements")
    if len(payload) > MAX_BATCH:
        raise StatementError(None, "", "too_many", f"at most {MAX_BATCH} statements per request ({len(payload)} sent)")
    statements, seen = [], {}
    for index, raw in enumerate(payload):
        statement = parse_statement(index, raw, now)
        if statement.id in seen:
            raise StatementError(index, "id", "duplicate", f"id repeats statement {seen[statement.id]}")
        seen[statement.id] = index
        statements.append(statement)
    return statements
