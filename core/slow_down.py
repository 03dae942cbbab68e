"""Answering a request later without holding a worker thread (password spraying, core.signin_limits).

A view that wants its answer held sets `request.signin_slow_down` (seconds); the middleware
`slow_down_header` turns it into the response header `X-Thads-Slow-Down`, and the ASGI wrapper
`SlowDownAnswers` (config/asgi.py) removes that header and waits, in the event loop, before it
passes the response on. By then the view's thread has been handed back, so a client that collects
slow answers ties up a socket, not one of the few threads that run the site's views. Served any
other way (WSGI, the test client) the header stays and nothing waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Thads-Slow-Down"
_HEADER_BYTES = HEADER.lower().encode()
MAX_SECONDS = 60.0  # whatever a header says, never longer


def slow_down_header(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        seconds = getattr(request, "signin_slow_down", 0)
        if seconds:
            response.headers[HEADER] = str(seconds)
        return response

    return middleware


class SlowDownAnswers:
    """ASGI wrapper: holds a response that carries `X-Thads-Slow-Down: <seconds>` that long (the
    header itself is not sent)."""

    def __init__(self, app: Callable[..., Awaitable[None]]):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_later(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers") or []
                values = [value for name, value in headers if name.lower() == _HEADER_BYTES]
                if values:
                    message = {**message, "headers": [(name, value) for name, value in headers
                                                      if name.lower() != _HEADER_BYTES]}
                    try:
                        seconds = min(float(values[0]), MAX_SECONDS)
                    except ValueError:
                        seconds = 0.0
                    if seconds > 0:
                        await asyncio.sleep(seconds)
            await send(message)

        await self.app(scope, receive, send_later)
