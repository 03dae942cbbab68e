"""Where the site's static files are served from: the names `collectstatic` gives them, with a hash of
their content (`css/site.16da059ef172.css`), so browsers and nginx keep them for a year and a release's
changed files arrive under new names."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed, hashed storage; before any `collectstatic` (no manifest yet: a bench or a
    shell with the site's settings) the files' own names, which WhiteNoise's finders serve. Once a
    manifest exists, a file missing from it is an error, as in Django's manifest storage."""

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return super().stored_name(name)
