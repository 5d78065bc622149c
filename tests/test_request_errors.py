"""Every failure of requests reaches the caller as an UpworkError that shows no secret."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from django_upwork.client import oauth
from django_upwork.client.http import GraphQLClient
from django_upwork.exceptions import InvalidResponse, UpworkError
from tests.conftest import graphql_hits

QUERY = "{ marketplaceJobPostingsSearch { totalCount } }"


class RedirectHandler(BaseHTTPRequestHandler):
    """Respond to every POST with a 307 redirect that requests cannot follow.

    The redirect goes to an invalid port, to an ftp URL, or back to the same path.
    """

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/to-invalid-port"):
            location = "http://127.0.0.1:99999/graphql"
        elif self.path.startswith("/to-ftp"):
            location = "ftp://127.0.0.1/graphql"
        else:
            location = self.path
        self.send_response(307)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def redirect_server() -> Iterator[str]:
    """Return the base URL of a local server that only redirects."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), RedirectHandler)
    # A short poll interval lets shutdown() return within 10 ms instead of 500 ms.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def assert_not_retryable_upwork_error(raised: pytest.ExceptionInfo, cause: type) -> None:
    assert isinstance(raised.value, UpworkError)
    assert isinstance(raised.value.__cause__, cause)
    assert raised.value.retryable is False


@pytest.mark.parametrize(
    ("path", "cause"),
    [
        ("/to-ftp", requests.exceptions.InvalidSchema),
        # Before it follows a redirect, requests reads the new URL's port with urlparse to
        # decide whether to keep the Authorization header, which raises a plain ValueError.
        ("/to-invalid-port", ValueError),
    ],
)
def test_graphql_redirect_to_invalid_url(redirect_server, settings, path, cause):
    settings.UPWORK_API_URL = f"{redirect_server}{path}"

    with pytest.raises(UpworkError) as raised:
        GraphQLClient("access-token-value").execute(QUERY, None, "SearchJobs")

    assert_not_retryable_upwork_error(raised, cause)
    message = str(raised.value)
    assert message.startswith(f"The request to Upwork at {redirect_server}{path} failed")
    assert f"({cause.__name__})" in message
    assert "operation=SearchJobs" in message
    assert "access-token-value" not in message


def test_graphql_redirect_loop(redirect_server, settings):
    settings.UPWORK_API_URL = f"{redirect_server}/loop"

    with pytest.raises(InvalidResponse) as raised:
        GraphQLClient("access-token-value").execute(QUERY, None, "SearchJobs")

    assert isinstance(raised.value.__cause__, requests.TooManyRedirects)
    assert "(TooManyRedirects)" in str(raised.value)


def test_graphql_token_with_line_break(emulator):
    # A corrupt stored token must reach neither the message nor a logged traceback.
    token = "secret-" + "token\r\nX-Injected: 1"

    with pytest.raises(UpworkError) as raised:
        GraphQLClient(token).execute(QUERY, None, "SearchJobs")

    assert isinstance(raised.value.__context__, requests.exceptions.InvalidHeader)
    assert raised.value.__cause__ is None
    assert raised.value.retryable is False
    assert "(InvalidHeader)" in str(raised.value)
    logged = "".join(traceback.format_exception(raised.value))
    assert "secret-token" not in logged
    assert "X-Injected" not in logged
    assert graphql_hits(emulator) == 0


@pytest.mark.parametrize("grant", ["authorization_code", "refresh_token"])
def test_token_redirect_to_invalid_url(redirect_server, settings, grant):
    settings.UPWORK_TOKEN_URL = f"{redirect_server}/to-invalid-port"

    with pytest.raises(UpworkError) as raised:
        if grant == "refresh_token":
            oauth.refresh_token("refresh-token-value")
        else:
            oauth.fetch_token("authorization-code-value", "https://example.com/callback/")

    assert_not_retryable_upwork_error(raised, requests.exceptions.InvalidURL)
    message = str(raised.value)
    assert message.startswith("The request to Upwork's token endpoint at ")
    assert "(InvalidURL)" in message
    assert f"operation=token:{grant}" in message
    for secret in ("refresh-token-value", "authorization-code-value", "test-client-secret"):
        assert secret not in message


def test_token_redirect_loop(redirect_server, settings):
    settings.UPWORK_TOKEN_URL = f"{redirect_server}/loop"

    with pytest.raises(InvalidResponse) as raised:
        oauth.refresh_token("refresh-token-value")

    assert isinstance(raised.value.__cause__, requests.TooManyRedirects)
    assert "refresh-token-value" not in str(raised.value)
