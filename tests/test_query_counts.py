"""SQL statements per operation: constant whatever the page size."""

from __future__ import annotations

import pytest

from django_upwork import services
from django_upwork.services.jobs import save_search_rows
from django_upwork.services.parsing import search_node_fields

pytestmark = pytest.mark.django_db

# Django 4.2 does not return primary keys from an upsert, so it needs one SELECT more, and
# SQLite's limit of 999 parameters per statement splits a page of 50 into two INSERTs.
MAX_STATEMENTS_PER_PAGE = 3


@pytest.mark.parametrize("size", [1, 10, 50])
def test_caching_a_page_is_one_upsert(emulator, size, django_assert_max_num_queries):
    rows = [search_node_fields(node) for node in emulator.postings[:size]]

    with django_assert_max_num_queries(MAX_STATEMENTS_PER_PAGE - 1):
        saved = save_search_rows(rows)

    assert len(saved) == size
    assert all(posting.pk for posting in saved)


@pytest.mark.parametrize("size", [1, 10, 50])
def test_search_page_costs_constant_queries(connected, size, django_assert_max_num_queries):
    # Reading the token, then the upsert.
    with django_assert_max_num_queries(MAX_STATEMENTS_PER_PAGE):
        result = services.search_job_postings({"pagination_eq": {"first": size}})

    assert len(result.postings) == size


def test_upsert_of_known_rows_costs_the_same(connected, django_assert_max_num_queries):
    services.search_job_postings({"pagination_eq": {"first": 50}})

    with django_assert_max_num_queries(MAX_STATEMENTS_PER_PAGE):
        services.search_job_postings({"pagination_eq": {"first": 50}})


def test_list_is_one_query(connected, django_assert_num_queries):
    services.search_job_postings({"pagination_eq": {"first": 50}})

    with django_assert_num_queries(1):
        assert len(services.list_job_postings(50)) == 50
