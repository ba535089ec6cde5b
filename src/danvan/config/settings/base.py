"""Settings shared by every environment; the small modules beside this one override a few."""

import os
from pathlib import Path

import dj_database_url
import platformdirs
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Where the embedded database, uploads and generated files live when nothing else is configured.
DATA_DIR = Path(os.environ.get("DANVAN_DATA_DIR") or platformdirs.user_data_dir("danvan"))

DEBUG = env_bool("DANVAN_DEBUG", False)
SECRET_KEY = os.environ.get("DANVAN_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DANVAN_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DANVAN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its bundled Swagger UI, served as our static files (otherwise it links a CDN)
    "axes",
    "django_tasks_db",
    "danvan.core",
    "danvan.territories",
    "danvan.audit",
    "danvan.organisations",
    "danvan.accounts",
    "danvan.initiatives",
    "danvan.clearance",
    "danvan.dialogues",
    "danvan.documents",
    "danvan.plans",
    "danvan.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "danvan.core.middleware.RequestContextMiddleware",
    "danvan.accounts.middleware.PasswordChangeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "danvan.config.urls"
WSGI_APPLICATION = "danvan.config.wsgi.application"
ASGI_APPLICATION = "danvan.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "danvan.core.context_processors.navigation",
            ],
            "builtins": ["danvan.core.templatetags.vn"],
        },
    },
]


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(
            url, conn_max_age=int(os.environ.get("DANVAN_DB_CONN_MAX_AGE", "60"))
        )
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "danvan.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while the task worker writes.
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault(
            "init_command",
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        )
        config["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
        config["OPTIONS"].setdefault("timeout", 20)
    elif config["ENGINE"] == "django.db.backends.postgresql" and not url.startswith(
        ("postgres", "postgis")
    ):
        raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL.")
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock an account+address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("DANVAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("DANVAN_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DANVAN_STATIC_ROOT") or DATA_DIR / "static")
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DANVAN_MEDIA_ROOT") or DATA_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DANVAN_IMPORT_MAX_BYTES = int(os.environ.get("DANVAN_IMPORT_MAX_MB", "200")) * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}


def mailer_from_env() -> dict:
    """Outgoing mail: printed to the console unless an SMTP server is configured."""
    backend = os.environ.get(
        "DANVAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
    options: dict = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": os.environ.get("DANVAN_EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("DANVAN_EMAIL_PORT", "25")),
            "username": os.environ.get("DANVAN_EMAIL_USER", ""),
            "password": os.environ.get("DANVAN_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("DANVAN_EMAIL_USE_TLS", False),
        }
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": mailer_from_env()}
DEFAULT_FROM_EMAIL = os.environ.get("DANVAN_FROM_EMAIL", "danvan@localhost")
# Links in e-mails need the public address of the site.
DANVAN_SITE_URL = os.environ.get("DANVAN_SITE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_AGE = int(os.environ.get("DANVAN_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The display name of the owning commission changed in 2025; deployments may set their own.
DANVAN_COMMISSION_NAME = os.environ.get("DANVAN_COMMISSION_NAME", "Ban Tuyên giáo và Dân vận")
DANVAN_PAGE_SIZE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DANVAN_LOG_LEVEL", "WARNING")},
    "loggers": {"danvan": {"level": os.environ.get("DANVAN_LOG_LEVEL", "INFO")}},
}
