"""Django settings for the benchmark processes that bench/run.py starts.

``BENCH_DATABASE`` selects ``sqlite`` (a file at ``BENCH_SQLITE_PATH``) or ``postgres`` (the
``PG*`` variables). ``BENCH_REDIS_URL``, when set, makes the default cache a shared Redis
cache, as a site with several processes would configure it for the rate limiter.
``BENCH_UPWORK_SETTINGS`` is a JSON object of ``UPWORK_*`` settings that point at the emulator.
"""

import json
import os

SECRET_KEY = "django-upwork-benchmarks-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_upwork",
]

# The admin, for timing the postings changelist as a staff user sees it.
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "bench.urls"
STATIC_URL = "/static/"
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
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

_database = os.environ.get("BENCH_DATABASE", "sqlite")
if _database == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "NAME": os.environ.get("PGDATABASE", "django_upwork_bench"),
        }
    }
elif _database == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("BENCH_SQLITE_PATH", "bench.sqlite3"),
        }
    }
else:
    raise ValueError(f"BENCH_DATABASE must be 'sqlite' or 'postgres', got {_database!r}.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("BENCH_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BENCH_REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django_upwork": {"handlers": ["console"], "level": "WARNING"}},
}

globals().update(json.loads(os.environ.get("BENCH_UPWORK_SETTINGS", "{}")))
