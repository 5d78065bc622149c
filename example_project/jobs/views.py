"""Public pages of the example: search Upwork, list the cached postings, show one posting.

Every call to Upwork goes through ``django_upwork.services``. A failure is shown on the page
as one readable sentence with a 4xx or 5xx status, never as a server error page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from django_upwork import conf, services
from django_upwork.exceptions import (
    InvalidInput,
    NotConnected,
    RateLimited,
    ReauthorizationRequired,
    UpworkError,
)
from jobs.forms import SearchForm

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
CACHED_LIST_LIMIT = 50


def index(request: HttpRequest) -> HttpResponse:
    """Show the search form and the postings cached in the last ``UPWORK_CACHE_MAX_AGE``."""
    context = connection_context(request)
    context["form"] = SearchForm()
    context["postings"] = services.list_job_postings(limit=CACHED_LIST_LIMIT)
    return render(request, "jobs/index.html", context)


def search(request: HttpRequest) -> HttpResponse:
    """Search Upwork with the form's values and show the page of results, which is cached.

    NOTE: every search is a request to Upwork that draws from the site's rate limit. A public
    site should limit who may search, as the connect view does with
    ``UPWORK_CONNECT_PERMISSION``.
    """
    context = connection_context(request)
    form = SearchForm(request.GET)
    context["form"] = form
    if not form.is_valid():
        return render(request, "jobs/search.html", context, status=400)

    after = request.GET.get("after", "0")
    search_filter: dict[str, Any] = {
        **form.search_filter(),
        "pagination_eq": {"first": PAGE_SIZE, "after": after},
    }
    try:
        result = services.search_job_postings(search_filter, form.sort_attributes())
    except (InvalidInput, UpworkError, ImproperlyConfigured) as err:
        message, status = describe_error(err)
        context["error"] = message
        return render(request, "jobs/search.html", context, status=status)

    context["result"] = result
    first_number = int(after) + 1 if after.isdigit() else 1
    context["first_number"] = first_number
    context["last_number"] = first_number + len(result.postings) - 1
    if result.has_next_page and result.end_cursor:
        next_query = request.GET.copy()
        next_query["after"] = result.end_cursor
        context["next_query"] = next_query.urlencode()
    return render(request, "jobs/search.html", context)


def detail(request: HttpRequest, job: str) -> HttpResponse:
    """Show one posting from the cache, or from Upwork when it is not cached or too old."""
    context = connection_context(request)
    try:
        posting = services.get_job_posting(job)
    except (InvalidInput, UpworkError, ImproperlyConfigured) as err:
        message, status = describe_error(err)
        context["error"] = message
        return render(request, "jobs/detail.html", context, status=status)
    if posting is None:
        context["error"] = f"Upwork has no job posting {job}; it may have been closed."
        return render(request, "jobs/detail.html", context, status=404)
    context["posting"] = posting
    return render(request, "jobs/detail.html", context)


def connection_context(request: HttpRequest) -> dict[str, Any]:
    """Return the connection panel's values; reads the database, sends no request."""
    return {
        "status": services.get_auth_status(),
        "connection": services.get_connection(),
        "credentials_configured": conf.has_credentials(),
        "can_connect": services.user_can_connect(request.user),
        "cache_max_age_hours": conf.cache_max_age().total_seconds() / 3600,
    }


def describe_error(err: Exception) -> tuple[str, int]:
    """Return a message for the visitor and the HTTP status for a failed service call."""
    if isinstance(err, InvalidInput):
        return f"The request was rejected before it reached Upwork: {err}", 400
    if isinstance(err, ImproperlyConfigured):
        logger.warning("The Upwork connection is not configured: %s", err)
        return f"The Upwork connection is not configured: {err}", 503
    if isinstance(err, NotConnected):
        return "No Upwork account is connected yet. A staff user can connect one above.", 503
    if isinstance(err, ReauthorizationRequired):
        return "The Upwork connection expired. A staff user must connect the account again.", 503
    if isinstance(err, RateLimited):
        logger.warning("Upwork rate limit reached: %s", err)
        return (
            f"Too many requests to Upwork right now; try again in {err.retry_after:.0f} seconds.",
            503,
        )
    assert isinstance(err, UpworkError)
    logger.warning("Upwork request failed: %s", err)
    return f"The request to Upwork failed: {err.message}", 502
