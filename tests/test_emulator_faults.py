"""Queued faults, the rate limit, the emulated clock and the `/_emulator/` control routes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from django_upwork.testing import UpworkEmulator

SAMPLES = Path(__file__).parent / "data" / "samples"
SEARCH_QUERY = json.loads((SAMPLES / "search-request-full-filter.json").read_text())["body"][
    "query"
]
DETAIL_QUERY = "query Detail($id: ID!) { marketplaceJobPosting(id: $id) { id content { title } } }"


def load_sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


@pytest.fixture(scope="module")
def running_emulator() -> Iterator[UpworkEmulator]:
    with UpworkEmulator() as emulator:
        yield emulator


@pytest.fixture
def emulator(running_emulator: UpworkEmulator) -> UpworkEmulator:
    running_emulator.reset()
    return running_emulator


@pytest.fixture
def access_token(emulator: UpworkEmulator) -> str:
    return str(emulator.issue_tokens()["access_token"])


def search(emulator: UpworkEmulator, token: str, **variables: Any) -> requests.Response:
    return requests.post(
        emulator.graphql_url,
        json={"query": SEARCH_QUERY, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def refresh(emulator: UpworkEmulator, refresh_token: str) -> requests.Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
    }
    return requests.post(emulator.token_url, data=form, timeout=30)


# -- GraphQL faults -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "content_type"),
    [
        ("http_401", 401, "application/json"),
        ("http_500", 500, "application/json"),
        ("http_502", 502, "text/html"),
        ("http_503", 503, "text/html"),
        ("html_403", 403, "text/html"),
        ("html_200", 200, "text/html"),
        ("invalid_json", 200, "application/json"),
    ],
)
def test_graphql_fault_then_recovery(emulator, access_token, kind, status, content_type):
    emulator.inject_fault("graphql", kind)

    faulty = search(emulator, access_token)
    healthy = search(emulator, access_token)

    assert faulty.status_code == status
    assert faulty.headers["Content-Type"].startswith(content_type)
    assert healthy.status_code == 200
    assert healthy.json()["data"]["marketplaceJobPostingsSearch"]["totalCount"] == 3000
    assert emulator.stats()["faults_served"] == 1
    assert emulator.stats()["graphql_requests"] == 2


def test_http_500_matches_server_exception_sample(emulator, access_token):
    emulator.inject_fault("graphql", "http_500")

    response = search(emulator, access_token)

    assert response.json() == load_sample("error-graphql-server-exception-500.json")["body"]


def test_html_faults_are_not_json(emulator, access_token):
    emulator.inject_fault("graphql", "html_403")
    emulator.inject_fault("graphql", "html_200")

    for _ in range(2):
        response = search(emulator, access_token)
        assert response.text.lstrip().startswith("<!DOCTYPE html>")
        with pytest.raises(ValueError):
            response.json()


def test_invalid_json_is_truncated(emulator, access_token):
    emulator.inject_fault("graphql", "invalid_json")

    response = search(emulator, access_token)

    with pytest.raises(ValueError):
        json.loads(response.text)
    assert response.text.startswith('{"data"')


def test_fault_count_covers_that_many_requests(emulator, access_token):
    emulator.inject_fault("graphql", "http_503", count=3)

    statuses = [search(emulator, access_token).status_code for _ in range(4)]

    assert statuses == [503, 503, 503, 200]


def test_faults_are_served_in_queue_order(emulator, access_token):
    emulator.inject_fault("graphql", "http_502")
    emulator.inject_fault("graphql", "http_500", count=2)

    statuses = [search(emulator, access_token).status_code for _ in range(4)]

    assert statuses == [502, 500, 500, 200]


def test_http_429_without_retry_after(emulator, access_token):
    sample = load_sample("error-http429-too-many-requests.json")
    emulator.inject_fault("graphql", "http_429")

    response = search(emulator, access_token)

    assert response.status_code == sample["status"]
    assert response.reason == sample["reason"]
    assert response.content == b""
    assert "Retry-After" not in response.headers


def test_http_429_with_retry_after(emulator, access_token):
    emulator.inject_fault("graphql", "http_429", retry_after=7)

    response = search(emulator, access_token)

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"


def test_connection_reset_sends_no_response(emulator, access_token):
    emulator.inject_fault("graphql", "connection_reset")

    with pytest.raises(requests.ConnectionError):
        search(emulator, access_token)

    assert search(emulator, access_token).status_code == 200
    assert emulator.stats()["graphql_requests"] == 2


def test_slow_fault_delays_the_answer(emulator, access_token):
    emulator.inject_fault("graphql", "slow", delay_seconds=1.5)

    started = time.monotonic()
    response = search(emulator, access_token)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed >= 1.4
    # A generous bound: the response must still arrive, only later.
    assert elapsed < 30


def test_slow_fault_trips_a_client_timeout(emulator, access_token):
    emulator.inject_fault("graphql", "slow", delay_seconds=2)

    with pytest.raises(requests.Timeout):
        requests.post(
            emulator.graphql_url,
            json={"query": SEARCH_QUERY},
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=0.5,
        )


def test_missing_scope_matches_sample(emulator, access_token):
    sample = load_sample("error-graphql-missing-scope-200.json")
    emulator.inject_fault("graphql", "missing_scope")

    response = search(emulator, access_token)

    assert response.status_code == sample["status"]
    assert response.json() == sample["body"]


def test_missing_scope_still_needs_a_token(emulator):
    emulator.inject_fault("graphql", "missing_scope")

    response = requests.post(emulator.graphql_url, json={"query": SEARCH_QUERY}, timeout=5)

    assert response.status_code == 401


def test_partial_data_nulls_one_search_node(emulator, access_token):
    expected = search(emulator, access_token).json()["data"]
    emulator.inject_fault("graphql", "partial_data")

    body = search(emulator, access_token).json()

    edges = body["data"]["marketplaceJobPostingsSearch"]["edges"]
    assert edges[0]["node"] is None
    assert edges[1:] == expected["marketplaceJobPostingsSearch"]["edges"][1:]
    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert error["path"] == ["marketplaceJobPostingsSearch", "edges", 0, "node"]
    assert "/marketplaceJobPostingsSearch/edges[0]/node" in error["message"]
    assert error["extensions"] == {"classification": "DataFetchingException"}
    assert list(body) == ["errors", "data"]


def test_partial_data_on_detail_nulls_the_posting(emulator, access_token):
    emulator.inject_fault("graphql", "partial_data")
    job_id = emulator.postings[0]["id"]

    body = requests.post(
        emulator.graphql_url,
        json={"query": DETAIL_QUERY, "variables": {"id": job_id}},
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=5,
    ).json()

    assert body["data"] == {"marketplaceJobPosting": None}
    assert body["errors"][0]["path"] == ["marketplaceJobPosting"]


# -- token faults ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status"),
    [("http_503", 503), ("html_403", 403), ("html_200", 200), ("http_401", 401)],
)
def test_token_fault_keeps_refresh_token_usable(emulator, kind, status):
    tokens = emulator.issue_tokens()
    emulator.inject_fault("token", kind)

    faulty = refresh(emulator, tokens["refresh_token"])
    retried = refresh(emulator, tokens["refresh_token"])

    assert faulty.status_code == status
    assert retried.status_code == 200
    assert emulator.stats()["token_refreshes"] == 1


def test_token_invalid_json(emulator):
    emulator.inject_fault("token", "invalid_json")

    response = refresh(emulator, emulator.issue_tokens()["refresh_token"])

    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_token_connection_reset(emulator):
    emulator.inject_fault("token", "connection_reset")

    with pytest.raises(requests.ConnectionError):
        refresh(emulator, emulator.issue_tokens()["refresh_token"])


def test_omit_refresh_token_keeps_the_old_one(emulator):
    tokens = emulator.issue_tokens()
    emulator.inject_fault("token", "omit_refresh_token")

    body = refresh(emulator, tokens["refresh_token"]).json()
    emulator.advance_clock(25 * 3600)
    later = refresh(emulator, tokens["refresh_token"])

    assert "refresh_token" not in body
    assert body["access_token"] != tokens["access_token"]
    assert later.status_code == 200


# -- fault validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "kind", "options", "message"),
    [
        ("rest", "http_500", {}, "invalid route"),
        ("graphql", "http_418", {}, "invalid fault kind"),
        ("token", "partial_data", {}, "'graphql' route only"),
        ("token", "missing_scope", {}, "'graphql' route only"),
        ("graphql", "omit_refresh_token", {}, "'token' route only"),
        ("graphql", "http_500", {"count": 0}, "count must be"),
        ("graphql", "http_500", {"retry_after": 5}, "takes no option retry_after"),
        ("graphql", "http_429", {"retry_after": -1}, "retry_after must be"),
        ("graphql", "slow", {"delay_seconds": -1}, "delay_seconds must be"),
        ("graphql", "slow", {"delay_seconds": "2"}, "delay_seconds must be"),
    ],
)
def test_invalid_fault_is_rejected(emulator, route, kind, options, message):
    with pytest.raises(ValueError, match=message):
        emulator.inject_fault(route, kind, **options)

    assert emulator.stats()["pending_faults"] == {"graphql": [], "token": []}


def test_reset_drops_pending_faults(emulator, access_token):
    emulator.inject_fault("graphql", "http_500", count=5)

    emulator.reset()
    token = emulator.issue_tokens()["access_token"]

    assert search(emulator, token).status_code == 200


# -- rate limit -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limited_server() -> Iterator[UpworkEmulator]:
    with UpworkEmulator(rate_limit_per_minute=5) as emulator:
        yield emulator


@pytest.fixture
def limited(limited_server: UpworkEmulator) -> UpworkEmulator:
    limited_server.reset()
    return limited_server


def test_rate_limit_answers_429_without_body(limited):
    token = limited.issue_tokens()["access_token"]

    responses = [search(limited, token) for _ in range(7)]

    assert [response.status_code for response in responses] == [200] * 5 + [429] * 2
    assert responses[-1].content == b""
    assert "Retry-After" not in responses[-1].headers
    assert limited.stats()["rate_limited"] == 2


def test_rate_limit_lifts_a_minute_after_last_rejection(limited):
    token = limited.issue_tokens()["access_token"]
    for _ in range(6):
        search(limited, token)

    limited.advance_clock(30)
    still_blocked = search(limited, token)
    limited.advance_clock(45)
    blocked_by_retry = search(limited, token)
    limited.advance_clock(61)
    lifted = search(limited, token)

    assert still_blocked.status_code == 429
    assert blocked_by_retry.status_code == 429
    assert lifted.status_code == 200


def test_rate_limit_counts_token_requests(limited):
    tokens = limited.issue_tokens()
    for _ in range(5):
        assert refresh(limited, tokens["refresh_token"]).status_code == 200

    assert refresh(limited, tokens["refresh_token"]).status_code == 429


def test_rate_limit_is_off_by_default(emulator, access_token):
    statuses = {search(emulator, access_token).status_code for _ in range(30)}

    assert statuses == {200}
    assert emulator.stats()["rate_limit_per_minute"] is None


def test_rate_limit_must_be_positive():
    with pytest.raises(ValueError, match="rate_limit_per_minute"):
        UpworkEmulator(rate_limit_per_minute=-3)


# -- stats and clock ------------------------------------------------------------------------


def test_stats_count_requests_per_route(emulator, access_token):
    tokens = emulator.issue_tokens()
    search(emulator, access_token)
    search(emulator, access_token)
    refresh(emulator, tokens["refresh_token"])
    requests.get(emulator.authorize_url, timeout=5)
    requests.get(emulator.base_url + "/nowhere", timeout=5)

    stats = emulator.stats()

    assert stats["requests"] == {"graphql": 2, "token": 1, "authorize": 1, "not_found": 1}
    assert stats["total_requests"] == 5
    assert stats["graphql_requests"] == 2
    assert stats["token_refreshes"] == 1
    assert stats["authorization_code_exchanges"] == 0
    assert stats["max_requests_per_60s"] == 5
    assert stats["postings"] == 3000


def test_max_requests_per_60s_uses_a_sliding_window(emulator, access_token):
    for _ in range(3):
        search(emulator, access_token)
    emulator.advance_clock(61)
    for _ in range(2):
        search(emulator, access_token)

    assert emulator.stats()["max_requests_per_60s"] == 3


def test_advance_clock_returns_offset(emulator):
    assert emulator.advance_clock(10) == 10
    assert emulator.advance_clock(5.5) == 15.5
    with pytest.raises(ValueError):
        emulator.advance_clock(-1)

    emulator.reset()

    assert emulator.stats()["clock_offset_seconds"] == 0


# -- control routes -------------------------------------------------------------------------


def control(emulator: UpworkEmulator, name: str, payload: Any = None) -> requests.Response:
    url = f"{emulator.base_url}/_emulator/{name}"
    if name == "stats":
        return requests.get(url, timeout=5)
    return requests.post(url, json=payload, timeout=5)


def test_control_stats(emulator, access_token):
    search(emulator, access_token)

    response = control(emulator, "stats")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["graphql_requests"] == 1
    assert body["requests"] == {"graphql": 1}


def test_control_faults_queue_a_fault(emulator, access_token):
    response = control(
        emulator, "faults", {"route": "graphql", "kind": "http_429", "count": 2, "retry_after": 3}
    )

    assert response.status_code == 200
    assert response.json()["queued"] == {"kind": "http_429", "remaining": 2, "retry_after": 3}
    assert [search(emulator, access_token).status_code for _ in range(3)] == [429, 429, 200]


@pytest.mark.parametrize(
    "payload",
    [
        {"route": "graphql", "kind": "nope"},
        {"kind": "http_500"},
        {"route": "graphql", "kind": "slow", "delay_seconds": 1000},
        ["not", "an", "object"],
    ],
)
def test_control_faults_rejects_invalid(emulator, payload):
    response = control(emulator, "faults", payload)

    assert response.status_code == 400
    assert response.json()["error"]


def test_control_clock_moves_token_expiry(emulator):
    tokens = emulator.issue_tokens()
    old = tokens["refresh_token"]
    refresh(emulator, old)

    response = control(emulator, "clock", {"advance_seconds": 25 * 3600})

    assert response.status_code == 200
    assert response.json() == {"clock_offset_seconds": 25 * 3600}
    assert refresh(emulator, old).json()["error"] == "invalid_grant"


@pytest.mark.parametrize("payload", [{"advance_seconds": -5}, {"advance_seconds": "10"}, {}])
def test_control_clock_rejects_invalid(emulator, payload):
    response = control(emulator, "clock", payload)

    assert response.status_code == 400
    assert "advance_seconds" in response.json()["error"]


def test_control_reset(emulator, access_token):
    search(emulator, access_token)
    emulator.inject_fault("graphql", "http_500")
    emulator.advance_clock(100)

    response = control(emulator, "reset")

    assert response.status_code == 200
    stats = emulator.stats()
    assert stats["requests"] == {}
    assert stats["pending_faults"] == {"graphql": [], "token": []}
    assert stats["clock_offset_seconds"] == 0
    assert search(emulator, access_token).status_code == 401


def test_control_tokens_issues_working_tokens(emulator):
    response = control(emulator, "tokens")

    token = response.json()["access_token"]
    assert search(emulator, token).status_code == 200


def test_control_routes_check_method_and_name(emulator):
    assert requests.get(f"{emulator.base_url}/_emulator/reset", timeout=5).status_code == 405
    assert requests.post(f"{emulator.base_url}/_emulator/stats", timeout=5).status_code == 405
    assert requests.get(f"{emulator.base_url}/_emulator/nope", timeout=5).status_code == 404


def test_control_requests_are_not_counted(emulator):
    control(emulator, "stats")
    control(emulator, "faults", {"route": "token", "kind": "http_500"})

    assert emulator.stats()["total_requests"] == 0
