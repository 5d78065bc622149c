"""HTTP transport to Upwork's GraphQL endpoint: timeouts, rate limit, retries, typed errors.

This module owns every GraphQL request the package sends. It does not import the models,
because the service layer passes the access token in and receives parsed data or an
exception from :mod:`django_upwork.exceptions`.
"""

from __future__ import annotations

import json
import logging
import math
import random
import re
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, NoReturn

import requests
from django.views.decorators.debug import sensitive_variables

from django_upwork import conf
from django_upwork.client.ratelimit import MAX_BLOCK_SECONDS, RateLimiter
from django_upwork.exceptions import (
    AuthenticationError,
    BotCheckPage,
    GraphQLError,
    GraphQLValidationError,
    InvalidResponse,
    NotFound,
    PermissionDenied,
    RateLimited,
    RateLimiterUnavailable,
    ServerError,
    UpworkConfigurationError,
    UpworkConnectionError,
    UpworkError,
    UpworkTimeout,
)

logger = logging.getLogger(__name__)

# Upwork documents no Retry-After header; its block lifts about a minute after the last
# limited request.
DEFAULT_RETRY_AFTER = 60.0
REQUEST_ID_HEADERS = ("X-Request-Id", "X-Upwork-Request-Id", "X-Amzn-Trace-Id")
_SCOPE_FIELDS = re.compile(r"permissions/scopes to access: \[([^\]]*)\]")
_NOT_FOUND = re.compile(r"not found", re.IGNORECASE)


def build_session() -> requests.Session:
    """Return a new ``requests.Session`` with the package's User-Agent."""
    session = requests.Session()
    session.headers["User-Agent"] = conf.user_agent()
    return session


_local = threading.local()


def shared_session() -> requests.Session:
    """Return this thread's session, so that requests reuse its open connections.

    ``requests.Session`` is not documented as thread-safe, so each thread gets its own.
    """
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = build_session()
    return session


@dataclass
class GraphQLResult:
    """The ``data`` of a GraphQL response, with any ``errors`` that came beside partial data."""

    data: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)
    request_id: str | None = None


class GraphQLClient:
    """Send GraphQL requests to Upwork with one access token."""

    def __init__(
        self,
        access_token: str,
        *,
        session: requests.Session | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._access_token = access_token
        self.session = session or shared_session()
        self.limiter = limiter or RateLimiter.from_settings()

    def __repr__(self) -> str:
        return f"<GraphQLClient url={conf.api_url()!r} access_token='***'>"

    @sensitive_variables()
    def execute(
        self, query: str, variables: dict[str, Any] | None, operation: str
    ) -> GraphQLResult:
        """Send one query and return its result, retrying transient failures.

        Connection errors, timeouts, 5xx responses and HTML pages are retried with exponential
        backoff and jitter, at most ``UPWORK_MAX_RETRIES`` times and for at most
        ``UPWORK_RETRY_MAX_TIME`` seconds. Everything else raises at once.
        """
        max_retries = conf.max_retries()
        deadline = time.monotonic() + conf.retry_max_time()
        backoff = conf.retry_backoff()
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send(query, variables, operation)
            except RateLimiterUnavailable:
                # Retrying within this call would only wait on the same failed cache.
                raise
            except RateLimited as err:
                if err.status == 429:
                    # Upwork blocked this address: every process sharing the limiter pauses
                    # until the block lifts, and no retry spends a request on it.
                    self.limiter.block(err.retry_after)
                raise
            except UpworkError as err:
                if not err.retryable or attempt > max_retries:
                    raise
                delay = min(backoff * 2 ** (attempt - 1), 30.0) * random.uniform(0.5, 1.0)  # noqa: S311
                if time.monotonic() + delay > deadline:
                    raise
                logger.warning(
                    "Upwork %s failed on attempt %d of %d (%s); retrying in %.2f s.",
                    operation,
                    attempt,
                    max_retries + 1,
                    err,
                    delay,
                )
                time.sleep(delay)

    def _send(self, query: str, variables: dict[str, Any] | None, operation: str) -> GraphQLResult:
        url = conf.api_url()
        if conf.is_remote_plain_http(url):
            # The bearer token would cross the network unencrypted.
            raise UpworkConfigurationError(
                f"UPWORK_API_URL {url!r} uses plain HTTP on a host other than this machine. "
                "Use https://, or run the emulator on 127.0.0.1."
            )
        self.limiter.acquire(operation)
        headers = {
            "Authorization": f"Bearer {self._access_token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        tenant = conf.tenant_id()
        if tenant:
            headers["X-Upwork-API-TenantId"] = tenant
        body = {"query": query, "variables": variables or {}, "operationName": operation}
        try:
            response = self.session.post(url, json=body, headers=headers, timeout=conf.timeout())
        except requests.Timeout as err:
            raise UpworkTimeout(
                f"Upwork did not respond in time (UPWORK_TIMEOUT: {describe_timeout()}).",
                operation=operation,
            ) from err
        except requests.ConnectionError as err:
            raise UpworkConnectionError(
                f"The connection to Upwork at {conf.api_url()} failed: {connection_failure(err)}.",
                operation=operation,
            ) from err
        except (requests.RequestException, ValueError) as err:
            # A ValueError comes from requests reading a redirect's port with urlparse, to
            # decide whether to keep the Authorization header, such as for port 99999.
            raise_request_error(err, f"Upwork at {url}", operation)
        return parse_graphql_response(response, operation)


def describe_timeout() -> str:
    """Return ``UPWORK_TIMEOUT`` in words, such as ``connect 5 s, read 30 s``."""
    connect, read = conf.timeout()
    return f"connect {connect:g} s, read {read:g} s"


def raise_request_error(err: Exception, target: str, operation: str) -> NoReturn:
    """Raise the UpworkError for a failed request that did not time out or fail to connect.

    ``target`` completes "The request to …", such as "Upwork at https://…". The message
    names the class of ``err`` but not its text, because requests puts the offending header
    value, such as the bearer token, into the text of ``InvalidHeader``. For the same
    reason an ``InvalidHeader`` is not chained, so no traceback prints it.
    """
    error = _request_error(err, target, operation)
    if isinstance(err, requests.exceptions.InvalidHeader):
        raise error from None
    raise error from err


def _request_error(err: Exception, target: str, operation: str) -> UpworkError:
    name = type(err).__name__
    if isinstance(err, requests.exceptions.ChunkedEncodingError):
        return UpworkConnectionError(
            f"The request to {target} failed: the connection broke while the response was "
            "read (ChunkedEncodingError).",
            operation=operation,
        )
    if isinstance(err, requests.exceptions.ContentDecodingError):
        return InvalidResponse(
            f"The request to {target} failed: the compressed response could not be "
            "decoded (ContentDecodingError).",
            operation=operation,
        )
    if isinstance(err, requests.TooManyRedirects):
        return InvalidResponse(
            f"The request to {target} failed: the server redirected it too many times "
            "(TooManyRedirects).",
            operation=operation,
        )
    if isinstance(err, requests.exceptions.InvalidHeader):
        return UpworkError(
            f"The request to {target} failed: a request header has an invalid value, such as "
            "one with a line break (InvalidHeader).",
            operation=operation,
        )
    if isinstance(err, ValueError):  # InvalidURL, InvalidSchema and MissingSchema included
        return UpworkError(
            f"The request to {target} failed: its URL, or a URL that the server redirected "
            f"it to, is invalid ({name}).",
            operation=operation,
        )
    return UpworkError(
        f"The request to {target} failed: requests could not send it or read the response "
        f"({name}).",
        operation=operation,
    )


def connection_failure(err: requests.ConnectionError) -> str:
    """Return the innermost cause of a connection error, such as ``Connection refused``."""
    cause: BaseException = err
    while True:
        reason = getattr(cause, "reason", None)
        if isinstance(reason, BaseException) and reason is not cause:
            cause = reason
            continue
        # urllib3's ProtocolError carries its cause after a message, as in
        # ('Connection aborted.', ConnectionResetError(...)).
        inner = next((arg for arg in cause.args if isinstance(arg, BaseException)), None)
        if inner is None or inner is cause:
            break
        cause = inner
    text = str(cause)
    # urllib3 prefixes the cause with the connection object's repr, which adds nothing.
    text = re.sub(r"^<[^>]+>:\s*", "", text)
    return (text or type(cause).__name__)[:200]


def parse_graphql_response(response: requests.Response, operation: str) -> GraphQLResult:
    """Turn an HTTP response from the GraphQL endpoint into data or a typed exception."""
    status = response.status_code
    request_id = next(
        (response.headers[name] for name in REQUEST_ID_HEADERS if name in response.headers), None
    )
    evidence: dict[str, Any] = {"status": status, "request_id": request_id, "operation": operation}

    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        raise RateLimited(
            f"Upwork returned 429 Too Many Requests; retry after {retry_after:g} s. "
            "Lower UPWORK_RATE_LIMIT if this repeats.",
            retry_after=retry_after,
            **evidence,
        )
    if status == 401:
        raise AuthenticationError(
            "Upwork rejected the access token (401). It is refreshed once automatically; "
            "if this persists, reconnect the Upwork account.",
            **evidence,
        )

    content_type = response.headers.get("Content-Type", "")
    text = response.text
    if status >= 500 and not content_type.lower().startswith("application/json"):
        raise ServerError(f"Upwork returned HTTP {status}.", **evidence)
    if "html" in content_type.lower() or text.lstrip()[:1] == "<":
        raise BotCheckPage(
            f"Upwork returned an HTML page (HTTP {status}) instead of JSON, such as a "
            "bot check; try again later or from another server address.",
            **evidence,
        )
    try:
        payload = json.loads(text)
    except ValueError as err:
        if status >= 500:
            raise ServerError(f"Upwork returned HTTP {status}.", **evidence) from err
        raise InvalidResponse(
            f"Upwork returned HTTP {status} with a body that is not valid JSON "
            f"({len(text)} characters).",
            **evidence,
        ) from err
    if not isinstance(payload, dict):
        raise InvalidResponse("Upwork returned JSON that is not an object.", **evidence)
    if "\\u0000" in text:  # Only JSON's escape can carry a NUL: strict parsing refuses a raw one.
        payload = _without_nul(payload)

    errors = payload.get("errors") or []
    data = payload.get("data")
    if status >= 500:
        raise ServerError(
            f"Upwork returned HTTP {status}: {_first_message(errors) or 'no message'}.",
            **evidence,
        )
    if status == 403:
        raise PermissionDenied(
            f"Upwork returned 403 Forbidden: {_first_message(errors) or 'no message'}.",
            **evidence,
        )
    if status >= 400:
        raise UpworkError(
            f"Upwork returned HTTP {status}: {_first_message(errors) or 'no message'}.",
            **evidence,
        )
    if errors and (not data or (isinstance(data, dict) and all(v is None for v in data.values()))):
        # Every field the query asked for is null, so the errors explain why; this is not
        # partial data. It is also not an absent object: Upwork reports that as an error
        # naming it ("Opening not found"), which becomes NotFound here.
        raise _graphql_error(errors, evidence)
    if not isinstance(data, dict):
        raise InvalidResponse("Upwork returned a response without a 'data' object.", **evidence)
    if errors:
        logger.warning(
            "Upwork %s returned partial data with %d errors: %s",
            operation,
            len(errors),
            _first_message(errors),
        )
    return GraphQLResult(data=data, errors=errors, request_id=request_id)


def _without_nul(value: Any) -> Any:
    """Return ``value`` with every NUL character removed from its strings and keys.

    PostgreSQL can store NUL in neither text nor jsonb, so one posting with a NUL in any
    field would make the whole page fail to save. The character carries no meaning in
    Upwork's data, and dropping it on every database keeps them alike.
    """
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _graphql_error(errors: list[dict[str, Any]], evidence: dict[str, Any]) -> UpworkError:
    message = _first_message(errors) or "unknown GraphQL error"
    classification = ((errors[0].get("extensions") or {}).get("classification")) if errors else None
    evidence = {**evidence, "classification": classification}
    scope_match = _SCOPE_FIELDS.search(message)
    if scope_match:
        fields = [name.strip() for name in scope_match.group(1).split(",") if name.strip()]
        return PermissionDenied(
            f"The Upwork API key lacks a scope needed for {', '.join(fields)}. Enable "
            "'Read marketplace Job Postings' and 'Common Entities - Read-Only Access' on the "
            "key in Upwork's API Center, then reconnect the account.",
            blocked_fields=fields,
            **evidence,
        )
    if classification == "ValidationError":
        return GraphQLValidationError(
            f"Upwork rejected the query: {message}", errors=errors, **evidence
        )
    if _NOT_FOUND.search(message):
        return NotFound(f"Upwork did not find the object: {message}", **evidence)
    return GraphQLError(f"Upwork returned a GraphQL error: {message}", errors=errors, **evidence)


def _first_message(errors: list[Any]) -> str | None:
    for error in errors:
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return None


def parse_retry_after(value: str | None) -> float:
    """Return the wait in seconds from a ``Retry-After`` header, at most ``MAX_BLOCK_SECONDS``.

    The header is a number of seconds or an HTTP date. A missing, unreadable or non-finite
    value gives ``DEFAULT_RETRY_AFTER``.
    """
    if not value:
        return DEFAULT_RETRY_AFTER
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return DEFAULT_RETRY_AFTER
    if not math.isfinite(seconds):
        return DEFAULT_RETRY_AFTER
    return min(max(seconds, 0.0), MAX_BLOCK_SECONDS)
