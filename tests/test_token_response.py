"""Token responses whose tokens cannot go into an HTTP header are rejected before storing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from django.utils import timezone

from django_upwork import services
from django_upwork.client import oauth
from django_upwork.exceptions import InvalidResponse
from django_upwork.models import OAuthToken


class TokenHandler(BaseHTTPRequestHandler):
    """Respond to every POST with HTTP 200 and the JSON object in ``body``."""

    body: ClassVar[dict[str, Any]] = {}

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        payload = json.dumps(self.body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def token_server(settings) -> Iterator[type[TokenHandler]]:
    """Point UPWORK_TOKEN_URL at a local server whose response is the handler's ``body``."""
    handler = type("Handler", (TokenHandler,), {"body": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # A short poll interval lets shutdown() return within 10 ms instead of 500 ms.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    settings.UPWORK_TOKEN_URL = f"http://127.0.0.1:{server.server_address[1]}/token"
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


GOOD = {"access_token": "oauth2v2_good", "refresh_token": "oauth2v2_refresh", "expires_in": 86400}

UNSENDABLE = [
    ("access_token", "oauth2v2_\u20ac-euro"),
    ("access_token", "oauth2v2_caf\u00e9"),
    ("access_token", "oauth2v2_line\r\nX-Injected: 1"),
    ("access_token", " oauth2v2_padded"),
    ("access_token", 12345),
    ("access_token", ["oauth2v2_list"]),
    ("refresh_token", "oauth2v2_\u20ac-euro"),
    ("refresh_token", 12345),
]


@pytest.mark.parametrize(("field", "value"), UNSENDABLE)
def test_unsendable_token_rejected(token_server, field, value):
    token_server.body = {**GOOD, field: value}

    with pytest.raises(InvalidResponse) as raised:
        oauth.refresh_token("refresh-token-value")

    message = str(raised.value)
    assert f"has an invalid {field}" in message
    assert "printable ASCII" in message
    assert str(value).strip() not in message
    assert "refresh-token-value" not in message


def test_null_refresh_token_ignored(token_server):
    token_server.body = {**GOOD, "refresh_token": None}

    token = oauth.refresh_token("refresh-token-value")

    assert token["access_token"] == "oauth2v2_good"


def test_good_token_accepted(token_server):
    token_server.body = GOOD

    token = oauth.refresh_token("refresh-token-value")

    assert token["access_token"] == "oauth2v2_good"
    assert token["refresh_token"] == "oauth2v2_refresh"


@pytest.mark.django_db
def test_rejected_refresh_keeps_tokens(token_server):
    OAuthToken.objects.create(
        access_token="oauth2v2_stored",
        refresh_token="oauth2v2_stored_refresh",
        token_type="Bearer",
        expires_at=timezone.now() - timedelta(minutes=1),
        refresh_expires_at=timezone.now() + timedelta(days=14),
    )
    before = OAuthToken.objects.values().get()
    token_server.body = {**GOOD, "access_token": "oauth2v2_\u20ac-euro"}

    with pytest.raises(InvalidResponse):
        services.get_access_token()

    assert OAuthToken.objects.values().get() == before


@pytest.mark.parametrize("expires_in", ["1e400", "inf", "nan", 10**18, -1, 0, 10**400, 31_536_001])
def test_invalid_expires_in_rejected(token_server, expires_in):
    token_server.body = {**GOOD, "expires_in": expires_in}

    with pytest.raises(InvalidResponse, match="expires_in"):
        oauth.refresh_token("refresh-token-value")


@pytest.mark.parametrize(
    ("expires_in", "seconds"), [("86400", 86400), (1, 1), (31_536_000, 31_536_000)]
)
def test_valid_expires_in_accepted(token_server, expires_in, seconds):
    token_server.body = {**GOOD, "expires_in": expires_in}

    assert oauth.refresh_token("refresh-token-value")["expires_in"] == seconds
