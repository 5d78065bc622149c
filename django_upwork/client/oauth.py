"""OAuth2 requests to Upwork's token endpoint, through requests-oauthlib.

Token requests are never retried here: an authorization code is single-use, and a refresh
rotates the refresh token, so a retry after a lost response could burn the grant. A transient
failure raises a retryable exception and the caller decides.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any
from urllib.parse import urlsplit

import requests
from django.views.decorators.debug import sensitive_variables
from oauthlib.oauth2 import OAuth2Error
from requests_oauthlib import OAuth2Session

from django_upwork import conf
from django_upwork.client.http import (
    build_session,
    connection_failure,
    describe_timeout,
    parse_retry_after,
    raise_request_error,
)
from django_upwork.client.ratelimit import RateLimiter
from django_upwork.exceptions import (
    AuthenticationError,
    BotCheckPage,
    InvalidResponse,
    RateLimited,
    ReauthorizationRequired,
    ServerError,
    UpworkConfigurationError,
    UpworkConnectionError,
    UpworkError,
    UpworkTimeout,
)

logger = logging.getLogger(__name__)

# The maximum access token lifetime accepted from Upwork, whose tokens last a day.
MAX_EXPIRES_IN = 365 * 24 * 3600


def authorization_url(redirect_uri: str, state: str) -> str:
    """Return Upwork's authorization URL for the authorization-code grant."""
    _allow_http_on_loopback(conf.authorize_url(), "UPWORK_AUTHORIZE_URL")
    oauth = OAuth2Session(conf.client_id(), redirect_uri=redirect_uri)
    url, _ = oauth.authorization_url(conf.authorize_url(), state=state)
    return str(url)


@sensitive_variables()
def fetch_token(code: str, redirect_uri: str) -> dict[str, Any]:
    """Exchange an authorization code for a token dict."""
    oauth = _session(redirect_uri=redirect_uri)
    return _call(
        "authorization_code",
        lambda: oauth.fetch_token(
            conf.token_url(),
            code=code,
            client_secret=conf.client_secret(),
            include_client_id=True,
            timeout=conf.timeout(),
        ),
    )


@sensitive_variables()
def refresh_token(refresh_token: str) -> dict[str, Any]:
    """Trade a refresh token for a new token dict.

    Upwork rejects a refresh without ``client_id``, so both the id and the secret go in the
    form body.
    """
    oauth = _session()
    return _call(
        "refresh_token",
        lambda: oauth.refresh_token(
            conf.token_url(),
            refresh_token=refresh_token,
            client_id=conf.client_id(),
            client_secret=conf.client_secret(),
            timeout=conf.timeout(),
        ),
    )


def _allow_http_on_loopback(url: str, setting: str) -> None:
    """Let oauthlib use plain HTTP when the endpoint is on this machine, as the emulator is.

    oauthlib raises ``InsecureTransportError`` for any ``http://`` URL unless the
    ``OAUTHLIB_INSECURE_TRANSPORT`` environment variable is set, and it has no per-call
    switch. The variable is process-wide, so plain HTTP to any other host is rejected here
    whether or not it is set.
    """
    if conf.is_remote_plain_http(url):
        raise UpworkConfigurationError(
            f"{setting} {url!r} uses plain HTTP on a host other than this machine. Use "
            "https://, or run the emulator on 127.0.0.1."
        )
    parts = urlsplit(url)
    is_loopback_http = parts.scheme == "http"
    if is_loopback_http and not os.environ.get("OAUTHLIB_INSECURE_TRANSPORT"):
        logger.info("Allowing plain HTTP for OAuth2 on loopback host %s.", parts.hostname)
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"


def _session(redirect_uri: str | None = None) -> OAuth2Session:
    _allow_http_on_loopback(conf.token_url(), "UPWORK_TOKEN_URL")
    oauth = OAuth2Session(conf.client_id(), redirect_uri=redirect_uri)
    oauth.headers.update(build_session().headers)
    oauth.headers["Accept"] = "application/json"
    oauth.register_compliance_hook("access_token_response", _check_token_response)
    oauth.register_compliance_hook("refresh_token_response", _check_token_response)
    return oauth


def _check_token_response(response: requests.Response) -> requests.Response:
    """Raise a typed error for responses oauthlib would misread; normalise ``expires_in``."""
    status = response.status_code
    evidence: dict[str, Any] = {"status": status, "operation": "token"}
    content_type = response.headers.get("Content-Type", "").lower()
    text = response.text
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        RateLimiter.from_settings().block(retry_after)
        raise RateLimited(
            f"Upwork's token endpoint returned 429 Too Many Requests; try again after "
            f"{retry_after:g} s. Nothing stored was changed.",
            retry_after=retry_after,
            **evidence,
        )
    if status >= 500 and not content_type.startswith("application/json"):
        raise ServerError(f"Upwork's token endpoint returned HTTP {status}.", **evidence)
    if "html" in content_type or text.lstrip()[:1] == "<":
        raise BotCheckPage(
            f"Upwork's token endpoint returned an HTML page (HTTP {status}) instead of "
            "JSON, such as a bot check; try again later or from another server address.",
            **evidence,
        )
    try:
        payload = json.loads(text) if text else None
    except ValueError as err:
        if status >= 500:
            raise ServerError(
                f"Upwork's token endpoint returned HTTP {status}.", **evidence
            ) from err
        raise InvalidResponse(
            f"Upwork's token endpoint returned HTTP {status} with a body that is not JSON.",
            **evidence,
        ) from err
    if status >= 500:
        raise ServerError(f"Upwork's token endpoint returned HTTP {status}.", **evidence)
    if not isinstance(payload, dict):
        raise InvalidResponse(
            f"Upwork's token endpoint returned HTTP {status} without a JSON object.", **evidence
        )
    if status == 200 and "error" not in payload:
        if not payload.get("access_token"):
            raise InvalidResponse("Upwork's token response has no access_token.", **evidence)
        if payload.get("refresh_token") is None:
            payload.pop("refresh_token", None)  # The stored refresh token stays in use.
        for name in ("access_token", "refresh_token"):
            if name in payload and not _is_header_safe(payload[name]):
                # The message leaves the value out, because it may be a working token.
                raise InvalidResponse(
                    f"Upwork's token response has an invalid {name}: a token must be a string "
                    "of printable ASCII characters without spaces to be sent in the "
                    "Authorization header. Nothing stored was changed.",
                    **evidence,
                )
        expires_in = payload.get("expires_in")
        if expires_in is not None:
            try:
                seconds = float(expires_in)
            except (TypeError, ValueError, OverflowError) as err:
                raise InvalidResponse(
                    "Upwork's token response has an expires_in that is not a number.", **evidence
                ) from err
            if not 1 <= seconds <= MAX_EXPIRES_IN:  # False for NaN too
                raise InvalidResponse(
                    f"Upwork's token response has an invalid expires_in: {expires_in!r} is not "
                    f"a number of seconds from 1 to {MAX_EXPIRES_IN} (a year). Nothing stored "
                    "was changed.",
                    **evidence,
                )
            payload["expires_in"] = int(seconds)
        payload.setdefault("token_type", "Bearer")
        response._content = json.dumps(payload).encode()
    return response


def _is_header_safe(token: Any) -> bool:
    """Return whether ``token`` can follow ``Bearer`` in an Authorization header as is."""
    return isinstance(token, str) and token.isascii() and token.isprintable() and " " not in token


def _call(grant: str, request: Any) -> dict[str, Any]:
    RateLimiter.from_settings().acquire(f"token:{grant}")
    try:
        token = request()
    except UpworkError as err:
        err.operation = f"token:{grant}"
        raise
    except OAuth2Error as err:
        # oauthlib's description comes from the response body and never contains a token.
        detail = f"{err.error}: {err.description}" if err.description else str(err.error)
        evidence: dict[str, Any] = {
            "status": err.status_code,
            "classification": err.error,
            "operation": f"token:{grant}",
        }
        if err.error == "invalid_grant":
            if grant == "refresh_token":
                raise ReauthorizationRequired(
                    f"Upwork rejected the refresh token ({detail}). Reconnect the Upwork account.",
                    **evidence,
                ) from None
            raise AuthenticationError(
                f"Upwork rejected the authorization code ({detail}). A code works once, "
                "expires within minutes and needs the redirect URI it was issued for. Start the "
                "connection again; if this repeats, check that the redirect URI registered on "
                "the API key matches UPWORK_SITE_URL or UPWORK_REDIRECT_URI.",
                **evidence,
            ) from None
        if err.error in ("invalid_client", "unauthorized_client"):
            # The stored tokens are not at fault, so a refresh marks nothing as expired.
            raise AuthenticationError(
                f"Upwork rejected the client credentials ({detail}). Check UPWORK_CLIENT_ID "
                "and UPWORK_CLIENT_SECRET. The stored connection was not changed.",
                **evidence,
            ) from None
        raise AuthenticationError(
            f"Upwork's token endpoint failed ({detail}).", **evidence
        ) from None
    except requests.Timeout as err:
        raise UpworkTimeout(
            f"Upwork's token endpoint did not respond in time (UPWORK_TIMEOUT: "
            f"{describe_timeout()}).",
            operation=f"token:{grant}",
        ) from err
    except requests.ConnectionError as err:
        raise UpworkConnectionError(
            f"The connection to Upwork's token endpoint at {conf.token_url()} failed: "
            f"{connection_failure(err)}.",
            operation=f"token:{grant}",
        ) from err
    except requests.RequestException as err:
        # Before the ValueError clause, because InvalidURL and InvalidHeader are ValueErrors.
        raise_request_error(err, f"Upwork's token endpoint at {conf.token_url()}", f"token:{grant}")
    except ValueError as err:
        raise InvalidResponse(
            f"Upwork's token response could not be read: {type(err).__name__}.",
            operation=f"token:{grant}",
        ) from None
    return dict(token)
