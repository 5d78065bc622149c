"""OAuth2 connection views: start a connection, receive Upwork's callback, disconnect.

Every response here is plain text, so no value from the query string is ever rendered as HTML.
The one exception is the Connect page, a fixed form that renders nothing from the request.
"""

from __future__ import annotations

import logging

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from django_upwork import services
from django_upwork.exceptions import (
    AuthorizationDenied,
    InvalidOAuthState,
    UpworkConfigurationError,
    UpworkError,
)

logger = logging.getLogger(__name__)


def _text(message: str, status: int = 200) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _not_configured(err: UpworkConfigurationError) -> HttpResponse:
    return _text(f"The Upwork connection is not configured: {err}", status=500)


def _permission_denied(request: HttpRequest, action: str) -> HttpResponse | None:
    """Return the refusal page when the user lacks UPWORK_CONNECT_PERMISSION, else ``None``.

    ``action`` is the verb the page names, such as ``"connect"``.
    """
    try:
        allowed = services.user_can_connect(request.user)
    except UpworkConfigurationError as err:
        return _not_configured(err)
    if allowed:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _text(
        f"You do not have permission to {action} the Upwork account (UPWORK_CONNECT_PERMISSION).",
        status=403,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """Show a permitted user the Connect button, and on its POST redirect them to Upwork.

    Only the CSRF-checked POST starts a connection. A GET that started one would let a link
    on another site send a logged-in staff user through Upwork's approval, which Upwork may
    grant without asking, and so connect whatever Upwork account that browser is logged in to.
    """
    denied = _permission_denied(request, "connect")
    if denied is not None:
        return denied
    if request.method == "GET":
        connected = services.get_connection() is not None
        return render(request, "django_upwork/connect.html", {"connected": connected})
    try:
        url = services.get_authorization_url(request)
    except UpworkConfigurationError as err:
        return _not_configured(err)
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Complete the connection when Upwork redirects back with a code and the state."""
    try:
        services.complete_authorization(request)
    except InvalidOAuthState as err:
        return _text(str(err), status=400)
    except AuthorizationDenied as err:
        return _text(str(err), status=403)
    except UpworkConfigurationError as err:
        _save_session(request)
        return _not_configured(err)
    except UpworkError as err:
        _save_session(request)
        logger.warning("Connecting the Upwork account failed: %s", err)
        return _text(f"Connecting the Upwork account failed: {err.message}", status=502)
    url = services.auth.success_url(request)
    if url:
        return HttpResponseRedirect(url)
    return _text("The Upwork account is connected. You can close this page.")


def _save_session(request: HttpRequest) -> None:
    """Save the spent state now: Django's middleware saves no session for a 5xx response."""
    if request.session.modified and not request.session.is_empty():
        request.session.save()


@never_cache
@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    """Forget the stored tokens (POST only, CSRF-protected, staff only)."""
    denied = _permission_denied(request, "disconnect")
    if denied is not None:
        return denied
    services.disconnect()
    url = services.auth.success_url(request)
    if url:
        return HttpResponseRedirect(url)
    return _text("The Upwork account is disconnected.")
