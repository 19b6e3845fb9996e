"""Django settings: SQLite by default, PostgreSQL when DATABASE_URL says so."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("STPLAN_DATA_DIR", BASE_DIR.parent / "var"))
# The embedded SQLite default must work on a fresh checkout with no set-up.
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("STPLAN_DEBUG", "1") == "1"
# The default key is for the demo and tests only; production sets STPLAN_SECRET_KEY.
SECRET_KEY = os.environ.get(
    "STPLAN_SECRET_KEY", "stplan-insecure-demo-key-set-STPLAN_SECRET_KEY-in-production"
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
    "stplan.demo",
    "stplan.api",
    "stplan.statistics",
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "stplan.accounts.backends.ThrottledModelBackend",
]
# Login throttling counts in the cache: Redis shared by every worker when configured; the
# embedded default keeps counts in memory, which holds for a single process.
if os.environ.get("STPLAN_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["STPLAN_REDIS_URL"],
        }
    }
# The header a trusted reverse proxy puts the client's address in (e.g. HTTP_X_FORWARDED_FOR).
STPLAN_TRUSTED_PROXY_HEADER = os.environ.get("STPLAN_TRUSTED_PROXY_HEADER", "")

MIDDLEWARE = [
    "stplan.logs.RequestIdMiddleware",
    "stplan.uploads.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# stplan itself is no app: its own static files (htmx) are found through this folder.
STATICFILES_DIRS = [BASE_DIR / "static"]

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
