"""Settings shared by every environment.

Everything that differs between a laptop and a server comes from environment variables, read
here once; see docs/operations.md for the list.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PULANG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# A laptop key that is never accepted in production (see production.py).
INSECURE_DEV_SECRET_KEY = "django-insecure-pulang-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("PULANG_SECRET_KEY", INSECURE_DEV_SECRET_KEY)
DEBUG = env_bool("PULANG_DEBUG", False)
PULANG_BEHIND_PROXY = env_bool("PULANG_BEHIND_PROXY", False)
ALLOWED_HOSTS = env_list("PULANG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

INSTALLED_APPS = [
    "pulang.core",
    "pulang.access",
    "pulang.audit",
    "pulang.accounts",
    "pulang.regions",
    "pulang.agencies",
    "pulang.people",
    "pulang.arrivals",
    "pulang.cases",
    "pulang.shelters",
    "pulang.returns",
    "pulang.sharing",
    "pulang.empowerment",
    "pulang.reports",
    "pulang.exports",
    "pulang.matching",
    "pulang.demo",
    "pulang.api",
    "pulang.core.admin_site.PulangAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_rq",
    "django_tasks_rq",
]

MIDDLEWARE = [
    "pulang.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pulang.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pulang.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pulang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "pulang.access.context_processors.capabilities",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'pulang.sqlite3'}",
        conn_max_age=int(os.environ.get("PULANG_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process read while a background task writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The person list's name-order index carries the filter's columns on PostgreSQL
    # (INCLUDE); SQLite keeps the index without them, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After 5 wrong passwords for one name from one address, that pair waits 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("PULANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("PULANG_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Pulang"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A manifest's preview page posts one choice per row, and a list may have 10,000 rows
# (pulang.arrivals.manifest.MAX_ROWS): Django's default of 1,000 fields refused the save of
# any list of 1,000 rows or more.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 12_000

# Sessions end after a period of inactivity: every request renews the cookie.
SESSION_COOKIE_AGE = int(os.environ.get("PULANG_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "pulang" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Days from arrival within which a person should be handed over at home (the legal deadline
# for a victim's return once requested is 7); longer waits are flagged on the shelter board.
PULANG_RETURN_TARGET_DAYS = int(os.environ.get("PULANG_RETURN_TARGET_DAYS", "7"))
# How long a shelter keeps read access to a case after handing the person over.
PULANG_SHELTER_RETENTION_DAYS = int(os.environ.get("PULANG_SHELTER_RETENTION_DAYS", "90"))

# Months after a handover at which the regional social office follows the person up.
PULANG_FOLLOWUP_MONTHS = [
    int(m) for m in os.environ.get("PULANG_FOLLOWUP_MONTHS", "1,3,6,12").split(",") if m.strip()
]
# Days a referral may wait for an answer before it is flagged and reminded.
PULANG_REFERRAL_REMINDER_DAYS = int(os.environ.get("PULANG_REFERRAL_REMINDER_DAYS", "3"))

# Published or exported aggregates show no count below this (CTDC's rule is 11).
PULANG_SMALL_CELL = int(os.environ.get("PULANG_SMALL_CELL", "11"))
# A list export up to this many rows is written in the request; a longer one by a background
# job whose page shows its progress and then the download link.
PULANG_EXPORT_INLINE_ROWS = int(os.environ.get("PULANG_EXPORT_INLINE_ROWS", "5000"))
# An export job's file (names, identities) is removed this many days after it was written;
# the job stays, saying so.
PULANG_EXPORT_KEEP_DAYS = int(os.environ.get("PULANG_EXPORT_KEEP_DAYS", "7"))
# Closed days a look at the figures may count into the daily rollups itself; more (after an
# upgrade or a bulk load) are counted in the background while the page says so.
PULANG_ROLLUP_INLINE_DAYS = int(os.environ.get("PULANG_ROLLUP_INLINE_DAYS", "400"))

REDIS_URL = os.environ.get("PULANG_REDIS_URL", "")
if REDIS_URL:
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["default"],
        }
    }
else:
    # The embedded default runs background work in a thread of the web process, so a page
    # that starts it comes back at once and shows its progress (pulang/core/taskthreads.py).
    TASKS = {"default": {"BACKEND": "pulang.core.taskthreads.ThreadBackend"}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pulang.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "pulang.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PULANG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["pulang.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["pulang.api.permissions.HasDeclaredCapability"],
    "DEFAULT_PAGINATION_CLASS": "pulang.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "pulang.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pulang API",
    "DESCRIPTION": "Case management for deported Indonesian migrant workers. Every call is "
    "scoped to the caller's agency and audited.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, where two fields share one or two sets share a field name.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "pulang.cases.models.Case.Status",
        "DeterminationEnum": "pulang.cases.models.Screening.Determination",
        "ShelterKindEnum": "pulang.agencies.models.Shelter.Kind",
        "ItemKindEnum": "pulang.api.serializers.ITEM_KINDS",
        "ResidentFlagEnum": "pulang.api.serializers.FLAG_CHOICES",
        "CaseFlagEnum": "pulang.api.serializers.CASE_FLAG_CHOICES",
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
