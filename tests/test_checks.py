"""System checks report each bad setting with a stable id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

from django_upwork import conf, services
from django_upwork.checks import (
    check_plain_http_callback,
    check_rate_limit_cache,
    check_rate_limit_cache_sharing,
    check_settings,
    check_token_encryption,
)
from django_upwork.exceptions import UpworkConfigurationError
from tests.factories import create_postings


def ids(messages):
    return [message.id for message in messages]


def test_defaults_are_clean(settings):
    assert ids(check_settings()) == []


@pytest.mark.parametrize(
    ("name", "value", "check_id"),
    [
        ("UPWORK_CACHE_MAX_AGE", timedelta(hours=25), "django_upwork.E001"),
        ("UPWORK_CACHE_MAX_AGE", timedelta(0), "django_upwork.E001"),
        ("UPWORK_CACHE_MAX_AGE", "23h", "django_upwork.E001"),
        ("UPWORK_RATE_LIMIT", -1, "django_upwork.E002"),
        ("UPWORK_RATE_LIMIT", "300", "django_upwork.E002"),
        ("UPWORK_TIMEOUT", 0, "django_upwork.E003"),
        ("UPWORK_TIMEOUT", (5, -1), "django_upwork.E003"),
        ("UPWORK_API_URL", "api.upwork.com/graphql", "django_upwork.E004"),
        ("UPWORK_SITE_URL", "example.com", "django_upwork.E004"),
        ("UPWORK_SUCCESS_URL", "https://evil.example/", "django_upwork.E005"),
        ("UPWORK_SUCCESS_URL", "//evil.example/", "django_upwork.E005"),
        ("UPWORK_SUCCESS_URL", "/\\evil.example/", "django_upwork.E005"),
        ("UPWORK_SUCCESS_URL", "javascript:alert(1)", "django_upwork.E005"),
        ("UPWORK_SITE_URL", "https://example.com/sub/", "django_upwork.E004"),
        ("UPWORK_SITE_URL", "https://example.com?x=1", "django_upwork.E004"),
        ("UPWORK_PURGE_INTERVAL", "1h", "django_upwork.E008"),
        ("UPWORK_PURGE_INTERVAL", 0, "django_upwork.E008"),
        ("UPWORK_PURGE_INTERVAL", timedelta(hours=-1), "django_upwork.E008"),
        ("UPWORK_PURGE_INTERVAL", timedelta(hours=2), "django_upwork.E010"),
        ("UPWORK_PURGE_BATCH_SIZE", 0, "django_upwork.E008"),
        ("UPWORK_PURGE_BATCH_SIZE", 2**31, "django_upwork.E008"),
        ("UPWORK_PURGE_BATCH_SIZE", 10**20, "django_upwork.E008"),
        ("UPWORK_RATE_LIMIT_MAX_WAIT", -1, "django_upwork.E008"),
        ("UPWORK_RATE_LIMIT_MAX_WAIT", "30", "django_upwork.E008"),
        ("UPWORK_MAX_RETRIES", -1, "django_upwork.E008"),
        ("UPWORK_RETRY_BACKOFF", -0.5, "django_upwork.E008"),
        ("UPWORK_TENANT_ID", 5.5, "django_upwork.E008"),
        ("UPWORK_CONNECT_PERMISSION", "is_stafff", "django_upwork.E008"),
        ("UPWORK_RATE_LIMIT_CACHE", "redis", "django_upwork.E009"),
        ("UPWORK_RATE_LIMT", 100, "django_upwork.W006"),
        ("UPWORK_TOKEN_ENCRYPTION_KEY", "not-a-key", "django_upwork.E007"),
        ("USE_TZ", False, "django_upwork.W003"),
    ],
)
def test_bad_setting_is_reported(settings, name, value, check_id):
    setattr(settings, name, value)

    messages = check_settings()

    assert ids(messages) == [check_id]
    assert messages[0].hint


@pytest.mark.parametrize("name", ["UPWORK_CLIENT_ID", "UPWORK_CLIENT_SECRET"])
def test_missing_credentials_warn(settings, monkeypatch, name):
    setattr(settings, name, "")
    monkeypatch.delenv(name, raising=False)

    assert ids(check_settings()) == [
        {"UPWORK_CLIENT_ID": "django_upwork.W001", "UPWORK_CLIENT_SECRET": "django_upwork.W002"}[
            name
        ]
    ]


def test_credentials_from_environment(settings, monkeypatch):
    del settings.UPWORK_CLIENT_ID
    monkeypatch.setenv("UPWORK_CLIENT_ID", "from-env")

    from django_upwork import conf

    assert conf.client_id() == "from-env"
    assert ids(check_settings()) == []


def test_misspelled_setting_gets_suggestion(settings):
    settings.UPWORK_RATE_LIMT = 100

    (message,) = check_settings()

    assert message.hint == "Did you mean UPWORK_RATE_LIMIT?"


def test_purge_interval_and_max_age_within_a_day(settings):
    settings.UPWORK_CACHE_MAX_AGE = timedelta(hours=20)
    settings.UPWORK_PURGE_INTERVAL = timedelta(hours=4)

    assert ids(check_settings()) == []


def test_success_path_and_allowed_host_pass(settings):
    settings.UPWORK_SUCCESS_URL = "/admin/"
    assert ids(check_settings()) == []
    settings.UPWORK_SUCCESS_URL = "https://localhost/done/"
    assert ids(check_settings()) == []


def test_plain_token_storage_warns_on_deploy(settings):
    assert ids(check_token_encryption()) == ["django_upwork.W004"]
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = "x" * 43 + "="
    assert ids(check_token_encryption()) == []


def test_missing_client_id_error_names_the_fix(settings, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from django_upwork import conf

    settings.UPWORK_CLIENT_ID = ""
    monkeypatch.delenv("UPWORK_CLIENT_ID", raising=False)

    with pytest.raises(ImproperlyConfigured, match="UPWORK_CLIENT_ID environment variable"):
        conf.client_id()


@pytest.mark.parametrize("name", ["UPWORK_API_URL", "UPWORK_AUTHORIZE_URL", "UPWORK_TOKEN_URL"])
def test_plain_http_endpoint_off_loopback(settings, name):
    setattr(settings, name, "http://upwork.example/oauth")

    messages = check_settings()
    assert ids(messages) == ["django_upwork.E004"]
    assert name in messages[0].msg
    assert "'http://upwork.example/oauth'" in messages[0].msg
    assert "https" in messages[0].hint
    for loopback in ("127.0.0.1", "localhost", "[::1]"):
        setattr(settings, name, f"http://{loopback}:8765/oauth")
        assert ids(check_settings()) == [], loopback


NON_FINITE = [float("nan"), float("inf"), float("-inf")]
# An int too large for a float, which math and timedelta reject with OverflowError.
HUGE_INT = 10**400
HUGE_INT_PARAM = pytest.param(HUGE_INT, id="10**400")


# Durations must also fit a timedelta, so they get the huge values besides the non-finite ones.
OUT_OF_RANGE_NUMBERS = [
    *(
        (name, check_id, value)
        for name, check_id in [
            ("UPWORK_CACHE_MAX_AGE", "django_upwork.E001"),
            ("UPWORK_PURGE_INTERVAL", "django_upwork.E008"),
        ]
        for value in [10**20, -(10**20), HUGE_INT, 1e300, *NON_FINITE]
    ),
    *(
        (name, check_id, value)
        for name, check_id in [
            ("UPWORK_TIMEOUT", "django_upwork.E003"),
            ("UPWORK_RATE_LIMIT_MAX_WAIT", "django_upwork.E008"),
            ("UPWORK_RETRY_MAX_TIME", "django_upwork.E008"),
            ("UPWORK_RETRY_BACKOFF", "django_upwork.E008"),
        ]
        for value in NON_FINITE
    ),
]


@pytest.mark.parametrize(
    ("name", "check_id", "value"),
    OUT_OF_RANGE_NUMBERS,
    ids=lambda part: "10**400" if part is HUGE_INT else None,
)
def test_out_of_range_number_reported(settings, name, check_id, value):
    setattr(settings, name, value)

    messages = check_settings()

    assert ids(messages) == [check_id]
    assert name in messages[0].msg
    if value is HUGE_INT:
        # A value of hundreds of digits is cut short in the message.
        assert f"got {repr(value)[:60]}… (401 characters)." in messages[0].msg
    else:
        assert repr(value) in messages[0].msg


@pytest.mark.parametrize(
    ("name", "getter"),
    [
        ("UPWORK_TIMEOUT", conf.timeout),
        ("UPWORK_RATE_LIMIT_MAX_WAIT", conf.rate_limit_max_wait),
        ("UPWORK_RETRY_MAX_TIME", conf.retry_max_time),
        ("UPWORK_RETRY_BACKOFF", conf.retry_backoff),
        ("UPWORK_CACHE_MAX_AGE", conf.cache_max_age),
        ("UPWORK_PURGE_INTERVAL", conf.purge_interval),
    ],
)
@pytest.mark.parametrize("value", [*NON_FINITE, HUGE_INT_PARAM])
def test_non_finite_accessor_raises(settings, name, getter, value):
    setattr(settings, name, value)

    with pytest.raises(UpworkConfigurationError, match=name):
        getter()


@pytest.mark.django_db
def test_cache_max_age_over_a_day_stops_reads(settings):
    # A web or Celery process never runs the system checks, so the setting is checked where
    # it is read: no read may serve a row older than Upwork's terms allow.
    create_postings(1, timezone.now() - timedelta(hours=30))
    settings.UPWORK_CACHE_MAX_AGE = timedelta(hours=24, seconds=1)

    for read in (services.list_job_postings, lambda: services.get_job_posting("1")):
        with pytest.raises(
            UpworkConfigurationError, match="UPWORK_CACHE_MAX_AGE must be at most 24 hours"
        ):
            read()

    settings.UPWORK_CACHE_MAX_AGE = timedelta(hours=24)
    assert services.list_job_postings() == []


@pytest.mark.parametrize("value", [float("nan"), (5, float("inf")), 10**10, (5, 86401)])
def test_timeout_beyond_one_day_rejected(settings, value):
    settings.UPWORK_TIMEOUT = value

    with pytest.raises(UpworkConfigurationError, match="UPWORK_TIMEOUT"):
        conf.timeout()


def test_timeout_of_one_day_accepted(settings):
    settings.UPWORK_TIMEOUT = (5, 86400)

    assert conf.timeout() == (5.0, 86400.0)


@pytest.mark.parametrize(
    "interval",
    [
        timedelta(hours=24, seconds=1),
        timedelta(seconds=2**31),
        # timedelta.max less its microseconds, which the purge interval may not have.
        timedelta(days=999_999_999, seconds=86399),
    ],
)
def test_purge_interval_over_a_day(settings, interval):
    settings.UPWORK_PURGE_INTERVAL = interval

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E008"]
    assert "UPWORK_PURGE_INTERVAL must be at most 24 hours" in messages[0].msg
    with pytest.raises(UpworkConfigurationError) as raised:
        conf.purge_interval()
    assert str(raised.value) == messages[0].msg


def test_long_rate_limit_wait_accepted(settings):
    # The limiter keeps its log as long as the farthest slot it reserved, so any finite wait
    # is valid.
    settings.UPWORK_RATE_LIMIT_MAX_WAIT = 600

    assert ids(check_settings()) == []
    assert conf.rate_limit_max_wait() == 600


def test_encryption_key_as_bytes_accepted(settings):
    key = Fernet.generate_key()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = key

    assert conf.token_encryption_keys() == [key.decode()]
    assert ids(check_settings()) == []
    assert ids(check_token_encryption()) == []


def test_encryption_keys_mixed_list_accepted(settings):
    new_key, old_key = Fernet.generate_key(), Fernet.generate_key().decode()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = (new_key, old_key)

    assert conf.token_encryption_keys() == [new_key.decode(), old_key]
    assert ids(check_settings()) == []


def test_encryption_keys_comma_separated_bytes(settings):
    new_key, old_key = Fernet.generate_key(), Fernet.generate_key()
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = new_key + b", " + old_key

    assert conf.token_encryption_keys() == [new_key.decode(), old_key.decode()]


@pytest.mark.parametrize(
    "value",
    [
        12345,
        float("nan"),
        {"key": "value"},
        [12345],
        ["x" * 43 + "=", None],
        b"\xff" * 44,
        [b"\xfe" * 44],
    ],
)
def test_encryption_key_of_wrong_type_reported(settings, value):
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = value

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E007"]
    assert "UPWORK_TOKEN_ENCRYPTION_KEY" in messages[0].msg
    assert messages[0].hint
    assert check_token_encryption() == []
    with pytest.raises(UpworkConfigurationError, match="UPWORK_TOKEN_ENCRYPTION_KEY"):
        conf.token_encryption_keys()


@pytest.mark.parametrize("value", [12345, b"\xffsecret-bytes", ["x" * 43 + "=", 987654]])
def test_encryption_key_message_hides_value(settings, value):
    settings.UPWORK_TOKEN_ENCRYPTION_KEY = value

    (message,) = check_settings()

    for secret in ("12345", "secret-bytes", "xxxx", "987654"):
        assert secret not in message.msg
        assert secret not in message.hint


@pytest.mark.parametrize(
    ("name", "getter"),
    [
        ("UPWORK_SITE_URL", conf.site_url),
        ("UPWORK_REDIRECT_URI", conf.redirect_uri),
        ("UPWORK_SUCCESS_URL", conf.success_url),
    ],
)
@pytest.mark.parametrize("value", [123, b"https://example.com", ["https://example.com"]])
def test_url_setting_of_wrong_type(settings, name, getter, value):
    setattr(settings, name, value)

    with pytest.raises(UpworkConfigurationError, match=name):
        getter()
    messages = check_settings()
    assert ids(messages) == [
        {"UPWORK_SUCCESS_URL": "django_upwork.E005"}.get(name, "django_upwork.E004")
    ]
    assert name in messages[0].msg


def test_site_url_from_environment_checked(settings, monkeypatch):
    del settings.UPWORK_SITE_URL
    monkeypatch.setenv("UPWORK_SITE_URL", "example.com")

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E004"]
    assert "UPWORK_SITE_URL" in messages[0].msg


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("UPWORK_SITE_URL", "http://jobs.example.com"),
        ("UPWORK_REDIRECT_URI", "http://jobs.example.com/upwork/callback/"),
    ],
)
def test_plain_http_callback_warns_on_deploy(settings, name, value):
    settings.UPWORK_SITE_URL = "https://jobs.example.com"
    setattr(settings, name, value)

    messages = check_plain_http_callback()

    assert ids(messages) == ["django_upwork.W007"]
    assert name in messages[0].msg
    assert repr(value) in messages[0].msg
    assert messages[0].hint
    assert ids(check_settings()) == []


def test_plain_http_callback_from_environment_warns(settings, monkeypatch):
    del settings.UPWORK_SITE_URL
    monkeypatch.setenv("UPWORK_SITE_URL", "http://jobs.example.com")

    assert ids(check_plain_http_callback()) == ["django_upwork.W007"]


@pytest.mark.parametrize(
    "value",
    [
        "https://jobs.example.com",
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "http://[::1]:8000",
        123,
        "jobs.example.com",
    ],
)
def test_no_plain_http_callback_warning(settings, value):
    settings.UPWORK_SITE_URL = value
    settings.UPWORK_REDIRECT_URI = value

    assert check_plain_http_callback() == []


class SharedLocMemCache(LocMemCache):
    """A LocMemCache subclass, to show that the checks look at the class, not the path."""


CACHE_BACKENDS = {
    "dummy": "django.core.cache.backends.dummy.DummyCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "filebased": "django.core.cache.backends.filebased.FileBasedCache",
    "database": "django.core.cache.backends.db.DatabaseCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "memcached": "django.core.cache.backends.memcached.PyMemcacheCache",
    "locmem-subclass": f"{__name__}.SharedLocMemCache",
    "missing": "no.such.module.Cache",
}


def use_limiter_cache(settings, backend):
    settings.UPWORK_RATE_LIMIT = 300
    # Nothing connects to these caches: the checks only import the backend class.
    settings.CACHES = {
        "default": {"BACKEND": CACHE_BACKENDS["locmem"]},
        "limiter": {"BACKEND": CACHE_BACKENDS[backend], "LOCATION": "127.0.0.1:1"},
    }
    settings.UPWORK_RATE_LIMIT_CACHE = "limiter"


def test_dummy_limiter_cache_warns(settings):
    use_limiter_cache(settings, "dummy")

    messages = check_rate_limit_cache()

    assert ids(messages) == ["django_upwork.W008"]
    assert "'limiter'" in messages[0].msg
    assert "DummyCache" in messages[0].msg
    assert "UPWORK_RATE_LIMIT = 0" in messages[0].hint
    assert check_rate_limit_cache_sharing() == []


def test_dummy_default_cache_warns(settings):
    settings.UPWORK_RATE_LIMIT = 300
    del settings.UPWORK_RATE_LIMIT_CACHE
    settings.CACHES = {"default": {"BACKEND": CACHE_BACKENDS["dummy"]}}

    assert ids(check_rate_limit_cache()) == ["django_upwork.W008"]


def test_dummy_cache_silent_when_limiter_off(settings):
    use_limiter_cache(settings, "dummy")
    settings.UPWORK_RATE_LIMIT = 0

    assert check_rate_limit_cache() == []


@pytest.mark.parametrize("backend", ["locmem", "filebased", "locmem-subclass"])
def test_unshared_limiter_cache_warns_on_deploy(settings, backend):
    use_limiter_cache(settings, backend)

    messages = check_rate_limit_cache_sharing()

    assert ids(messages) == ["django_upwork.W009"]
    assert "'limiter'" in messages[0].msg
    assert CACHE_BACKENDS[backend] in messages[0].msg
    assert "Redis" in messages[0].hint
    assert check_rate_limit_cache() == []


@pytest.mark.parametrize("backend", ["database", "redis", "memcached", "missing"])
def test_shared_limiter_cache_passes(settings, backend):
    use_limiter_cache(settings, backend)

    assert check_rate_limit_cache() == []
    assert check_rate_limit_cache_sharing() == []


def test_unshared_cache_silent_when_limiter_off(settings):
    use_limiter_cache(settings, "locmem")
    settings.UPWORK_RATE_LIMIT = 0

    assert check_rate_limit_cache_sharing() == []


def test_limiter_cache_checks_skip_unknown_alias(settings):
    settings.UPWORK_RATE_LIMIT = 300
    settings.UPWORK_RATE_LIMIT_CACHE = "redis"

    assert check_rate_limit_cache() == []
    assert check_rate_limit_cache_sharing() == []
    assert ids(check_settings()) == ["django_upwork.E009"]


@pytest.mark.django_db
def test_purge_schedule_hint_names_cron_command(settings):
    from django_celery_beat.models import PeriodicTask

    from django_upwork.checks import check_purge_schedule
    from django_upwork.services.schedule import PURGE_TASK_NAME

    settings.CELERY_BEAT_SCHEDULE = {}
    PeriodicTask.objects.filter(task=PURGE_TASK_NAME).delete()

    (message,) = check_purge_schedule(None, databases=["default"])

    assert message.id == "django_upwork.W005"
    assert "manage.py purge_upwork_cache" in message.hint
    assert "SILENCED_SYSTEM_CHECKS" in message.hint


ODD_VALUES = [
    None,
    "",
    "x",
    "http://[",
    "http://example.com:99999",
    0,
    -1,
    10**20,
    HUGE_INT_PARAM,
    1e308,
    *NON_FINITE,
    True,
    b"x",
    b"\xff",
    [],
    [1],
    (1, 2, 3),
    {},
    {"key": 1},
    pytest.param(object(), id="object"),
    timedelta.max,
    timedelta.min,
]
ACCESSORS = [
    conf.client_id,
    conf.client_secret,
    conf.has_credentials,
    conf.redirect_uri,
    conf.site_url,
    conf.success_url,
    conf.api_url,
    conf.authorize_url,
    conf.token_url,
    conf.job_url_prefix,
    conf.tenant_id,
    conf.timeout,
    conf.cache_max_age,
    conf.rate_limit,
    conf.rate_limit_max_wait,
    conf.rate_limit_key,
    conf.rate_limit_cache_alias,
    conf.max_retries,
    conf.retry_max_time,
    conf.retry_backoff,
    conf.purge_interval,
    conf.purge_batch_size,
    conf.connect_permission,
    conf.token_encryption_keys,
]


@pytest.mark.parametrize("name", conf.SETTING_NAMES)
@pytest.mark.parametrize("value", ODD_VALUES)
def test_any_value_reported_not_raised(settings, name, value):
    setattr(settings, name, value)

    messages = [
        *check_settings(),
        *check_token_encryption(),
        *check_plain_http_callback(),
        *check_rate_limit_cache(),
        *check_rate_limit_cache_sharing(),
    ]

    for message in messages:
        assert message.id.startswith("django_upwork."), message
    for accessor in ACCESSORS:
        try:
            accessor()
        except UpworkConfigurationError as err:
            assert "UPWORK_" in str(err), accessor.__name__


def test_urls_included_pass(settings):
    from django_upwork.checks import check_urls_included

    assert check_urls_included() == []


def test_urls_missing_warns(settings):
    from django_upwork.checks import check_urls_included

    settings.ROOT_URLCONF = "tests.urls_admin_only"

    messages = check_urls_included()

    assert ids(messages) == ["django_upwork.W010"]
    assert "'tests.urls_admin_only'" in messages[0].msg
    assert "django_upwork:authorize" in messages[0].msg
    assert 'path("upwork/", include("django_upwork.urls"))' in messages[0].hint


@pytest.mark.parametrize("urlconf", ["tests.no_such_urls_module", "django_upwork.views"])
def test_broken_urlconf_left_to_django(settings, urlconf):
    from django_upwork.checks import check_urls_included

    # A missing module raises ImportError and a module without urlpatterns
    # ImproperlyConfigured; Django's own URL check reports both.
    settings.ROOT_URLCONF = urlconf

    assert check_urls_included() == []
