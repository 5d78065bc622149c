"""Tests of the purge of expired job postings and of every read path hiding them."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from io import StringIO
from typing import Any

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.models.signals import post_init
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_upwork import services
from django_upwork.client.http import GraphQLResult
from django_upwork.exceptions import InvalidInput
from django_upwork.models import JobPosting
from django_upwork.tasks import purge_expired_postings
from tests.factories import create_postings

pytestmark = pytest.mark.django_db

MAX_AGE = timedelta(hours=23)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=dt_timezone.utc)

requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite locks the whole database, so two purges cannot overlap",
)


@pytest.fixture(autouse=True)
def _max_age(settings: Any) -> None:
    settings.UPWORK_CACHE_MAX_AGE = MAX_AGE


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Fix ``timezone.now()`` at ``NOW`` so that a row can sit exactly on the cutoff."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def remaining_ids() -> set[str]:
    return set(JobPosting.objects.values_list("upwork_id", flat=True))


def statements(captured: CaptureQueriesContext, verb: str) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if query["sql"].startswith(verb)]


@contextmanager
def recorded_deletes() -> Iterator[list[tuple[str, int]]]:
    """Record the SQL and row count of each DELETE sent on the default connection."""
    deletes: list[tuple[str, int]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if sql.startswith("DELETE"):
            deletes.append((sql, context["cursor"].rowcount))
        return result

    with connection.execute_wrapper(record):
        yield deletes


# The manager method


def test_purge_deletes_rows_at_or_past_max_age(frozen_now: datetime) -> None:
    past_cutoff = create_postings(2, frozen_now - MAX_AGE - timedelta(seconds=1), first_id=1)
    on_cutoff = create_postings(2, frozen_now - MAX_AGE, first_id=10)
    just_fresh = create_postings(2, frozen_now - MAX_AGE + timedelta(microseconds=1), first_id=20)
    new = create_postings(2, frozen_now, first_id=30)

    deleted = JobPosting.objects.purge_expired()

    assert deleted == len(past_cutoff) + len(on_cutoff)
    assert remaining_ids() == set(just_fresh) | set(new)


def test_purge_empty_table_deletes_nothing() -> None:
    assert JobPosting.objects.purge_expired() == 0


def test_purge_is_idempotent() -> None:
    now = timezone.now()
    create_postings(5, now - timedelta(hours=30))
    fresh = create_postings(3, now - timedelta(hours=1), first_id=100)

    assert JobPosting.objects.purge_expired() == 5
    assert JobPosting.objects.purge_expired() == 0
    assert remaining_ids() == set(fresh)


def test_purge_batches_are_separate_deletes() -> None:
    now = timezone.now()
    create_postings(10, now - timedelta(hours=30))
    fresh = create_postings(2, now, first_id=100)

    with CaptureQueriesContext(connection) as captured, recorded_deletes() as deletes:
        deleted = JobPosting.objects.purge_expired(batch_size=3)

    assert deleted == 10
    assert remaining_ids() == set(fresh)
    # 3 + 3 + 3 rows, then the last row once the batch-end search finds fewer than 3.
    assert [row_count for _sql, row_count in deletes] == [3, 3, 3, 1]
    for sql, _row_count in deletes:
        assert sql.startswith('DELETE FROM "django_upwork_jobposting"')
        # Each DELETE names a range of cache times and re-checks the cutoff.
        assert '"cached_at" <=' in sql
        assert " IN " not in sql
    assert len(statements(captured, "SELECT")) == 4


def test_purge_full_batches_end_on_empty_delete() -> None:
    create_postings(9, timezone.now() - timedelta(hours=30))

    with recorded_deletes() as deletes:
        deleted = JobPosting.objects.purge_expired(batch_size=3)

    assert deleted == 9
    assert [row_count for _sql, row_count in deletes] == [3, 3, 3, 0]


def test_purge_batch_ties_on_cache_time() -> None:
    # A search page caches all its rows with one timestamp, so batches must split ties.
    cached_at = timezone.now() - timedelta(hours=30)
    create_postings(8, cached_at)
    create_postings(2, cached_at - timedelta(seconds=1), first_id=100)

    with recorded_deletes() as deletes:
        deleted = JobPosting.objects.purge_expired(batch_size=3)

    assert deleted == 10
    assert [row_count for _sql, row_count in deletes] == [3, 3, 3, 1]
    assert remaining_ids() == set()


def test_purge_loads_no_instances() -> None:
    create_postings(10, timezone.now() - timedelta(hours=30))
    instances: list[JobPosting] = []

    def record_instance(sender: type[JobPosting], instance: JobPosting, **kwargs: Any) -> None:
        instances.append(instance)

    post_init.connect(record_instance, sender=JobPosting)
    try:
        with CaptureQueriesContext(connection) as captured:
            JobPosting.objects.purge_expired(batch_size=3)
    finally:
        post_init.disconnect(record_instance, sender=JobPosting)

    assert instances == []
    selects = statements(captured, "SELECT")
    assert selects
    for sql in selects:
        # Only the cache time and id of each batch's last row are read.
        selected = re.sub(r' AS "\w+"', "", sql.split(" FROM ", 1)[0])
        assert selected == (
            'SELECT "django_upwork_jobposting"."cached_at", "django_upwork_jobposting"."id"'
        )
        assert "LIMIT 1 OFFSET 2" in sql


@pytest.mark.skipif(
    connection.vendor != "sqlite" or not hasattr(sqlite3.Connection, "setlimit"),
    reason="needs SQLite and Python 3.11 or later, whose sqlite3 can lower the variable limit",
)
def test_purge_within_sqlite_variable_limit() -> None:
    create_postings(1200, timezone.now() - timedelta(hours=30))
    connection.ensure_connection()
    sqlite_connection = connection.connection
    # SQLite before 3.32 allows 999 variables in a statement, fewer than 1000 batch ids need.
    previous = sqlite_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        deleted = JobPosting.objects.purge_expired(batch_size=1000)
    finally:
        sqlite_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, previous)

    assert deleted == 1200
    assert remaining_ids() == set()


def test_purge_dry_run_counts_only() -> None:
    now = timezone.now()
    expired = create_postings(4, now - timedelta(hours=30))
    fresh = create_postings(2, now, first_id=100)

    with CaptureQueriesContext(connection) as captured:
        count = JobPosting.objects.purge_expired(dry_run=True)

    assert count == 4
    assert statements(captured, "DELETE") == []
    assert remaining_ids() == set(expired) | set(fresh)


def test_purge_max_age_override() -> None:
    now = timezone.now()
    two_hours_old = create_postings(3, now - timedelta(hours=2))
    new = create_postings(2, now - timedelta(minutes=10), first_id=100)

    assert JobPosting.objects.purge_expired(max_age=timedelta(hours=24)) == 0
    assert JobPosting.objects.purge_expired(max_age=timedelta(hours=1)) == len(two_hours_old)
    assert remaining_ids() == set(new)


def test_purge_max_age_zero_deletes_everything() -> None:
    create_postings(3, timezone.now() - timedelta(seconds=1))

    assert JobPosting.objects.purge_expired(max_age=timedelta(0)) == 3
    assert remaining_ids() == set()


def test_purge_follows_cache_max_age_setting(settings: Any) -> None:
    now = timezone.now()
    create_postings(2, now - timedelta(hours=3))
    new = create_postings(2, now - timedelta(minutes=30), first_id=100)
    settings.UPWORK_CACHE_MAX_AGE = timedelta(hours=2)

    assert JobPosting.objects.purge_expired() == 2
    assert remaining_ids() == set(new)


def test_purge_batch_size_setting(settings: Any) -> None:
    create_postings(5, timezone.now() - timedelta(hours=30))
    settings.UPWORK_PURGE_BATCH_SIZE = 2

    with recorded_deletes() as deletes:
        assert JobPosting.objects.purge_expired() == 5

    assert [row_count for _sql, row_count in deletes] == [2, 2, 1]


@pytest.mark.parametrize("batch_size", [0, -1, -5000, 2**31, 10**20, "5", 5.0, True])
def test_purge_invalid_batch_size_raises(batch_size: Any) -> None:
    expired = create_postings(2, timezone.now() - timedelta(hours=30))

    with pytest.raises(InvalidInput) as error:
        JobPosting.objects.purge_expired(batch_size=batch_size)

    message = str(error.value)
    assert message.startswith("batch_size must be a whole number from 1 to 2147483647")
    assert message.endswith(f"got {batch_size!r}.")
    assert remaining_ids() == set(expired)


def test_purge_largest_batch_size_deletes_all() -> None:
    create_postings(3, timezone.now() - timedelta(hours=30))

    assert JobPosting.objects.purge_expired(batch_size=2**31 - 1) == 3
    assert remaining_ids() == set()


@pytest.mark.parametrize(
    "max_age", [-1, 0, 3600.0, "1h", timedelta(hours=-1), timedelta(microseconds=-1)]
)
@pytest.mark.parametrize("dry_run", [False, True])
def test_purge_invalid_max_age_raises(max_age: Any, dry_run: bool) -> None:
    expired = create_postings(2, timezone.now() - timedelta(hours=30))
    fresh = create_postings(2, timezone.now(), first_id=100)

    with CaptureQueriesContext(connection) as captured, pytest.raises(InvalidInput) as error:
        services.purge_expired_postings(max_age=max_age, dry_run=dry_run)

    message = str(error.value)
    assert message.startswith("max_age must be a timedelta of zero or more")
    assert message.endswith(f"got {max_age!r}.")
    assert captured.captured_queries == []
    assert remaining_ids() == set(expired) | set(fresh)


@pytest.mark.parametrize("max_age", [timedelta(days=10**6), timedelta.max])
def test_purge_max_age_before_year_one_raises(max_age: timedelta) -> None:
    expired = create_postings(2, timezone.now() - timedelta(hours=30))

    with pytest.raises(InvalidInput) as error:
        services.purge_expired_postings(max_age=max_age)

    message = str(error.value)
    assert message.startswith(f"max_age {max_age!r} puts the cutoff before the year 1")
    assert "timedelta(hours=23)" in message
    assert remaining_ids() == set(expired)


def test_purge_service_rejects_bad_batch_size() -> None:
    expired = create_postings(2, timezone.now() - timedelta(hours=30))

    with pytest.raises(InvalidInput, match=r"batch_size .* got '5'\."):
        services.purge_expired_postings(batch_size="5")  # type: ignore[arg-type]

    assert remaining_ids() == set(expired)


def test_purge_invalid_batch_size_setting_raises(settings: Any) -> None:
    expired = create_postings(2, timezone.now() - timedelta(hours=30))
    settings.UPWORK_PURGE_BATCH_SIZE = 0

    with pytest.raises(ImproperlyConfigured, match="UPWORK_PURGE_BATCH_SIZE"):
        JobPosting.objects.purge_expired()

    assert remaining_ids() == set(expired)


def test_purge_keeps_row_refreshed_after_cutoff() -> None:
    now = timezone.now()
    [upwork_id] = create_postings(1, now - timedelta(hours=30))
    # A search refreshes the row after the purge fixed its cutoff.
    JobPosting.objects.filter(upwork_id=upwork_id).update(cached_at=now + timedelta(seconds=1))

    assert JobPosting.objects.purge_expired() == 0
    assert remaining_ids() == {upwork_id}


def test_fresh_and_expired_split_the_table(frozen_now: datetime) -> None:
    expired = create_postings(3, frozen_now - MAX_AGE)
    fresh = create_postings(2, frozen_now - MAX_AGE + timedelta(microseconds=1), first_id=100)

    assert set(JobPosting.objects.expired().values_list("upwork_id", flat=True)) == set(expired)
    assert set(JobPosting.objects.fresh().values_list("upwork_id", flat=True)) == set(fresh)


# One transaction per batch, and purges running at once


@pytest.mark.django_db(transaction=True)
def test_purge_commits_each_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    create_postings(7, timezone.now() - timedelta(hours=30))
    events: list[str] = []
    default_connection = connections["default"]
    real_commit = default_connection.commit

    def record_commit() -> None:
        events.append("COMMIT")
        real_commit()

    def record_statement(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # SQLite's backend also sends BEGIN, which PostgreSQL's does not.
        verb = sql.split(" ", 1)[0]
        if verb in ("SELECT", "DELETE"):
            events.append(verb)
        return execute(sql, params, many, context)

    monkeypatch.setattr(default_connection, "commit", record_commit)
    with default_connection.execute_wrapper(record_statement):
        deleted = JobPosting.objects.purge_expired(batch_size=3)

    assert deleted == 7
    # Batches of 3, 3 and 1 rows, each committed before the next starts.
    assert events == ["SELECT", "DELETE", "COMMIT"] * 3


@requires_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_purges_delete_each_row_once() -> None:
    now = timezone.now()
    create_postings(600, now - timedelta(hours=30))
    fresh = create_postings(50, now, first_id=10_000)
    start = threading.Barrier(2, timeout=30)
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def purge(name: str) -> None:
        try:
            start.wait()
            results[name] = JobPosting.objects.purge_expired(batch_size=25)
        except BaseException as err:  # re-raised in the main thread below
            errors.append(err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=purge, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sorted(results) == ["first", "second"]
    assert results["first"] + results["second"] == 600
    assert remaining_ids() == set(fresh)


# The management command


def test_command_deletes_expired_rows() -> None:
    now = timezone.now()
    create_postings(4, now - timedelta(hours=30))
    fresh = create_postings(1, now, first_id=100)
    output = StringIO()

    call_command("purge_upwork_cache", stdout=output)

    assert output.getvalue().strip() == "Deleted 4 job postings cached 23 hours or longer ago."
    assert remaining_ids() == set(fresh)


def test_command_dry_run_deletes_nothing() -> None:
    expired = create_postings(4, timezone.now() - timedelta(hours=30))
    output = StringIO()

    call_command("purge_upwork_cache", "--dry-run", stdout=output)

    assert output.getvalue().strip() == "Would delete 4 job postings cached 23 hours or longer ago."
    assert remaining_ids() == set(expired)


def test_command_max_age_in_hours() -> None:
    now = timezone.now()
    create_postings(3, now - timedelta(hours=3))
    new = create_postings(2, now - timedelta(minutes=30), first_id=100)
    output = StringIO()

    call_command("purge_upwork_cache", "--max-age", "1.5", stdout=output)

    assert output.getvalue().strip() == "Deleted 3 job postings cached 1.5 hours or longer ago."
    assert remaining_ids() == set(new)


def test_command_max_age_zero() -> None:
    create_postings(3, timezone.now() - timedelta(seconds=1))
    output = StringIO()

    call_command("purge_upwork_cache", "--max-age", "0", stdout=output)

    assert output.getvalue().strip() == "Deleted 3 job postings cached 0 hours or longer ago."
    assert remaining_ids() == set()


def test_command_largest_batch_size() -> None:
    create_postings(3, timezone.now() - timedelta(hours=30))
    output = StringIO()

    call_command("purge_upwork_cache", "--batch-size", "2147483647", stdout=output)

    assert output.getvalue().strip() == "Deleted 3 job postings cached 23 hours or longer ago."
    assert remaining_ids() == set()


def test_command_batch_size() -> None:
    create_postings(7, timezone.now() - timedelta(hours=30))

    with recorded_deletes() as deletes:
        call_command("purge_upwork_cache", "--batch-size", "2", stdout=StringIO())

    assert [row_count for _sql, row_count in deletes] == [2, 2, 2, 1]
    assert remaining_ids() == set()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--batch-size", "0"], "--batch-size must be from 1 to 2147483647, got 0."),
        (["--batch-size", "-3"], "--batch-size must be from 1 to 2147483647, got -3."),
        (
            ["--batch-size", "99999999999999999999"],
            "--batch-size must be from 1 to 2147483647, got 99999999999999999999. Omit it",
        ),
        (["--batch-size", "2147483648"], "--batch-size must be from 1 to 2147483647"),
        (["--max-age", "-1"], "--max-age must be 0 or more hours, got -1.0."),
        (
            ["--max-age", "nan"],
            "--max-age must be a finite number of hours, such as 23 or 1.5, got nan.",
        ),
        (
            ["--max-age", "inf"],
            "--max-age must be a finite number of hours, such as 23 or 1.5, got inf.",
        ),
        (
            ["--max-age=-inf"],
            "--max-age must be a finite number of hours, such as 23 or 1.5, got -inf.",
        ),
        (["--max-age", "1e12"], "--max-age 1000000000000.0 hours is out of range"),
    ],
)
def test_command_rejects_bad_values(arguments: list[str], message: str) -> None:
    expired = create_postings(2, timezone.now() - timedelta(hours=30))

    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("purge_upwork_cache", *arguments, stdout=StringIO())

    assert remaining_ids() == set(expired)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--batch-size", "0"], "CommandError: --batch-size must be from 1 to 2147483647"),
        (
            ["--batch-size", "99999999999999999999"],
            "CommandError: --batch-size must be from 1 to 2147483647",
        ),
        (["--max-age", "nan"], "CommandError: --max-age must be a finite number of hours"),
        (["--max-age", "1e12"], "CommandError: --max-age 1000000000000.0 hours is out of range"),
        (["--batch-size", "many"], "error: argument --batch-size: invalid int value: 'many'"),
        (["--max-age", "a day"], "error: argument --max-age: invalid float value: 'a day'"),
    ],
)
def test_command_line_bad_value_exits_nonzero(
    arguments: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expired = create_postings(2, timezone.now() - timedelta(hours=30))
    # run_from_argv closes every connection on exit, the test's open transaction included.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "purge_upwork_cache", *arguments])

    assert exit_info.value.code not in (0, None)
    captured = capsys.readouterr()
    error_lines = [line for line in captured.err.splitlines() if "error" in line.lower()]
    assert len(error_lines) == 1
    assert message in error_lines[0]
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert remaining_ids() == set(expired)


def test_command_help_lists_units_and_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "purge_upwork_cache", "--help"])

    assert exit_info.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--dry-run" in help_text
    assert "--max-age HOURS" in help_text
    assert "--batch-size ROWS" in help_text
    assert "UPWORK_CACHE_MAX_AGE" in help_text
    assert "23 hours" in help_text
    assert "UPWORK_PURGE_BATCH_SIZE, 5000" in help_text


# The Celery task


def test_task_name_is_stable() -> None:
    assert purge_expired_postings.name == "django_upwork.purge_expired_postings"


def test_task_run_eagerly_returns_count() -> None:
    now = timezone.now()
    create_postings(6, now - timedelta(hours=30))
    fresh = create_postings(2, now, first_id=100)

    # apply() runs in this process whatever the broker settings are.
    result = purge_expired_postings.apply()

    assert result.successful()
    assert result.get() == 6
    assert remaining_ids() == set(fresh)
    assert purge_expired_postings.apply().get() == 0


# Read paths


def test_list_job_postings_hides_expired_rows(frozen_now: datetime) -> None:
    create_postings(3, frozen_now - MAX_AGE)
    create_postings(2, frozen_now - timedelta(days=3), first_id=100)
    fresh = create_postings(2, frozen_now - MAX_AGE + timedelta(seconds=1), first_id=200)

    listed = services.list_job_postings(50)

    assert {posting.upwork_id for posting in listed} == set(fresh)


def test_admin_changelist_hides_expired_rows() -> None:
    now = timezone.now()
    create_postings(3, now - timedelta(hours=30))
    fresh = create_postings(2, now, first_id=100)
    model_admin = admin_site._registry[JobPosting]

    queryset = model_admin.get_queryset(RequestFactory().get("/admin/"))

    assert set(queryset.values_list("upwork_id", flat=True)) == set(fresh)


def detail_node(upwork_id: str, title: str) -> dict[str, Any]:
    """Return a minimal ``marketplaceJobPosting`` node as Upwork sends it."""
    return {
        "id": upwork_id,
        "content": {"title": title, "description": "Refetched from Upwork."},
        "contractTerms": {
            "contractType": "HOURLY",
            "experienceLevel": "EXPERT",
            "hourlyContractTerms": {"hourlyBudgetMin": 40, "hourlyBudgetMax": 80},
        },
    }


@pytest.fixture
def fake_upwork(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace ``get_job_posting``'s query with an in-process fake that records the variables."""
    requests_sent: list[dict[str, Any]] = []

    def execute_query(query: str, variables: dict[str, Any], operation: str) -> GraphQLResult:
        requests_sent.append(variables)
        node = detail_node(variables["id"], "Refetched title")
        return GraphQLResult(data={"marketplaceJobPosting": node})

    monkeypatch.setattr("django_upwork.services.jobs.execute_query", execute_query)
    return requests_sent


def test_get_job_posting_fresh_row_sends_no_request(fake_upwork: list[dict[str, Any]]) -> None:
    [upwork_id] = create_postings(1, timezone.now() - timedelta(hours=1))

    posting = services.get_job_posting(upwork_id)

    assert posting is not None
    assert posting.title == f"Job {upwork_id}"
    assert fake_upwork == []


def test_get_job_posting_refetches_expired_row(fake_upwork: list[dict[str, Any]]) -> None:
    before = timezone.now()
    [upwork_id] = create_postings(1, before - MAX_AGE)

    posting = services.get_job_posting(upwork_id)

    assert fake_upwork == [{"id": upwork_id}]
    assert posting is not None
    assert posting.title == "Refetched title"
    assert posting.cached_at >= before
    assert JobPosting.objects.filter(upwork_id=upwork_id).count() == 1
    assert JobPosting.objects.get(upwork_id=upwork_id).title == "Refetched title"


def test_summarize_cache_counts_fresh_and_expired(db, django_assert_num_queries):
    now = timezone.now()
    for offset, hours in enumerate((1, 5, 30, 48)):
        create_postings(1, now - timedelta(hours=hours), first_id=offset)

    with django_assert_num_queries(1):
        summary = services.summarize_cache()

    assert (summary.total, summary.fresh, summary.expired) == (4, 2, 2)
    assert summary.oldest_fresh_cached_at == now - timedelta(hours=5)
    assert summary.max_age == timedelta(hours=23)


def test_summarize_cache_without_fresh_rows(db):
    summary = services.summarize_cache()

    assert (summary.total, summary.fresh, summary.expired) == (0, 0, 0)
    assert summary.oldest_fresh_cached_at is None


@pytest.mark.parametrize("method", ["fresh", "expired"])
@pytest.mark.parametrize("max_age", [-1, 3600.0, "1h", timedelta(hours=-1), timedelta(days=10**6)])
def test_queryset_filters_reject_bad_max_age(db, method, max_age):
    with pytest.raises(InvalidInput, match="max_age"):
        getattr(JobPosting.objects, method)(max_age)
