"""Exceptions raised by django-upwork.

Catch :class:`UpworkError` to handle every failure of a call to Upwork. Each instance
carries the evidence: the HTTP ``status`` (``None`` when no response arrived), the GraphQL
``classification`` Upwork sent, the ``request_id`` when Upwork sent one, and the
``operation`` (GraphQL operation or OAuth grant) that failed. No message contains a token,
an authorization code or the client secret.

Configuration mistakes raise :class:`UpworkConfigurationError`, which derives from Django's
``ImproperlyConfigured`` rather than from :class:`UpworkError`, because retrying never
fixes them.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


class UpworkError(Exception):
    """A call to Upwork failed."""

    #: Whether the same call may succeed when tried again later.
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        classification: str | None = None,
        request_id: str | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.classification = classification
        self.request_id = request_id
        self.operation = operation

    def __str__(self) -> str:
        details = []
        if self.operation:
            details.append(f"operation={self.operation}")
        if self.status is not None:
            details.append(f"status={self.status}")
        if self.classification:
            details.append(f"classification={self.classification}")
        if self.request_id:
            details.append(f"request_id={self.request_id}")
        if not details:
            return self.message
        return f"{self.message} ({', '.join(details)})"


class UpworkConfigurationError(ImproperlyConfigured):
    """A django-upwork setting is missing or invalid."""


class NotConnected(UpworkError):
    """No Upwork account is connected; connect one through the authorize view first."""


class AuthenticationError(UpworkError):
    """Upwork rejected the credentials: a bad client id or secret, or a dead token."""


class ReauthorizationRequired(AuthenticationError):
    """The refresh token is expired or revoked; a staff user must connect the account again."""


class PermissionDenied(UpworkError):
    """The API key lacks a scope that the query needs.

    ``blocked_fields`` lists the fields Upwork named in its message.
    """

    def __init__(self, message: str, *, blocked_fields: list[str] | None = None, **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.blocked_fields = blocked_fields or []


class NotFound(UpworkError):
    """Upwork has no object with the requested id."""


class GraphQLError(UpworkError):
    """Upwork returned GraphQL errors that no narrower class covers.

    ``errors`` contains Upwork's error objects as received.
    """

    def __init__(self, message: str, *, errors: list[dict] | None = None, **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.errors = errors or []


class GraphQLValidationError(GraphQLError):
    """Upwork rejected the query itself (unknown field, wrong argument type)."""


class RateLimited(UpworkError):
    """The request rate limit was reached.

    ``retry_after`` is the number of seconds to wait before the next request.
    """

    retryable = True

    def __init__(self, message: str, *, retry_after: float, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class TransientError(UpworkError):
    """A failure that may pass: a timeout, a dropped connection or a 5xx response."""

    retryable = True


class UpworkTimeout(TransientError):
    """Upwork did not respond within ``UPWORK_TIMEOUT``."""


class UpworkConnectionError(TransientError):
    """The connection to Upwork failed or was reset."""


class ServerError(TransientError):
    """Upwork answered with an HTTP 5xx status."""


class RateLimiterUnavailable(TransientError):
    """The cache that contains the shared rate limit failed, so no request was sent."""


class InvalidResponse(UpworkError):
    """Upwork's answer could not be read: not JSON, truncated, or missing expected fields."""


class BotCheckPage(InvalidResponse):
    """Upwork answered with an HTML page (such as a bot check) instead of JSON.

    This happens from some server addresses; retrying later or from another address helps.
    """

    retryable = True


class InvalidInput(ValueError):
    """An argument was rejected before any request was sent; the message names the fix."""


class ConnectionFlowError(Exception):
    """The OAuth2 callback cannot be completed; the message is safe to show to the user."""


class InvalidOAuthState(ConnectionFlowError):
    """The callback's ``state`` is missing, unknown, already used, expired or another user's."""


class AuthorizationDenied(ConnectionFlowError):
    """The user declined access on Upwork's authorization page.

    ``error`` contains Upwork's error code, such as ``access_denied``.
    """

    def __init__(self, message: str, *, error: str) -> None:
        super().__init__(message)
        self.error = error
