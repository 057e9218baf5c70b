"""Settings shared by every environment.

Everything that differs between a laptop and production comes from the environment
(django-environ). The embedded defaults need no server: SQLite and a filesystem
Celery broker under `var/`, so `make run` works on a bare machine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR.mkdir(parents=True, exist_ok=True)


def require_deploy_settings(*, debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    """With DEBUG off, refuse to start without the settings a real deployment needs."""
    if debug:
        return
    if not secret_key:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (DEBUG is off): a long random string, e.g. "
            "from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`"
        )
    if not allowed_hosts:
        raise ImproperlyConfigured(
            "Set ALLOWED_HOSTS in the environment (DEBUG is off): the host names the site "
            "is served on, comma-separated, e.g. ALLOWED_HOSTS=attendance.example.org"
        )


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular_sidecar",
    "django_filters",
    "drf_spectacular",
    "registers",
    "absences",
    "escalation",
    "letters",
    "penalties",
    "reports",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(), then ours: a signed-in person who owes a second factor
    # (an authenticator is set up, or their role requires one) reaches only those pages.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "registers.audit.AccessAuditMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "attendance_project.urls"
WSGI_APPLICATION = "attendance_project.wsgi.application"
AUTH_USER_MODEL = "registers.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "registers.navigation.navigation",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'attendance.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; the timeout rides out
    # short write locks instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # staff hold children's records: long passphrases
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in and session security -------------------------------------------------------
# django-axes checks every sign-in first: after AXES_FAILURE_LIMIT failures for one
# username from one address, that pair is locked out for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Two-factor sign-in (django-otp, TOTP authenticator apps plus one-time recovery codes).
# Staff holding any of these roles (registers.models.Role values, comma-separated) must
# set up an authenticator before they can use anything; anyone else may turn it on.
# Unknown names stop start-up (accounts.conf). Empty: nobody is required to.
TWO_FACTOR_REQUIRED_ROLES = env.list(
    "TWO_FACTOR_REQUIRED_ROLES", default=["headteacher", "trust_leader"]
)
# Wrong codes lock a device out for 1, 2, 4, 8... seconds after each successive failure
# (django-otp's throttling; 0 would turn it off, so it is fixed here, not configurable).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_ISSUER = "Attendance"  # the account's name in authenticator apps
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows an authenticator's secret
# An idle session ends after SESSION_IDLE_MINUTES (each request renews it).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=120) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages pass the token in forms and in htmx's headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts and everything else from this site only;
# inline style attributes stay allowed for the SVG charts and htmx's indicator styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
# Register times and the date of a mark are wall-clock times in England: Europe/London
# keeps 08:45 meaning 08:45 across the clock changes.
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# Celery: a filesystem broker under var/ unless CELERY_BROKER_URL names Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
    _queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "control").mkdir(exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
if LOG_LEVEL.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL.upper()},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "registers.api.access.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "registers.api.access.TokenRateThrottle",
        "registers.api.access.StaffRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_TOKEN_RATE", default="600/minute"),
        "user": env.str("API_USER_RATE", default="1200/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "School attendance API",
    "DESCRIPTION": (
        "Schools, calendar, pupils, guardians, marks (read and write, audited), pupil "
        "status and flags, cases and the attendance report. Every path is scoped to a "
        "school by its URN. Authenticate with a per-school token (`Authorization: Bearer "
        "att_…`, scopes `read` and `write-registers`) or a signed-in session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs pages' assets are served from here (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],  # the schema is public
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"SessionEnum": "registers.models.calendar.Session"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registers.api.schema.drop_storage_bounds",
    ],
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="attendance@localhost")

from celery.schedules import crontab  # noqa: E402  (for the beat schedule below)

CELERY_BEAT_SCHEDULE = {
    # Escalation: the full status recompute, then duties and ladder proposals for every
    # school. Late evening, so today's incremental statuses are compared as of the same day.
    "escalation-status-nightly": {
        "task": "escalation.tasks.status_recompute_nightly_task",
        "schedule": crontab(hour=23, minute=15),
    },
    # Escalation: drain any recompute left queued (e.g. a worker restarted mid-burst).
    "escalation-status-drain": {
        "task": "escalation.tasks.status_drain_task",
        "schedule": 300.0,
    },
    # Registers: remove register records and access events past their retention period
    # and write a RetentionPurge report. Monthly, early on the 1st: a whole academic year
    # becomes purgeable on 1 September, so nothing waits more than a month past its time.
    "registers-retention-purge": {
        "task": "registers.tasks.retention_purge_task",
        "schedule": crontab(day_of_month=1, hour=2, minute=30),
    },
}

# --- Data protection: retention ------------------------------------------------------------
# Every register entry is kept at least 6 years from its date (rules §5.9); the monthly
# purge then removes it (whole academic years), and pupils with nothing left in that time.
# The access audit (who viewed or exported pupil data) is kept as long by default, so a
# question about who saw a child's record can be answered for as long as the record exists.
MIN_REGISTER_RETENTION_YEARS = 6


def require_retention_years(*, register_years: int, audit_years: int) -> None:
    """Refuse a register retention under the regulations' 6 years, or no audit at all."""
    if register_years < MIN_REGISTER_RETENTION_YEARS:
        raise ImproperlyConfigured(
            f"REGISTER_RETENTION_YEARS must be at least {MIN_REGISTER_RETENTION_YEARS}, not "
            f"{register_years}: the regulations require every register entry to be kept for "
            "at least 6 years."
        )
    if audit_years < 1:
        raise ImproperlyConfigured(
            f"ACCESS_AUDIT_RETENTION_YEARS must be at least 1, not {audit_years}."
        )


REGISTER_RETENTION_YEARS = env.int("REGISTER_RETENTION_YEARS", default=6)
ACCESS_AUDIT_RETENTION_YEARS = env.int("ACCESS_AUDIT_RETENTION_YEARS", default=6)
require_retention_years(
    register_years=REGISTER_RETENTION_YEARS, audit_years=ACCESS_AUDIT_RETENTION_YEARS
)

# --- Absences ------------------------------------------------------------------------------
# The public report form and the parent sign-in form are rate limited (django-ratelimit),
# counting in Django's cache. A deployment with several web processes must share it:
# CACHE_URL=redis://host:6379/2. The embedded defaults run one web process, so local
# memory counts correctly there.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://attendance")}
# Submissions of the public report form per address (client IP), e.g. "20/h".
ABSENCE_REPORT_RATE = env.str("ABSENCE_REPORT_RATE", default="20/h")
# Sign-in link requests, per address and per email address.
SIGNIN_REQUEST_RATE = env.str("SIGNIN_REQUEST_RATE", default="10/h")
# A parent's sign-in link works once, for this many minutes.
SIGNIN_LINK_MINUTES = env.int("SIGNIN_LINK_MINUTES", default=30)
if not 5 <= SIGNIN_LINK_MINUTES <= 24 * 60:
    raise ImproperlyConfigured(
        f"SIGNIN_LINK_MINUTES must be between 5 and 1440, not {SIGNIN_LINK_MINUTES}"
    )
for _name, _rate in (
    ("ABSENCE_REPORT_RATE", ABSENCE_REPORT_RATE),
    ("SIGNIN_REQUEST_RATE", SIGNIN_REQUEST_RATE),
):
    _count, _slash, _period = _rate.partition("/")
    if not (_count.isdigit() and int(_count) > 0 and _period in {"s", "m", "h", "d"}):
        raise ImproperlyConfigured(f"{_name} must look like 20/h (a count per s, m, h or d)")
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "absences.context_processors.report_badges"  # the office's count of waiting reports
)
