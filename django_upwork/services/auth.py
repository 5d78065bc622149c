"""Connecting the Upwork account and keeping its access token valid."""

from __future__ import annotations

import logging
import secrets
import time
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from django_upwork import conf
from django_upwork.client import oauth
from django_upwork.exceptions import (
    AuthorizationDenied,
    InvalidInput,
    InvalidOAuthState,
    NotConnected,
    ReauthorizationRequired,
    UpworkConfigurationError,
)
from django_upwork.fields import check_encryption_keys
from django_upwork.models import ConnectionStatus, OAuthToken

logger = logging.getLogger(__name__)

SESSION_KEY = "django_upwork_oauth_states"
STATE_MAX_AGE = 600  # seconds a started connection may take to come back
MAX_PENDING_STATES = 5  # per session; the oldest pending state is dropped beyond this
# The stored expiry is this much earlier than Upwork's, so a token is never sent just as it dies.
EXPIRY_SAFETY_MARGIN = timedelta(seconds=60)
# Refresh this long before the stored expiry, so a slow request still carries a live token.
REFRESH_MARGIN = timedelta(minutes=5)
REFRESH_TOKEN_LIFETIME = timedelta(days=14)
DEFAULT_EXPIRES_IN = 3600  # seconds assumed when Upwork sends no expires_in
TOKEN_FIELDS = ("access_token", "refresh_token")


def user_can_connect(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Return whether ``user`` may connect the Upwork account (``UPWORK_CONNECT_PERMISSION``)."""
    if user is None or not user.is_authenticated or not getattr(user, "is_active", False):
        return False
    permission = conf.connect_permission()
    if permission in ("is_staff", "is_superuser"):
        return bool(getattr(user, permission, False))
    return bool(user.has_perm(permission))  # type: ignore[attr-defined]


def build_redirect_uri(request: HttpRequest | None = None) -> str:
    """Return the redirect URI sent to Upwork.

    ``UPWORK_REDIRECT_URI`` wins, then ``UPWORK_SITE_URL`` plus the callback route, and only
    then the current request, whose scheme honours ``SECURE_PROXY_SSL_HEADER`` behind a
    TLS-terminating proxy.
    """
    configured = conf.redirect_uri()
    if configured:
        return configured
    try:
        path = reverse("django_upwork:callback")
    except NoReverseMatch:
        raise UpworkConfigurationError(
            "Cannot build the OAuth2 redirect URI, because ROOT_URLCONF has no "
            'django_upwork:callback route. Add path("upwork/", include("django_upwork.urls")) '
            "to the URLconf, or set UPWORK_REDIRECT_URI to the URL of your own callback view."
        ) from None
    site = conf.site_url()
    if site:
        return site + path
    if request is not None:
        return request.build_absolute_uri(path)
    raise UpworkConfigurationError(
        "Cannot build the OAuth2 redirect URI without a request. Set UPWORK_REDIRECT_URI or "
        "UPWORK_SITE_URL (for example 'https://example.com')."
    )


def get_authorization_url(request: HttpRequest | None = None, *, state: str | None = None) -> str:
    """Return Upwork's authorization URL for a new connection.

    With a ``request``, a random single-use ``state`` is generated and stored in its session
    for the callback to check. Without one, pass your own ``state`` and check it yourself
    when Upwork redirects back.
    """
    if request is None:
        if not isinstance(state, str) or not state.strip():
            raise InvalidInput(
                "Pass a request (to keep the state in its session) or your own state string, "
                f"such as secrets.token_urlsafe(32); got state={state!r}."
            )
        return oauth.authorization_url(build_redirect_uri(None), state)

    redirect_uri = build_redirect_uri(request)
    state = secrets.token_urlsafe(32)
    now = time.time()
    pending: dict[str, dict[str, Any]] = {
        key: value
        for key, value in request.session.get(SESSION_KEY, {}).items()
        if now - value.get("created", 0) < STATE_MAX_AGE
    }
    pending[state] = {"created": now, "user": _user_key(request), "redirect_uri": redirect_uri}
    newest = sorted(pending.items(), key=lambda item: item[1]["created"])[-MAX_PENDING_STATES:]
    request.session[SESSION_KEY] = dict(newest)
    return oauth.authorization_url(redirect_uri, state)


@sensitive_variables()
def complete_authorization(request: HttpRequest) -> OAuthToken:
    """Check the callback's ``state``, exchange its ``code`` and store the new token.

    Raises :class:`InvalidOAuthState` when the state is missing, unknown, used, expired or
    started by another user, and :class:`AuthorizationDenied` when the user declined on
    Upwork. No code is exchanged in either case.
    """
    state = request.GET.get("state", "")
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(state, None) if state else None
    if entry is None:
        raise InvalidOAuthState(
            "The connection request is unknown or was already used, or the session changed. "
            f"Start the connection again at {_authorize_path()}."
        )
    # A known state is spent here. An unknown one changes nothing, so a stray request to the
    # callback creates no session.
    request.session[SESSION_KEY] = pending
    if time.time() - entry.get("created", 0) >= STATE_MAX_AGE:
        raise InvalidOAuthState(
            f"The connection request expired. Start the connection again at {_authorize_path()}."
        )
    if entry.get("user") != _user_key(request):
        raise InvalidOAuthState(
            "The connection was started by another user. Start the connection again at "
            f"{_authorize_path()}."
        )
    error = request.GET.get("error")
    if error:
        logger.info("Upwork authorization was declined: %r.", error)
        raise AuthorizationDenied(
            "Access to the Upwork account was not granted. To retry, start the connection again "
            f"at {_authorize_path()}.",
            error=error,
        )
    code = request.GET.get("code")
    if not code:
        raise InvalidOAuthState(
            f"Upwork's redirect has no authorization code. Start again at {_authorize_path()}."
        )
    return exchange_auth_code(code, redirect_uri=entry["redirect_uri"])


@sensitive_variables()
def exchange_auth_code(code: str, *, redirect_uri: str | None = None) -> OAuthToken:
    """Exchange an authorization code for tokens and store them as the site's connection.

    ``redirect_uri`` must be the one sent in the authorization URL; it defaults to the
    configured one.
    """
    if not isinstance(code, str) or not code.strip():
        # The value is not shown: a code is a credential until it is used.
        raise InvalidInput(
            "code must be the non-empty 'code' parameter of Upwork's redirect to the callback "
            f"URL; got {'an empty string' if isinstance(code, str) else type(code).__name__}."
        )
    check_encryption_keys()
    token = oauth.fetch_token(code, redirect_uri or build_redirect_uri(None))
    with transaction.atomic():
        # The old tokens are replaced, never read: a row that a lost or changed encryption
        # key can no longer decrypt must not throw away the tokens just issued.
        row = (
            OAuthToken.objects.select_for_update()
            .defer(*TOKEN_FIELDS)
            .filter(key=OAuthToken.DEFAULT_KEY)
            .first()
        )
        row = row or OAuthToken(key=OAuthToken.DEFAULT_KEY)
        _apply_token(row, token, previous_refresh_token=None)
        row.needs_reauthorization = False
        row.last_error = ""
        row.save()
    logger.info("Connected the Upwork account; the access token expires at %s.", row.expires_at)
    return row


def success_url(request: HttpRequest) -> str | None:
    """Return ``UPWORK_SUCCESS_URL``, or ``None`` when it is unset or invalid.

    The rule is ``conf.success_url``'s, which check E005 applies too. It depends on settings
    alone, so ``request`` is not read: a URL on the request's host counts only when
    ``ALLOWED_HOSTS`` names that host exactly. An invalid value is logged with the reason.
    """
    try:
        return conf.success_url()
    except UpworkConfigurationError as err:
        logger.warning("Ignoring UPWORK_SUCCESS_URL and showing the default page: %s", err)
        return None


def get_auth_status() -> str:
    """Return ``"connected"``, ``"disconnected"`` or ``"expired"`` for the site's connection."""
    token = get_connection()
    if token is None:
        return str(ConnectionStatus.DISCONNECTED)
    return token.status


def get_connection() -> OAuthToken | None:
    """Return the site's connection for display, with the token columns left unread.

    Reading ``access_token`` or ``refresh_token`` on the result loads and decrypts them.
    """
    return OAuthToken.objects.defer(*TOKEN_FIELDS).filter(key=OAuthToken.DEFAULT_KEY).first()


def _load_token() -> OAuthToken | None:
    return OAuthToken.objects.filter(key=OAuthToken.DEFAULT_KEY).first()


def disconnect() -> bool:
    """Forget the stored tokens; return whether there was a connection."""
    deleted, _ = OAuthToken.objects.filter(key=OAuthToken.DEFAULT_KEY).delete()
    if deleted:
        logger.info("Disconnected the Upwork account.")
    return bool(deleted)


@sensitive_variables()
def get_access_token() -> str:
    """Return a live access token, refreshing it first when it is about to expire."""
    token = _load_token()
    if token is None:
        raise NotConnected(
            "No Upwork account is connected. A staff user must connect one through the "
            "django_upwork:authorize view."
        )
    if token.needs_reauthorization:
        raise ReauthorizationRequired(
            f"The Upwork connection expired ({token.last_error or 'refresh rejected'}). "
            "A staff user must connect the account again."
        )
    if not token.is_access_token_expired(REFRESH_MARGIN):
        return token.access_token
    return refresh_access_token(stale_access_token=token.access_token).access_token


@sensitive_variables()
def refresh_access_token(
    stale_access_token: str | None = None, *, force: bool = False
) -> OAuthToken:
    """Refresh the access token under a row lock so that concurrent callers refresh once.

    Without arguments the token is refreshed only when it expires within five minutes;
    ``force`` refreshes it in any case, for example to rewrite the stored tokens after
    ``UPWORK_TOKEN_ENCRYPTION_KEY`` changed. A caller that passes the ``stale_access_token``
    it saw gets the stored token without a request when another process has replaced it
    meanwhile. When Upwork rejects the refresh
    token, the connection is marked as needing reauthorization (old values kept) and
    :class:`ReauthorizationRequired` is raised. A transient failure changes nothing stored.
    """
    with transaction.atomic():
        row = OAuthToken.objects.select_for_update().filter(key=OAuthToken.DEFAULT_KEY).first()
        if row is None:
            raise NotConnected("No Upwork account is connected.")
        if row.needs_reauthorization:
            raise ReauthorizationRequired(
                "The Upwork connection expired. A staff user must connect the account again."
            )
        if stale_access_token is not None and row.access_token != stale_access_token:
            return row
        if (
            stale_access_token is None
            and not force
            and not row.is_access_token_expired(REFRESH_MARGIN)
        ):
            return row
        used_refresh_token = row.refresh_token
        seen_updated_at = row.updated_at
        if not used_refresh_token:
            rejection = ReauthorizationRequired(
                "The stored Upwork connection has no refresh token. Connect the account again."
            )
        else:
            check_encryption_keys()
            try:
                token = oauth.refresh_token(used_refresh_token)
            except ReauthorizationRequired as err:
                rejection = err
            else:
                _apply_token(row, token, previous_refresh_token=used_refresh_token)
                row.refreshed_at = timezone.now()
                row.save()
                logger.info("Refreshed the Upwork access token; it expires at %s.", row.expires_at)
                return row

    # Without row locks (SQLite), another process may have refreshed or reconnected while
    # this one used the old refresh token. The row is marked only if no process saved it since.
    marked = OAuthToken.objects.filter(
        key=OAuthToken.DEFAULT_KEY, updated_at=seen_updated_at
    ).update(
        needs_reauthorization=True,
        last_error=(rejection.classification or "no refresh token")[:255],
        updated_at=timezone.now(),
    )
    if not marked:
        current = _load_token()
        if current is not None and not current.needs_reauthorization:
            logger.info("The Upwork token was replaced by another process; using that one.")
            return current
        raise rejection
    if used_refresh_token:
        logger.warning(
            "Upwork rejected the refresh token (%s); the connection needs reauthorization.",
            rejection.classification,
        )
    else:
        logger.warning("The Upwork connection has no refresh token; it needs reauthorization.")
    raise rejection


def _apply_token(
    row: OAuthToken, token: dict[str, Any], *, previous_refresh_token: str | None
) -> None:
    now = timezone.now()
    expires_in = token.get("expires_in")
    try:
        seconds = int(float(expires_in)) if expires_in is not None else DEFAULT_EXPIRES_IN
    except (TypeError, ValueError):
        seconds = DEFAULT_EXPIRES_IN
    row.access_token = str(token["access_token"])
    new_refresh_token = token.get("refresh_token")
    if new_refresh_token and new_refresh_token != previous_refresh_token:
        row.refresh_token = str(new_refresh_token)
        row.refresh_expires_at = now + REFRESH_TOKEN_LIFETIME
    elif previous_refresh_token:
        # Upwork may omit the refresh token; the previous one stays valid then.
        row.refresh_token = previous_refresh_token
    else:
        row.refresh_token = ""
        row.refresh_expires_at = None
    row.token_type = str(token.get("token_type") or "Bearer")
    row.expires_at = now + timedelta(seconds=max(seconds, 0)) - EXPIRY_SAFETY_MARGIN
    scope = token.get("scope")
    row.scope = " ".join(scope) if isinstance(scope, (list, tuple)) else str(scope or "")


def _authorize_path() -> str:
    """Return where a user starts the connection, for the text of an error."""
    try:
        return reverse("django_upwork:authorize")
    except NoReverseMatch:  # a site that serves its own connect view
        return "the site's connect page"


def _user_key(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return str(user.pk)
