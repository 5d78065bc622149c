"""System checks for django-upwork settings (ids ``django_upwork.E0xx`` and ``W0xx``)."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from django_upwork import conf
from django_upwork.exceptions import UpworkConfigurationError

FERNET_KEY_HINT = (
    'Generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


@checks.register()
def check_settings(app_configs: Iterable[AppConfig] | None = None, **kwargs: Any) -> list[Any]:
    messages: list[Any] = []
    for name, obj_id in (("UPWORK_CLIENT_ID", "W001"), ("UPWORK_CLIENT_SECRET", "W002")):
        value = _read(functools.partial(conf.credential, name), "E008", messages)
        if value == "":
            messages.append(
                checks.Warning(
                    f"{name} is not set, so the Upwork account cannot be connected.",
                    hint=f"Set {name} in settings or in the environment; the value comes from "
                    "your key in Upwork's API Center.",
                    id=f"django_upwork.{obj_id}",
                )
            )

    max_age = _read(conf.cache_max_age, "E001", messages)
    _read(conf.rate_limit, "E002", messages)
    _read(conf.timeout, "E003", messages)
    for getter in (
        conf.purge_batch_size,
        conf.rate_limit_max_wait,
        conf.max_retries,
        conf.retry_backoff,
        conf.retry_max_time,
        conf.tenant_id,
        conf.connect_permission,
        conf.rate_limit_key,
    ):
        _read(getter, "E008", messages)
    interval = _read(conf.purge_interval, "E008", messages)
    # Compared by subtraction, because max_age + interval overflows near timedelta.max.
    if max_age is not None and interval is not None and interval > conf.MAX_CACHE_AGE - max_age:
        messages.append(
            checks.Error(
                f"UPWORK_CACHE_MAX_AGE ({max_age}) plus UPWORK_PURGE_INTERVAL ({interval}) is "
                "more than 24 hours, so a row can stay in the database longer than Upwork "
                "allows before the purge deletes it.",
                hint="Shorten one of them; the defaults are 23 hours and 1 hour.",
                id="django_upwork.E010",
            )
        )

    _read(
        conf.rate_limit_cache_alias,
        "E009",
        messages,
        hint="Name a cache from CACHES; the limiter is shared across processes only through a "
        "cache they share, such as Redis or Memcached.",
    )

    for name, getter in (
        ("UPWORK_API_URL", conf.api_url),
        ("UPWORK_AUTHORIZE_URL", conf.authorize_url),
        ("UPWORK_TOKEN_URL", conf.token_url),
        ("UPWORK_JOB_URL_PREFIX", conf.job_url_prefix),
        ("UPWORK_REDIRECT_URI", conf.redirect_uri),
        ("UPWORK_SITE_URL", conf.site_url),
    ):
        url = _read(getter, "E004", messages, hint=URL_HINT)
        if url and name in CLEARTEXT_RISKS and conf.is_remote_plain_http(url):
            messages.append(
                checks.Error(
                    f"{name} is {url!r}, plain HTTP to a host other than this machine, so "
                    f"{CLEARTEXT_RISKS[name]} would travel unencrypted.",
                    hint=f"Set {name} to an https URL, or remove it to use the default. Plain "
                    "http is allowed only on 127.0.0.1, localhost or ::1, such as for the "
                    "bundled emulator.",
                    id="django_upwork.E004",
                )
            )

    _read(
        conf.success_url,
        "E005",
        messages,
        hint="The callback and the disconnect view redirect there, and ignore the setting with "
        "this message in the log while it is invalid.",
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

    messages.extend(_check_unknown_settings())
    messages.extend(_check_encryption_keys())
    return messages


@checks.register(checks.Tags.security, deploy=True)
def check_token_encryption(
    app_configs: Iterable[AppConfig] | None = None, **kwargs: Any
) -> list[Any]:
    try:
        if conf.token_encryption_keys():
            return []
    except UpworkConfigurationError:
        return []  # check_settings reports the invalid value as E007.
    return [
        checks.Warning(
            "Upwork OAuth tokens are stored in plain text.",
            hint="Set UPWORK_TOKEN_ENCRYPTION_KEY to a Fernet key to encrypt them at rest "
            "(it needs the cryptography package).",
            id="django_upwork.W004",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_plain_http_callback(
    app_configs: Iterable[AppConfig] | None = None, **kwargs: Any
) -> list[Any]:
    """Warn when Upwork would send the authorization code to this site over plain HTTP."""
    messages: list[Any] = []
    for name, getter in (
        ("UPWORK_SITE_URL", conf.site_url),
        ("UPWORK_REDIRECT_URI", conf.redirect_uri),
    ):
        try:
            value = getter()
        except UpworkConfigurationError:
            continue  # check_settings reports the invalid value as E004.
        if value and conf.is_remote_plain_http(value):
            messages.append(
                checks.Warning(
                    f"{name} is {value!r}, plain HTTP to a host other than this machine, so "
                    "the authorization code that Upwork redirects to this site travels "
                    "unencrypted.",
                    hint=f"Serve the site over HTTPS and set {name} to its https URL.",
                    id="django_upwork.W007",
                )
            )
    return messages


@checks.register(checks.Tags.caches)
def check_rate_limit_cache(
    app_configs: Iterable[AppConfig] | None = None, **kwargs: Any
) -> list[Any]:
    """Warn when the limiter's cache stores nothing, which turns rate limiting off."""
    backend = _rate_limit_cache_backend()
    if backend is None or not issubclass(backend[2], DummyCache):
        return []
    alias, path, _ = backend
    return [
        checks.Warning(
            f"The rate limiter's cache {alias!r} (UPWORK_RATE_LIMIT_CACHE) uses {path}, which "
            "stores nothing, so requests to Upwork are not rate-limited.",
            hint="Set UPWORK_RATE_LIMIT_CACHE to a cache that every process shares, such as "
            "Redis, Memcached or the database cache, or set UPWORK_RATE_LIMIT = 0 to turn the "
            "limiter off on purpose.",
            id="django_upwork.W008",
        )
    ]


@checks.register(checks.Tags.caches, deploy=True)
def check_rate_limit_cache_sharing(
    app_configs: Iterable[AppConfig] | None = None, **kwargs: Any
) -> list[Any]:
    """Warn when the limiter's cache gives each process its own budget or no atomic lock."""
    backend = _rate_limit_cache_backend()
    if backend is None:
        return []
    alias, path, backend_class = backend
    if issubclass(backend_class, LocMemCache):
        reason = "keeps one budget per process, so the processes together can exceed the limit"
    elif issubclass(backend_class, FileBasedCache):
        reason = (
            "has no atomic add(), so two processes can take the limiter's lock and reserve "
            "the same slot"
        )
    else:
        return []
    return [
        checks.Warning(
            f"The rate limiter's cache {alias!r} (UPWORK_RATE_LIMIT_CACHE) uses {path}, which "
            f"{reason}.",
            hint="Set UPWORK_RATE_LIMIT_CACHE to a cache that every web and worker process "
            "shares, such as Redis, Memcached or the database cache.",
            id="django_upwork.W009",
        )
    ]


def _rate_limit_cache_backend() -> tuple[str, str, type] | None:
    """Return the alias, BACKEND path and class of the limiter's cache.

    Returns ``None`` when the limiter is off (``UPWORK_RATE_LIMIT = 0``), when E009 reports the
    alias as missing, or when the backend cannot be imported, which Django raises as
    ``InvalidCacheBackendError`` when the cache is first used.
    """
    try:
        if conf.rate_limit() == 0:
            return None
    except UpworkConfigurationError:
        pass  # E002 reports the value, and the limiter is not off.
    try:
        alias = conf.rate_limit_cache_alias()
    except UpworkConfigurationError:
        return None
    config = settings.CACHES[alias]
    path = config.get("BACKEND") if isinstance(config, dict) else None
    if not isinstance(path, str):
        return None
    try:
        backend_class = import_string(path)
    except ImportError:
        return None
    if not isinstance(backend_class, type):
        return None
    return alias, path, backend_class


# The route names of django_upwork.urls. The connection panel links to the connect and
# disconnect routes, and Upwork redirects to the callback.
URL_NAMES = ("django_upwork:authorize", "django_upwork:callback", "django_upwork:disconnect")


@checks.register(checks.Tags.urls)
def check_urls_included(app_configs: Iterable[AppConfig] | None = None, **kwargs: Any) -> list[Any]:
    """Warn when ROOT_URLCONF lacks the connect, callback and disconnect routes."""
    missing = []
    for name in URL_NAMES:
        try:
            reverse(name)
        except NoReverseMatch:
            missing.append(name)
        except Exception:
            return []  # Django's own URL check reports a URLconf that fails to load.
    if not missing:
        return []
    return [
        checks.Warning(
            f"ROOT_URLCONF {settings.ROOT_URLCONF!r} has no route named {', '.join(missing)}, "
            "so the admin hides the Connect and Disconnect buttons and Upwork has no callback "
            "to redirect to.",
            hint='Add path("upwork/", include("django_upwork.urls")) to the urlpatterns of '
            "ROOT_URLCONF. A site whose own views call the connection services sets "
            "UPWORK_REDIRECT_URI to its callback view's URL and can add 'django_upwork.W010' "
            "to SILENCED_SYSTEM_CHECKS instead.",
            id="django_upwork.W010",
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
            if PeriodicTask.objects.filter(task=PURGE_TASK_NAME, enabled=True).exists():
                return []
        except DatabaseError:
            return []  # before migrations have run
    return [
        checks.Warning(
            f"No enabled Celery beat schedule runs {PURGE_TASK_NAME}, so cached postings are only "
            "hidden after UPWORK_CACHE_MAX_AGE, not deleted.",
            hint="Add 'django_celery_beat' to INSTALLED_APPS and run migrate, or add the task "
            "to CELERY_BEAT_SCHEDULE. Without Celery beat, run 'python manage.py "
            "purge_upwork_cache' from cron at least every UPWORK_PURGE_INTERVAL, and add "
            "'django_upwork.W005' to SILENCED_SYSTEM_CHECKS.",
            id="django_upwork.W005",
        )
    ]


def _check_encryption_keys() -> list[Any]:
    try:
        keys = conf.token_encryption_keys()
    except UpworkConfigurationError as err:
        return [
            checks.Error(
                str(err),
                hint=FERNET_KEY_HINT,
                id="django_upwork.E007",
            )
        ]
    if not keys:
        return []
    try:
        from cryptography.fernet import Fernet
    except ImportError:
        return [
            checks.Error(
                "UPWORK_TOKEN_ENCRYPTION_KEY is set but the cryptography package is missing.",
                hint="Install the cryptography package (the encryption extra of django-upwork).",
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
                    hint=FERNET_KEY_HINT,
                    id="django_upwork.E007",
                )
            ]
    return []


def _read(
    getter: Callable[[], Any],
    obj_id: str,
    messages: list[Any],
    *,
    hint: str = "See the settings reference in the django-upwork docs.",
) -> Any:
    """Call a ``conf`` getter; on an invalid value, add an error and return ``None``."""
    try:
        return getter()
    except UpworkConfigurationError as err:
        messages.append(checks.Error(str(err), hint=hint, id=f"django_upwork.{obj_id}"))
        return None


URL_HINT = (
    "URL settings take an absolute http or https URL with a port from 1 to 65535 or none, "
    "without a user name or password; see the settings reference in the django-upwork docs."
)


# Endpoints that must not use plain HTTP to a remote host, with what would leak.
CLEARTEXT_RISKS = {
    "UPWORK_API_URL": "the access token sent with every request",
    "UPWORK_AUTHORIZE_URL": "the user's Upwork login",
    "UPWORK_TOKEN_URL": "the client secret and the tokens",
}


def _check_unknown_settings() -> list[Any]:
    messages = []
    for name in dir(settings):
        if name.startswith("UPWORK_") and name not in conf.SETTING_NAMES:
            suggestion = difflib.get_close_matches(name, conf.SETTING_NAMES, n=1)
            hint = f"Did you mean {suggestion[0]}?" if suggestion else "Remove it."
            messages.append(
                checks.Warning(
                    f"{name} is not a django-upwork setting, so it has no effect.",
                    hint=hint,
                    id="django_upwork.W006",
                )
            )
    return messages
