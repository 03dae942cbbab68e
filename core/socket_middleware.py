"""The account rules of every page (core.middleware) for WebSockets.

A socket is opened with the session cookie of a signed-in page, so Channels' auth stack finds the
user of that session. A session that has not completed the site's two-step sign-in (the code not
given although the account has an authenticator or the role requires one) must not act as that
user: such a socket goes on as an anonymous visitor, and each consumer refuses it as it refuses
anyone not signed in. config/asgi.py puts this inside the auth stack.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from core.middleware import session_may_act_as


def _allowed(scope: dict[str, Any]) -> bool:
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return True
    return session_may_act_as(scope.get("session"), user)


class AccountRequirementsSocketMiddleware(BaseMiddleware):
    """Within `AuthMiddlewareStack`: the scope's user becomes anonymous unless the session may act as it."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:  # noqa: ANN401
        if not await database_sync_to_async(_allowed)(scope):
            scope = dict(scope, user=AnonymousUser())
        return await super().__call__(scope, receive, send)
