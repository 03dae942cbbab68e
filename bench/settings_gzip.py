"""The site's settings with responses compressed by Django's GZipMiddleware: stands in for the reverse
proxy's `gzip on` (deploy/nginx) in benches that measure bytes on the wire against a bare server."""

from config.settings import *  # noqa: F403

MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]  # noqa: F405
