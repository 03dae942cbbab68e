"""Upload limits, in two layers.

1. Every request body is refused by its declared size before a byte of it is read
   (`core.middleware`): the site-wide limit is `THADS_UPLOAD_MAX_MB` (the largest file a page
   accepts, a 300 MB lesson video, plus room for the form; nginx's `client_max_body_size` must equal
   it). Apps may set a smaller limit for their own addresses with
   `register_upload_limit("/cases/import/", 10 * MB)` in their AppConfig.ready(); the longest matching
   prefix wins. Django reads a multipart body only up to its Content-Length and refuses a body
   without one, so the declared length bounds what is read.
2. `upload_limit(kind)` decorates an import view: the file of the request is counted chunk by chunk
   as Django receives it, and dropped (nothing stored, the rest of it read and discarded) as soon as
   it passes the upload size of that kind of import (`core.formats.limits.table_limits`). The view
   then asks `upload_refusal(request)` for the Vietnamese message to show instead of reading a file.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.formats.limits import table_limits
from core.formats.tabular import upload_too_large

MB = 1024 * 1024

_limits: dict[str, int] = {}


def register_upload_limit(prefix: str, max_bytes: int) -> None:
    """Requests to addresses starting with `prefix` may carry at most `max_bytes` (≤ the site limit)."""
    _limits[prefix] = max_bytes


def upload_limit_for(path: str) -> int:
    """The most bytes a request body to `path` may declare."""
    site = settings.THADS_UPLOAD_MAX_MB * MB
    matches = [prefix for prefix in _limits if path.startswith(prefix)]
    return min(site, _limits[max(matches, key=len)]) if matches else site


# ---------------------------------------------------------------- per-import streaming limits

REFUSAL_ATTRIBUTE = "_upload_refusal"


class LimitedUploadHandler(FileUploadHandler):
    """Counts each uploaded file as it streams and skips it past `max_bytes`."""

    def __init__(self, request: HttpRequest, *, max_bytes: int, message: str):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.message = message
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            setattr(self.request, REFUSAL_ATTRIBUTE, self.message)
            raise SkipFile  # the handlers after this one drop what they stored so far
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_limit(kind: str) -> Callable:
    """Decorate an import view: its upload is refused while streaming past the `kind` import's size.

    The upload handler must be in place before the body is parsed, which the CSRF check would do
    first; so the CSRF check runs inside, after the handler is installed (still enforced).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
            limits = table_limits(kind)
            request.upload_handlers.insert(0, LimitedUploadHandler(
                request, max_bytes=limits.upload_bytes, message=upload_too_large(limits)))
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorator


def upload_refusal(request: HttpRequest) -> str | None:
    """The message for an upload dropped because it was too large, or None."""
    return getattr(request, REFUSAL_ATTRIBUTE, None)
