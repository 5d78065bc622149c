"""System checks for django-upwork settings (ids ``django_upwork.E0xx`` and ``W0xx``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from django_upwork import conf

MAX_ALLOWED_AGE = timedelta(hours=24)


@checks.register()
def check_settings(app_configs: Iterable[AppConfig] | None = None, **kwargs: Any) -> list[Any]:
    messages: list[Any] = []
    for name, obj_id in (("UPWORK_CLIENT_ID", "W001"), ("UPWORK_CLIENT_SECRET", "W002")):
        if not conf._get_secret(name):
            messages.append(
                checks.Warning(
                    f"{name} is not set, so the Upwork account cannot be connected.",
                    hint=f"Set {name} in settings or in the environment; the value comes from "
                    "your key in Upwork's API Center.",
                    id=f"django_upwork.{obj_id}",
                )
            )

    max_age = getattr(settings, "UPWORK_CACHE_MAX_AGE", conf.DEFAULT_CACHE_MAX_AGE)
    if isinstance(max_age, (int, float)) and not isinstance(max_age, bool):
        max_age = timedelta(seconds=max_age)
    if not isinstance(max_age, timedelta) or not timedelta(0) < max_age <= MAX_ALLOWED_AGE:
        messages.append(
            checks.Error(
                f"UPWORK_CACHE_MAX_AGE is {max_age!r}; it must be a timedelta (or seconds) "
                "greater than zero and at most 24 hours.",
                hint="Upwork's terms forbid keeping API data longer than 24 hours; the "
                "default is timedelta(hours=23).",
                id="django_upwork.E001",
            )
        )

    rate = getattr(settings, "UPWORK_RATE_LIMIT", conf.DEFAULT_RATE_LIMIT)
    if isinstance(rate, bool) or not isinstance(rate, int) or rate < 0:
        messages.append(
            checks.Error(
                f"UPWORK_RATE_LIMIT is {rate!r}; it must be a whole number of requests per "
                "minute (0 turns the limiter off).",
                hint="Upwork allows 300 requests per minute per IP address.",
                id="django_upwork.E002",
            )
        )

    timeout = getattr(settings, "UPWORK_TIMEOUT", conf.DEFAULT_TIMEOUT)
    if not _valid_timeout(timeout):
        messages.append(
            checks.Error(
                f"UPWORK_TIMEOUT is {timeout!r}; it must be a positive number of seconds or a "
                "(connect, read) pair of them.",
                hint="The default is (5, 30).",
                id="django_upwork.E003",
            )
        )

    for name in (
        "UPWORK_API_URL",
        "UPWORK_AUTHORIZE_URL",
        "UPWORK_TOKEN_URL",
        "UPWORK_SITE_URL",
        "UPWORK_REDIRECT_URI",
    ):
        value = getattr(settings, name, None)
        if value is not None and not _is_http_url(value):
            messages.append(
                checks.Error(
                    f"{name} is {value!r}, which is not an http or https URL.",
                    hint=f"Set {name} to an absolute URL such as 'https://example.com/…', or "
                    "remove it to use the default.",
                    id="django_upwork.E004",
                )
            )

    success = getattr(settings, "UPWORK_SUCCESS_URL", None)
    if success is not None and (
        not isinstance(success, str) or not success.startswith("/") or success.startswith("//")
    ):
        parts = urlsplit(str(success))
        if parts.hostname not in _plain_allowed_hosts():
            messages.append(
                checks.Error(
                    f"UPWORK_SUCCESS_URL is {success!r}; it must be a path on this site such as "
                    "'/admin/' or a URL on a host in ALLOWED_HOSTS.",
                    hint="The callback redirects there; any other host would be an open redirect.",
                    id="django_upwork.E005",
                )
            )

    if not getattr(settings, "USE_TZ", True):
        messages.append(
            checks.Warning(
                "USE_TZ is False, so cache ages and Celery beat schedules drift across "
                "daylight-saving changes.",
                hint="Set USE_TZ = True.",
                id="django_upwork.W003",
            )
        )

    messages.extend(_check_encryption_keys())
    return messages


@checks.register(checks.Tags.security, deploy=True)
def check_token_encryption(
    app_configs: Iterable[AppConfig] | None = None, **kwargs: Any
) -> list[Any]:
    if conf.token_encryption_keys():
        return []
    return [
        checks.Warning(
            "Upwork OAuth tokens are stored in plain text.",
            hint="Set UPWORK_TOKEN_ENCRYPTION_KEY to a Fernet key to encrypt them at rest "
            "(pip install 'django-upwork[encryption]').",
            id="django_upwork.W004",
        )
    ]


@checks.register(checks.Tags.database)
def check_purge_schedule(
    app_configs: Iterable[AppConfig] | None = None, databases: Any = None, **kwargs: Any
) -> list[Any]:
    """Warn when nothing schedules the purge task (runs with ``check --database default``)."""
    from django_upwork.services.schedule import PURGE_TASK_NAME

    beat_schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None) or {}
    if any(entry.get("task") == PURGE_TASK_NAME for entry in beat_schedule.values()):
        return []
    if not databases:
        return []
    from django.apps import apps

    if apps.is_installed("django_celery_beat"):
        from django.db import DatabaseError
        from django_celery_beat.models import PeriodicTask

        try:
            if PeriodicTask.objects.filter(task=PURGE_TASK_NAME).exists():
                return []
        except DatabaseError:
            return []  # before migrations have run
    return [
        checks.Warning(
            f"No Celery beat schedule runs {PURGE_TASK_NAME}, so cached postings are only "
            "hidden after UPWORK_CACHE_MAX_AGE, not deleted.",
            hint="Add 'django_celery_beat' to INSTALLED_APPS and run migrate, or add the task "
            "to CELERY_BEAT_SCHEDULE.",
            id="django_upwork.W005",
        )
    ]


def _check_encryption_keys() -> list[Any]:
    keys = conf.token_encryption_keys()
    if not keys:
        return []
    try:
        from cryptography.fernet import Fernet
    except ImportError:
        return [
            checks.Error(
                "UPWORK_TOKEN_ENCRYPTION_KEY is set but the cryptography package is missing.",
                hint="pip install 'django-upwork[encryption]'",
                id="django_upwork.E006",
            )
        ]
    for index, key in enumerate(keys):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            return [
                checks.Error(
                    f"Key number {index + 1} in UPWORK_TOKEN_ENCRYPTION_KEY is not a valid "
                    "Fernet key.",
                    hint='Generate one with: python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())"',
                    id="django_upwork.E007",
                )
            ]
    return []


def _valid_timeout(value: Any) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value > 0
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return all(_valid_timeout(part) for part in value)
    return False


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _plain_allowed_hosts() -> set[str]:
    return {host for host in getattr(settings, "ALLOWED_HOSTS", []) if not host.startswith(".")}
