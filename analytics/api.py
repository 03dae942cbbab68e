"""The xAPI endpoint (`POST /api/xapi/statements`) and its OpenAPI description.

Authentication is a per-system bearer token (`Authorization: Bearer thx_…`), never a session, so the
endpoint is exempt from CSRF and from the sign-in requirement. Answers are JSON: 200 with the
statement ids, 400 naming the bad statement (`index`) and `field`, 401 for a wrong or revoked
token, 403 when no token is sent, 413 for a body over the size limit, 429 over the rate limit.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from analytics.formats.xapi import StatementError
from analytics.services.xapi import xapi_rate_allow, xapi_statements_store, xapi_token_authenticate

OPENAPI_PATH = Path(__file__).resolve().parent / "openapi" / "xapi.json"
VERSION_HEADER = "X-Experience-API-Version"


def _error(status: int, code: str, message: str, *, index: int | None = None, field: str = "",
           headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message, "index": index, "field": field}},
                            status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    response[VERSION_HEADER] = "1.0.3"
    return response


@login_not_required
@csrf_exempt
@require_POST
def statements(request: HttpRequest) -> HttpResponse:
    header = request.headers.get("Authorization", "")
    if not header:
        return _error(403, "no_token", "send the source system's token as Authorization: Bearer <token>",
                      field="Authorization")
    scheme, _, raw = header.partition(" ")
    token = xapi_token_authenticate(raw=raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        return _error(401, "bad_token", "the token is unknown or has been revoked", field="Authorization",
                      headers={"WWW-Authenticate": 'Bearer realm="xapi"'})
    allowed, retry_after = xapi_rate_allow(token=token)
    if not allowed:
        return _error(429, "rate_limited", "too many requests for this token; retry later",
                      headers={"Retry-After": str(retry_after)})
    version = request.headers.get(VERSION_HEADER, "")
    if not version.startswith("1.0"):
        return _error(400, "version", f"send the header {VERSION_HEADER}: 1.0.3", field=VERSION_HEADER)
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, "too_large", "the body is over the size limit; send at most 500 statements at a time")
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "json", "the body is not valid JSON (UTF-8)")
    try:
        result = xapi_statements_store(token=token, payload=payload)
    except StatementError as exc:
        return _error(400, exc.code, exc.message, index=exc.index, field=exc.field)
    response = JsonResponse(result.ids, safe=False)
    response[VERSION_HEADER] = "1.0.3"
    response["X-Thads-Stored"] = str(result.stored)
    response["X-Thads-Skipped"] = str(result.skipped)
    return response


@login_not_required
@require_GET
@cache_control(max_age=3600, public=True)
def openapi(request: HttpRequest) -> HttpResponse:
    """The hand-written OpenAPI 3.0 description of the endpoint."""
    return HttpResponse(OPENAPI_PATH.read_bytes(), content_type="application/json")
