"""Failed sign-in limits, counted per account and per client address separately.

Only failures are counted, and only after the password was checked: an exam room of officers behind
one address signs in together without charging anyone, and a correct password is never refused
because of other people's failures from the same address. An account (its user name and its e-mail
are one account) that failed `THADS_SIGNIN_ACCOUNT_LIMIT` times is locked until the oldest of those
failures leaves the window, whatever address the next try comes from; the person is told how long
to wait. An address over `THADS_SIGNIN_ADDRESS_LIMIT` is reported once per window in the audit log
(password spraying) and its wrong passwords are answered with the address message. Each further
wrong password from that address is also answered later, one second more per failure over the limit
(at most `THADS_SIGNIN_SLOW_DOWN_MAX_SECONDS`): `signin_slow_down_seconds`. Only wrong passwords wait:
a correct one is answered at once, so an exam room behind that address is neither refused nor slowed.
The wait is served by `core.slow_down` in the ASGI layer, holding no worker thread.

Counters live in the default cache (Redis when several processes serve the site).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q


@dataclass(frozen=True)
class Limit:
    amount: int
    seconds: int


UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_limit(text: str) -> Limit:
    """"5/5m" → at most 5 failures within 5 minutes ("30s", "1h" also work)."""
    amount, _, window = text.partition("/")
    unit = window[-1:]
    if unit not in UNITS:
        raise ValueError(f"limit window needs a unit s, m or h: {text!r}")
    return Limit(int(amount), int(float(window[:-1] or 1) * UNITS[unit]))


def account_limit() -> Limit:
    return parse_limit(settings.THADS_SIGNIN_ACCOUNT_LIMIT)


def address_limit() -> Limit:
    return parse_limit(settings.THADS_SIGNIN_ADDRESS_LIMIT)


def account_key(login: str) -> str:
    """The counter name of the account a typed user name or e-mail belongs to.

    Both ways of naming one user give the same key, so switching from user name to e-mail does not
    reset the count. Unknown names are counted as typed (lower-cased).
    """
    from core.models import User

    typed = (login or "").strip().lower()
    user_id = (User.objects.filter(Q(username__iexact=typed) | Q(email__iexact=typed))
               .values_list("pk", flat=True).first()) if typed else None
    name = f"user:{user_id}" if user_id is not None else f"typed:{typed}"
    return "signin-fail:account:" + hashlib.sha256(name.encode()).hexdigest()


def address_key(address: str | None) -> str:
    return f"signin-fail:address:{address or '-'}"


def _recent(key: str, limit: Limit, now: float) -> list[float]:
    return [moment for moment in cache.get(key, []) if moment > now - limit.seconds]


def _wait_seconds(history: list[float], limit: Limit, now: float) -> int:
    if len(history) < limit.amount:
        return 0
    # Locked until enough failures have left the window to allow one more try.
    oldest_blocking = sorted(history)[len(history) - limit.amount]
    return max(1, math.ceil(oldest_blocking + limit.seconds - now))


def signin_account_wait(*, account: str) -> int:
    """Seconds until `account` may try again (0 = not locked). Reads only."""
    limit, now = account_limit(), time.time()
    return _wait_seconds(_recent(account, limit, now), limit, now)


def signin_address_wait(*, address: str | None) -> int:
    """Seconds until the failures from `address` fall under the address limit (0 = under it)."""
    limit, now = address_limit(), time.time()
    return _wait_seconds(_recent(address_key(address), limit, now), limit, now)


def signin_failure_record(*, account: str, address: str | None) -> tuple[int, int]:
    """Count one failed sign-in against the account and the address.

    Returns (account wait, address wait) in seconds after this failure. When this failure takes the
    address over its limit, one audit entry says so. Counts are read-modify-write in the cache: two
    failures at the same instant may count as one, which only loosens the limit by that one try.
    """
    now = time.time()
    waits = []
    for key, limit in ((account, account_limit()), (address_key(address), address_limit())):
        history = [*_recent(key, limit, now), now]
        cache.set(key, history, limit.seconds)
        waits.append(_wait_seconds(history, limit, now))
    limit = address_limit()
    if waits[1] and len(_recent(address_key(address), limit, now)) == limit.amount:
        from core.models import AuditEvent
        from core.services import audit_record

        audit_record(action=AuditEvent.Action.SIGNIN_ADDRESS_LIMITED, target=address or "",
                     detail={"failures": limit.amount, "seconds": limit.seconds})
    return waits[0], waits[1]


def signin_slow_down_seconds(*, address: str | None) -> int:
    """How long to hold the answer to a wrong password from `address`: 0 under the address limit,
    then 1, 2, 3 … seconds for each failure over it, at most THADS_SIGNIN_SLOW_DOWN_MAX_SECONDS.
    Call it after the failure was recorded; never for a correct password."""
    limit, now = address_limit(), time.time()
    over = len(_recent(address_key(address), limit, now)) - limit.amount
    return max(0, min(over, settings.THADS_SIGNIN_SLOW_DOWN_MAX_SECONDS))


def signin_failures_forget(*, account: str) -> None:
    """Drop the account's failure count (after its password was reset by e-mail)."""
    cache.delete(account)


def minutes_text(seconds: int) -> int:
    """Whole minutes to tell a person to wait, rounded up."""
    return max(1, math.ceil(seconds / 60))
