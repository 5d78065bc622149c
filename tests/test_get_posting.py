"""get_job_posting: cache first, then the API, None when Upwork has no such posting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from django_upwork import services
from django_upwork.exceptions import InvalidInput, InvalidResponse
from django_upwork.models import JobPosting
from tests.conftest import graphql_hits, last_graphql

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(connected):
    return services.search_job_postings({"pagination_eq": {"first": 3}}).postings[0]


def test_fresh_hit_makes_no_request(cached, emulator, django_assert_num_queries):
    before = graphql_hits(emulator)

    with django_assert_num_queries(1):
        posting = services.get_job_posting(cached.upwork_id)

    assert posting.pk == cached.pk
    assert graphql_hits(emulator) == before


def test_miss_fetches_by_numeric_id(connected, emulator):
    node = emulator.postings[100]

    posting = services.get_job_posting(node["id"])

    assert posting.upwork_id == node["id"]
    assert posting.title == node["title"]
    assert last_graphql(emulator)["variables"] == {"id": node["id"]}
    assert JobPosting.objects.filter(upwork_id=node["id"]).count() == 1


def test_stale_row_is_refetched(cached, emulator):
    JobPosting.objects.filter(pk=cached.pk).update(
        title="old title", cached_at=timezone.now() - timedelta(hours=23, minutes=1)
    )

    posting = services.get_job_posting(cached.upwork_id)

    assert posting.pk == cached.pk
    assert posting.title != "old title"
    assert posting.is_fresh
    assert graphql_hits(emulator) == 2


@pytest.mark.parametrize(
    "reference",
    [
        "~02{id}",
        "~01{id}",
        "https://www.upwork.com/jobs/~02{id}",
        "https://www.upwork.com/jobs/Build-a-Django-app_~02{id}/",
        "https://www.upwork.com/freelance-jobs/apply/Some-title_~02{id}/?source=rss",
    ],
)
def test_ciphertext_and_url_resolve(connected, emulator, reference):
    node = emulator.postings[7]

    posting = services.get_job_posting(reference.format(id=node["id"]))

    assert posting.upwork_id == node["id"]
    # Upwork's detail query takes the numeric id; a ciphertext there is "not found".
    assert last_graphql(emulator)["variables"] == {"id": node["id"]}


@pytest.mark.parametrize("reference", ["", "abc", "~03123", "https://example.com/jobs/", None, 0])
def test_bad_reference_is_rejected(db, reference):
    with pytest.raises(InvalidInput, match="Upwork job id"):
        services.get_job_posting(reference)


def test_unknown_id_returns_none_and_caches_nothing(connected, emulator):
    assert services.get_job_posting("1999999999999999999") is None

    assert JobPosting.objects.count() == 0


def test_vanished_posting_drops_stale_row(cached, emulator):
    JobPosting.objects.filter(pk=cached.pk).update(
        upwork_id="1999999999999999998", cached_at=timezone.now() - timedelta(days=2)
    )

    assert services.get_job_posting("1999999999999999998") is None
    assert not JobPosting.objects.filter(upwork_id="1999999999999999998").exists()


def test_refresh_skips_cache(cached, emulator):
    before = graphql_hits(emulator)

    services.get_job_posting(cached.upwork_id, refresh=True)

    assert graphql_hits(emulator) == before + 1


SEARCH_ONLY_FIELDS = [
    "duration",
    "skills",
    "skills_text",
    "client_total_spent",
    "client_rating",
    "total_applicants",
    "created_at",
    "published_at",
]


def search_only_values(posting: JobPosting) -> dict[str, object]:
    return {name: getattr(posting, name) for name in SEARCH_ONLY_FIELDS}


def test_refetch_of_expired_row_keeps_no_search_columns(cached, emulator):
    # Every search-only column has a value, so a kept one would show.
    JobPosting.objects.filter(pk=cached.pk).update(
        ciphertext="~01searchciphertext",
        duration="MONTH",
        skills=["Old skill"],
        skills_text="Old skill",
        client_total_spent=123,
        client_rating=4.5,
        total_applicants=999,
        created_at=timezone.now() - timedelta(days=3),
        published_at=timezone.now() - timedelta(days=3),
        cached_at=timezone.now() - timedelta(hours=30),
    )

    posting = services.get_job_posting(cached.upwork_id)

    posting.refresh_from_db()
    assert posting.pk == cached.pk
    assert posting.is_fresh
    assert search_only_values(posting) == {
        "duration": "",
        "skills": [],
        "skills_text": "",
        "client_total_spent": None,
        "client_rating": None,
        "total_applicants": None,
        "created_at": None,
        "published_at": None,
    }
    assert posting.ciphertext == f"~02{cached.upwork_id}"


def test_refetch_of_expired_row_keeps_the_given_ciphertext(cached, emulator):
    JobPosting.objects.filter(pk=cached.pk).update(
        ciphertext="~01searchciphertext", cached_at=timezone.now() - timedelta(hours=30)
    )

    services.get_job_posting(f"~01{cached.upwork_id}")

    assert JobPosting.objects.get(pk=cached.pk).ciphertext == f"~01{cached.upwork_id}"


def test_refresh_keeps_fresh_search_columns(cached, emulator):
    cached_at = timezone.now() - timedelta(hours=22)
    JobPosting.objects.filter(pk=cached.pk).update(
        title="old title", ciphertext="~01searchciphertext", cached_at=cached_at
    )
    before = JobPosting.objects.get(pk=cached.pk)
    assert before.skills and before.published_at is not None

    services.get_job_posting(cached.upwork_id, refresh=True)

    after = JobPosting.objects.get(pk=cached.pk)
    assert after.title == next(
        node["title"] for node in emulator.postings if node["id"] == cached.upwork_id
    )
    assert after.cached_at == cached_at
    assert after.ciphertext == "~01searchciphertext"
    assert search_only_values(after) == search_only_values(before)


def test_concurrent_insert_of_the_same_posting(connected, emulator):
    node = emulator.postings[100]
    inserted_meanwhile = False

    def insert_first(execute, sql, params, many, context):
        # Another process caches the posting from a search between this one's SELECT and
        # its INSERT, so the INSERT hits the unique Upwork id.
        nonlocal inserted_meanwhile
        if not inserted_meanwhile and sql.startswith("INSERT") and "jobposting" in sql:
            inserted_meanwhile = True
            JobPosting.objects.create(
                upwork_id=node["id"],
                title="title from a search",
                job_type="HOURLY",
                skills=["Skill from a search"],
                raw={"id": node["id"]},
                cached_at=timezone.now(),
            )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(insert_first):
        posting = services.get_job_posting(node["id"])

    # The other insert shares this test's connection, so the failed INSERT's rollback takes
    # it back too. What remains to check is that the retry stored one row, without an error.
    assert inserted_meanwhile
    stored = JobPosting.objects.get(upwork_id=node["id"])
    assert stored.pk == posting.pk
    assert stored.title == node["title"]


def test_answer_for_another_posting_is_rejected(connected, emulator):
    node = emulator.postings[100]
    requested = node["id"]
    node["id"] = str(int(requested) + 1)
    try:
        with pytest.raises(InvalidResponse, match=f"for job posting {requested}. Nothing"):
            services.get_job_posting(requested)
    finally:
        node["id"] = requested

    assert JobPosting.objects.count() == 0
