"""The emulator's OAuth2 routes over a real socket: authorize page, code exchange, refresh."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from django_upwork.testing import UpworkEmulator

SAMPLES = Path(__file__).parent / "data" / "samples"
REDIRECT_URI = "http://localhost:8000/upwork/callback/"
TOKEN_PATTERN = re.compile(r"oauth2v2_[0-9a-f]{32}")
SEARCH_QUERY = "{ marketplaceJobPostingsSearch { totalCount } }"


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


def authorize_params(emulator: UpworkEmulator, **overrides: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": emulator.client_id,
        "redirect_uri": REDIRECT_URI,
        "state": "state-123",
    }
    params.update(overrides)
    return params


def approve(emulator: UpworkEmulator, redirect_uri: str = REDIRECT_URI) -> str:
    """Press Approve on the consent page and return the code from the redirect."""
    form = authorize_params(emulator, redirect_uri=redirect_uri, action="approve")
    response = requests.post(emulator.authorize_url, data=form, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


def token_request(emulator: UpworkEmulator, **form: str) -> requests.Response:
    return requests.post(emulator.token_url, data=form, timeout=5)


def exchange(emulator: UpworkEmulator, code: str, **overrides: str) -> requests.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
    }
    form.update(overrides)
    return token_request(emulator, **form)


def refresh(emulator: UpworkEmulator, refresh_token: str, **overrides: str) -> requests.Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
    }
    form.update(overrides)
    return token_request(emulator, **form)


def graphql_status(emulator: UpworkEmulator, access_token: str) -> int:
    response = requests.post(
        emulator.graphql_url,
        json={"query": SEARCH_QUERY},
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=10,
    )
    return response.status_code


# -- authorize page -------------------------------------------------------------------------


def test_authorize_page_offers_approve_and_deny(emulator):
    response = requests.get(emulator.authorize_url, params=authorize_params(emulator), timeout=5)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert f"Authorize {emulator.client_id} to access your Upwork account" in page
    assert '<button id="approve"' in page
    assert '<button id="deny"' in page
    assert 'method="post"' in page
    assert 'name="state" value="state-123"' in page
    assert f'name="redirect_uri" value="{REDIRECT_URI}"' in page


def test_authorize_rejects_unknown_client(emulator):
    params = authorize_params(emulator, client_id="someone-else")

    response = requests.get(emulator.authorize_url, params=params, timeout=5)

    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Unknown client_id" in response.text


@pytest.mark.parametrize("missing", ["response_type", "client_id", "redirect_uri", "state"])
def test_authorize_rejects_missing_parameter(emulator, missing):
    params = authorize_params(emulator)
    del params[missing]

    response = requests.get(emulator.authorize_url, params=params, timeout=5)

    assert response.status_code == 400
    assert missing in response.text


@pytest.mark.parametrize(
    "overrides",
    [
        {"response_type": "token"},
        {"redirect_uri": "not-a-url"},
        {"redirect_uri": "ftp://example.com/callback"},
        {"redirect_uri": "http://localhost/callback#fragment"},
    ],
)
def test_authorize_rejects_invalid_parameter(emulator, overrides):
    params = authorize_params(emulator, **overrides)

    response = requests.get(emulator.authorize_url, params=params, timeout=5)

    assert response.status_code == 400


def test_approve_redirects_with_code_and_state(emulator):
    form = authorize_params(emulator, action="approve")

    response = requests.post(emulator.authorize_url, data=form, allow_redirects=False, timeout=5)

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = parse_qs(location.query)
    assert query["state"] == ["state-123"]
    assert len(query["code"][0]) >= 20


def test_approve_keeps_existing_redirect_query(emulator):
    redirect_uri = "http://localhost:8000/callback/?next=%2Fadmin%2F"
    form = authorize_params(emulator, redirect_uri=redirect_uri, action="approve")

    response = requests.post(emulator.authorize_url, data=form, allow_redirects=False, timeout=5)

    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["next"] == ["/admin/"]
    assert "code" in query


def test_deny_redirects_with_access_denied(emulator):
    form = authorize_params(emulator, action="deny")

    response = requests.post(emulator.authorize_url, data=form, allow_redirects=False, timeout=5)

    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["error_description"][0]
    assert query["state"] == ["state-123"]
    assert "code" not in query


def test_post_without_action_is_rejected(emulator):
    response = requests.post(
        emulator.authorize_url, data=authorize_params(emulator), allow_redirects=False, timeout=5
    )

    assert response.status_code == 400


def test_auto_approve_redirects_on_get():
    with UpworkEmulator(auto_approve=True) as emulator:
        response = requests.get(
            emulator.authorize_url,
            params=authorize_params(emulator),
            allow_redirects=False,
            timeout=5,
        )
        query = parse_qs(urlsplit(response.headers["Location"]).query)
        exchanged = exchange(emulator, query["code"][0])

    assert response.status_code == 302
    assert query["state"] == ["state-123"]
    assert exchanged.status_code == 200


# -- authorization code ---------------------------------------------------------------------


def test_code_exchange_matches_sample(emulator):
    sample = load_sample("token-response-200.json")

    response = exchange(emulator, approve(emulator))

    assert response.status_code == sample["status"]
    assert response.headers["Content-Type"] == sample["headers"]["Content-Type"]
    body = response.json()
    assert list(body) == list(sample["body"])
    assert TOKEN_PATTERN.fullmatch(body["access_token"])
    assert TOKEN_PATTERN.fullmatch(body["refresh_token"])
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 86400
    assert emulator.stats()["authorization_code_exchanges"] == 1


def test_exchanged_token_opens_graphql(emulator):
    body = exchange(emulator, approve(emulator)).json()

    assert graphql_status(emulator, body["access_token"]) == 200


def test_code_is_single_use(emulator):
    code = approve(emulator)
    assert exchange(emulator, code).status_code == 200

    replay = exchange(emulator, code)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert emulator.stats()["authorization_code_exchanges"] == 1


def test_code_expires_after_ten_minutes(emulator):
    fresh = approve(emulator)
    stale = approve(emulator)
    emulator.advance_clock(9 * 60)
    assert exchange(emulator, fresh).status_code == 200

    emulator.advance_clock(61)
    response = exchange(emulator, stale)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_is_bound_to_redirect_uri(emulator):
    code = approve(emulator)

    response = exchange(emulator, code, redirect_uri="http://localhost:8000/other/")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_unknown_code_is_rejected(emulator):
    response = exchange(emulator, "made-up-code")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_exchange_without_code(emulator):
    response = exchange(emulator, "")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_basic_client_authentication(emulator):
    credentials = f"{emulator.client_id}:{emulator.client_secret}".encode()
    form = {"grant_type": "authorization_code", "code": approve(emulator)}
    form["redirect_uri"] = REDIRECT_URI
    headers = {"Authorization": "Basic " + base64.b64encode(credentials).decode()}

    response = requests.post(emulator.token_url, data=form, headers=headers, timeout=5)

    assert response.status_code == 200
    assert TOKEN_PATTERN.fullmatch(response.json()["access_token"])


def test_bad_client_secret_is_invalid_client(emulator):
    response = exchange(emulator, approve(emulator), client_secret="wrong")

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_bad_basic_secret_is_invalid_client(emulator):
    credentials = base64.b64encode(f"{emulator.client_id}:wrong".encode()).decode()
    form = {"grant_type": "refresh_token", "refresh_token": "oauth2v2_" + "0" * 32}

    response = requests.post(
        emulator.token_url, data=form, headers={"Authorization": f"Basic {credentials}"}, timeout=5
    )

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_unknown_client_id_is_invalid_client(emulator):
    response = exchange(emulator, approve(emulator), client_id="someone-else")

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_client_credentials_grant_matches_sample(emulator):
    sample = load_sample("error-token-client-credentials-unauthorized-client-400.json")

    response = token_request(
        emulator,
        grant_type="client_credentials",
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
    )

    assert response.status_code == sample["status"]
    assert response.headers["Content-Type"] == sample["headers"]["Content-Type"]
    assert response.json() == sample["body"]


def test_unknown_grant_type(emulator):
    response = token_request(
        emulator,
        grant_type="password",
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_missing_grant_type(emulator):
    response = token_request(emulator, client_id=emulator.client_id)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_token_endpoint_rejects_get(emulator):
    response = requests.get(emulator.token_url, timeout=5)

    assert response.status_code == 405


# -- refresh --------------------------------------------------------------------------------


def test_refresh_rotates_both_tokens(emulator):
    first = emulator.issue_tokens()

    response = refresh(emulator, first["refresh_token"])

    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert TOKEN_PATTERN.fullmatch(second["refresh_token"])
    assert graphql_status(emulator, second["access_token"]) == 200
    assert emulator.stats()["token_refreshes"] == 1


def test_old_refresh_token_has_a_day_of_grace(emulator):
    old = emulator.issue_tokens()["refresh_token"]
    new = refresh(emulator, old).json()["refresh_token"]

    emulator.advance_clock(23 * 3600)
    within_grace = refresh(emulator, old)
    emulator.advance_clock(2 * 3600)
    after_grace = refresh(emulator, old)

    assert within_grace.status_code == 200
    sample = load_sample("error-token-refresh-invalid-grant-400.json")
    assert after_grace.status_code == sample["status"]
    assert after_grace.json() == sample["body"]
    assert refresh(emulator, new).status_code == 200


def test_old_refresh_token_dies_after_25_hours(emulator):
    old = emulator.issue_tokens()["refresh_token"]
    new = refresh(emulator, old).json()["refresh_token"]

    emulator.advance_clock(25 * 3600)

    assert refresh(emulator, old).json()["error"] == "invalid_grant"
    assert refresh(emulator, new).status_code == 200
    assert emulator.stats()["token_errors"] == 1


def test_refresh_token_lives_fourteen_days(emulator):
    used_in_time = emulator.issue_tokens()["refresh_token"]
    lapsed = emulator.issue_tokens()["refresh_token"]

    emulator.advance_clock(14 * 24 * 3600 - 60)
    assert refresh(emulator, used_in_time).status_code == 200
    emulator.advance_clock(120)

    assert refresh(emulator, lapsed).json()["error"] == "invalid_grant"


def test_unknown_refresh_token_is_invalid_grant(emulator):
    response = refresh(emulator, "oauth2v2_" + "0" * 32)

    assert response.status_code == 400
    assert response.json() == load_sample("error-token-refresh-invalid-grant-400.json")["body"]


def test_refresh_without_client_id_is_invalid_request(emulator):
    tokens = emulator.issue_tokens()

    response = token_request(
        emulator,
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
        client_secret=emulator.client_secret,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert emulator.stats()["token_refreshes"] == 0


def test_refresh_with_bad_secret_is_invalid_client(emulator):
    tokens = emulator.issue_tokens()

    response = refresh(emulator, tokens["refresh_token"], client_secret="wrong")

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_access_token_expires_after_a_day(emulator):
    tokens = emulator.issue_tokens()
    emulator.advance_clock(24 * 3600 - 60)
    assert graphql_status(emulator, tokens["access_token"]) == 200

    emulator.advance_clock(120)

    assert graphql_status(emulator, tokens["access_token"]) == 401


def test_expires_in_as_string_option():
    with UpworkEmulator(expires_in_as_string=True) as emulator:
        issued = emulator.issue_tokens()
        refreshed = refresh(emulator, issued["refresh_token"]).json()

    assert issued["expires_in"] == "86400"
    assert refreshed["expires_in"] == "86400"


def test_reset_forgets_tokens(emulator):
    tokens = emulator.issue_tokens()

    emulator.reset()

    assert graphql_status(emulator, tokens["access_token"]) == 401
    assert refresh(emulator, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_token_responses_are_not_cached(emulator):
    response = refresh(emulator, emulator.issue_tokens()["refresh_token"])

    assert response.headers["Cache-Control"] == "no-store"
