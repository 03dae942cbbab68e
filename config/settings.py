"""Settings for THADS IT, read from environment variables only.

Unset variables give the embedded default: SQLite, the in-memory channel layer, a local media
folder and console e-mail, so the site runs with no service at all. THADS_ENV=production turns
on the HTTPS and two-factor requirements (see docs/configuration.md).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.database import databases
from config.env import email_settings, env_bool, env_list, env_str, local_secret_key, site_url_setting

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("THADS_VAR_DIR", str(BASE_DIR / "var")))

THADS_ENV = env_str("THADS_ENV", "demo")  # demo | production
PRODUCTION = THADS_ENV == "production"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION and not env_str("SECRET_KEY"):
    # Never a key file in production: every process and every release must share one set key.
    raise ImproperlyConfigured("THADS_ENV=production needs SECRET_KEY set in the environment (docs/configuration.md).")
SECRET_KEY = env_str("SECRET_KEY") or local_secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "core.apps.ThadsAdminConfig",  # the admin behind the site's sign-in (core.admin_site)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "core",
    "org",
    "cases",
    "learning",
    "quizzes",
    "contests",
    "analytics",
    "support",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.language_choice_only",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.upload_size_guard",
    "core.middleware.security_headers",
    "core.slow_down.slow_down_header",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.AccountRequirementsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in WAL mode unless DATABASE_URL names another (PostgreSQL via psycopg 3); every
# way of naming SQLite gets the project's pooled back-end (config/database.py).
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = databases(
    DATABASE_URL, default_path=Path(env_str("SQLITE_PATH", str(VAR_DIR / "db.sqlite3"))),
    pool_size=int(env_str("SQLITE_POOL_SIZE", "8")),
    pg_pool={
        "min_size": int(env_str("DB_POOL_MIN", "2")),
        "max_size": int(env_str("DB_POOL_MAX", "20")),
        "timeout": int(env_str("DB_POOL_TIMEOUT", "20")),
    },
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer and cache: in-memory unless REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    # django-redis keeps one connection pool per process; Django's own Redis cache builds a pool per
    # cache object, i.e. per thread, so under ASGI every request would open a new connection. With
    # hundreds of requests in flight, a request waits for a free connection instead of failing.
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "CONNECTION_POOL_CLASS": "redis.BlockingConnectionPool",
            "CONNECTION_POOL_KWARGS": {"max_connections": int(env_str("REDIS_POOL_MAX", "50")), "timeout": 20},
        },
    }}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # Sessions (cached_db) and home panels live here: the default cap of 300 entries would evict
    # sessions once a few hundred officers are signed in, sending every request back to the database.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": int(env_str("LOCAL_CACHE_MAX_ENTRIES", "20000"))}}}
# "local": always in this process, for data that never changes once written (an open attempt's
# questions): no network round trip, and each process fills its own copy from the database.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "thads-local",
                   "OPTIONS": {"MAX_ENTRIES": int(env_str("LOCAL_CACHE_MAX_ENTRIES", "20000"))}}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "core.auth_backends.CachedModelBackend",
    "core.auth_backends.CachedAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.password_validation.ContextWordsValidator"},
]
# The demo accounts' shared password: it signs in only in the demo (core.adapters refuses it elsewhere).
THADS_DEMO_PASSWORD = "Thads@2026demo"
ACCOUNT_FORMS = {"change_password": "core.account_forms.ChangePasswordForm"}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: accounts are provisioned, never self-registered.
ACCOUNT_ADAPTER = "core.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
# Failed sign-ins are counted per account and per address after the password is checked
# (core.signin_limits); allauth's own "login_failed" limit is left for two-step codes, per account
# only. allauth's per-address "login" limit is off: it serialises every sign-in from one address
# behind one cache lock (answering 429 after a second's wait), and a whole exam room signs in from
# one address behind the agency's proxy.
THADS_SIGNIN_ACCOUNT_LIMIT = env_str("THADS_SIGNIN_ACCOUNT_LIMIT", "5/5m")
THADS_SIGNIN_ADDRESS_LIMIT = env_str("THADS_SIGNIN_ADDRESS_LIMIT", "100/5m")
THADS_SIGNIN_SLOW_DOWN_MAX_SECONDS = int(env_str("THADS_SIGNIN_SLOW_DOWN_MAX_SECONDS", "10"))
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/key",
    "login": "",
}
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g. "127.0.0.1,10.0.0.0/24");
# empty = the direct peer is the client (core.net.client_address).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[THADS IT] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "THADS IT"
# Two-factor sign-in is required for managers, leaders and admins in production; off in the demo
# so a newcomer can try every role.
THADS_REQUIRE_MFA = env_bool("THADS_REQUIRE_MFA", PRODUCTION)

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "core" / "allauth_locale"]  # second: django-allauth in Vietnamese
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", not STATIC_ROOT.exists())
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.static_storage.HashedStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request body any page accepts (a 300 MB lesson video and its form), refused from its
# declared length before it is read (core.uploads); nginx's client_max_body_size must be the same.
THADS_UPLOAD_MAX_MB = int(env_str("THADS_UPLOAD_MAX_MB", "310"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

vars().update(email_settings(env_str("EMAIL_URL")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "thads-it@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people use (links in e-mails, QR codes and addresses printed on certificates).
THADS_SITE_URL = site_url_setting(env_str("THADS_SITE_URL"), production=PRODUCTION)

SESSION_COOKIE_AGE = 60 * 60 * 10
# Sessions are read from the cache (written through to the database), so a signed-in request needs
# no session query. The local-memory cache of the embedded default serves its single process;
# several processes share REDIS_URL (docs/configuration.md, "Running at scale").
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# THADS working year starts on this month (DOMAIN.md: 1 October, configurable).
THADS_WORKING_YEAR_START_MONTH = int(env_str("THADS_WORKING_YEAR_START_MONTH", "10"))
# Home-page panels are cached per person for this many seconds (core.fragments); 0 turns it off.
THADS_PANEL_CACHE_SECONDS = int(env_str("THADS_PANEL_CACHE_SECONDS", "60"))
# IT help requests are answered within this many working days, or go up to the provincial focal person.
THADS_HELP_TARGET_WORKING_DAYS = int(env_str("THADS_HELP_TARGET_WORKING_DAYS", "2"))
THADS_HELP_ATTACHMENT_MAX_MB = int(env_str("THADS_HELP_ATTACHMENT_MAX_MB", "5"))
# The focal persons' training track: codes of the courses an officer is enrolled in when named an IT
# focal person (support.services.focal_person_set), comma-separated.
THADS_FOCAL_TRACK_COURSES = [code.strip() for code in env_str("THADS_FOCAL_TRACK_COURSES", "DM-CNTT").split(",")
                             if code.strip()]
# xAPI statements: requests per minute per source-system token (analytics.api).
THADS_XAPI_REQUESTS_PER_MINUTE = int(env_str("THADS_XAPI_REQUESTS_PER_MINUTE", "120"))
# Usage-log uploads larger than this are refused with a message (analytics imports).
THADS_USAGE_IMPORT_MAX_BYTES = int(env_str("THADS_USAGE_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
# Limits per kind of import (core/formats/limits.py); the usage log's upload size is the setting above,
# checked while the file streams in (core/uploads.py).
THADS_IMPORT_LIMITS = {"usage_log": {"upload_bytes": THADS_USAGE_IMPORT_MAX_BYTES}}
