"""Serving uploaded lesson files after the view has checked access; videos honour HTTP Range requests."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _iter_file(handle, start: int, length: int):  # noqa: ANN001, ANN202
    handle.seek(start)
    remaining = length
    try:
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def serve_file(request: HttpRequest, field_file, *, as_attachment: bool = False) -> HttpResponse:  # noqa: ANN001
    """Stream a stored file; a single `Range: bytes=a-b` gives 206 with Content-Range, a bad one 416."""
    name = Path(field_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    size = field_file.size
    header = request.headers.get("Range", "").strip()
    match = RANGE_RE.match(header) if header else None
    if header and match is None and header.startswith("bytes="):
        match = None  # several ranges: answer with the whole file, which HTTP allows
    if match and (match.group(1) or match.group(2)):
        first, last = match.group(1), match.group(2)
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:  # suffix range: the last N bytes
            start = max(size - int(last), 0)
            end = size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        length = end - start + 1
        response = StreamingHttpResponse(_iter_file(field_file.open("rb"), start, length), status=206,
                                         content_type=content_type)
        response["Content-Length"] = str(length)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(field_file.open("rb"), content_type=content_type, as_attachment=as_attachment,
                                filename=name)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
