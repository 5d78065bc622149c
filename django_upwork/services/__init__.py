"""The public API of django-upwork: every call to Upwork goes through these functions.

Views, admin actions, management commands and Celery tasks call this layer; it combines the
network client (:mod:`django_upwork.client`) with the models.
"""

from django_upwork.services.auth import (
    complete_authorization,
    disconnect,
    exchange_auth_code,
    get_access_token,
    get_auth_status,
    get_authorization_url,
    get_connection,
    refresh_access_token,
    user_can_connect,
)
from django_upwork.services.cache import CacheSummary, purge_expired_postings, summarize_cache
from django_upwork.services.jobs import (
    SearchResult,
    get_job_posting,
    iter_job_postings,
    iter_search_pages,
    list_job_postings,
    resolve_job_reference,
    search_job_postings,
)

__all__ = [
    "CacheSummary",
    "SearchResult",
    "complete_authorization",
    "disconnect",
    "exchange_auth_code",
    "get_access_token",
    "get_auth_status",
    "get_authorization_url",
    "get_connection",
    "get_job_posting",
    "iter_job_postings",
    "iter_search_pages",
    "list_job_postings",
    "purge_expired_postings",
    "refresh_access_token",
    "resolve_job_reference",
    "search_job_postings",
    "summarize_cache",
    "user_can_connect",
]
