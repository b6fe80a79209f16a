"""Settings shared by every environment, read from the environment (12-factor)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "members",
    "meetings",
    "projects",
    "surveys",
    "controlling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "members.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "regionalbuendnis.middleware.RejectNulBytesMiddleware",
    "regionalbuendnis.middleware.MethodNotAllowedPageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "regionalbuendnis.urls"
WSGI_APPLICATION = "regionalbuendnis.wsgi.application"

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
                "members.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A connection dropped by a database restart is detected before the next request uses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "members.backends.EmailBackend",
]
# E-mail is unique case-insensitively by a functional constraint (members_user_email_ci_unique)
# and optional for people without a login, which Django's check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# Password reset and invitation links: valid for three days, single use by design of the token.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from npm (package.json) and are served by the app itself.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Uploaded files are never served directly: views check permissions and stream them.
MEDIA_URL = "/media-not-served/"
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: EMAIL_URL (smtp+tls://user:pass@host:587, consolemail://, ...) or, without it, the single
# SMTP variables EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS/SSL.
# Neither set: e-mails are printed to the console.
email_url = env("EMAIL_URL", default="")  # lower case: not a setting, may hold a password
if email_url or not env("EMAIL_HOST", default=""):
    EMAIL_CONFIG = env.email_url_config(email_url or "consolemail://")
else:
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
    EMAIL_CONFIG = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": env("EMAIL_HOST"),
        "EMAIL_PORT": env.int("EMAIL_PORT", default=465 if EMAIL_USE_SSL else 587),
        "EMAIL_HOST_USER": env("EMAIL_HOST_USER", default=""),
        "EMAIL_HOST_PASSWORD": env("EMAIL_HOST_PASSWORD", default=""),
        "EMAIL_USE_SSL": EMAIL_USE_SSL,
        "EMAIL_USE_TLS": env.bool("EMAIL_USE_TLS", default=not EMAIL_USE_SSL),
    }
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Regionalbündnis 2050 <regionalbuendnis@kreis-lippe.de>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 30

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# The cache holds the year's figures (controlling/figures_cache.py). Every process must share
# it, so that a write in one invalidates them for all: Redis in production (its own database
# number, since clearing a cache empties its whole Redis database).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# If the broker is unreachable, publishing gives up fast: the periodic sweeps send what is due.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BEAT_SCHEDULE = {
    # Sends whatever is due and was not delivered: invitations, updates, cancellations (also those
    # whose task was lost while Redis was down), reminders and the coordinators' daily digest.
    # A tick that waited longer than its interval in the queue is dropped: the next one comes anyway.
    "meetings-delivery-sweep": {
        "task": "meetings.tasks.sweep_deliveries",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    # Feedback survey: opens on the send date (invitations from SURVEY_SEND_TIME), reminds those
    # who have not answered, invites new representatives/deputies while open, closes after the
    # closing date. Idempotent; a missed tick is made up by the next one.
    "surveys-schedule": {
        "task": "surveys.tasks.run_schedule",
        "schedule": 900.0,
        "options": {"expires": 600},
    },
}
# Local time (Europe/Berlin) from which survey invitations and reminders go out on their day.
SURVEY_SEND_TIME = env("SURVEY_SEND_TIME", default="08:00")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "regionalbuendnis.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: only our own origin, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Login throttling: five failures lock the username+IP pair for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Counts failures per address whatever its spelling, as the login itself ignores case.
AXES_USERNAME_CALLABLE = "members.backends.axes_username"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO; only their problems are of interest.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Meeting reminders (days before start) and how long RSVP links stay valid after a meeting.
MEETING_REMINDER_OFFSETS_DAYS = env.list("MEETING_REMINDER_OFFSETS_DAYS", cast=int, default=[7, 1])
# Reminders go out at this local time (Europe/Berlin) on the day N days before the meeting.
MEETING_REMINDER_TIME = env("MEETING_REMINDER_TIME", default="08:00")
# The coordinators' daily digest goes out from this local time on (if there is anything to report).
DIGEST_TIME = env("DIGEST_TIME", default="07:00")
# Held meetings without minutes are listed in the digest for this many days.
DIGEST_MINUTES_LOOKBACK_DAYS = env.int("DIGEST_MINUTES_LOOKBACK_DAYS", default=90)

# E-mail delivery (meetings/delivery.py): attempts per e-mail and exponential backoff between them.
DELIVERY_MAX_ATTEMPTS = env.int("DELIVERY_MAX_ATTEMPTS", default=5)
DELIVERY_RETRY_BACKOFF_SECONDS = env.int("DELIVERY_RETRY_BACKOFF_SECONDS", default=60)
DELIVERY_RETRY_BACKOFF_MAX_SECONDS = env.int("DELIVERY_RETRY_BACKOFF_MAX_SECONDS", default=3600)
