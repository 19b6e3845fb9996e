"""Django settings, all from the environment: the embedded default (SQLite, in-process cache,
jobs run in the request) when nothing is set; production when STPLAN_DEBUG=0 with
DATABASE_URL, REDIS_URL and STPLAN_SECRET_KEY (see the README's 生产部署 section)."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("STPLAN_DATA_DIR", BASE_DIR.parent / "var"))
# The embedded SQLite default must work on a fresh checkout with no set-up.
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("STPLAN_DEBUG", "1") == "1"
DEMO_SECRET_KEY = "stplan-insecure-demo-key-set-STPLAN_SECRET_KEY-in-production"
# The default key is for the demo and tests only: with DEBUG off a server signing sessions and
# password-reset links with a published key would hand every account to anyone, so it refuses
# to start without a real one.
SECRET_KEY = os.environ.get("STPLAN_SECRET_KEY", DEMO_SECRET_KEY)
if not DEBUG and (
    SECRET_KEY == DEMO_SECRET_KEY
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "STPLAN_DEBUG=0 时必须设置 STPLAN_SECRET_KEY：至少 50 个字符的随机字符串，例如 "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = os.environ.get("STPLAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    # Django's admin, on a site that asks for 两步验证 (stplan/accounts/admin_site.py).
    "stplan.accounts.admin_app.VerifiedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Its templates and static files: the API docs page (Swagger UI) served locally.
    "ninja",
    "csp",
    # After django.contrib.admin: its ready() registers the history tables the admin.py
    # files left out, read-only; it also installs the audit triggers after migrate.
    "stplan.audit",
    "stplan.accounts",
    "stplan.taxonomy",
    "stplan.guides",
    "stplan.challenges",
    "stplan.applications",
    "stplan.review",
    "stplan.integrity",
    "stplan.appraisals",
    "stplan.funding",
    "stplan.projects",
    "stplan.pledges",
    "stplan.jobs",
    "stplan.ops",
    "stplan.demo",
    "stplan.api",
    "stplan.statistics",
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "stplan.accounts.backends.ThrottledModelBackend",
]
# Sessions, login throttles, rate limits and locks live in the cache: Redis shared by every
# worker when configured (REDIS_URL, or the older name STPLAN_REDIS_URL); the embedded default
# keeps them in memory, which holds for a single process.
REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("STPLAN_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    # Every request saves the session (idle timeout), so a database row write per request
    # would be the busiest write of the site; Redis takes it instead.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
# The job queue: Celery workers take long jobs from this broker (Redis or RabbitMQ). Without
# one, jobs run in the web process that started them (the embedded default).
CELERY_BROKER_URL = os.environ.get("STPLAN_CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
# One job at a time per worker process: jobs are long, and a prefetched one would wait
# behind it while another worker sits idle.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
# The reminders go out each morning (CELERY_TIMEZONE), whenever the beat process started.
CELERY_BEAT_SCHEDULE = {
    "recover-jobs": {"task": "stplan.jobs.recover", "schedule": 60.0},
    # 统计分析's figures stay younger than this, so its page never waits for them.
    "statistics": {"task": "stplan.statistics.refresh_every_scope", "schedule": 600.0},
    "review-reminders": {
        "task": "stplan.reminders",
        "schedule": crontab(hour=8, minute=0),
        "args": ("send_review_reminders",),
    },
    "project-reminders": {
        "task": "stplan.reminders",
        "schedule": crontab(hour=8, minute=5),
        "args": ("send_project_reminders",),
    },
}
# Up to this many rows a list's workbook is made in the request; a longer one is a job.
STPLAN_INLINE_EXPORT_ROWS = int(os.environ.get("STPLAN_INLINE_EXPORT_ROWS", "2000"))
# A running job that has reported no progress for this long lost its worker.
STPLAN_JOB_STALE_SECONDS = int(os.environ.get("STPLAN_JOB_STALE_SECONDS", "600"))

# The header a trusted reverse proxy puts the client's address in (e.g. HTTP_X_FORWARDED_FOR).
STPLAN_TRUSTED_PROXY_HEADER = os.environ.get("STPLAN_TRUSTED_PROXY_HEADER", "")

MIDDLEWARE = [
    "stplan.logs.RequestIdMiddleware",
    "stplan.uploads.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "stplan.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "stplan.middleware.ControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "stplan.accounts.middleware.SecondStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "stplan.urls"
CSRF_FAILURE_VIEW = "stplan.web.csrf_failure"
WSGI_APPLICATION = "stplan.wsgi.application"

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
            ],
            "builtins": ["stplan.amounts"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'stplan.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # A writing transaction takes SQLite's write lock when it begins and waits up to 20 s for
        # it, so two requests writing at once queue instead of one failing with "database is
        # locked" half-way through; WAL lets pages be read meanwhile.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the pages' aggregates run in tens of milliseconds, and PostgreSQL,
    # judging them costly by its estimates, spent 1.5 s compiling one of the 统计分析 queries
    # (EXPLAIN ANALYZE: execution 55 ms, JIT 1,525 ms).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STPLAN_STATIC_ROOT", DATA_DIR / "static"))
# WhiteNoise looks into it at start-up, before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# stplan itself is no app: its own static files (htmx) are found through this folder.
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments, generated files and job results: in an S3-compatible object store when a
# bucket is named (several servers then share them), in MEDIA_ROOT otherwise.
S3_BUCKET = os.environ.get("STPLAN_S3_BUCKET", "")
S3_STORAGE = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("STPLAN_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("STPLAN_S3_REGION") or None,
        "access_key": os.environ.get("STPLAN_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("STPLAN_S3_SECRET_ACCESS_KEY") or None,
        # Private objects, read only through the application's permission checks; an
        # upload never replaces another file of the same name.
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    },
}
# WhiteNoise serves static files from the application server in every mode; in production from
# `collectstatic`'s output with compressed copies and content-hashed names, cached for a year.
STORAGES = {
    "default": S3_STORAGE if S3_BUCKET else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The API docs' source maps (5 MB, only a developer's browser tools ask for them) are served
# as they are: compressing them took most of collectstatic's time, so of every start.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

MEDIA_ROOT = Path(os.environ.get("STPLAN_MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "media/"
STPLAN_MAX_ATTACHMENT_BYTES = int(os.environ.get("STPLAN_MAX_ATTACHMENT_MB", "20")) * 1024 * 1024
# Uploads larger than the attachment limit are refused by the service with a message; the
# request body limit sits above it so that the refusal, not a 400 page, is what users see.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {"NAME": "stplan.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after this many idle minutes: every request saves the session, so the cookie's
# age counts from the last request, not from the login.
STPLAN_SESSION_IDLE_MINUTES = int(os.environ.get("STPLAN_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = STPLAN_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True

# Calls to /api/v1/ per token (per account for a browser session, per address anonymously).
STPLAN_API_RATE = os.environ.get("STPLAN_API_RATE", "600/min")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "accounts:login"

# 查重: a pair of texts is reported from this similarity on (0..1). The default is
# stplan.integrity.engine.DEFAULT_THRESHOLD, chosen by benchmarks/similar.py: see README, "查重".
STPLAN_SIMILARITY_THRESHOLD = float(os.environ.get("STPLAN_SIMILARITY_THRESHOLD", "0.4"))

EMAIL_BACKEND = os.environ.get("STPLAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("STPLAN_FROM_EMAIL", "noreply@stplan.local")
# 两步验证: the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = os.environ.get("STPLAN_TOTP_ISSUER", "科技计划项目管理系统")
# The address people open the system at: e-mails carry links made from it.
STPLAN_SITE_URL = os.environ.get("STPLAN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Errors and security events as JSON lines on standard error, each with its request id;
# errors also mailed to ADMINS ("姓名:地址,姓名:地址") when set.
ADMINS = [
    tuple(entry.split(":", 1)) for entry in os.environ.get("STPLAN_ADMINS", "").split(",") if ":" in entry
]
SERVER_EMAIL = os.environ.get("STPLAN_SERVER_EMAIL", "errors@stplan.local")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "stplan.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "stplan.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "json"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["request_id"],
        },
    },
    "loggers": {
        "django.request": {"handlers": ["console", "mail_admins"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["console", "mail_admins"], "level": "WARNING", "propagate": False},
        "stplan": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# No inline script and no script from elsewhere: what an attacker manages to put into a page
# cannot run. Inline styles stay allowed (style attributes in the templates; htmx adds its
# indicator style), which lets no script run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    # Production is served over HTTPS by a reverse proxy that sets X-Forwarded-Proto (and
    # strips a client's own). STPLAN_HTTPS=0 is for trying the production stack on plain HTTP
    # on one machine (benchmarks): then `check --deploy` rightly warns about cookies and HSTS.
    HTTPS = os.environ.get("STPLAN_HTTPS", "1") == "1"
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
    SESSION_COOKIE_HTTPONLY = True
    if HTTPS:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        SECURE_SSL_REDIRECT = True
        # Load balancers probe health over plain HTTP.
        SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
        SECURE_HSTS_SECONDS = int(os.environ.get("STPLAN_HSTS_SECONDS", str(365 * 24 * 3600)))
        SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [
        origin for origin in os.environ.get("STPLAN_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
    ]
