"""xAPI statements pushed by the agency's systems, and the tokens those systems use.

A token belongs to one source system; only its SHA-256 is stored, the token itself is shown once
when created. A batch is stored all or nothing: any bad statement (unknown officer, unmapped verb ×
activity, bad field) refuses the whole batch and names the statement and field. Statements whose
id this source system already sent are skipped, so re-sending a batch changes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from analytics.formats.xapi import Statement, StatementError, parse_batch
from analytics.models import EventSource, UsageEvent, XapiMapping, XapiToken
from analytics.services.events import NewEvent, usage_events_insert
from org.models import Officer

TOKEN_PREFIX = "thx_"


class XapiTokenError(Exception):
    """A token that cannot be created; the message is for the user."""


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def xapi_token_create(*, name: str, user=None) -> tuple[XapiToken, str]:  # noqa: ANN001
    """Create the token of source system `name` (unique, 1–60 characters). Returns the record and the
    token itself, which is not stored and cannot be shown again. Raises XapiTokenError."""
    from django.utils.translation import gettext as _

    name = " ".join(name.split())
    if not name or len(name) > 60:
        raise XapiTokenError(_("Give the source system a name of at most 60 characters."))
    if XapiToken.objects.filter(name__iexact=name).exists():
        raise XapiTokenError(_("A token for this source system already exists; revoke it and create a new one "
                               "under another name."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        token = XapiToken.objects.create(name=name, token_hash=_hash(raw), prefix=raw[:10], created_by=user)
    except IntegrityError as exc:
        raise XapiTokenError(_("A token for this source system already exists.")) from exc
    return token, raw


def xapi_token_revoke(*, token: XapiToken) -> XapiToken:
    """Revoke a token (idempotent): statements sent with it are refused from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def xapi_token_authenticate(*, raw: str) -> XapiToken | None:
    """The active token matching `raw`, or None (unknown or revoked)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    return XapiToken.objects.filter(token_hash=_hash(raw), revoked_at__isnull=True).first()


def xapi_rate_allow(*, token: XapiToken, now: datetime | None = None) -> tuple[bool, int]:
    """Count one request of `token` in the current one-minute window of the shared cache; returns
    (allowed, seconds until the window ends). The limit is settings.THADS_XAPI_REQUESTS_PER_MINUTE."""
    now = now or timezone.now()
    limit = getattr(settings, "THADS_XAPI_REQUESTS_PER_MINUTE", 120)
    window = int(now.timestamp()) // 60
    key = f"xapi-rate:{token.pk}:{window}"
    cache.add(key, 0, 120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 120)
        count = 1
    return count <= limit, 60 - int(now.timestamp()) % 60


@dataclass
class XapiResult:
    ids: list[str]  # every statement id of the batch, in order
    stored: int  # new events
    skipped: int  # ids already received from this source system


def _officers(statements: list[Statement]) -> tuple[dict[str, int], dict[str, int]]:
    emails = {s.email for s in statements if s.email}
    names = {s.account_name.lower() for s in statements if s.account_name}
    by_email: dict[str, int] = {}
    by_name: dict[str, int] = {}
    if not emails and not names:
        return by_email, by_name
    found = (Officer.objects.annotate(email_lower=Lower("email"), username_lower=Lower("user__username"))
             .filter(Q(email_lower__in=emails | names) | Q(username_lower__in=names))
             .values_list("pk", "email_lower", "username_lower", "is_active"))
    for pk, email, username, active in found:
        if active:
            by_email[email] = pk
            by_name[username] = pk
            by_name.setdefault(email, pk)
    return by_email, by_name


def _mappings() -> dict[tuple[str, str], tuple[int, int]]:
    return {(verb, activity): (software_id, action_id) for verb, activity, software_id, action_id in
            XapiMapping.objects.filter(action__software__is_active=True)
            .values_list("verb_iri", "activity_iri", "action__software_id", "action_id")}


def xapi_statements_store(*, token: XapiToken, payload: object, now: datetime | None = None) -> XapiResult:
    """Check and store a batch (see the module docstring). Officers are matched by `mbox` (official
    e-mail) or `account.name` (user name or official e-mail), active officers only; verb × activity
    by `XapiMapping` (exact activity first, then the verb's any-activity row). Raises StatementError
    naming the first bad statement and field; nothing is stored then."""
    now = now or timezone.now()
    statements = parse_batch(payload, now)
    by_email, by_name = _officers(statements)
    mappings = _mappings()
    events = []
    for statement in statements:
        if statement.email:
            officer_id = by_email.get(statement.email)
            if officer_id is None:
                raise StatementError(statement.index, "actor.mbox", "unknown_actor",
                                     f"no active officer has the e-mail {statement.email}")
        else:
            officer_id = by_name.get(statement.account_name.lower())
            if officer_id is None:
                raise StatementError(statement.index, "actor.account.name", "unknown_actor",
                                     f"no active officer has the user name {statement.account_name}")
        target = mappings.get((statement.verb, statement.activity)) or mappings.get((statement.verb, ""))
        if target is None:
            field = "object.id" if any(verb == statement.verb for verb, _ in mappings) else "verb.id"
            raise StatementError(statement.index, field, "unmapped",
                                 f"no software action is mapped to verb {statement.verb} × "
                                 f"activity {statement.activity}")
        events.append(NewEvent(officer_id=officer_id, software_id=target[0], action_id=target[1],
                               occurred_at=statement.timestamp or now, source=EventSource.XAPI,
                               source_system=token.name, external_id=statement.id))
    with transaction.atomic():
        stored, _days = usage_events_insert(events=events)
        XapiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return XapiResult(ids=[statement.id for statement in statements], stored=stored,
                      skipped=len(statements) - stored)


def xapi_statement_count(*, token: XapiToken) -> int:
    return UsageEvent.objects.filter(source=EventSource.XAPI, source_system=token.name).count()
