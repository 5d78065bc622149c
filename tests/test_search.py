"""search_job_postings, iter_job_postings and list_job_postings against the emulator."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from django_upwork import services
from django_upwork.exceptions import InvalidInput, NotConnected
from django_upwork.models import JobPosting, JobType
from django_upwork.services.jobs import save_search_rows
from tests.conftest import graphql_hits, last_graphql

pytestmark = pytest.mark.django_db


def test_search_returns_saved_rows_in_api_order(connected, emulator):
    result = services.search_job_postings({"pagination_eq": {"first": 20, "after": "0"}})

    assert result.total_count == len(emulator.postings)
    assert len(result.postings) == 20
    assert result.has_next_page is True
    assert result.end_cursor == "20"
    assert all(posting.pk for posting in result.postings)
    published = [posting.published_at for posting in result.postings]
    assert published == sorted(published, reverse=True)
    assert JobPosting.objects.count() == 20


def test_search_caches_naive_datetimes_without_use_tz(connected, emulator, settings):
    settings.USE_TZ = False

    result = services.search_job_postings({"pagination_eq": {"first": 5}})

    assert len(result.postings) == 5
    stored = JobPosting.objects.get(pk=result.postings[0].pk)
    assert stored.published_at is not None
    assert stored.published_at.tzinfo is None
    assert stored.published_at == result.postings[0].published_at


def test_search_default_sort_is_recency(connected, emulator):
    services.search_job_postings()

    request = last_graphql(emulator)
    assert request["operation_name"] == "SearchJobs"
    assert request["variables"]["sort"] == [{"field": "RECENCY"}]


def test_search_without_pagination_returns_ten(connected):
    result = services.search_job_postings()

    assert len(result.postings) == 10


def test_search_filters_by_job_type_and_level(connected):
    result = services.search_job_postings(
        {"jobType_eq": "FIXED", "experienceLevel_eq": "EXPERT", "pagination_eq": {"first": 50}}
    )

    assert result.postings
    for posting in result.postings:
        assert posting.job_type == JobType.FIXED
        assert posting.budget_amount is not None and posting.budget_amount > 0
        assert posting.experience_level == "EXPERT"


def test_search_expression_matches_text(connected):
    result = services.search_job_postings({"searchExpression_eq": "python"})

    assert result.total_count > 0
    for posting in result.postings:
        text = f"{posting.title} {posting.description} {posting.skills_text}".lower()
        assert "python" in text


def test_search_last_page_has_no_next(connected, emulator):
    total = len(emulator.postings)
    result = services.search_job_postings({"pagination_eq": {"first": 50, "after": str(total - 5)}})

    assert len(result.postings) == 5
    assert result.has_next_page is False


def test_search_updates_existing_rows(connected):
    first = services.search_job_postings({"pagination_eq": {"first": 5}})
    JobPosting.objects.update(title="stale", cached_at=timezone.now() - timedelta(hours=30))

    second = services.search_job_postings({"pagination_eq": {"first": 5}})

    assert [p.upwork_id for p in first.postings] == [p.upwork_id for p in second.postings]
    assert JobPosting.objects.count() == 5
    assert not JobPosting.objects.filter(title="stale").exists()
    assert JobPosting.objects.fresh().count() == 5


def test_search_unknown_filter_key_sends_nothing(connected, emulator):
    with pytest.raises(InvalidInput, match="jobType_eq"):
        services.search_job_postings({"jobtype_eq": "HOURLY"})

    assert graphql_hits(emulator) == 0


@pytest.mark.parametrize(
    ("search_filter", "fragment"),
    [
        ({"jobType_eq": "HOURLYY"}, "HOURLY, FIXED"),
        ({"experienceLevel_eq": "GURU"}, "ENTRY_LEVEL"),
        ({"locations_any": "Germany"}, "must be a list"),
        ({"locations_any": {"Germany": True}}, r"must be a list, got \{'Germany': True\}"),
        ({"categoryIds_any": 531770282580668418}, "must be a list"),
        ({"searchTerm_eq": {"andTerms_all": b"django"}}, "must be a list"),
        ({"searchTerm_eq": ["django"]}, "must be an object"),
        ({"pagination_eq": [10, "0"]}, "must be an object"),
        (
            {"budgetRange_eq": {"rangeStart": 10**30}},
            r"filter\.budgetRange_eq\.rangeStart must be a whole number from 0 to 2147483647, "
            "got 1000000000000000000000000000000",
        ),
        ({"hourlyRate_eq": {"rangeEnd": 2**31}}, "from 0 to 2147483647, got 2147483648"),
        ({"proposalRange_eq": {"rangeStart": -1}}, "proposalRange_eq.rangeStart"),
        ({"clientHiresRange_eq": {"rangeStart": 5, "rangeEnd": 2}}, "rangeStart 5 is above"),
        ({"pagination_eq": {"first": 2**40}}, "from 1 to 50"),
        ({"area_eq": {"latitude": float("nan")}}, "latitude must be a number from -90 to 90"),
        ({"area_eq": {"longitude": 181}}, "longitude must be a number from -180 to 180"),
        ({"area_eq": {"radius": float("inf")}}, "radius must be a finite number of 0 or more"),
        ({"area_eq": {"radius": -1.5}}, "radius must be a finite number of 0 or more"),
        ({"area_eq": {"radius": 10**400}}, "radius must be a finite number of 0 or more"),
        ({"hourlyRate_eq": {"rangeStart": "10"}}, "whole number"),
        ({"hourlyRate_eq": {"from": 10}}, "rangeStart"),
        ({"pagination_eq": {"first": 51}}, "from 1 to 50"),
        ({"pagination_eq": {"first": 10, "after": "abc"}}, "numeric offset"),
        ({"pagination_eq": {"first": 10, "after": "²"}}, "numeric offset"),
        ({"pagination_eq": {"first": 10, "after": ""}}, "numeric offset"),
        ({"pagination_eq": {"first": 10, "after": "9" * 5000}}, "numeric offset"),
        ({"pagination_eq": {"first": 10, "after": 2**31}}, "numeric offset"),
        ({"verifiedPaymentOnly_eq": "yes"}, "true or false"),
    ],
)
def test_search_rejects_bad_filter(connected, emulator, search_filter, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        services.search_job_postings(search_filter)

    assert graphql_hits(emulator) == 0


def test_search_rejects_unknown_sort(connected):
    with pytest.raises(InvalidInput, match="RECENCY, RELEVANCE"):
        services.search_job_postings(sort_attributes=["NEWEST"])


@pytest.mark.parametrize("sort_attributes", [5, set(), frozenset({"RECENCY"}), b"RECENCY", 1.5])
def test_search_rejects_non_list_sort(connected, emulator, sort_attributes):
    with pytest.raises(InvalidInput) as error:
        services.search_job_postings({}, sort_attributes)

    message = str(error.value)
    assert f"got {sort_attributes!r}" in message
    assert 'a list such as ["RECENCY"]' in message
    assert graphql_hits(emulator) == 0
    assert JobPosting.objects.count() == 0


@pytest.mark.parametrize(
    ("sort_attributes", "expected"),
    [
        ("RELEVANCE", [{"field": "RELEVANCE"}]),
        ({"field": "CLIENT_RATING"}, [{"field": "CLIENT_RATING"}]),
        (("RECENCY", "RELEVANCE"), [{"field": "RECENCY"}, {"field": "RELEVANCE"}]),
    ],
)
def test_search_accepts_sort_forms(connected, emulator, sort_attributes, expected):
    services.search_job_postings(sort_attributes=sort_attributes)

    assert last_graphql(emulator)["variables"]["sort"] == expected


@pytest.mark.parametrize("sort_attributes", [{}, [{}], [{"field": None}]])
def test_search_rejects_sort_without_field(connected, emulator, sort_attributes):
    with pytest.raises(InvalidInput, match=r"has no 'field'\. Pass a dict such as"):
        services.search_job_postings(sort_attributes=sort_attributes)

    assert graphql_hits(emulator) == 0


def test_search_accepts_sort_dicts(connected, emulator):
    services.search_job_postings(sort_attributes=[{"field": "CLIENT_RATING"}])

    assert last_graphql(emulator)["variables"]["sort"] == [{"field": "CLIENT_RATING"}]


def test_search_without_connection_raises(emulator):
    with pytest.raises(NotConnected, match="connect"):
        services.search_job_postings()


def test_iter_job_postings_walks_pages(connected):
    postings = list(services.iter_job_postings({"jobType_eq": "HOURLY"}, max_pages=3, page_size=7))

    assert len(postings) == 21
    assert len({posting.upwork_id for posting in postings}) == 21


def test_iter_job_postings_stops_at_last_page(connected, emulator):
    total = len(emulator.postings)
    postings = list(
        services.iter_job_postings(
            {"pagination_eq": {"first": 50, "after": str(total - 12)}}, max_pages=5, page_size=10
        )
    )

    assert len(postings) == 12


def test_list_hides_stale_rows(connected):
    services.search_job_postings({"pagination_eq": {"first": 30}})
    stale_ids = list(JobPosting.objects.values_list("pk", flat=True)[:10])
    JobPosting.objects.filter(pk__in=stale_ids).update(
        cached_at=timezone.now() - timedelta(hours=23, seconds=1)
    )

    listed = services.list_job_postings()

    assert len(listed) == 20
    assert not {posting.pk for posting in listed} & set(stale_ids)


def test_list_default_limit_and_order(connected):
    for offset in ("0", "50"):
        services.search_job_postings({"pagination_eq": {"first": 50, "after": offset}})

    listed = services.list_job_postings()

    assert len(listed) == 50
    published = [posting.published_at for posting in listed]
    assert published == sorted(published, reverse=True)
    assert len(services.list_job_postings(limit=3)) == 3


def test_list_rejects_negative_limit(db):
    with pytest.raises(InvalidInput, match="limit"):
        services.list_job_postings(limit=-1)


@pytest.mark.parametrize("limit", [-1, 2**31, 10**20, 5.0, "5", True, None])
def test_list_rejects_out_of_range_limit(db, limit):
    with pytest.raises(InvalidInput) as error:
        services.list_job_postings(limit=limit)

    message = str(error.value)
    assert message.startswith("limit must be a whole number from 0 to 2147483647")
    assert message.endswith(f"got {limit!r}.")


def test_list_accepts_largest_limit(connected):
    services.search_job_postings({"pagination_eq": {"first": 5}})

    assert len(services.list_job_postings(limit=2**31 - 1)) == 5
    assert services.list_job_postings(limit=0) == []


def test_list_makes_no_request(connected, emulator):
    services.list_job_postings()

    assert graphql_hits(emulator) == 0


def test_iter_job_postings_stops_on_repeated_cursor(connected, emulator, caplog):
    emulator.inject_fault("graphql", "repeat_cursor")

    postings = list(services.iter_job_postings(max_pages=5, page_size=10))

    # The first page comes back with endCursor "0", the offset it started from.
    assert len(postings) == 10
    assert graphql_hits(emulator) == 1
    assert "repeated cursor 0" in caplog.text


def test_iter_job_postings_stops_on_empty_page(connected, emulator):
    emulator.inject_fault("graphql", "empty_page")

    postings = list(services.iter_job_postings(max_pages=5, page_size=10))

    assert postings == []
    assert graphql_hits(emulator) == 1


def test_pages_walk_past_skipped_page(connected, emulator):
    emulator.inject_fault("graphql", "partial_data")  # the first page's one node is null

    pages = list(services.iter_search_pages(max_pages=3, page_size=1))

    assert [(len(page.postings), page.skipped) for page in pages] == [(0, 1), (1, 0), (1, 0)]
    assert graphql_hits(emulator) == 3


@pytest.mark.parametrize(
    ("filter", "options", "message"),
    [
        ("python", {}, "filter must be a dict"),
        ({"pagination_eq": "50"}, {}, "pagination_eq must be an object"),
        ({"pagination_eq": {"after": "x"}}, {}, "pagination_eq.after must be a numeric"),
        ({"jobType_eq": "PART_TIME"}, {}, "jobType_eq"),
        (None, {"page_size": 51}, "page_size must be a whole number from 1 to 50"),
        (None, {"page_size": 0}, "page_size must be a whole number from 1 to 50"),
        (None, {"page_size": True}, "page_size must be a whole number from 1 to 50"),
        (None, {"page_size": "10"}, "page_size must be a whole number from 1 to 50"),
    ],
)
@pytest.mark.parametrize("walk", [services.iter_search_pages, services.iter_job_postings])
def test_iterators_check_arguments_before_any_request(
    connected, emulator, walk, filter, options, message
):
    with pytest.raises(InvalidInput, match=message):
        next(walk(filter, **options))

    assert graphql_hits(emulator) == 0


def test_iter_search_pages_starts_at_the_given_offset(connected, emulator):
    pages = list(services.iter_search_pages({"pagination_eq": {"after": "40"}}, max_pages=1))

    assert last_graphql(emulator)["variables"]["filter"]["pagination_eq"] == {
        "first": 50,
        "after": "40",
    }
    assert pages[0].end_cursor == "90"


def test_iter_search_pages_reports_each_page(connected, emulator):
    pages = list(services.iter_search_pages({"jobType_eq": "FIXED"}, max_pages=3, page_size=5))

    assert len(pages) == 3
    assert [len(page.postings) for page in pages] == [5, 5, 5]
    assert [page.end_cursor for page in pages] == ["5", "10", "15"]
    assert all(page.total_count == pages[0].total_count > 15 for page in pages)


@pytest.mark.parametrize("max_pages", [0, -1, 1.5, True])
def test_iter_search_pages_rejects_bad_max(db, max_pages):
    with pytest.raises(InvalidInput, match="max_pages"):
        next(services.iter_search_pages(max_pages=max_pages))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite locks the whole database, so two upserts cannot overlap",
)
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_overlapping_pages_in_opposite_order_do_not_deadlock():
    # Two searches sorted differently (a web request and a Celery task, say) can return the
    # same postings in opposite orders. Each upsert locks its rows as it writes them.
    def page(ids: list[int]) -> list[dict[str, Any]]:
        return [
            {
                "upwork_id": str(job_id),
                "ciphertext": f"~02{job_id}",
                "title": f"Job {job_id}",
                "job_type": JobType.HOURLY,
                "raw": {"id": str(job_id), "description": "x" * 2000},
            }
            for job_id in ids
        ]

    ids = [1_800_000_000_000_000_000 + offset for offset in range(50)]
    save_search_rows(page(ids))
    start = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def upsert(order: list[int]) -> None:
        try:
            start.wait()
            for _ in range(100):
                save_search_rows(page(order))
        except BaseException as err:  # re-raised in the main thread below
            errors.append(err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upsert, args=(order,)) for order in (ids, ids[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert JobPosting.objects.count() == 50


def test_nul_characters_are_dropped_before_caching(connected, emulator):
    # PostgreSQL stores NUL in neither text nor jsonb; one such posting used to fail the page.
    node = emulator.postings[0]
    saved = {"title": node["title"], "client": node.get("client")}
    node["title"] = "Data\x00 entry"
    node["client"] = {**(node.get("client") or {}), "location": {"country": "Nor\x00way"}}
    try:
        result = services.search_job_postings({"pagination_eq": {"first": 5}})
    finally:
        node.update(saved)

    posting = JobPosting.objects.get(upwork_id=node["id"])
    assert len(result.postings) == 5
    assert posting.title == "Data entry"
    assert posting.client_country == "Norway"
    assert posting.raw["title"] == "Data entry"
    assert "\x00" not in json.dumps(posting.raw)


def test_iterator_null_offset_starts_at_zero(connected, emulator):
    pages = list(services.iter_search_pages({"pagination_eq": {"after": None}}, max_pages=1))

    assert last_graphql(emulator)["variables"]["filter"]["pagination_eq"] == {
        "first": 50,
        "after": "0",
    }
    assert len(pages[0].postings) == 50
