"""SQL statements per operation: bounded whatever the page size."""

from __future__ import annotations

import django
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_upwork import services
from django_upwork.models import JobPosting
from django_upwork.services.jobs import save_search_rows
from django_upwork.services.parsing import search_node_fields

pytestmark = pytest.mark.django_db

MAX_STATEMENTS_PER_PAGE = 3


def upsert_statements(size: int) -> int:
    """Return the statements that caching ``size`` postings takes on this database.

    One INSERT … ON CONFLICT, split only where the backend caps parameters per statement
    (999 on SQLite before Django 6.0, so 50 postings of 27 columns take two), plus one
    SELECT on Django 4.2, whose upsert does not return primary keys.
    """
    fields = [field for field in JobPosting._meta.concrete_fields if not field.primary_key]
    batch = connection.ops.bulk_batch_size(fields, [None] * size) or size
    inserts = -(-size // batch)
    return inserts + (1 if django.VERSION < (5, 0) else 0)


@pytest.mark.parametrize("size", [1, 10, 50])
def test_caching_a_page_is_one_upsert(emulator, size, django_assert_num_queries):
    rows = [search_node_fields(node) for node in emulator.postings[:size]]

    with django_assert_num_queries(upsert_statements(size)):
        saved = save_search_rows(rows)

    assert len(saved) == size
    assert all(posting.pk for posting in saved)


@pytest.mark.parametrize("size", [1, 10, 50])
def test_search_page_costs_constant_queries(connected, size, django_assert_num_queries):
    # Reading the token, then the upsert.
    with django_assert_num_queries(1 + upsert_statements(size)):
        result = services.search_job_postings({"pagination_eq": {"first": size}})

    assert len(result.postings) == size


def test_upsert_of_known_rows_costs_the_same(connected, django_assert_num_queries):
    services.search_job_postings({"pagination_eq": {"first": 50}})

    with django_assert_num_queries(1 + upsert_statements(50)):
        services.search_job_postings({"pagination_eq": {"first": 50}})


def test_list_is_one_query(connected, django_assert_num_queries):
    services.search_job_postings({"pagination_eq": {"first": 50}})

    with django_assert_num_queries(1):
        assert len(services.list_job_postings(50)) == 50


@pytest.mark.parametrize("size", [1, 10, 50])
def test_caching_page_within_three_statements(size):
    assert upsert_statements(size) <= MAX_STATEMENTS_PER_PAGE


@pytest.mark.parametrize("size", [1, 10, 50])
def test_search_page_within_three_statements(size):
    # With the token read, a search stays within three statements on every supported pair
    # except Django 4.2 on SQLite, where a page of 50 takes two INSERTs and a SELECT.
    if django.VERSION < (5, 0) and connection.vendor == "sqlite" and size == 50:
        assert 1 + upsert_statements(size) == 4
    else:
        assert 1 + upsert_statements(size) <= MAX_STATEMENTS_PER_PAGE


def test_page_insert_binds_each_json_document(emulator):
    # JSON documents go in as one value per placeholder, never as PostgreSQL array literals,
    # whose quoting psycopg does in Python one double quote at a time. Only PostgreSQL on
    # Django 5.2 or later would use UNNEST; elsewhere this checks the stored documents.
    rows = [search_node_fields(node) for node in emulator.postings[:10]]

    with CaptureQueriesContext(connection) as queries:
        saved = save_search_rows(rows)

    inserts = [query["sql"] for query in queries if query["sql"].startswith("INSERT")]
    assert inserts
    assert all("UNNEST" not in sql.upper() for sql in inserts)
    stored = JobPosting.objects.get(pk=saved[3].pk)
    assert stored.raw == rows[3]["raw"]
    assert stored.skills == rows[3]["skills"]
