"""Settings that the system checks report are rejected the same way where they are read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from django_upwork import conf, services
from django_upwork.checks import check_settings
from django_upwork.client.ratelimit import RateLimiter
from django_upwork.exceptions import UpworkConfigurationError
from django_upwork.models import JobPosting
from django_upwork.services.schedule import register_purge_schedule
from tests.conftest import graphql_hits
from tests.factories import create_postings


def error_message(getter):
    """Call ``getter`` and return the message of the UpworkConfigurationError it raises."""
    with pytest.raises(UpworkConfigurationError) as raised:
        getter()
    return str(raised.value)


def ids(messages):
    return [message.id for message in messages]


# -- UPWORK_TENANT_ID ---------------------------------------------------------------------------

HEADER_BREAKING_TENANTS = [
    "424242\r\nX-Injected: 1",
    "424242\n",
    "4242\x0042",
    "\t424242",
    "4242\x7f",
    " 424242",
    "424242 ",
    "4242\u20ac",
]


@pytest.mark.parametrize("value", HEADER_BREAKING_TENANTS)
def test_tenant_header_breaker_reported(settings, value):
    settings.UPWORK_TENANT_ID = value

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E008"]
    assert "UPWORK_TENANT_ID" in messages[0].msg
    assert repr(value) in messages[0].msg
    with pytest.raises(UpworkConfigurationError, match="UPWORK_TENANT_ID") as raised:
        conf.tenant_id()
    assert str(raised.value) == messages[0].msg


def test_tenant_header_breaker_sends_nothing(connected, emulator, settings):
    settings.UPWORK_TENANT_ID = "424242\r\nX-Injected: 1"

    with pytest.raises(UpworkConfigurationError, match="UPWORK_TENANT_ID"):
        services.search_job_postings()

    assert graphql_hits(emulator) == 0


@pytest.mark.parametrize("value", ["424242", 424242, "org-42_a.b"])
def test_tenant_id_accepted(settings, value):
    settings.UPWORK_TENANT_ID = value

    assert ids(check_settings()) == []
    assert conf.tenant_id() == str(value)


# -- URL settings -------------------------------------------------------------------------------

URL_GETTERS = {
    "UPWORK_API_URL": conf.api_url,
    "UPWORK_AUTHORIZE_URL": conf.authorize_url,
    "UPWORK_TOKEN_URL": conf.token_url,
    "UPWORK_JOB_URL_PREFIX": conf.job_url_prefix,
    "UPWORK_REDIRECT_URI": conf.redirect_uri,
    "UPWORK_SITE_URL": conf.site_url,
}
BAD_URLS = [
    "https://upwork.example:99999/",
    "https://upwork.example:abc/",
    "https://upwork.example:0/",
    "https://upwork.example:-1/",
    "https://:443/",
    "https://upwork.example/graph ql",
    "https://upwork.example/\r\nX-Injected: 1",
    "https://upwork.example\x00/",
    "javascript:alert(1)//",
    "ftp://upwork.example/",
]


@pytest.mark.parametrize("name", URL_GETTERS)
@pytest.mark.parametrize("value", BAD_URLS)
def test_bad_url_reported_and_raised(settings, name, value):
    setattr(settings, name, value)

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E004"]
    assert name in messages[0].msg
    assert repr(value) in messages[0].msg
    assert error_message(URL_GETTERS[name]) == messages[0].msg


@pytest.mark.parametrize("name", URL_GETTERS)
@pytest.mark.parametrize(
    "value", ["https://user:hunter2@upwork.example/", "https://hunter2@upwork.example/"]
)
def test_url_userinfo_rejected_unshown(settings, name, value):
    setattr(settings, name, value)

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E004"]
    assert name in messages[0].msg
    assert "'https://***@upwork.example/'" in messages[0].msg
    assert error_message(URL_GETTERS[name]) == messages[0].msg
    assert "hunter2" not in messages[0].msg
    assert "hunter2" not in messages[0].hint


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("UPWORK_REDIRECT_URI", "https://example.com/upwork/callback/#done"),
        ("UPWORK_REDIRECT_URI", "https://example.com/upwork/callback/#"),
        ("UPWORK_SITE_URL", "https://example.com#top"),
        ("UPWORK_SITE_URL", "https://example.com/#"),
    ],
)
def test_callback_url_fragment_rejected(settings, name, value):
    setattr(settings, name, value)

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E004"]
    assert "fragment" in messages[0].msg
    assert error_message(URL_GETTERS[name]) == messages[0].msg


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("UPWORK_API_URL", "https://api.upwork.com:443/graphql"),
        ("UPWORK_TOKEN_URL", "http://[::1]:8765/token"),
        ("UPWORK_AUTHORIZE_URL", "http://localhost:8765/authorize?x=1#y"),
        ("UPWORK_JOB_URL_PREFIX", "https://www.upwork.com/freelance-jobs/apply/"),
        ("UPWORK_REDIRECT_URI", "https://example.com/upwork/callback/?site=1"),
        ("UPWORK_SITE_URL", "https://example.com:8443/"),
    ],
)
def test_good_url_accepted(settings, name, value):
    setattr(settings, name, value)

    assert ids(check_settings()) == []
    assert URL_GETTERS[name]() == (value.rstrip("/") if name == "UPWORK_SITE_URL" else value)


@pytest.mark.parametrize(
    ("name", "default"),
    [
        ("UPWORK_API_URL", conf.DEFAULT_API_URL),
        ("UPWORK_AUTHORIZE_URL", conf.DEFAULT_AUTHORIZE_URL),
        ("UPWORK_TOKEN_URL", conf.DEFAULT_TOKEN_URL),
        ("UPWORK_JOB_URL_PREFIX", conf.DEFAULT_JOB_URL_PREFIX),
        ("UPWORK_REDIRECT_URI", None),
    ],
)
@pytest.mark.parametrize("value", [None, ""])
def test_empty_url_means_default(settings, name, default, value):
    setattr(settings, name, value)

    assert ids(check_settings()) == []
    assert URL_GETTERS[name]() == default


def test_bad_api_port_sends_nothing(connected, emulator, settings):
    settings.UPWORK_API_URL = emulator.graphql_url.replace(f":{emulator.port}", ":99999")

    with pytest.raises(UpworkConfigurationError, match="UPWORK_API_URL"):
        services.search_job_postings()

    assert graphql_hits(emulator) == 0


def test_redirect_fragment_stops_connecting(emulator, settings):
    settings.UPWORK_REDIRECT_URI = "https://example.com/upwork/callback/#done"

    with pytest.raises(UpworkConfigurationError, match="UPWORK_REDIRECT_URI"):
        services.get_authorization_url(state="state-1")


@pytest.mark.django_db
def test_bad_job_url_prefix_raised_on_read(settings):
    upwork_id = create_postings(1, timezone.now())[0]
    posting = JobPosting.objects.get(upwork_id=upwork_id)
    assert posting.url == f"{conf.DEFAULT_JOB_URL_PREFIX}{upwork_id}"
    settings.UPWORK_JOB_URL_PREFIX = "javascript:alert(1)//"

    with pytest.raises(UpworkConfigurationError, match="UPWORK_JOB_URL_PREFIX"):
        posting.url  # noqa: B018 - the property reads the setting


def test_bad_job_url_prefix_keeps_admin_open(staff_client, settings):
    upwork_id = create_postings(1, timezone.now())[0]
    posting = JobPosting.objects.get(upwork_id=upwork_id)
    settings.UPWORK_JOB_URL_PREFIX = "javascript:alert(1)//"

    changelist = staff_client.get("/admin/django_upwork/jobposting/")
    detail = staff_client.get(f"/admin/django_upwork/jobposting/{posting.pk}/change/")

    for page in (changelist, detail):
        assert page.status_code == 200
        assert "javascript:" not in page.content.decode()


# -- UPWORK_PURGE_INTERVAL ----------------------------------------------------------------------

PARTIAL_SECOND_INTERVALS = [
    timedelta(milliseconds=500),
    timedelta(microseconds=1),
    0.5,
    1.5,
    timedelta(seconds=90, microseconds=1),
]


@pytest.mark.parametrize("value", PARTIAL_SECOND_INTERVALS)
def test_partial_second_interval_reported(settings, value):
    settings.UPWORK_PURGE_INTERVAL = value

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E008"]
    assert "UPWORK_PURGE_INTERVAL" in messages[0].msg
    assert repr(value) in messages[0].msg
    assert error_message(conf.purge_interval) == messages[0].msg


@pytest.mark.django_db
@pytest.mark.parametrize("value", PARTIAL_SECOND_INTERVALS)
def test_partial_second_interval_not_scheduled(settings, value):
    settings.UPWORK_PURGE_INTERVAL = value

    with pytest.raises(UpworkConfigurationError, match="UPWORK_PURGE_INTERVAL"):
        register_purge_schedule()


@pytest.mark.parametrize(
    ("value", "seconds"), [(1, 1), (1.0, 1), (timedelta(seconds=1), 1), (90.0, 90)]
)
def test_whole_second_interval_accepted(settings, value, seconds):
    settings.UPWORK_PURGE_INTERVAL = value

    assert ids(check_settings()) == []
    assert conf.purge_interval() == timedelta(seconds=seconds)


# -- UPWORK_RATE_LIMIT_CACHE --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["redis", "", None, 123, ["default"]])
def test_unknown_limiter_cache_reported_and_raised(settings, value):
    settings.UPWORK_RATE_LIMIT_CACHE = value

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E009"]
    assert "UPWORK_RATE_LIMIT_CACHE" in messages[0].msg
    assert repr(value) in messages[0].msg
    for build in (conf.rate_limit_cache_alias, RateLimiter.from_settings):
        assert error_message(build) == messages[0].msg


def test_unknown_limiter_cache_stops_search(connected, emulator, settings):
    settings.UPWORK_RATE_LIMIT = 300
    settings.UPWORK_RATE_LIMIT_CACHE = "redis"

    with pytest.raises(UpworkConfigurationError) as raised:
        services.search_job_postings()

    message = str(raised.value)
    assert "UPWORK_RATE_LIMIT_CACHE is 'redis'" in message
    assert "CACHES" in message
    assert graphql_hits(emulator) == 0


def test_named_limiter_cache_accepted(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limiter": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.UPWORK_RATE_LIMIT_CACHE = "limiter"

    assert ids(check_settings()) == []
    assert RateLimiter.from_settings().cache_alias == "limiter"


# -- UPWORK_RATE_LIMIT_KEY ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "egress ip", "egress\n1", "caf\u00e9", "k" * 101, 7])
def test_bad_limiter_key_reported_and_raised(settings, value):
    settings.UPWORK_RATE_LIMIT_KEY = value

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E008"]
    assert "UPWORK_RATE_LIMIT_KEY must be 1 to 100 printable ASCII" in messages[0].msg
    for build in (conf.rate_limit_key, RateLimiter.from_settings):
        assert error_message(build) == messages[0].msg


@pytest.mark.parametrize("value", ["default", "egress-203.0.113.7", "k" * 100])
def test_limiter_key_accepted(settings, value):
    settings.UPWORK_RATE_LIMIT_KEY = value

    assert ids(check_settings()) == []
    assert conf.rate_limit_key() == value


# -- UPWORK_CONNECT_PERMISSION ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [".", " django_upwork.change_oauthtoken", "django_upwork.", ".change", "is staff"]
)
def test_bad_connect_permission_reported_and_raised(settings, value):
    settings.UPWORK_CONNECT_PERMISSION = value

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E008"]
    assert repr(value) in messages[0].msg
    assert error_message(conf.connect_permission) == messages[0].msg


@pytest.mark.parametrize(
    "value", ["is_staff", "is_superuser", "django_upwork.change_oauthtoken", "myapp.connect"]
)
def test_connect_permission_accepted(settings, value):
    settings.UPWORK_CONNECT_PERMISSION = value

    assert ids(check_settings()) == []
    assert conf.connect_permission() == value


# -- UPWORK_CLIENT_ID and UPWORK_CLIENT_SECRET --------------------------------------------------

CREDENTIAL_GETTERS = {
    "UPWORK_CLIENT_ID": conf.client_id,
    "UPWORK_CLIENT_SECRET": conf.client_secret,
}
BAD_CREDENTIALS = [
    pytest.param(987654321, id="int"),
    pytest.param(b"bytes-credential", id="bytes"),
    pytest.param(["list-credential"], id="list"),
    pytest.param(True, id="bool"),
    pytest.param("   ", id="spaces"),
    pytest.param("\n", id="newline"),
    pytest.param(" padded-credential", id="leading-space"),
    pytest.param("padded-credential\n", id="trailing-newline"),
]
SHOWN_PARTS = ("987654321", "bytes-credential", "list-credential", "padded-credential")


@pytest.mark.parametrize("name", CREDENTIAL_GETTERS)
@pytest.mark.parametrize("value", BAD_CREDENTIALS)
def test_bad_credential_reported_and_raised(settings, name, value):
    setattr(settings, name, value)

    messages = check_settings()

    assert ids(messages) == ["django_upwork.E008"]
    assert name in messages[0].msg
    assert error_message(CREDENTIAL_GETTERS[name]) == messages[0].msg
    with pytest.raises(UpworkConfigurationError):
        conf.has_credentials()


@pytest.mark.parametrize("value", BAD_CREDENTIALS)
def test_bad_client_secret_never_shown(settings, value):
    settings.UPWORK_CLIENT_SECRET = value

    (message,) = check_settings()

    for part in SHOWN_PARTS:
        assert part not in message.msg
        assert part not in message.hint


@pytest.mark.parametrize("name", CREDENTIAL_GETTERS)
def test_blank_credential_from_environment(settings, monkeypatch, name):
    setattr(settings, name, "")
    monkeypatch.setenv(name, "  ")

    assert ids(check_settings()) == ["django_upwork.E008"]
    with pytest.raises(UpworkConfigurationError, match=f"{name} contains only whitespace"):
        CREDENTIAL_GETTERS[name]()


def test_blank_client_id_stops_connecting(emulator, settings):
    settings.UPWORK_CLIENT_ID = "   "

    with pytest.raises(UpworkConfigurationError, match="UPWORK_CLIENT_ID"):
        services.get_authorization_url(state="state-1")


@pytest.mark.django_db
def test_padded_client_secret_sends_nothing(emulator, settings):
    settings.UPWORK_CLIENT_SECRET = "test-client-secret\n"

    with pytest.raises(UpworkConfigurationError, match="UPWORK_CLIENT_SECRET") as raised:
        services.exchange_auth_code("code-1", redirect_uri="https://example.com/cb/")

    assert "test-client-secret" not in str(raised.value)
    assert emulator.stats()["requests"].get("token", 0) == 0


# -- UPWORK_SUCCESS_URL -------------------------------------------------------------------------

SUCCESS_URL_CASES = [
    ("/admin/", True),
    ("/", True),
    ("/upwork/done/?tab=1#top", True),
    ("https://localhost/done/", True),
    ("https://testserver/done/", True),
    ("http://localhost/done/", True),
    ("http://127.0.0.1:8000/done/", True),
    ("http://[::1]:8000/done/", True),
    ("https://LocalHost/done/", True),
    ("http://[::2]:8000/done/", False),
    ("admin/", False),
    ("?next=1", False),
    ("#done", False),
    ("https://evil.example/", False),
    ("https://www.example.com/", False),
    ("//evil.example/", False),
    ("///evil.example/", False),
    ("/\\evil.example/", False),
    ("/admin\\", False),
    ("javascript:alert(1)", False),
    ("mailto:staff@example.com", False),
    ("http://testserver/done/", False),
    ("https://staff:hunter2@localhost/done/", False),
    ("https://localhost:99999/done/", False),
    ("/admin/\r\nSet-Cookie: x=1", False),
    (" /admin/", False),
]


@pytest.mark.parametrize(("value", "valid"), SUCCESS_URL_CASES)
def test_success_url_check_and_redirect_agree(
    staff_client, connected, settings, caplog, value, valid
):
    # ALLOWED_HOSTS names www.example.com only through a wildcard, which never counts.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".example.com", "[::1]"]
    settings.UPWORK_SUCCESS_URL = value

    messages = check_settings()
    response = staff_client.post("/upwork/disconnect/")

    if valid:
        assert ids(messages) == []
        assert response.status_code == 302
        assert response["Location"] == value
    else:
        assert ids(messages) == ["django_upwork.E005"]
        assert "UPWORK_SUCCESS_URL" in messages[0].msg
        assert "hunter2" not in messages[0].msg
        assert response.status_code == 200
        logged = [record.getMessage() for record in caplog.records]
        assert any(messages[0].msg in line for line in logged), logged


@pytest.mark.parametrize("value", ["//evil.example/", "///evil.example/"])
def test_success_url_double_slash_named(settings, value):
    settings.UPWORK_SUCCESS_URL = value

    [message] = check_settings()

    assert "starts with '//', so browsers read it as the start of another host" in message.msg
