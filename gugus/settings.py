"""Django settings for Gugus, read from the environment.

Embedded default: SQLite in ``var/`` and generated secrets (``make run``). Production: DATABASE_URL for
PostgreSQL, secrets from the environment, GUGUS_ALLOWED_HOSTS, DEBUG off. See docs/operations.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from gugus.core import localsecrets

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GUGUS_DATA_DIR", BASE_DIR.parent / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


_secrets = localsecrets.load(DATA_DIR)
SECRET_KEY = _secrets["SECRET_KEY"]
# Fernet keys for identifiers at rest, newest first (rotation: prepend a new key, run `gugus rotate-keys`).
GUGUS_FIELD_KEYS = [k.strip() for k in _secrets["GUGUS_FIELD_KEYS"].split(",") if k.strip()]
GUGUS_INDEX_KEY = _secrets["GUGUS_INDEX_KEY"]
GUGUS_AUDIT_KEY = _secrets["GUGUS_AUDIT_KEY"]

DEBUG = env_bool("GUGUS_DEBUG")
# Demo mode: demo accounts may skip two-factor login; every page says so in a banner.
GUGUS_DEMO = env_bool("GUGUS_DEMO")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("GUGUS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GUGUS_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "gugus.core",
    "gugus.regions",
    "gugus.accounts",
    "gugus.audit",
    "gugus.cases",
    "gugus.care",
    "gugus.imports",
    "gugus.linkage",
    "gugus.watch",
    "gugus.portal",
    "gugus.plans",
    "gugus.stats",
    "gugus.migrants",
    "gugus.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gugus.ops.middleware.SecurityHeadersMiddleware",  # ops: CSP and other headers (see the ops block)
    "gugus.ops.middleware.ReadinessMiddleware",  # ops: /ready/ for load balancers, before sessions
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gugus.accounts.middleware.IdleTimeoutMiddleware",
    "gugus.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gugus.accounts.middleware.StaffAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gugus.urls"
WSGI_APPLICATION = "gugus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gugus.core.context.gugus",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'gugus.sqlite3'}"),
        conn_max_age=int(os.environ.get("GUGUS_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE avoids upgrade deadlocks on writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

# Idle timeout: the session ends after this many seconds without a request.
SESSION_COOKIE_AGE = int(os.environ.get("GUGUS_SESSION_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = False  # gugus.accounts.middleware.IdleTimeoutMiddleware renews it once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("GUGUS_HTTPS"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True

# Lockout after repeated failed logins (django-axes), per user name and address.
AXES_FAILURE_LIMIT = int(os.environ.get("GUGUS_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GUGUS_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Gugus TPPO"
# How long a supervisor's break-the-glass access lasts.
GUGUS_BREAK_GLASS_HOURS = int(os.environ.get("GUGUS_BREAK_GLASS_HOURS", "4"))

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("GUGUS_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders, so a fresh install needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gugus.accounts.api_auth.AgencyTokenAuthentication",
        "gugus.accounts.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "gugus.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gugus API",
    "DESCRIPTION": "API of the Gugus Tugas PP TPPO information system. Every endpoint is scoped to the "
    "caller's agency and region.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

EMAIL_BACKEND = os.environ.get(
    "GUGUS_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("GUGUS_FROM_EMAIL", "gugus@localhost")

# ---- ops: logging (GUGUS_LOG_JSON=1 → one JSON object per line; see docs/operations.md) ----
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "gugus.ops.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if env_bool("GUGUS_LOG_JSON") else {})}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("GUGUS_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
# ---- end ops: logging ----

# ---- ops: security headers (docs/security.md, docs/decisions/0007-csp-and-celery.md) ----
# Content-Security-Policy as data: no inline script, no third-party origin, no framing.
GUGUS_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Swagger UI (served split: its bootstrap is a script file, not inline) styles its widgets inline: only
# that page may use inline styles; no page may run an inline script.
GUGUS_CSP_RELAXED = {
    "/api/docs/": {**GUGUS_CSP, "style-src": ["'self'", "'unsafe-inline'"]},
}
GUGUS_SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",  # also on answers that leave before Django's clickjacking middleware
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
if env_bool("GUGUS_HTTPS"):
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^ready/$"]  # load-balancer probes may speak plain HTTP
# ---- end ops: security headers ----

# ---- ops: cache, Celery and read replica (docs/operations.md) ----
if os.environ.get("GUGUS_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["GUGUS_CACHE_URL"]}}
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
# Without a broker, jobs run in the calling process: the embedded default needs no extra service.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "care-deadline-reminders": {"task": "gugus.send_reminders", "schedule": 24 * 3600.0},
    "plan-follow-up-reminders": {"task": "gugus.plan_reminders", "schedule": 24 * 3600.0},
    "name-word-counts": {"task": "gugus.recount_name_words", "schedule": 24 * 3600.0},
    "watch-post-fetching": {"task": "gugus.watch_ingest", "schedule": 3600.0,
                            "kwargs": {"urls_file": os.environ.get("GUGUS_WATCH_URLS_FILE", "")}},
}
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["gugus.ops.routers.ReplicaRouter"]
# ---- end ops ----
