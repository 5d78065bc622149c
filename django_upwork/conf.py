"""Settings for django-upwork, read from Django settings when used.

Every value is looked up at call time, never at import, so ``override_settings`` and
pytest-django's ``settings`` fixture take effect at once. ``UPWORK_CLIENT_ID``,
``UPWORK_CLIENT_SECRET``, ``UPWORK_SITE_URL`` and ``UPWORK_TOKEN_ENCRYPTION_KEY`` fall back
to environment variables of the same names when the setting is unset or empty, so a
deployment can keep its secrets out of ``settings.py``.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from datetime import timedelta
from typing import Any
from urllib.parse import SplitResult, urlsplit

from django.conf import settings as django_settings
from django.utils.http import url_has_allowed_host_and_scheme

from django_upwork.exceptions import UpworkConfigurationError

DEFAULT_API_URL = "https://api.upwork.com/graphql"
DEFAULT_AUTHORIZE_URL = "https://www.upwork.com/ab/account-security/oauth2/authorize"
DEFAULT_TOKEN_URL = "https://www.upwork.com/api/v3/oauth2/token"  # noqa: S105 - a URL
DEFAULT_JOB_URL_PREFIX = "https://www.upwork.com/jobs/"

# Upwork's terms forbid keeping API data for more than 24 hours. The default leaves an hour
# for the hourly purge to delete a row once reads stop returning it.
DEFAULT_CACHE_MAX_AGE = timedelta(hours=23)
MAX_CACHE_AGE = timedelta(hours=24)
DEFAULT_RATE_LIMIT = 300  # requests per minute, per egress IP address
DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
# Seconds; no API call needs longer, and sockets reject timeouts of about 1e10 s and more
# with OverflowError.
MAX_TIMEOUT = 86400.0
DEFAULT_RATE_LIMIT_MAX_WAIT = 30.0  # seconds a caller may wait for a rate-limit slot
DEFAULT_MAX_RETRIES = 3
DEFAULT_RETRY_MAX_TIME = 60.0  # seconds spent on retries of one request, at most
DEFAULT_PURGE_INTERVAL = timedelta(hours=1)
DEFAULT_CONNECT_PERMISSION = "is_staff"
# An app label, a dot and a permission codename, as User.has_perm() takes it.
_PERMISSION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.\S+")
# Cache keys hold the limiter's prefix too, and Memcached allows 250 bytes.
MAX_RATE_LIMIT_KEY_LENGTH = 100
# The largest row count accepted for a list limit or a purge batch, both sent as LIMIT and
# OFFSET. A signed 32-bit integer fits the LIMIT of every database Django supports, whereas
# SQLite fails with "datatype mismatch" on a number above its 64-bit maximum.
MAX_ROW_COUNT = 2**31 - 1
DEFAULT_RETRY_BACKOFF = 1.0  # seconds before the first retry
DEFAULT_PURGE_BATCH_SIZE = 5000  # rows deleted per transaction

# Hosts that plain-HTTP OAuth2 endpoints may use, such as the bundled emulator.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

_UNSET = object()

# Every setting the app reads; the system checks flag other UPWORK_ names as likely typos.
SETTING_NAMES = (
    "UPWORK_CLIENT_ID",
    "UPWORK_CLIENT_SECRET",
    "UPWORK_REDIRECT_URI",
    "UPWORK_SITE_URL",
    "UPWORK_SUCCESS_URL",
    "UPWORK_API_URL",
    "UPWORK_AUTHORIZE_URL",
    "UPWORK_TOKEN_URL",
    "UPWORK_JOB_URL_PREFIX",
    "UPWORK_TENANT_ID",
    "UPWORK_TIMEOUT",
    "UPWORK_CACHE_MAX_AGE",
    "UPWORK_RATE_LIMIT",
    "UPWORK_RATE_LIMIT_MAX_WAIT",
    "UPWORK_RATE_LIMIT_KEY",
    "UPWORK_RATE_LIMIT_CACHE",
    "UPWORK_MAX_RETRIES",
    "UPWORK_RETRY_MAX_TIME",
    "UPWORK_RETRY_BACKOFF",
    "UPWORK_PURGE_INTERVAL",
    "UPWORK_PURGE_BATCH_SIZE",
    "UPWORK_CONNECT_PERMISSION",
    "UPWORK_TOKEN_ENCRYPTION_KEY",
)


def _get(name: str, default: Any = None) -> Any:
    return getattr(django_settings, name, default)


def credential(name: str) -> str:
    """Return ``UPWORK_CLIENT_ID`` or ``UPWORK_CLIENT_SECRET``, or ``""`` when it is unset.

    The environment variable of the same name is read when the setting is unset, ``None`` or
    ``""``. Raises ``UpworkConfigurationError`` for a value that is not a string, is only
    whitespace, or starts or ends with whitespace. The message shows a bad client id but
    never the secret.
    """
    value = _get(name, _UNSET)
    if value is _UNSET or value is None or (isinstance(value, str) and value == ""):
        value = os.environ.get(name, "")
    if not isinstance(value, str):
        secret = name == "UPWORK_CLIENT_SECRET"
        value_text = f"a value of type {type(value).__name__}" if secret else repr(value)
        raise UpworkConfigurationError(
            f"{name} must be a string, the value from the key in Upwork's API Center; got "
            f"{value_text}."
        )
    if value and not value.strip():
        raise UpworkConfigurationError(
            f"{name} contains only whitespace. Set it to the value from the key in Upwork's "
            "API Center, or remove it."
        )
    if value != value.strip():
        raise UpworkConfigurationError(
            f"{name} starts or ends with whitespace, such as a line break read from a file. "
            "Remove the whitespace."
        )
    return value


def client_id() -> str:
    """Return the OAuth2 client id, or raise ``UpworkConfigurationError`` when it is missing."""
    value = credential("UPWORK_CLIENT_ID")
    if not value:
        raise UpworkConfigurationError(
            "UPWORK_CLIENT_ID is not set. Add it to your Django settings or set the "
            "UPWORK_CLIENT_ID environment variable to the key from Upwork's API Center."
        )
    return value


def client_secret() -> str:
    """Return the OAuth2 client secret, or raise ``UpworkConfigurationError`` when it is missing."""
    value = credential("UPWORK_CLIENT_SECRET")
    if not value:
        raise UpworkConfigurationError(
            "UPWORK_CLIENT_SECRET is not set. Add it to your Django settings or set the "
            "UPWORK_CLIENT_SECRET environment variable to the secret from Upwork's API Center."
        )
    return value


def has_credentials() -> bool:
    """Return whether both credentials are set; raise when either is invalid."""
    return bool(credential("UPWORK_CLIENT_ID") and credential("UPWORK_CLIENT_SECRET"))


def redirect_uri() -> str | None:
    """Return ``UPWORK_REDIRECT_URI`` when set; the caller builds one otherwise."""
    value = _get("UPWORK_REDIRECT_URI")
    if _is_unset(value):
        return None
    return validate_url(
        "UPWORK_REDIRECT_URI",
        value,
        expected="the full callback URL, such as 'https://example.com/upwork/callback/', "
        "or remove it",
        fragment_allowed=False,
    )


def site_url_value() -> Any:
    """Return ``UPWORK_SITE_URL`` as configured, from settings or else the environment."""
    value = _get("UPWORK_SITE_URL")
    if _is_unset(value):
        value = os.environ.get("UPWORK_SITE_URL") or None
    return value


def site_url() -> str | None:
    """Return ``UPWORK_SITE_URL`` without a trailing slash, or ``None`` when it is unset."""
    value = site_url_value()
    if value is None:
        return None
    url = validate_url(
        "UPWORK_SITE_URL",
        value,
        expected="the site's scheme and host only, such as 'https://example.com', or remove it",
        fragment_allowed=False,
        site_only=True,
    )
    return url.rstrip("/")


def success_url() -> str | None:
    """Return ``UPWORK_SUCCESS_URL``, or ``None`` when it is unset.

    The value must be a path on this site that starts with "/", or an https URL on a host
    named exactly (not by a wildcard) in ``ALLOWED_HOSTS``; plain http is allowed only on
    127.0.0.1, localhost and ::1. Check E005 and the views' redirect both call this, so they
    accept the same values. Raises ``UpworkConfigurationError`` with the reason otherwise.
    """
    value = _get("UPWORK_SUCCESS_URL")
    if _is_unset(value):
        return None
    expected = (
        "a path on this site such as '/admin/', or an https URL on a host named exactly in "
        "ALLOWED_HOSTS"
    )
    if not isinstance(value, str):
        raise UpworkConfigurationError(
            f"UPWORK_SUCCESS_URL must be a URL as a string, such as '/admin/'; got {value!r}. "
            f"Set it to {expected}."
        )
    problem = _success_url_problem(value)
    if problem:
        raise UpworkConfigurationError(
            f"UPWORK_SUCCESS_URL {_without_userinfo(value)!r} is invalid: it {problem}. Set it to "
            f"{expected}."
        )
    return value


def _success_url_problem(url: str) -> str | None:
    """Return why ``url`` is not a safe redirect after connecting, or ``None`` when it is."""
    bad_character = next((char for char in url if char.isspace()), None)
    bad_character = bad_character or _first_control_character(url)
    if bad_character is not None:
        return f"contains {bad_character!r}, which a URL must percent-encode"
    if "\\" in url:
        return "contains a backslash, which browsers read as '/'"
    try:
        parts = urlsplit(url)
    except ValueError as err:
        return f"is not a valid URL ({err})"
    if url.startswith("//"):
        return "starts with '//', so browsers read it as the start of another host"
    if not parts.scheme and not parts.netloc:
        if not url.startswith("/"):
            return "is a relative URL that does not start with '/'"
    else:
        problem = _success_host_problem(url, parts)
        if problem:
            return problem
    # Django's own test, for any case the rules above miss.
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={parts.netloc}):
        return "is not a URL that Django considers safe to redirect to"
    return None


def _success_host_problem(url: str, parts: SplitResult) -> str | None:
    """Return why the absolute ``url`` is not on an allowed host, or ``None`` when it is."""
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        pass
    elif parts.scheme != "https":
        return (
            "does not use https. Plain http is allowed only on 127.0.0.1, localhost or ::1"
            if parts.scheme == "http"
            else "does not use https"
        )
    if "@" in parts.netloc:
        return "contains a user name or password before the host"
    if not _is_valid_port(_port_text(parts.netloc)):
        return "has an invalid port; a port is a number from 1 to 65535"
    allowed_hosts = _get("ALLOWED_HOSTS") or []
    exact_hosts = {host.lower() for host in allowed_hosts if host and host[0] not in ".*"}
    # ALLOWED_HOSTS writes an IPv6 address in brackets, as the Host header does.
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    if host not in exact_hosts:
        return (
            f"is on the host {host!r}, and ALLOWED_HOSTS does not name that host exactly "
            "(wildcard entries such as '.example.com' do not count), so it could be an open "
            "redirect"
        )
    return None


def api_url() -> str:
    return _endpoint_url("UPWORK_API_URL", DEFAULT_API_URL)


def authorize_url() -> str:
    return _endpoint_url("UPWORK_AUTHORIZE_URL", DEFAULT_AUTHORIZE_URL)


def token_url() -> str:
    return _endpoint_url("UPWORK_TOKEN_URL", DEFAULT_TOKEN_URL)


def job_url_prefix() -> str:
    """Return the prefix that a posting's ciphertext or id completes to its Upwork URL."""
    return _endpoint_url("UPWORK_JOB_URL_PREFIX", DEFAULT_JOB_URL_PREFIX)


def _endpoint_url(name: str, default: str) -> str:
    value = _get(name)
    if _is_unset(value):
        return default
    return validate_url(
        name,
        value,
        expected=f"an absolute URL such as {default!r}, or remove it to use the default",
    )


def _is_unset(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def is_remote_plain_http(url: str) -> bool:
    """Return whether ``url`` is plain HTTP to a host other than this machine."""
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS


def validate_url(
    name: str,
    value: Any,
    *,
    expected: str,
    fragment_allowed: bool = True,
    site_only: bool = False,
) -> str:
    """Return ``value`` when it is an absolute http or https URL; raise otherwise.

    The system checks and the code that sends or links to the URL both call this, so they
    reject the same values. ``expected`` completes the sentence "Set it to …". A fragment
    is rejected unless ``fragment_allowed``, and with ``site_only`` a path other than "/"
    or a query is rejected too. The message shows the URL with any user name and password
    replaced by ``***``.
    """
    if not isinstance(value, str):
        # Bytes are not shown, because a user name and password in them would not be hidden.
        value_text = "bytes" if isinstance(value, bytes) else repr(value)
        raise UpworkConfigurationError(
            f"{name} must be a URL as a string, such as 'https://example.com'; got {value_text}. "
            f"Set it to {expected}."
        )
    problem = _url_problem(value, fragment_allowed=fragment_allowed, site_only=site_only)
    if problem:
        raise UpworkConfigurationError(
            f"{name} {_without_userinfo(value)!r} is invalid: it {problem}. Set it to {expected}."
        )
    return value


def _url_problem(url: str, *, fragment_allowed: bool, site_only: bool) -> str | None:
    """Return why ``url`` is not a usable http or https URL, or ``None`` when it is."""
    # urlsplit() silently drops tab, CR and LF, so they are looked for before parsing.
    bad_character = next((char for char in url if char.isspace()), None)
    bad_character = bad_character or _first_control_character(url)
    if bad_character is not None:
        return f"contains {bad_character!r}, which a URL must percent-encode"
    try:
        parts = urlsplit(url)
    except ValueError as err:  # such as an unclosed IPv6 bracket in "http://["
        return f"is not a valid URL ({err})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an absolute http or https URL"
    if "@" in parts.netloc:
        return (
            "contains a user name or password before the host. They would be sent to the "
            "host or written to logs"
        )
    if not _is_valid_port(_port_text(parts.netloc)):
        return "has an invalid port; a port is a number from 1 to 65535"
    if not fragment_allowed and "#" in url:
        return "has a fragment ('#…'), and OAuth2 forbids fragments in a redirect URI"
    if site_only and (parts.path not in ("", "/") or "?" in url):
        return "has a path or a query"
    return None


def _port_text(netloc: str) -> str:
    """Return the text after the host in ``netloc``, such as ``"8000"``; empty when none."""
    host_and_port = netloc.rpartition("@")[2]
    if host_and_port.startswith("["):  # an IPv6 address, such as [::1]:8000
        return host_and_port.partition("]")[2].removeprefix(":")
    return host_and_port.partition(":")[2]


def _is_valid_port(text: str) -> bool:
    # Checked on the text, as urllib3 checks it: urlsplit's port returns 0 for ":0", and
    # older Python releases also accepted ":+80", which urllib3 rejects.
    if text == "":
        return True
    return text.isascii() and text.isdigit() and 1 <= int(text) <= 65535


def _without_userinfo(url: str) -> str:
    """Return ``url`` with the user name and password before its host replaced by ``***``."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@", r"\1***@", url)


def tenant_id() -> str | None:
    """Return the organization id for the ``X-Upwork-API-TenantId`` header, or ``None``."""
    value = _get("UPWORK_TENANT_ID")
    if value in (None, ""):
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise UpworkConfigurationError(
            f"UPWORK_TENANT_ID must be the organization id as a string, got {value!r}."
        )
    text = str(value)
    problem = _header_value_problem(text)
    if problem:
        raise UpworkConfigurationError(
            f"UPWORK_TENANT_ID {value!r} is invalid: it {problem}, so it cannot be sent in the "
            "X-Upwork-API-TenantId header. Set it to the organization id alone, such as "
            "'1234567890'."
        )
    return text


def _header_value_problem(text: str) -> str | None:
    """Return why ``text`` cannot be an HTTP header value, or ``None`` when it can.

    A control character such as CR or LF would end the header early, requests rejects
    leading whitespace, and http.client encodes header values as Latin-1. Printable ASCII
    without surrounding whitespace avoids all three.
    """
    control = _first_control_character(text)
    if control is not None:
        return f"contains the control character {control!r}"
    if text != text.strip():
        return "starts or ends with whitespace"
    if not text.isascii():
        return "contains a character outside ASCII"
    return None


def _first_control_character(text: str) -> str | None:
    """Return the first control character (Unicode category Cc) in ``text``, or ``None``."""
    return next((char for char in text if unicodedata.category(char) == "Cc"), None)


def timeout() -> tuple[float, float]:
    """Return the (connect, read) timeout in seconds; a single number sets both."""
    value = _get("UPWORK_TIMEOUT", DEFAULT_TIMEOUT)
    parts = value if isinstance(value, (tuple, list)) else (value, value)
    if len(parts) != 2 or not all(
        _is_finite_number(part) and 0 < part <= MAX_TIMEOUT for part in parts
    ):
        raise UpworkConfigurationError(
            f"UPWORK_TIMEOUT must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}, "
            f"or a (connect, read) pair of them, such as (5, 30); got {value!r}."
        )
    return (float(parts[0]), float(parts[1]))


def cache_max_age() -> timedelta:
    """Return how long a cached posting may be read: above 0 and at most ``MAX_CACHE_AGE``."""
    max_age = _duration(
        "UPWORK_CACHE_MAX_AGE",
        DEFAULT_CACHE_MAX_AGE,
        range_text="above 0 and at most 24 hours",
        example="timedelta(hours=23)",
    )
    if max_age > MAX_CACHE_AGE:
        raise UpworkConfigurationError(
            "UPWORK_CACHE_MAX_AGE must be at most 24 hours, because Upwork's terms forbid "
            f"keeping API data longer; got {_shown(_get('UPWORK_CACHE_MAX_AGE'))}. Use a value "
            "such as timedelta(hours=23), the default."
        )
    return max_age


def rate_limit() -> int:
    """Return the number of requests allowed per minute; 0 turns the limiter off."""
    return _whole_number("UPWORK_RATE_LIMIT", DEFAULT_RATE_LIMIT, minimum=0)


def rate_limit_max_wait() -> float:
    """Return the seconds a caller may wait for a rate-limit slot."""
    return _seconds("UPWORK_RATE_LIMIT_MAX_WAIT", DEFAULT_RATE_LIMIT_MAX_WAIT)


def rate_limit_key() -> str:
    """Return the cache key scope of the limiter, such as one per egress IP address."""
    value = _get("UPWORK_RATE_LIMIT_KEY", "default")
    if not (
        isinstance(value, str)
        and 0 < len(value) <= MAX_RATE_LIMIT_KEY_LENGTH
        and value.isascii()
        and value.isprintable()
        and " " not in value
    ):
        # Memcached rejects keys with spaces or control characters, and long keys.
        raise UpworkConfigurationError(
            f"UPWORK_RATE_LIMIT_KEY must be 1 to {MAX_RATE_LIMIT_KEY_LENGTH} printable ASCII "
            f"characters without spaces, such as 'egress-203.0.113.7'; got {value!r}."
        )
    return value


def rate_limit_cache_alias() -> str:
    """Return the alias of the cache in ``CACHES`` that stores the limiter's state."""
    value = _get("UPWORK_RATE_LIMIT_CACHE", "default")
    caches_setting = _get("CACHES")
    if not (
        isinstance(value, str) and isinstance(caches_setting, dict) and value in caches_setting
    ):
        raise UpworkConfigurationError(
            f"UPWORK_RATE_LIMIT_CACHE is {value!r}, which is not a key of CACHES. Set it to "
            "the alias of a cache in CACHES, such as 'default'."
        )
    return value


def max_retries() -> int:
    return _whole_number("UPWORK_MAX_RETRIES", DEFAULT_MAX_RETRIES, minimum=0)


def retry_max_time() -> float:
    return _seconds("UPWORK_RETRY_MAX_TIME", DEFAULT_RETRY_MAX_TIME)


def retry_backoff() -> float:
    """Return the first retry delay in seconds; later ones double, with jitter."""
    return _seconds("UPWORK_RETRY_BACKOFF", DEFAULT_RETRY_BACKOFF)


def purge_interval() -> timedelta:
    """Return how often the purge runs: a whole number of seconds from one to 24 hours.

    django-celery-beat's ``IntervalSchedule`` stores whole seconds, so a fraction would be
    cut off, and an interval under a second would become zero.
    """
    interval = _duration("UPWORK_PURGE_INTERVAL", DEFAULT_PURGE_INTERVAL)
    if interval < timedelta(seconds=1) or interval.microseconds:
        raise UpworkConfigurationError(
            f"UPWORK_PURGE_INTERVAL must be a whole number of seconds, at least 1, because "
            f"django-celery-beat stores the interval in whole seconds; got "
            f"{_get('UPWORK_PURGE_INTERVAL')!r}. Use a value such as timedelta(hours=1)."
        )
    if interval > MAX_CACHE_AGE:
        raise UpworkConfigurationError(
            f"UPWORK_PURGE_INTERVAL must be at most 24 hours, because Upwork allows keeping "
            f"its data for 24 hours at most; got {_get('UPWORK_PURGE_INTERVAL')!r}. Use a "
            "value such as timedelta(hours=1)."
        )
    return interval


def purge_batch_size() -> int:
    return _whole_number(
        "UPWORK_PURGE_BATCH_SIZE", DEFAULT_PURGE_BATCH_SIZE, minimum=1, maximum=MAX_ROW_COUNT
    )


def connect_permission() -> str:
    """Return what a user needs to start a connection.

    That is ``is_staff``, ``is_superuser`` or a permission name such as
    ``django_upwork.change_oauthtoken``.
    """
    value = _get("UPWORK_CONNECT_PERMISSION", DEFAULT_CONNECT_PERMISSION)
    if not isinstance(value, str) or (
        value not in ("is_staff", "is_superuser") and not _PERMISSION_NAME.fullmatch(value)
    ):
        raise UpworkConfigurationError(
            "UPWORK_CONNECT_PERMISSION must be 'is_staff', 'is_superuser' or a permission "
            f"name such as 'django_upwork.change_oauthtoken'; got {value!r}."
        )
    return value


def token_encryption_keys() -> list[str]:
    """Return the Fernet keys for token encryption at rest, newest first; empty when off.

    The setting is one key or several separated by commas, as str or as the bytes that
    ``Fernet.generate_key()`` returns, or a list or tuple of such keys. Error messages name
    the type or position of a bad key but never its value, because keys are secrets.
    """
    value = _get("UPWORK_TOKEN_ENCRYPTION_KEY") or os.environ.get("UPWORK_TOKEN_ENCRYPTION_KEY")
    if not value:
        return []
    if isinstance(value, (str, bytes)):
        return _split_keys(_key_text(value, "UPWORK_TOKEN_ENCRYPTION_KEY"))
    if not isinstance(value, (list, tuple)):
        raise UpworkConfigurationError(
            "UPWORK_TOKEN_ENCRYPTION_KEY must be a Fernet key as str or bytes, or a list of "
            f"them; got a value of type {type(value).__name__}."
        )
    keys = []
    for index, key in enumerate(value):
        where = f"Key number {index + 1} in UPWORK_TOKEN_ENCRYPTION_KEY"
        if not isinstance(key, (str, bytes)):
            raise UpworkConfigurationError(
                f"{where} must be a Fernet key as str or bytes; got a value of type "
                f"{type(key).__name__}."
            )
        keys.extend(_split_keys(_key_text(key, where)))
    return keys


def _key_text(key: str | bytes, where: str) -> str:
    if isinstance(key, str):
        return key
    try:
        return key.decode("ascii")
    except UnicodeDecodeError:
        raise UpworkConfigurationError(
            f"{where} contains bytes that are not ASCII, so it is not a Fernet key."
        ) from None


def _split_keys(text: str) -> list[str]:
    return [key.strip() for key in text.split(",") if key.strip()]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_finite_number(value: Any) -> bool:
    """Return whether ``value`` is an int or float that converts to a finite float."""
    if not _is_number(value):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _duration(
    name: str,
    default: timedelta,
    *,
    range_text: str = "above 0",
    example: str = "timedelta(hours=1)",
) -> timedelta:
    value = _get(name, default)
    duration: Any = value
    if _is_finite_number(value):
        try:
            duration = timedelta(seconds=value)
        except OverflowError:  # beyond timedelta.max, about 2.7 million years
            duration = None
    if not isinstance(duration, timedelta) or duration <= timedelta(0):
        raise UpworkConfigurationError(
            f"{name} must be a timedelta or a finite number of seconds {range_text}, such as "
            f"{example}; got {_shown(value)}."
        )
    return duration


def _shown(value: Any) -> str:
    """Return ``repr(value)`` for a message, shortened to 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}… ({len(text)} characters)"


def _seconds(name: str, default: float) -> float:
    value = _get(name, default)
    if not _is_finite_number(value) or value < 0:
        raise UpworkConfigurationError(
            f"{name} must be a finite number of seconds of 0 or more; got {value!r}."
        )
    return float(value)


def _whole_number(name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    value = _get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UpworkConfigurationError(
            f"{name} must be a whole number of {minimum} or more; got {value!r}."
        )
    if maximum is not None and value > maximum:
        raise UpworkConfigurationError(
            f"{name} must be a whole number from {minimum} to {maximum}; got {value!r}."
        )
    return value


def user_agent() -> str:
    from django_upwork import __version__

    return f"django-upwork/{__version__}"
