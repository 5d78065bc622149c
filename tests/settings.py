"""Django settings for the test suite.

The database comes from the environment so that one suite runs on both backends:
``DJANGO_UPWORK_TEST_DB=postgres`` selects PostgreSQL and reads the usual ``PGHOST``,
``PGPORT``, ``PGUSER``, ``PGPASSWORD`` and ``PGDATABASE`` variables; anything else uses SQLite.
"""

import os

SECRET_KEY = "django-upwork-tests-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "django_upwork",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "tests.urls"

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

if os.environ.get("DJANGO_UPWORK_TEST_DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "NAME": os.environ.get("PGDATABASE", "django_upwork"),
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks run in-process unless a test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Placeholder credentials that the emulator fixture accepts; they are not real Upwork keys.
UPWORK_CLIENT_ID = "test-client-id"
UPWORK_CLIENT_SECRET = "test-client-secret"
UPWORK_SITE_URL = "http://testserver"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The console shows warnings and errors; caplog still receives DEBUG records, because
    # the logger's own level is DEBUG and its records propagate to the root logger.
    "handlers": {"console": {"class": "logging.StreamHandler", "level": "WARNING"}},
    "loggers": {"django_upwork": {"handlers": ["console"], "level": "DEBUG", "propagate": True}},
}

# Tests that exercise the limiter or the retry delays turn them on with the settings fixture.
UPWORK_RATE_LIMIT = 0
UPWORK_RETRY_BACKOFF = 0.01
UPWORK_TIMEOUT = (2.0, 5.0)
