"""OAuth2 connection views: start a connection, receive Upwork's callback, disconnect.

Every response here is plain text, so no value from the query string is ever rendered as HTML.
"""

from __future__ import annotations

import logging

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

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


def _forbidden(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _text("Only staff users may connect the Upwork account.", status=403)


@never_cache
@require_GET
def authorize(request: HttpRequest) -> HttpResponse:
    """Redirect a permitted user to Upwork's authorization page."""
    if not services.user_can_connect(request.user):
        return _forbidden(request)
    try:
        url = services.get_authorization_url(request)
    except UpworkConfigurationError as err:
        return _text(f"The Upwork connection is not configured: {err}", status=500)
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
        return _text(f"The Upwork connection is not configured: {err}", status=500)
    except UpworkError as err:
        logger.warning("Connecting the Upwork account failed: %s", err)
        return _text(f"Connecting the Upwork account failed: {err.message}", status=502)
    url = services.auth.success_url(request)
    if url:
        return HttpResponseRedirect(url)
    return _text("The Upwork account is connected. You can close this page.")


@never_cache
@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    """Forget the stored tokens (POST only, CSRF-protected, staff only)."""
    if not services.user_can_connect(request.user):
        return _forbidden(request)
    services.disconnect()
    url = services.auth.success_url(request)
    if url:
        return HttpResponseRedirect(url)
    return _text("The Upwork account is disconnected.")
