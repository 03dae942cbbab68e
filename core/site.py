"""The site's public address (THADS_SITE_URL): absolute links for e-mails, QR codes and printed pages."""

from __future__ import annotations

from django.conf import settings


def site_url(path: str = "/") -> str:
    """`path` made absolute on the configured site address ("/learning/" → "https://thads.example.vn/learning/").

    A path that is already absolute (http:// or https://) is returned unchanged. Never the host that
    served the current request: a certificate or an e-mail must carry the address people are meant to use.
    """
    if path.startswith(("http://", "https://")):
        return path
    base = settings.THADS_SITE_URL.rstrip("/")
    return f"{base}/{path.lstrip('/')}"
