"""Request bodies refused by their declared size before a byte of them is read.

The site-wide limit is `THADS_UPLOAD_MAX_MB` (the largest file a page accepts, a 300 MB lesson video,
plus room for the form; nginx's `client_max_body_size` must equal it). Apps may set a smaller limit
for their own addresses with `register_upload_limit("/cases/import/", 10 * MB)` in their
AppConfig.ready(); the longest matching prefix wins. Django reads a multipart body only up to its
Content-Length and refuses a body without one, so the declared length bounds what is read.
"""

from __future__ import annotations

from django.conf import settings

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
