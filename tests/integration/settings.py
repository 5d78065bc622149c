"""Django settings for the Celery worker and beat that the integration tests start.

They extend ``tests.settings`` and point at the test database that the pytest process
created, passed in through environment variables, because the worker and beat are separate
processes and must see the rows the test commits.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from tests.settings import *  # noqa: F403
from tests.settings import TIME_ZONE


def _require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. tests/integration/settings.py is for the processes that "
            "tests/integration/test_celery_beat.py starts, which sets it."
        )
    return value


DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _require_env("DJANGO_UPWORK_INTEGRATION_DB_NAME"),
        "HOST": _require_env("DJANGO_UPWORK_INTEGRATION_DB_HOST"),
        "PORT": _require_env("DJANGO_UPWORK_INTEGRATION_DB_PORT"),
        "USER": _require_env("DJANGO_UPWORK_INTEGRATION_DB_USER"),
        "PASSWORD": os.environ.get("DJANGO_UPWORK_INTEGRATION_DB_PASSWORD", ""),
    }
}

CELERY_BROKER_URL = _require_env("REDIS_URL")
# A queue of its own, so that other users of the same Redis neither take nor send its tasks.
CELERY_TASK_DEFAULT_QUEUE = _require_env("DJANGO_UPWORK_INTEGRATION_QUEUE")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

UPWORK_PURGE_INTERVAL = float(os.environ.get("DJANGO_UPWORK_INTEGRATION_PURGE_INTERVAL", "2"))
