"""OAuth2 state of the emulator: authorization codes, access tokens and rotating refresh tokens.

Lifetimes follow Upwork: access tokens live 24 hours, refresh tokens 14 days, and a refresh
token that has been rotated stays usable for 24 more hours. Every expiry reads the emulated
`Clock`, so tests can move time forward instead of waiting.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ACCESS_TOKEN_LIFETIME = 24 * 3600
REFRESH_TOKEN_LIFETIME = 14 * 24 * 3600
ROTATED_REFRESH_TOKEN_GRACE = 24 * 3600
AUTHORIZATION_CODE_LIFETIME = 10 * 60

TOKEN_PREFIX = "oauth2v2_"  # noqa: S105 - the prefix, not a token
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")


class Clock:
    """Wall-clock time plus an offset that tests advance; thread-safe."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the emulated time in seconds since the epoch."""
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move emulated time forward; raise ValueError for a negative or non-finite amount."""
        if not seconds >= 0 or seconds == float("inf"):
            raise ValueError(f"advance_seconds must be a finite number >= 0, got {seconds!r}")
        with self._lock:
            self._offset += seconds

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0


class OAuthError(Exception):
    """An error response of the token endpoint: HTTP status plus the OAuth2 error body."""

    def __init__(self, status: int, error: str, description: str | None = None) -> None:
        super().__init__(f"{status} {error}: {description or ''}".rstrip(": "))
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, str]:
        body = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        return body


@dataclass
class _AuthorizationCode:
    client_id: str
    redirect_uri: str
    expires_at: float


@dataclass
class _AccessToken:
    client_id: str
    expires_at: float


@dataclass
class _RefreshToken:
    client_id: str
    expires_at: float
    rotated: bool = False


def new_token() -> str:
    """Return a token in Upwork's form: `oauth2v2_` and 32 hexadecimal characters."""
    return TOKEN_PREFIX + secrets.token_hex(16)


class TokenStore:
    """Issues and checks codes and tokens for one registered client; thread-safe."""

    def __init__(
        self,
        clock: Clock,
        client_id: str,
        client_secret: str,
        expires_in_as_string: bool = False,
    ) -> None:
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.expires_in_as_string = expires_in_as_string
        self._lock = threading.Lock()
        self._codes: dict[str, _AuthorizationCode] = {}
        self._access_tokens: dict[str, _AccessToken] = {}
        self._refresh_tokens: dict[str, _RefreshToken] = {}

    def reset(self) -> None:
        with self._lock:
            self._codes.clear()
            self._access_tokens.clear()
            self._refresh_tokens.clear()

    def create_code(self, client_id: str, redirect_uri: str) -> str:
        """Create a single-use authorization code bound to the client and redirect URI."""
        code = secrets.token_urlsafe(24)
        expires_at = self.clock.now() + AUTHORIZATION_CODE_LIFETIME
        with self._lock:
            self._codes[code] = _AuthorizationCode(client_id, redirect_uri, expires_at)
        return code

    def issue_tokens(
        self, client_id: str | None = None, with_refresh_token: bool = True
    ) -> dict[str, Any]:
        """Issue a new access token, and a refresh token when `with_refresh_token` is true.

        Returns the token response body.
        """
        client_id = client_id or self.client_id
        now = self.clock.now()
        access_token = new_token()
        refresh_token = new_token()
        with self._lock:
            self._access_tokens[access_token] = _AccessToken(client_id, now + ACCESS_TOKEN_LIFETIME)
            if with_refresh_token:
                self._refresh_tokens[refresh_token] = _RefreshToken(
                    client_id, now + REFRESH_TOKEN_LIFETIME
                )
        expires_in: int | str = ACCESS_TOKEN_LIFETIME
        if self.expires_in_as_string:
            expires_in = str(ACCESS_TOKEN_LIFETIME)
        body: dict[str, Any] = {"access_token": access_token}
        if with_refresh_token:
            body["refresh_token"] = refresh_token
        body["token_type"] = "Bearer"  # noqa: S105 - the token type name
        body["expires_in"] = expires_in
        return body

    def is_valid_access_token(self, token: str) -> bool:
        with self._lock:
            record = self._access_tokens.get(token)
            return record is not None and record.expires_at > self.clock.now()

    def exchange(
        self,
        form: Mapping[str, str],
        basic_credentials: tuple[str, str] | None,
        rotate_refresh_token: bool = True,
    ) -> tuple[str, dict[str, Any]]:
        """Handle a token endpoint request and return (grant type, response body).

        With `rotate_refresh_token` false, a refresh returns only a new access token and the
        old refresh token stays valid without a grace deadline.
        Raises OAuthError with the status and body that Upwork sends for the failure.
        """
        grant_type = form.get("grant_type", "")
        if not grant_type:
            raise OAuthError(400, "invalid_request", "Missing grant_type parameter")
        if grant_type not in GRANT_TYPES:
            raise OAuthError(400, "unsupported_grant_type")

        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if basic_credentials is not None:
            client_id, client_secret = basic_credentials
        if not client_id:
            raise OAuthError(400, "invalid_request", "Missing client_id parameter")
        if not (
            secrets.compare_digest(client_id, self.client_id)
            and secrets.compare_digest(client_secret, self.client_secret)
        ):
            raise OAuthError(401, "invalid_client")

        if grant_type == "client_credentials":
            raise OAuthError(400, "unauthorized_client")
        if grant_type == "authorization_code":
            return grant_type, self._exchange_code(form, client_id)
        return grant_type, self._refresh(form, client_id, rotate_refresh_token)

    def _exchange_code(self, form: Mapping[str, str], client_id: str) -> dict[str, Any]:
        code = form.get("code", "")
        redirect_uri = form.get("redirect_uri", "")
        if not code:
            raise OAuthError(400, "invalid_request", "Missing code parameter")
        if not redirect_uri:
            raise OAuthError(400, "invalid_request", "Missing redirect_uri parameter")
        with self._lock:
            # A code is spent by the first exchange attempt, whether or not it succeeds.
            record = self._codes.pop(code, None)
        if record is None or record.expires_at <= self.clock.now():
            raise OAuthError(400, "invalid_grant", "Authorization code is invalid or expired")
        if record.client_id != client_id:
            raise OAuthError(
                400, "invalid_grant", "Authorization code was issued to another client"
            )
        if record.redirect_uri != redirect_uri:
            raise OAuthError(
                400, "invalid_grant", "redirect_uri does not match the authorization request"
            )
        return self.issue_tokens(client_id)

    def _refresh(
        self, form: Mapping[str, str], client_id: str, rotate: bool = True
    ) -> dict[str, Any]:
        token = form.get("refresh_token", "")
        if not token:
            raise OAuthError(400, "invalid_request", "Missing refresh_token parameter")
        now = self.clock.now()
        with self._lock:
            record = self._refresh_tokens.get(token)
            usable = record is not None and record.expires_at > now
            if usable and record is not None and record.client_id == client_id:
                # Rotation: the old token keeps working for a grace period, then expires.
                if rotate and not record.rotated:
                    record.rotated = True
                    record.expires_at = min(record.expires_at, now + ROTATED_REFRESH_TOKEN_GRACE)
            else:
                usable = False
        if not usable:
            raise OAuthError(
                400, "invalid_grant", "Refresh token is expired or revoked or not registered"
            )
        return self.issue_tokens(client_id, with_refresh_token=rotate)
