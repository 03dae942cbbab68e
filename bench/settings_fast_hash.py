"""The site's settings with a fast password hash, for benches that sign many accounts in: they
measure the sign-in limits, not the deliberately slow production hash."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
