"""Searching, fetching and listing Upwork job postings through the 24-hour cache."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from django_upwork.client import queries
from django_upwork.client.http import GraphQLClient, GraphQLResult
from django_upwork.conf import MAX_ROW_COUNT
from django_upwork.exceptions import AuthenticationError, InvalidInput, InvalidResponse, NotFound
from django_upwork.models import JobPosting
from django_upwork.services import auth
from django_upwork.services.filters import MAX_PAGE_SIZE, clean_filter, clean_sort_attributes
from django_upwork.services.parsing import InvalidNode, detail_node_fields, search_node_fields

logger = logging.getLogger(__name__)

DEFAULT_LIST_LIMIT = 50
# The job ids in Upwork's responses have 19 digits. 30 leaves room and fits the
# 32-character upwork_id column.
MAX_JOB_ID_DIGITS = 30
# [0-9] rather than \d, which also matches the digits of other scripts, such as Arabic-Indic.
# The lookahead keeps a longer run of digits from being cut to its first 30.
_CIPHERTEXT = re.compile(rf"~0[12]([0-9]{{1,{MAX_JOB_ID_DIGITS}}})(?![0-9])")
UPWORK_JOB_HOSTS = ("www.upwork.com", "upwork.com")
EXAMPLE_JOB_ID = "1987969201035894058"
# Columns a search refreshes on an existing row; upwork_id is the conflict target.
SEARCH_UPDATE_FIELDS = [
    "ciphertext",
    "title",
    "description",
    "job_type",
    "experience_level",
    "duration",
    "duration_label",
    "engagement",
    "budget_amount",
    "hourly_min",
    "hourly_max",
    "currency",
    "skills",
    "skills_text",
    "category",
    "subcategory",
    "client_country",
    "client_total_spent",
    "client_rating",
    "total_applicants",
    "created_at",
    "published_at",
    "raw",
    "cached_at",
]


@dataclass
class SearchResult:
    """One page of search results.

    ``postings`` are saved ``JobPosting`` rows in the order Upwork returned them.
    ``end_cursor`` is the offset to pass as ``pagination_eq.after`` for the next page.
    """

    total_count: int
    postings: list[JobPosting] = field(default_factory=list)
    has_next_page: bool = False
    end_cursor: str | None = None
    skipped: int = 0


@sensitive_variables()
def execute_query(query: str, variables: dict[str, Any], operation: str) -> GraphQLResult:
    """Run a GraphQL query with the site's token; on a 401, refresh once and retry once."""
    access_token = auth.get_access_token()
    try:
        return GraphQLClient(access_token).execute(query, variables, operation)
    except AuthenticationError as err:
        if err.status != 401:
            raise
        logger.warning(
            "Upwork returned 401 for %s; refreshing the token and retrying once.", operation
        )
        token = auth.refresh_access_token(stale_access_token=access_token)
        return GraphQLClient(token.access_token).execute(query, variables, operation)


def search_job_postings(
    filter: Mapping[str, Any] | None = None,
    sort_attributes: Sequence[Any] | str | Mapping[str, Any] | None = None,
) -> SearchResult:
    """Search Upwork's marketplace and cache the page of results.

    ``filter`` takes the fields of Upwork's ``MarketplaceJobPostingsSearchFilter`` as Upwork
    spells them (``searchExpression_eq``, ``jobType_eq``, ``pagination_eq`` …).
    ``sort_attributes`` takes field names such as ``["RECENCY"]`` (the default).
    Raises :class:`~django_upwork.exceptions.InvalidInput` for an unknown key or value before
    any request, and an :class:`~django_upwork.exceptions.UpworkError` when the call fails,
    in which case nothing is written.
    """
    variables = {"filter": clean_filter(filter), "sort": clean_sort_attributes(sort_attributes)}
    result = execute_query(queries.SEARCH_JOB_POSTINGS, variables, queries.SEARCH_OPERATION)
    connection = result.data.get("marketplaceJobPostingsSearch")
    if not isinstance(connection, dict):
        raise InvalidResponse(
            "Upwork's search response has no marketplaceJobPostingsSearch object.",
            operation=queries.SEARCH_OPERATION,
            request_id=result.request_id,
        )

    rows: list[dict[str, Any]] = []
    skipped = 0
    for index, edge in enumerate(connection.get("edges") or []):
        node = edge.get("node") if isinstance(edge, dict) else None
        try:
            rows.append(search_node_fields(node))
        except InvalidNode as err:
            skipped += 1
            logger.warning("Skipped search result %d: %s.", index, err)
    page_info = connection.get("pageInfo") or {}
    return SearchResult(
        total_count=_int_or_zero(connection.get("totalCount")),
        postings=save_search_rows(rows),
        has_next_page=bool(page_info.get("hasNextPage")),
        end_cursor=page_info.get("endCursor"),
        skipped=skipped,
    )


def iter_search_pages(
    filter: Mapping[str, Any] | None = None,
    sort_attributes: Sequence[Any] | str | Mapping[str, Any] | None = None,
    *,
    max_pages: int = 10,
    page_size: int = MAX_PAGE_SIZE,
) -> Iterator[SearchResult]:
    """Yield one :class:`SearchResult` a page, each page one request.

    Stops when Upwork reports no next page, on a page without results, on a cursor seen
    before, or after ``max_pages`` pages. A page whose results were all skipped as invalid
    does not stop the walk. A page may repeat postings of an earlier one when new postings
    arrive during the walk; :func:`iter_job_postings` drops those. Arguments are checked on
    the first ``next()``, before any request.
    """
    if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
        raise InvalidInput(f"max_pages must be a whole number of 1 or more, got {max_pages!r}.")
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not 1 <= page_size <= MAX_PAGE_SIZE
    ):
        raise InvalidInput(
            f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}, Upwork's largest "
            f"page; got {page_size!r}."
        )
    if filter is not None and not isinstance(filter, Mapping):
        clean_filter(filter)  # raises InvalidInput naming the wrong type
    base_filter = dict(filter or {})
    start = base_filter.get("pagination_eq") or {}
    if not isinstance(start, Mapping):
        clean_filter(base_filter)  # raises InvalidInput for the malformed pagination_eq
    # A missing or null offset starts at the first result, as in search_job_postings().
    after = "0" if start.get("after") is None else str(start["after"])
    # Every page sends this filter with only the offset changed, so one check covers them.
    clean_filter({**base_filter, "pagination_eq": {"first": page_size, "after": after}})
    seen_cursors = {after}
    for _page in range(max_pages):
        page_filter = {**base_filter, "pagination_eq": {"first": page_size, "after": after}}
        page = search_job_postings(page_filter, sort_attributes)
        yield page
        empty = not page.postings and not page.skipped
        if not page.has_next_page or empty or not page.end_cursor:
            return
        if page.end_cursor in seen_cursors:
            logger.warning("Upwork repeated cursor %s; stopping the search.", page.end_cursor)
            return
        seen_cursors.add(page.end_cursor)
        after = page.end_cursor


def iter_job_postings(
    filter: Mapping[str, Any] | None = None,
    sort_attributes: Sequence[Any] | str | Mapping[str, Any] | None = None,
    *,
    max_pages: int = 10,
    page_size: int = MAX_PAGE_SIZE,
) -> Iterator[JobPosting]:
    """Yield postings page by page, each posting once; pages stop as in iter_search_pages."""
    seen_ids: set[str] = set()
    pages = iter_search_pages(filter, sort_attributes, max_pages=max_pages, page_size=page_size)
    for page in pages:
        for posting in page.postings:
            if posting.upwork_id not in seen_ids:
                seen_ids.add(posting.upwork_id)
                yield posting


def save_search_rows(rows: list[dict[str, Any]]) -> list[JobPosting]:
    """Upsert rows in one statement and return them as saved postings in the given order."""
    if not rows:
        return []
    now = timezone.now()
    unique: dict[str, JobPosting] = {}
    for values in rows:
        unique[values["upwork_id"]] = JobPosting(**values, cached_at=now)
    # One INSERT … ON CONFLICT DO UPDATE statement, atomic on its own, writes the whole page.
    # It locks rows in the order given, so every page goes in Upwork id order: two pages that
    # share postings in different orders would otherwise deadlock on PostgreSQL.
    saved = JobPosting.objects.bulk_create(
        [unique[upwork_id] for upwork_id in sorted(unique)],
        update_conflicts=True,
        unique_fields=["upwork_id"],
        update_fields=SEARCH_UPDATE_FIELDS,
    )
    if any(posting.pk is None for posting in saved):
        # Django before 5.0 does not set primary keys on upserted objects.
        by_id = JobPosting.objects.in_bulk(list(unique), field_name="upwork_id")
        saved = [by_id[upwork_id] for upwork_id in unique]
    by_upwork_id = {posting.upwork_id: posting for posting in saved}
    return [by_upwork_id[values["upwork_id"]] for values in rows]


def get_job_posting(job: str | int, *, refresh: bool = False) -> JobPosting | None:
    """Return one posting: a fresh cached row, else from the API, else ``None``.

    ``job`` is the numeric id, a ciphertext (``~01…``/``~02…``) or a public job URL. A
    fresh cache hit costs one query and no request. ``refresh`` fetches the posting even
    when a fresh row exists; that row keeps its search columns and its ``cached_at``. When
    Upwork reports that the posting does not exist, ``None`` is returned and nothing is
    cached (a stale row for it is deleted).
    """
    upwork_id, ciphertext = resolve_job_reference(job)
    if not refresh:
        cached = JobPosting.objects.fresh().filter(upwork_id=upwork_id).first()
        if cached is not None:
            return cached

    try:
        result = execute_query(
            queries.JOB_POSTING, {"id": upwork_id}, queries.JOB_POSTING_OPERATION
        )
    except NotFound:
        JobPosting.objects.filter(upwork_id=upwork_id).delete()
        logger.info("Upwork has no job posting %s.", upwork_id)
        return None
    node = result.data.get("marketplaceJobPosting")
    if node is None:
        JobPosting.objects.filter(upwork_id=upwork_id).delete()
        return None
    try:
        values = detail_node_fields(node)
    except InvalidNode as err:
        raise InvalidResponse(
            f"Upwork's response for job posting {upwork_id} is incomplete: {err}.",
            operation=queries.JOB_POSTING_OPERATION,
            request_id=result.request_id,
        ) from err
    if values.pop("upwork_id") != upwork_id:
        raise InvalidResponse(
            f"Upwork returned posting {node.get('id')!r} for job posting {upwork_id}. "
            "Nothing was cached.",
            operation=queries.JOB_POSTING_OPERATION,
            request_id=result.request_id,
        )
    return _save_detail(upwork_id, ciphertext or f"~02{upwork_id}", values)


def _save_detail(upwork_id: str, ciphertext: str, values: dict[str, Any]) -> JobPosting:
    """Cache a detail node's values so that no column outlives the row's ``cached_at``.

    A fresh row keeps its search columns and its ``cached_at``: the detail values are newer,
    but the row is only as fresh as its oldest column. Any other row starts again from
    ``cached_at`` now, without the columns the detail node lacks (skills, dates, client
    statistics), since keeping old ones would stretch them past Upwork's 24-hour limit.
    """
    defaults = {
        field.name: field.get_default()
        for field in JobPosting._meta.concrete_fields
        if field.name in SEARCH_UPDATE_FIELDS and field.name not in values
    }
    defaults.update(values, ciphertext=ciphertext, cached_at=timezone.now())
    try:
        return _write_detail(upwork_id, values, defaults)
    except IntegrityError:
        # Another process inserted the posting after the SELECT; this pass updates its row.
        return _write_detail(upwork_id, values, defaults)


def _write_detail(upwork_id: str, values: dict[str, Any], defaults: dict[str, Any]) -> JobPosting:
    with transaction.atomic():
        posting = JobPosting.objects.select_for_update().filter(upwork_id=upwork_id).first()
        if posting is not None and posting.is_fresh:
            for name, value in values.items():
                setattr(posting, name, value)
            posting.save(update_fields=list(values))
            return posting
        posting = posting or JobPosting(upwork_id=upwork_id)
        for name, value in defaults.items():
            setattr(posting, name, value)
        posting.save()
    return posting


def list_job_postings(limit: int = DEFAULT_LIST_LIMIT) -> list[JobPosting]:
    """Return up to ``limit`` cached postings, newest first, from the database only.

    Rows cached ``UPWORK_CACHE_MAX_AGE`` or longer ago are never returned. ``limit`` is a
    whole number from 0 to ``MAX_ROW_COUNT`` (2**31 - 1), else ``InvalidInput`` is raised.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_ROW_COUNT:
        raise InvalidInput(
            f"limit must be a whole number from 0 to {MAX_ROW_COUNT}, such as 50, got {limit!r}."
        )
    return list(JobPosting.objects.fresh().order_by("-published_at", "-pk")[:limit])


def resolve_job_reference(job: str | int) -> tuple[str, str]:
    """Return ``(numeric id, ciphertext)`` for a numeric id, a ciphertext or a job URL.

    The ciphertext is ``""`` when ``job`` was a plain id. Ids are ASCII digits, and URLs
    are http or https on www.upwork.com or upwork.com, with or without the scheme.
    """
    if isinstance(job, int) and not isinstance(job, bool) and 0 < job < 10**MAX_JOB_ID_DIGITS:
        return str(job), ""
    if not isinstance(job, str) or not job.strip():
        raise InvalidInput(
            f"Expected an Upwork job id, ciphertext or job URL, got {job!r}. Pass the numeric id "
            f"from a search result, such as '{EXAMPLE_JOB_ID}'."
        )
    text = job.strip()
    if text.isascii() and text.isdigit():
        # Leading zeros are dropped, so "0042" finds the row cached as "42".
        number = text.lstrip("0")
        if number and len(number) <= MAX_JOB_ID_DIGITS:
            return number, ""

    match = None
    if text.startswith("~"):
        match = _CIPHERTEXT.fullmatch(text)
    elif "/" in text:
        path = _job_url_path(job, text)
        found = _CIPHERTEXT.search(path)
        if found and ("/jobs/" in path or "_~" in path):
            match = found
    if match:
        return match.group(1), match.group(0)
    raise InvalidInput(
        f"{job!r} is not an Upwork job id, ciphertext or job URL. Pass the numeric id from a "
        f"search result ('{EXAMPLE_JOB_ID}'), a ciphertext ('~02{EXAMPLE_JOB_ID}') or a "
        f"job URL ('https://www.upwork.com/jobs/~02{EXAMPLE_JOB_ID}')."
    )


def _job_url_path(job: str, url: str) -> str:
    """Return the decoded path of a job URL, which must be http or https on Upwork's host."""
    if "://" not in url:
        url = f"https://{url}"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # A malformed address, such as an unclosed "[" around an IPv6 host.
        parts, host = None, None
    if parts is None or parts.scheme not in ("http", "https") or host not in UPWORK_JOB_HOSTS:
        raise InvalidInput(
            f"{job!r} is not an Upwork job URL: it must be http or https on "
            f"{' or '.join(UPWORK_JOB_HOSTS)}, such as "
            f"'https://www.upwork.com/jobs/~02{EXAMPLE_JOB_ID}'. Or pass the numeric Upwork "
            f"job id ('{EXAMPLE_JOB_ID}') or the ciphertext ('~02{EXAMPLE_JOB_ID}')."
        )
    return unquote(parts.path)


def _int_or_zero(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
