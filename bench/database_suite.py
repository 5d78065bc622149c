"""The database benchmarks, run in a process of their own for one database.

``bench/run.py`` starts ``python -m bench.database_suite`` once per database, with
``DJANGO_SETTINGS_MODULE=bench.settings`` and the variables that file reads, and reads the
JSON it writes. Each benchmark times a django-upwork call against the plain SQL or
``requests`` code that does the same work, in the same process and the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

import requests  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models.sql.constants import MULTI  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import seed  # noqa: E402
from bench.timing import (  # noqa: E402
    TransactionClock,
    peak_memory,
    summarize,
    time_call,
    time_interleaved,
)
from django_upwork import conf, services  # noqa: E402
from django_upwork.client import queries  # noqa: E402
from django_upwork.models import JobPosting, OAuthToken  # noqa: E402
from django_upwork.services.filters import clean_filter, clean_sort_attributes  # noqa: E402
from django_upwork.services.jobs import SEARCH_UPDATE_FIELDS, save_search_rows  # noqa: E402
from django_upwork.services.parsing import detail_node_fields, search_node_fields  # noqa: E402
from django_upwork.templatetags.django_upwork_admin import upwork_date_hierarchy  # noqa: E402

TABLE = JobPosting._meta.db_table
COLUMNS = ["upwork_id", *SEARCH_UPDATE_FIELDS]
JSON_COLUMNS = {"skills", "raw"}
SELECT_COLUMNS = ", ".join(field.column for field in JobPosting._meta.concrete_fields)
JSON_INDEXES = [
    index
    for index, field in enumerate(JobPosting._meta.concrete_fields)
    if field.column in JSON_COLUMNS
]
COLUMN_DEFAULTS = {
    field.attname: field.get_default()
    for field in JobPosting._meta.concrete_fields
    if field.column in COLUMNS
}
CHANGELIST_URL = "/admin/django_upwork/jobposting/"
EXPIRED_AGE = timedelta(hours=30)
FRESH_ROWS = 1000  # rows that every purge must keep


def log(message: str) -> None:
    print(f"[{connection.vendor}] {message}", file=sys.stderr, flush=True)


# Plain-SQL counterparts of the package's calls


def raw_upsert(rows: list[dict[str, Any]], columns: list[str] | None = None) -> list[int]:
    """Upsert ``rows`` with one INSERT … ON CONFLICT … RETURNING, as hand-written code would.

    ``columns`` defaults to every column that caching a search page writes.
    """
    columns = columns or COLUMNS
    now = timezone.now()
    placeholders = []
    params: list[Any] = []
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    for row in rows:
        values = {**row, "cached_at": now}
        row_placeholders = []
        for column in columns:
            value = values[column]
            if column in JSON_COLUMNS:
                params.append(json.dumps(value))
                row_placeholders.append(f"%s{json_cast}")
                continue
            if column in ("created_at", "published_at", "cached_at") and value is not None:
                value = connection.ops.adapt_datetimefield_value(value)
            params.append(value)
            row_placeholders.append("%s")
        placeholders.append(f"({', '.join(row_placeholders)})")
    updates = ", ".join(
        f"{column} = excluded.{column}" for column in columns if column != "upwork_id"
    )
    sql = (
        f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES {', '.join(placeholders)} "
        f"ON CONFLICT (upwork_id) DO UPDATE SET {updates} RETURNING id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def raw_latest(limit: int) -> list[tuple[Any, ...]]:
    cutoff = connection.ops.adapt_datetimefield_value(timezone.now() - conf.cache_max_age())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {SELECT_COLUMNS} FROM {TABLE} WHERE cached_at > %s "
            "ORDER BY published_at DESC, id DESC LIMIT %s",
            [cutoff, limit],
        )
        return cursor.fetchall()


def raw_latest_decoded(limit: int) -> list[list[Any]]:
    """Run ``raw_latest`` and decode its JSON columns, the least work that gives usable rows."""
    rows = [list(row) for row in raw_latest(limit)]
    for row in rows:
        for index in JSON_INDEXES:
            if isinstance(row[index], str):
                row[index] = json.loads(row[index])
    return rows


def raw_get(upwork_id: str) -> tuple[Any, ...] | None:
    cutoff = connection.ops.adapt_datetimefield_value(timezone.now() - conf.cache_max_age())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {SELECT_COLUMNS} FROM {TABLE} WHERE upwork_id = %s AND cached_at > %s",
            [upwork_id, cutoff],
        )
        return cursor.fetchone()


def raw_delete_expired() -> int:
    cutoff = connection.ops.adapt_datetimefield_value(timezone.now() - conf.cache_max_age())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE cached_at <= %s", [cutoff])
        return int(cursor.rowcount)


# The emulator


class Emulator:
    """The emulator's address and a token that it issued, passed in by bench/run.py."""

    def __init__(self) -> None:
        settings_json = os.environ.get("BENCH_UPWORK_SETTINGS")
        tokens_json = os.environ.get("BENCH_UPWORK_TOKENS")
        if not settings_json or not tokens_json:
            raise SystemExit(
                "BENCH_UPWORK_SETTINGS and BENCH_UPWORK_TOKENS are not set; run bench/run.py."
            )
        self.settings = json.loads(settings_json)
        self.tokens = json.loads(tokens_json)
        # Keeps its connection open, like the package's per-thread session.
        self.session = requests.Session()

    def connect(self) -> None:
        """Store the emulator's token as the site's Upwork connection."""
        OAuthToken.objects.update_or_create(
            key=OAuthToken.DEFAULT_KEY,
            defaults={
                "access_token": self.tokens["access_token"],
                "refresh_token": self.tokens["refresh_token"],
                "expires_at": timezone.now() + timedelta(seconds=int(self.tokens["expires_in"])),
                "refresh_expires_at": timezone.now() + timedelta(days=14),
            },
        )

    def search_body(self, search_filter: dict[str, Any]) -> dict[str, Any]:
        return {
            "query": queries.SEARCH_JOB_POSTINGS,
            "variables": {
                "filter": clean_filter(search_filter),
                "sort": clean_sort_attributes(None),
            },
            "operationName": queries.SEARCH_OPERATION,
        }

    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        response = self.session.post(
            self.settings["UPWORK_API_URL"],
            json=body,
            headers={"Authorization": f"Bearer {self.tokens['access_token']}"},
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())


def search_rows(emulator: Emulator, count: int) -> list[dict[str, Any]]:
    """Return ``count`` parsed search results from the emulator's corpus."""
    body = emulator.search_body({"pagination_eq": {"first": count, "after": "0"}})
    edges = emulator.post(body)["data"]["marketplaceJobPostingsSearch"]["edges"]
    return [search_node_fields(edge["node"]) for edge in edges]


def with_new_ids(rows: list[dict[str, Any]], first_id: int) -> list[dict[str, Any]]:
    return [{**row, "upwork_id": str(first_id + index)} for index, row in enumerate(rows)]


# The benchmarks


def record(
    benchmark: str,
    case: str,
    baseline_case: str,
    size: int,
    package: list[float],
    baseline: list[float],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "benchmark": benchmark,
        "database": connection.vendor,
        "case": case,
        "baseline_case": baseline_case,
        "size": size,
        "package": summarize(package),
        "baseline": summarize(baseline),
        **extra,
    }


def bench_purge(sizes: list[int], repeat_for: Callable[[int], int]) -> list[dict[str, Any]]:
    """(a) Purge ``size`` expired rows beside ``FRESH_ROWS`` fresh ones, three ways."""
    methods: dict[str, Callable[[], Any]] = {
        "purge_expired()": lambda: JobPosting.objects.purge_expired(),
        "QuerySet.delete()": lambda: JobPosting.objects.expired().delete(),
        "raw DELETE": raw_delete_expired,
    }
    results = []
    for size in sizes:
        repeat = repeat_for(size)
        measured: dict[str, dict[str, Any]] = {}
        for name, method in methods.items():
            samples: list[float] = []
            longest: list[float] = []
            transactions = 0
            for _ in range(repeat):
                fill_for_purge(size)
                clock = TransactionClock()
                with clock.recording():
                    samples.append(time_call(method))
                assert_purged(size)
                longest.append(clock.longest)
                transactions = len(clock.durations)
            memory = None
            # Memory at the smallest and the largest size shows whether it grows with N.
            if size in (min(sizes), max(sizes)):
                fill_for_purge(size)
                memory = peak_memory(method)
                assert_purged(size)
            measured[name] = {
                "samples": samples,
                "longest_transaction": max(longest),
                "statements_or_transactions": transactions,
                "peak_memory": memory,
            }
            log(f"purge {size} rows with {name}: {min(samples):.3f} s best of {repeat}")
        baseline = measured["raw DELETE"]
        for name, values in measured.items():
            results.append(
                record(
                    "purge",
                    name,
                    "raw DELETE",
                    size,
                    values["samples"],
                    baseline["samples"],
                    longest_transaction=values["longest_transaction"],
                    baseline_longest_transaction=baseline["longest_transaction"],
                    transactions=values["statements_or_transactions"],
                    peak_memory=values["peak_memory"],
                    baseline_peak_memory=baseline["peak_memory"],
                )
            )
    seed.empty_table()
    return results


def fill_for_purge(size: int) -> None:
    seed.empty_table()
    now = timezone.now()
    seed.insert_postings(size, now - EXPIRED_AGE, first_id=0)
    seed.insert_postings(FRESH_ROWS, now, first_id=10**12)
    seed.analyze()


def assert_purged(size: int) -> None:
    remaining = JobPosting.objects.count()
    if remaining != FRESH_ROWS:
        raise AssertionError(f"{remaining} rows left after purging {size}, not {FRESH_ROWS}.")


def bench_save_search_rows(emulator: Emulator, repeat: int) -> list[dict[str, Any]]:
    """(b) Cache a search page of 10 and 50 new rows, against one raw upsert."""
    seed.empty_table()
    page = search_rows(emulator, 50)
    results = []
    for count in (10, 50):
        rows = page[:count]
        total = repeat + 3  # the warm-up calls use rows too
        package_pages = iter([with_new_ids(rows, 10**12 + i * 100) for i in range(total)])
        raw_pages = iter([with_new_ids(rows, 2 * 10**12 + i * 100) for i in range(total)])
        samples = time_interleaved(
            {
                "package": lambda pages=package_pages: save_search_rows(next(pages)),
                "baseline": lambda pages=raw_pages: raw_upsert(next(pages)),
            },
            repeat,
        )
        results.append(
            record(
                "save_search_rows",
                f"save_search_rows({count} rows)",
                "raw INSERT … ON CONFLICT",
                count,
                samples["package"],
                samples["baseline"],
            )
        )
        log(f"save_search_rows {count} rows done")
    seed.empty_table()
    return results


def latest_queryset() -> Any:
    """Return the queryset that ``services.list_job_postings(50)`` evaluates."""
    return JobPosting.objects.fresh().order_by("-published_at", "-pk")[:50]


def bench_list_parts(size: int, repeat: int) -> list[dict[str, Any]]:
    """Time the two parts of ``list_job_postings(50)`` that run in Python, each against the
    whole raw query: building and compiling the queryset, and turning 50 fetched rows into
    model instances (Django's value converters, then ``Model.from_db``).

    Their sum is a floor under the call's cost beyond the raw query. It uses the compiler's
    own steps, as ``QuerySet.__iter__`` runs them, so it stays in step with Django's.
    """
    compiler = latest_queryset().query.get_compiler(connection.alias)
    rows = [row for chunk in compiler.execute_sql(MULTI) for row in chunk]
    if len(rows) != 50:
        raise AssertionError(f"The listing breakdown needs 50 fresh rows, got {len(rows)}.")
    converters = compiler.get_converters([column for column, _, _ in compiler.select])
    names = [field.attname for field in JobPosting._meta.concrete_fields]

    def compile_query() -> Any:
        return latest_queryset().query.get_compiler(connection.alias).as_sql()

    def build_instances() -> list[JobPosting]:
        return [
            JobPosting.from_db(connection.alias, names, row)
            for row in compiler.apply_converters(rows, converters)
        ]

    if [posting.pk for posting in build_instances()] != [
        posting.pk for posting in services.list_job_postings(50)
    ]:
        raise AssertionError("The listing breakdown must build the rows that the call returns.")
    results = []
    for case, part in (
        ("build and compile the query", compile_query),
        ("50 fetched rows to model instances", build_instances),
    ):
        samples = time_interleaved({"package": part, "baseline": lambda: raw_latest(50)}, repeat)
        results.append(
            record(
                "list_job_postings_parts",
                case,
                "raw SELECT … LIMIT 50",
                size,
                samples["package"],
                samples["baseline"],
            )
        )
    return results


def bench_reads(sizes: list[int], repeat: int) -> list[dict[str, Any]]:
    """(c) ``list_job_postings(50)`` and (d) a ``get_job_posting`` cache hit, per table size."""
    seed.empty_table()
    results = []
    loaded = 0
    now = timezone.now()
    for size in sizes:
        seed.insert_postings(size - loaded, now, first_id=loaded, cached_spread_seconds=3600)
        loaded = size
        seed.analyze()
        samples = time_interleaved(
            {
                "package": lambda: services.list_job_postings(50),
                "baseline": lambda: raw_latest(50),
            },
            repeat,
        )
        plan = latest_queryset().explain()
        results.append(
            record(
                "list_job_postings",
                "list_job_postings(50)",
                "raw SELECT … LIMIT 50",
                size,
                samples["package"],
                samples["baseline"],
                plan=plan,
                full_table_scan=is_full_table_scan(plan),
            )
        )
        samples = time_interleaved(
            {
                "package": lambda: services.list_job_postings(50),
                "baseline": lambda: raw_latest_decoded(50),
            },
            repeat,
        )
        results.append(
            record(
                "list_job_postings_decoded",
                "list_job_postings(50)",
                "raw SELECT … LIMIT 50, JSON decoded",
                size,
                samples["package"],
                samples["baseline"],
            )
        )
        results += bench_list_parts(size, repeat)
        results += bench_changelist(size, repeat)
        hits = [str(size // 2 + offset) for offset in range(1, 101)]
        if JobPosting.objects.fresh().filter(upwork_id__in=hits).count() != len(hits):
            raise AssertionError("The get_job_posting benchmark must hit the cache every time.")
        upwork_ids = iter_forever(hits)
        samples = time_interleaved(
            {
                "package": lambda ids=upwork_ids: services.get_job_posting(next(ids)),
                "baseline": lambda ids=upwork_ids: raw_get(next(ids)),
            },
            repeat,
        )
        results.append(
            record(
                "get_job_posting",
                "get_job_posting() cache hit",
                "raw SELECT by upwork_id",
                size,
                samples["package"],
                samples["baseline"],
            )
        )
        log(f"reads at {size} rows done")
    seed.empty_table()
    return results


def bench_changelist(size: int, repeat: int) -> list[dict[str, Any]]:
    """(f) The admin's postings changelist: its queries, and the page a staff user gets."""
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    model_admin = admin.site.get_model_admin(JobPosting)
    factory = RequestFactory()

    def changelist_queries() -> list[JobPosting]:
        request = factory.get(CHANGELIST_URL)
        request.user = user
        changelist = model_admin.get_changelist_instance(request)
        upwork_date_hierarchy(changelist)
        return list(changelist.result_list)

    with CaptureQueriesContext(connection) as captured:
        changelist_queries()
    statements = [query["sql"] for query in captured.captured_queries]

    def same_statements() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    client = Client()
    client.force_login(user)

    def changelist_page() -> None:
        response = client.get(CHANGELIST_URL)
        if response.status_code != 200:
            raise AssertionError(f"The changelist returned HTTP {response.status_code}, not 200.")

    samples = time_interleaved(
        {
            "queries": changelist_queries,
            "page": changelist_page,
            "baseline": same_statements,
        },
        repeat,
    )
    plans = [explain(sql) for sql in statements]
    full_scan = any(is_full_table_scan(plan) for plan in plans)
    baseline_case = f"the same {len(statements)} statements, raw"
    return [
        record(
            "admin_changelist",
            "changelist queries, no HTML",
            baseline_case,
            size,
            samples["queries"],
            samples["baseline"],
            statements=statements,
            plans=plans,
            full_table_scan=full_scan,
        ),
        record(
            "admin_changelist",
            "changelist page, rendered",
            baseline_case,
            size,
            samples["page"],
            samples["baseline"],
            full_table_scan=full_scan,
        ),
    ]


def explain(sql: str) -> str:
    """Return the query plan of ``sql`` as text, from EXPLAIN on either database."""
    prefix = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


def is_full_table_scan(plan: str) -> bool:
    """Return whether a plan reads every matching row of the postings table.

    That is a scan of the whole table, or a sort of all the rows that pass the filter
    before the LIMIT applies. On a table where every row is fresh, both read every row.
    """
    if connection.vendor == "postgresql":
        return f"Seq Scan on {TABLE}" in plan or any(
            line.strip().startswith(("Sort ", "->  Sort ")) for line in plan.splitlines()
        )
    # SQLite prints "SCAN table USING INDEX name" for an index walk, "SCAN table" alone for
    # a table scan, and "USE TEMP B-TREE FOR ORDER BY" when it sorts the rows itself.
    return any(
        (f"SCAN {TABLE}" in line and "USING" not in line) or "TEMP B-TREE FOR ORDER BY" in line
        for line in plan.splitlines()
    )


def iter_forever(values: list[str]) -> Iterator[str]:
    while True:
        yield from values


def bench_end_to_end(emulator: Emulator, repeat: int) -> list[dict[str, Any]]:
    """(e) ``search_job_postings`` against the emulator, against requests.post + raw upsert."""
    seed.empty_table()
    emulator.connect()
    search_filter = {"pagination_eq": {"first": 50, "after": "0"}}
    body = emulator.search_body(search_filter)

    def by_hand() -> list[int]:
        edges = emulator.post(body)["data"]["marketplaceJobPostingsSearch"]["edges"]
        return raw_upsert([search_node_fields(edge["node"]) for edge in edges])

    samples = time_interleaved(
        {
            "package": lambda: services.search_job_postings(search_filter),
            "baseline": by_hand,
        },
        repeat,
    )
    log("end-to-end search done")
    seed.empty_table()
    return [
        record(
            "search_job_postings",
            "search_job_postings(50 results)",
            "requests.Session.post + raw INSERT … ON CONFLICT",
            50,
            samples["package"],
            samples["baseline"],
        )
    ]


def bench_get_miss(emulator: Emulator, repeat: int) -> list[dict[str, Any]]:
    """(d) ``get_job_posting`` on a cache miss: the lookup, one API request and the upsert."""
    seed.empty_table()
    emulator.connect()
    upwork_ids = iter_forever([row["upwork_id"] for row in search_rows(emulator, 50)])

    def by_hand(upwork_id: str) -> list[int]:
        if raw_get(upwork_id) is not None:
            raise AssertionError(f"Job posting {upwork_id} is cached; the benchmark needs a miss.")
        body = {
            "query": queries.JOB_POSTING,
            "variables": {"id": upwork_id},
            "operationName": queries.JOB_POSTING_OPERATION,
        }
        values = detail_node_fields(emulator.post(body)["data"]["marketplaceJobPosting"])
        values.setdefault("ciphertext", f"~02{upwork_id}")
        # A new row needs every NOT NULL column, so the others get their field defaults.
        return raw_upsert([{**COLUMN_DEFAULTS, **values}])

    calls: dict[str, Callable[[str], Any]] = {
        "package": services.get_job_posting,
        "baseline": by_hand,
    }
    samples: dict[str, list[float]] = {name: [] for name in calls}
    warmup = 3
    for repetition in range(warmup + repeat):
        for name, call in calls.items():
            upwork_id = next(upwork_ids)
            # Deleting the row first makes every call a miss; the delete is not timed.
            JobPosting.objects.filter(upwork_id=upwork_id).delete()
            seconds = time_call(lambda call=call, upwork_id=upwork_id: call(upwork_id))
            if repetition >= warmup:
                samples[name].append(seconds)
    log("get_job_posting miss done")
    seed.empty_table()
    return [
        record(
            "get_job_posting_miss",
            "get_job_posting() cache miss",
            "raw SELECT + requests.Session.post + raw INSERT … ON CONFLICT",
            1,
            samples["package"],
            samples["baseline"],
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", required=True, help="JSON file to write the results to")
    parser.add_argument("--purge-sizes", required=True, help="comma-separated row counts")
    parser.add_argument("--read-sizes", required=True, help="comma-separated row counts")
    parser.add_argument(
        "--purge-repeat", type=int, default=3, help="timed purges per method below 1M rows"
    )
    parser.add_argument("--repeat", type=int, default=200, help="timed calls per read benchmark")
    parser.add_argument(
        "--search-repeat", type=int, default=60, help="timed end-to-end searches per side"
    )
    options = parser.parse_args()

    call_command("migrate", verbosity=0)
    emulator = Emulator()
    purge_sizes = [int(size) for size in options.purge_sizes.split(",")]
    read_sizes = [int(size) for size in options.read_sizes.split(",")]

    def purge_repeat(size: int) -> int:
        # Each timed purge first loads its rows again, and a million take tens of seconds.
        return 1 if size >= 1_000_000 else options.purge_repeat

    results: list[dict[str, Any]] = []
    results += bench_save_search_rows(emulator, options.repeat)
    results += bench_end_to_end(emulator, options.search_repeat)
    results += bench_get_miss(emulator, options.search_repeat)
    results += bench_reads(read_sizes, options.repeat)
    results += bench_purge(purge_sizes, purge_repeat)
    with open(options.output, "w") as output:
        json.dump({"database": connection.vendor, "results": results}, output, indent=2)


if __name__ == "__main__":
    main()
