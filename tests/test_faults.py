"""Typed errors, retries and an intact cache under every fault the emulator can inject."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest
import requests
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

from django_upwork import services
from django_upwork.client.http import DEFAULT_RETRY_AFTER, GraphQLClient, parse_retry_after
from django_upwork.client.ratelimit import MAX_BLOCK_SECONDS, RateLimiter
from django_upwork.exceptions import (
    BotCheckPage,
    GraphQLError,
    GraphQLValidationError,
    InvalidResponse,
    PermissionDenied,
    RateLimited,
    RateLimiterUnavailable,
    ServerError,
    UpworkConfigurationError,
    UpworkConnectionError,
    UpworkError,
    UpworkTimeout,
)
from django_upwork.models import JobPosting
from tests.conftest import graphql_hits

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(connected):
    """Cache one page first, so each test can show a failed call leaves it untouched."""
    services.search_job_postings({"pagination_eq": {"first": 5}})
    return list(JobPosting.objects.order_by("pk").values())


def cache_rows():
    return list(JobPosting.objects.order_by("pk").values())


NEXT_PAGE = {"pagination_eq": {"first": 5, "after": "5"}}


@pytest.mark.parametrize("kind", ["http_500", "http_502", "http_503", "connection_reset"])
def test_transient_fault_is_retried(seeded, emulator, caplog, kind):
    emulator.inject_fault("graphql", kind, count=2)
    caplog.set_level(logging.WARNING, logger="django_upwork")

    result = services.search_job_postings(NEXT_PAGE)

    assert len(result.postings) == 5
    assert graphql_hits(emulator) == 4  # seed + two failures + success
    retries = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert [("attempt 1" in r.getMessage(), "SearchJobs" in r.getMessage()) for r in retries] == [
        (True, True),
        (False, True),
    ]


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("http_500", ServerError),
        ("http_503", ServerError),
        ("connection_reset", UpworkConnectionError),
        ("html_403", BotCheckPage),
        ("html_200", BotCheckPage),
    ],
)
def test_persistent_fault_raises_and_keeps_cache(seeded, emulator, settings, kind, error):
    settings.UPWORK_MAX_RETRIES = 2
    emulator.inject_fault("graphql", kind, count=10)

    with pytest.raises(error) as raised:
        services.search_job_postings(NEXT_PAGE)

    assert raised.value.retryable
    assert raised.value.operation == "SearchJobs"
    assert graphql_hits(emulator) == 1 + 3
    assert cache_rows() == seeded


def test_slow_answer_times_out(seeded, emulator, settings):
    settings.UPWORK_TIMEOUT = (1.0, 0.5)
    settings.UPWORK_MAX_RETRIES = 0
    emulator.inject_fault("graphql", "slow", delay_seconds=2)

    with pytest.raises(UpworkTimeout, match="UPWORK_TIMEOUT"):
        services.search_job_postings(NEXT_PAGE)

    assert cache_rows() == seeded


def test_invalid_json_is_not_retried(seeded, emulator):
    emulator.inject_fault("graphql", "invalid_json")

    with pytest.raises(InvalidResponse, match="not valid JSON") as raised:
        services.search_job_postings(NEXT_PAGE)

    assert not raised.value.retryable
    assert graphql_hits(emulator) == 2
    assert cache_rows() == seeded


def test_missing_scope_names_fields_and_fix(seeded, emulator):
    emulator.inject_fault("graphql", "missing_scope")

    with pytest.raises(PermissionDenied) as raised:
        services.search_job_postings(NEXT_PAGE)

    assert raised.value.blocked_fields == [
        "Money.currency",
        "Money.rawValue",
        "PageInfo.endCursor",
        "PageInfo.hasNextPage",
    ]
    assert "reconnect" in str(raised.value)
    assert raised.value.classification == "ExecutionAborted"
    assert graphql_hits(emulator) == 2
    assert emulator.stats()["token_refreshes"] == 0
    assert cache_rows() == seeded


def test_partial_data_keeps_valid_nodes(seeded, emulator, caplog):
    emulator.inject_fault("graphql", "partial_data")

    result = services.search_job_postings(NEXT_PAGE)

    assert result.skipped == 1
    assert len(result.postings) == 4
    assert "partial data" in caplog.text
    assert "Skipped search result" in caplog.text


def test_null_posting_error_keeps_row(seeded, emulator, caplog):
    # Upwork's internal failures come as HTTP 200 with the field null and an error beside it.
    # Such an answer does not tell whether the posting exists, so the cached row must stay.
    emulator.inject_fault("graphql", "partial_data")
    upwork_id = seeded[0]["upwork_id"]

    with pytest.raises(GraphQLError, match="marketplaceJobPosting") as raised:
        services.get_job_posting(upwork_id, refresh=True)

    assert raised.value.classification == "DataFetchingException"
    assert cache_rows() == seeded
    assert "no longer" not in caplog.text


def test_validation_error_is_typed(connected, emulator):
    client = GraphQLClient(services.get_access_token())

    with pytest.raises(GraphQLValidationError, match="FieldUndefined") as raised:
        client.execute("query Bad { marketplaceJobPostingsSearch { totalCount nope } }", {}, "Bad")

    assert raised.value.classification == "ValidationError"
    assert graphql_hits(emulator) == 1


def test_429_without_retry_after_backs_off_a_minute(seeded, emulator):
    emulator.inject_fault("graphql", "http_429")

    with pytest.raises(RateLimited) as raised:
        services.search_job_postings(NEXT_PAGE)

    assert raised.value.retry_after == 60
    assert raised.value.status == 429
    assert graphql_hits(emulator) == 2
    assert emulator.stats()["token_refreshes"] == 0
    assert cache_rows() == seeded


def test_429_honours_retry_after(seeded, emulator, settings):
    emulator.inject_fault("graphql", "http_429", retry_after=7)

    with pytest.raises(RateLimited) as raised:
        services.search_job_postings(NEXT_PAGE)

    assert raised.value.retry_after == 7


def test_429_pauses_every_caller(seeded, emulator, settings):
    settings.UPWORK_RATE_LIMIT = 300
    settings.UPWORK_RATE_LIMIT_MAX_WAIT = 1
    emulator.inject_fault("graphql", "http_429", retry_after=30)
    with pytest.raises(RateLimited):
        services.search_job_postings(NEXT_PAGE)

    with pytest.raises(RateLimited, match="UPWORK_RATE_LIMIT_MAX_WAIT"):
        services.search_job_postings(NEXT_PAGE)

    assert graphql_hits(emulator) == 2


def test_every_error_is_an_upwork_error():
    for error in (
        BotCheckPage,
        GraphQLValidationError,
        InvalidResponse,
        PermissionDenied,
        ServerError,
        UpworkConnectionError,
        UpworkTimeout,
    ):
        assert issubclass(error, UpworkError)


def test_limiter_shares_budget_through_cache():
    now = [1000.0]
    slept: list[float] = []

    def clock() -> float:
        return now[0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)

    first = RateLimiter(3, cache=cache, clock=clock, sleep=sleep, max_wait=100)
    second = RateLimiter(3, cache=cache, clock=clock, sleep=sleep, max_wait=100)
    for limiter in (first, second, first):
        assert limiter.acquire() == 0.0

    assert second.acquire() == pytest.approx(61.0)
    assert slept == [pytest.approx(61.0)]


def test_limiter_rejects_past_max_wait():
    now = [0.0]
    limiter = RateLimiter(2, cache=cache, clock=lambda: now[0], sleep=lambda s: None, max_wait=5)
    limiter.acquire()
    limiter.acquire()

    with pytest.raises(RateLimited) as raised:
        limiter.acquire()

    assert raised.value.retry_after == pytest.approx(61.0)
    now[0] = 61.0
    assert limiter.acquire() == 0.0


def test_limiter_never_exceeds_limit_in_any_window():
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(10, cache=cache, clock=lambda: now[0], sleep=sleep, max_wait=1000)
    starts = []
    for _ in range(35):
        limiter.acquire()
        starts.append(now[0])
        now[0] += 0.5

    for index, start in enumerate(starts):
        in_window = [s for s in starts[index:] if s < start + 60]
        assert len(in_window) <= 10


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("30", 30.0),
        ("0.5", 0.5),
        ("-5", 0.0),
        ("1e12", MAX_BLOCK_SECONDS),
        ("Fri, 31 Dec 2099 23:59:59 GMT", MAX_BLOCK_SECONDS),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
        ("inf", DEFAULT_RETRY_AFTER),
        ("nan", DEFAULT_RETRY_AFTER),
        ("soon", DEFAULT_RETRY_AFTER),
        ("", DEFAULT_RETRY_AFTER),
        (None, DEFAULT_RETRY_AFTER),
    ],
)
def test_retry_after_is_bounded(header, seconds):
    assert parse_retry_after(header) == seconds


@pytest.mark.parametrize(
    ("seconds", "blocked_until"),
    [(30.0, 1030.0), (1e12, 1000.0 + MAX_BLOCK_SECONDS), (float("inf"), None), (-1.0, None)],
)
def test_block_is_bounded(seconds, blocked_until):
    limiter = RateLimiter(5, cache=cache, clock=lambda: 1000.0, sleep=lambda s: None)

    limiter.block(seconds)

    assert cache.get(limiter.blocked_key) == blocked_until


class TimeoutRecordingCache(LocMemCache):
    """A local-memory cache that remembers the timeout of each key's latest ``set``."""

    def __init__(self) -> None:
        super().__init__("timeout-recording", {})
        self.timeouts: dict[str, Any] = {}

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self.timeouts[key] = timeout
        super().set(key, value, timeout, version)


def test_limiter_log_outlives_its_latest_slot():
    recording = TimeoutRecordingCache()
    limiter = RateLimiter(1, cache=recording, clock=lambda: 0.0, sleep=lambda s: None, max_wait=600)

    waits = [limiter.acquire() for _ in range(4)]

    assert waits == [0.0, 61.0, 122.0, 183.0]
    assert recording.timeouts[limiter.log_key] >= 183 + 60


def test_unreachable_limiter_cache_sends_nothing(connected, emulator, settings, caplog):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    settings.CACHES = {
        **settings.CACHES,
        "limiter": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        },
    }
    settings.UPWORK_RATE_LIMIT_CACHE = "limiter"
    settings.UPWORK_RATE_LIMIT = 300
    settings.UPWORK_MAX_RETRIES = 3
    caplog.set_level(logging.WARNING, logger="django_upwork")
    before = graphql_hits(emulator)

    with pytest.raises(RateLimiterUnavailable, match="'limiter'") as raised:
        services.search_job_postings()

    assert raised.value.retryable is True
    assert graphql_hits(emulator) == before
    # The call gives up at once rather than retrying against the same failed cache.
    assert not [record for record in caplog.records if "retrying" in record.getMessage()]


def test_local_wait_limit_does_not_block_others(connected, emulator, settings):
    settings.UPWORK_RATE_LIMIT = 2
    settings.UPWORK_RATE_LIMIT_MAX_WAIT = 0
    services.search_job_postings()
    services.search_job_postings()

    with pytest.raises(RateLimited) as raised:
        services.search_job_postings()

    assert raised.value.status is None
    assert cache.get("django_upwork:ratelimit:default:blocked_until") is None


def test_connection_error_names_the_cause(connected, settings):
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    # Nothing listens on the port any more, so the connection is refused.
    settings.UPWORK_API_URL = f"http://127.0.0.1:{port}/graphql"
    settings.UPWORK_MAX_RETRIES = 0

    with pytest.raises(UpworkConnectionError, match="Connection refused"):
        services.search_job_postings()


def test_reset_connection_names_the_cause(seeded, emulator, settings):
    settings.UPWORK_MAX_RETRIES = 0
    emulator.inject_fault("graphql", "connection_reset")

    with pytest.raises(UpworkConnectionError) as raised:
        services.search_job_postings(NEXT_PAGE)

    message = str(raised.value)
    assert "failed: " in message
    assert "Connection aborted" not in message
    assert "Error(" not in message


def test_timeout_message_names_both_limits(seeded, emulator, settings):
    settings.UPWORK_TIMEOUT = (1.0, 0.5)
    settings.UPWORK_MAX_RETRIES = 0
    emulator.inject_fault("graphql", "slow", delay_seconds=2)

    with pytest.raises(UpworkTimeout) as raised:
        services.search_job_postings(NEXT_PAGE)

    assert "connect 1 s, read 0.5 s" in str(raised.value)


class NoSendAdapter(requests.adapters.HTTPAdapter):
    """A transport that records each request and sends none."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self.sent.append(request.url)
        raise requests.ConnectionError("refused by the test transport")


def test_plain_http_api_url_sends_nothing(settings):
    settings.UPWORK_API_URL = "http://upwork-api.invalid/graphql"
    adapter = NoSendAdapter()
    session = requests.Session()
    session.mount("http://", adapter)
    client = GraphQLClient("access-token", session=session)

    with pytest.raises(UpworkConfigurationError, match="UPWORK_API_URL"):
        client.execute("{ marketplaceJobPostingsSearch { totalCount } }", None, "SearchJobs")

    assert adapter.sent == []
