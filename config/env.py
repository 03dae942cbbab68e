"""Reading settings from environment variables (the only place configuration comes from)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret_key(folder: Path) -> str:
    """A per-installation key for the embedded default, created on first use.

    Production must set SECRET_KEY; this only spares a newcomer from inventing one.
    """
    path = folder / "secret_key"
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    return key


def email_settings(url: str) -> dict[str, object]:
    """Translate EMAIL_URL to settings: smtp://user:password@host:port?tls=1, smtps://…, console:,
    locmem:, or filemail://PATH (each message written as a file in the folder PATH, for trials).

    An unknown scheme raises ValueError: mail must never go silently to an SMTP server on localhost.
    """
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("locmem:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    scheme = parsed.scheme.lower()
    if scheme == "filemail":
        folder = unquote(url.split("://", 1)[1]) if "://" in url else ""
        if not folder:
            raise ValueError("EMAIL_URL filemail:// needs a folder, e.g. filemail:///var/mail/thads")
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": folder}
    if scheme not in {"smtp", "smtps"}:
        raise ValueError(f"EMAIL_URL: unknown scheme {scheme!r} (use smtp, smtps, console, locmem or filemail)")
    if not parsed.hostname:
        raise ValueError("EMAIL_URL: an smtp:// address needs a host, e.g. smtp://user:password@mail.example.vn:587?tls=1")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname,
        "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in TRUE_WORDS,
        "EMAIL_USE_SSL": scheme == "smtps" or query.get("ssl", ["0"])[0] in TRUE_WORDS,
    }


DEMO_SITE_URL = "http://127.0.0.1:8000"


def site_url_setting(value: str, *, production: bool) -> str:
    """THADS_SITE_URL checked: an http(s) address without query; required in production
    (ValueError when missing or malformed), the local demo address otherwise."""
    value = value.strip()
    if not value:
        if production:
            raise ValueError("THADS_SITE_URL must be set in production, e.g. https://thads-it.example.vn")
        return DEMO_SITE_URL
    parsed = urlparse(value)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname or parsed.query or parsed.fragment:
        raise ValueError(f"THADS_SITE_URL must be an http(s) address such as https://thads-it.example.vn, not {value!r}")
    return value.rstrip("/")
