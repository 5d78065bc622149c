"""Settings of the django-upwork example project.

Everything that differs between machines comes from the environment, and no secret is
written here:

- ``UPWORK_CLIENT_ID`` and ``UPWORK_CLIENT_SECRET``: the key from Upwork's API Center.
- ``UPWORK_SITE_URL``: the public address of the site, such as ``https://jobs.example.com``;
  the OAuth2 redirect URI is this plus ``/upwork/callback/``.
- ``UPWORK_API_URL``, ``UPWORK_AUTHORIZE_URL``, ``UPWORK_TOKEN_URL``: point the app at another
  Upwork, such as the bundled emulator (``scripts/demo`` sets them).
- ``DJANGO_SECRET_KEY``, ``DJANGO_DEBUG`` (``1`` or ``0``), ``DJANGO_ALLOWED_HOSTS`` (commas).
- ``EXAMPLE_DB_PATH``: the SQLite file (default ``example_project/db.sqlite3``).
- ``REDIS_URL``: when set, Django's cache is in Redis, so every process shares one Upwork
  rate limit. Without it, each process keeps its own budget in memory.
- ``CELERY_BROKER_URL``: the Celery broker (default ``redis://127.0.0.1:6379/0``).
- ``DJANGO_BEHIND_TLS_PROXY=1``: trust ``X-Forwarded-Proto`` from a proxy that terminates
  HTTPS.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


# The fallback key is for local runs only; set DJANGO_SECRET_KEY anywhere else.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-project-insecure-local-key")
DEBUG = env_flag("DJANGO_DEBUG", True)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"] + [
    host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()
]

INSTALLED_APPS = [
    # Before django.contrib.admin, so that its admin/index.html adds the Upwork connection
    # panel to the admin index.
    "django_upwork",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DB_PATH") or BASE_DIR / "db.sqlite3",
    }
}

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
LOGIN_URL = "admin:login"

if env_flag("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: the broker comes from the environment, and beat reads its schedule from the
# database, where django-upwork registers the hourly purge of expired postings.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_IGNORE_RESULT = True

# django-upwork. Empty or unset values fall back to Upwork's real endpoints.
UPWORK_CLIENT_ID = os.environ.get("UPWORK_CLIENT_ID", "")
UPWORK_CLIENT_SECRET = os.environ.get("UPWORK_CLIENT_SECRET", "")
UPWORK_SITE_URL = os.environ.get("UPWORK_SITE_URL") or None
UPWORK_API_URL = os.environ.get("UPWORK_API_URL") or None
UPWORK_AUTHORIZE_URL = os.environ.get("UPWORK_AUTHORIZE_URL") or None
UPWORK_TOKEN_URL = os.environ.get("UPWORK_TOKEN_URL") or None
# After connecting or disconnecting, the OAuth views return to the example's home page.
UPWORK_SUCCESS_URL = "/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django_upwork": {"handlers": ["console"], "level": "INFO"}},
}
