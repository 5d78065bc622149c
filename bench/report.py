"""Writing docs/benchmarks.md and its plot from the results of one bench/run.py run."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

DATABASE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def format_bytes(size: int | None) -> str:
    if size is None:
        return "-"
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MiB"
    return f"{size / 1024:.0f} KiB"


def format_spread(summary: dict[str, Any]) -> str:
    """Return the interquartile range from 4 samples up, else the range, with the count."""
    if summary["n"] == 1:
        return "one run"
    if summary["n"] >= 4:
        low, high = summary["q1"], summary["q3"]
        return f"IQR {format_seconds(low)} to {format_seconds(high)} (n={summary['n']})"
    low, high = summary["min"], summary["max"]
    return f"range {format_seconds(low)} to {format_seconds(high)} (n={summary['n']})"


def ratio(result: dict[str, Any]) -> str:
    return f"{result['package']['median'] / result['baseline']['median']:.2f}x"


def join_words(words: list[str]) -> str:
    """Return ``words`` as an English list: "a", "a and b" or "a, b and c"."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def database_name(vendor: str) -> str:
    return DATABASE_NAMES.get(vendor, vendor)


def plot(results: list[dict[str, Any]], path: Path) -> None:
    """Draw median time against data size, on log scales: purge, reads and page caching."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (purge_axes, read_axes, page_axes) = plt.subplots(1, 3, figsize=(17, 4.8))
    # One colour per method or call, one line style per database.
    styles = {"postgresql": "-", "sqlite": "--"}
    colours = {
        "purge_expired()": "C0",
        "QuerySet.delete()": "C1",
        "raw DELETE": "C2",
        "list_job_postings": "C3",
        "get_job_posting": "C4",
        "save_search_rows": "C5",
    }

    purge = [result for result in results if result["benchmark"] == "purge"]
    for vendor in sorted({result["database"] for result in purge}):
        for case in ("purge_expired()", "QuerySet.delete()", "raw DELETE"):
            points = sorted(
                (result["size"], result["package"]["median"])
                for result in purge
                if result["database"] == vendor and result["case"] == case
            )
            if not points:
                continue
            purge_axes.plot(
                [size for size, _ in points],
                [median for _, median in points],
                styles.get(vendor, ":"),
                color=colours[case],
                marker="o",
                label=f"{database_name(vendor)}: {case}",
            )
    purge_axes.set(
        xscale="log",
        yscale="log",
        xlabel="expired rows",
        ylabel="median seconds",
        title="Purge time by number of expired rows",
    )
    purge_axes.legend(fontsize="small")

    reads = [
        result
        for result in results
        if result["benchmark"] in ("list_job_postings", "get_job_posting")
    ]
    for vendor in sorted({result["database"] for result in reads}):
        for benchmark in ("list_job_postings", "get_job_posting"):
            chosen = sorted(
                (
                    result
                    for result in reads
                    if (result["database"], result["benchmark"]) == (vendor, benchmark)
                ),
                key=lambda result: result["size"],
            )
            if not chosen:
                continue
            plot_against_baseline(
                read_axes,
                chosen,
                styles.get(vendor, ":"),
                colours[benchmark],
                f"{database_name(vendor)}: {chosen[0]['case']}",
                f"{database_name(vendor)}: {chosen[0]['baseline_case']}",
            )
    read_axes.set(
        xscale="log",
        yscale="log",
        xlabel="rows in the table",
        ylabel="median seconds per call",
        title="Reads by table size",
    )
    read_axes.legend(fontsize="x-small")

    pages = [result for result in results if result["benchmark"] == "save_search_rows"]
    for vendor in sorted({result["database"] for result in pages}):
        chosen = sorted(
            (result for result in pages if result["database"] == vendor),
            key=lambda result: result["size"],
        )
        plot_against_baseline(
            page_axes,
            chosen,
            styles.get(vendor, ":"),
            colours["save_search_rows"],
            f"{database_name(vendor)}: {chosen[0]['case'].split('(')[0]}",
            f"{database_name(vendor)}: raw upsert",
        )
    page_axes.set(
        xscale="log",
        yscale="log",
        xlabel="postings in the page",
        ylabel="median seconds per page",
        title="Caching a search page by page size",
    )
    page_axes.legend(fontsize="x-small")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_against_baseline(
    axes: Any,
    chosen: list[dict[str, Any]],
    style: str,
    colour: str,
    package_label: str,
    baseline_label: str,
) -> None:
    """Draw the package's medians of ``chosen`` by size, and faintly its baseline's."""
    sizes = [result["size"] for result in chosen]
    axes.plot(
        sizes,
        [result["package"]["median"] for result in chosen],
        style,
        color=colour,
        marker="o",
        label=package_label,
    )
    axes.plot(
        sizes,
        [result["baseline"]["median"] for result in chosen],
        style,
        color=colour,
        marker="o",
        fillstyle="none",
        alpha=0.5,
        label=baseline_label,
    )


def render(
    results: list[dict[str, Any]],
    rate_limit: dict[str, Any] | None,
    machine: dict[str, str],
    command: str,
    image: str,
    notes: list[str],
    servers: list[str],
) -> str:
    lines = [
        "# Benchmarks",
        "",
        "These numbers come from one run of `bench/run.py` on one machine, so compare the "
        "columns within a row (the package and the plain code it is measured against ran in "
        "the same process, alternating), not across machines. Regenerate this page with:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"The command starts {join_words(servers)} on 127.0.0.1, and stops and deletes "
        f"{'it' if len(servers) == 1 else 'them'} when it ends.",
        "",
        "## Machine",
        "",
    ]
    lines += table(["", ""], [[key, value] for key, value in machine.items()])
    lines += [
        "",
        "Each row of a table states its data size. Times are medians; the spread is the "
        "interquartile range (IQR) when there are at least 4 samples, else the minimum and "
        "maximum. The ratio is the package's median divided by the baseline's median, so "
        '1.00x means equal cost and 2.00x means twice the time. "Reads every row" is yes '
        "when a query plan scans the whole table or sorts all the rows that match its filter "
        "before its LIMIT; with every row fresh, both read the whole table.",
        "",
        f"![Median time by data size, log scales]({image})",
        "",
    ]
    lines += purge_section(results)
    lines += comparison_section(
        results,
        "save_search_rows",
        "Caching a search page",
        "`services.jobs.save_search_rows()` upserts a page of parsed search results, each "
        "repetition with new Upwork ids, against one hand-written `INSERT … ON CONFLICT "
        "(upwork_id) DO UPDATE … RETURNING id` of the same columns.",
        "Rows",
    )
    lines += comparison_section(
        results,
        "list_job_postings",
        "Listing the newest postings",
        "`services.list_job_postings(50)` returns model instances; the baseline runs the same "
        "`SELECT … WHERE cached_at > %s ORDER BY published_at DESC, id DESC LIMIT 50` and "
        "fetches tuples. Every row in the table is fresh.",
        "Rows in table",
        plan_column=True,
    )
    lines += plans_section(results)
    lines += comparison_section(
        results,
        "list_job_postings_decoded",
        "Listing, against rows with their JSON decoded",
        "The same call against a baseline that also decodes the two JSON columns (`skills` "
        "and `raw`) of each tuple with `json.loads`, the least work after which hand-written "
        "code could use the rows as the package's model instances are used. What remains of "
        "the ratio is the ORM: compiling the query, converting values and building 50 "
        "model instances.",
        "Rows in table",
    )
    lines += comparison_section(
        results,
        "list_job_postings_parts",
        "Where the listing's time goes",
        "Two parts of `list_job_postings(50)` run in Python besides the query. Each is timed "
        "alone against the whole raw query. The first builds and compiles the queryset. The "
        "second turns the 50 fetched rows into model instances with the compiler's own steps "
        "(Django's value converters, then `Model.from_db`). Any call that returns model "
        "instances through the ORM runs both. Once the two together take more than half as "
        "long as the raw query, no such call can stay within 1.5x of it.",
        "Rows in table",
    )
    lines += comparison_section(
        results,
        "admin_changelist",
        "The admin's postings list",
        "`/admin/django_upwork/jobposting/` as a superuser opens it, with no filter. "
        "`changelist queries, no HTML` builds the admin's `ChangeList`, computes the date "
        "links and fetches the page of 50 rows. Those are all the statements the page runs "
        "on the postings table: the bounded count, the country filter's choices, the two ends "
        "of the date range and the rows. `changelist page, rendered` is the whole request "
        "through the test client, with the session, the templates and the HTML. The baseline "
        "runs the statements that the changelist sent, captured once, again through a "
        "cursor. The count and the country sample each read up to 10,000 rows through the "
        "publication index, so on a table of 10,000 rows or fewer they read all of it even "
        "where the last column says no.",
        "Rows in table",
        plan_column=True,
    )
    lines += changelist_plans_section(results)
    lines += comparison_section(
        results,
        "get_job_posting",
        "Reading one cached posting",
        "`services.get_job_posting(id)` on a fresh row (a cache hit, no request to Upwork) "
        "against a raw `SELECT … WHERE upwork_id = %s AND cached_at > %s`.",
        "Rows in table",
    )
    lines += comparison_section(
        results,
        "get_job_posting_miss",
        "Fetching one posting on a cache miss",
        "`services.get_job_posting(id)` for a posting that is not cached: the cache lookup, "
        "the token lookup, the rate limiter, one `JobPosting` GraphQL request to the "
        "emulator, parsing and the upsert of one row. The baseline runs the raw lookup, "
        "posts the same GraphQL body with a `requests.Session`, parses the node with the "
        "package's `detail_node_fields()` and runs one raw upsert. Before each call the row "
        "is deleted, untimed.",
        "Rows fetched",
    )
    lines += comparison_section(
        results,
        "search_job_postings",
        "Searching end to end",
        "`services.search_job_postings()` for a page of 50 results from the emulator: token "
        "lookup, rate limiter (local memory cache), HTTP request, parsing and the upsert. The "
        "baseline posts the same GraphQL body with a `requests.Session`, parses the nodes "
        "with the package's `search_node_fields()` and runs one raw upsert, so the ratio "
        "shows the cost of the client and the ORM, not of parsing. Both sides keep one HTTP "
        "connection open across searches, as the package's per-thread session does.",
        "Results",
    )
    if rate_limit is not None:
        lines += rate_limit_section(rate_limit)
    if notes:
        lines += ["## Notes", ""] + [f"- {note}" for note in notes] + [""]
    return "\n".join(lines).rstrip() + "\n"


def purge_section(results: list[dict[str, Any]]) -> list[str]:
    purge = [result for result in results if result["benchmark"] == "purge"]
    if not purge:
        return []
    lines = [
        "## Purging expired postings",
        "",
        "Each run loads N expired rows plus 1,000 fresh ones, then deletes the expired ones "
        "in one of three ways:",
        "",
        "- `JobPosting.objects.purge_expired()`, in batches of `UPWORK_PURGE_BATCH_SIZE` "
        "(5000 rows), each in its own transaction,",
        "- `JobPosting.objects.expired().delete()`, one statement because nothing listens to "
        "delete signals,",
        "- one raw `DELETE … WHERE cached_at <= %s`, the baseline.",
        "",
        "The longest transaction is how long a purge holds row locks at a stretch, or on "
        "SQLite the write lock on the whole database. Peak memory is what Python allocated "
        "(tracemalloc), measured in a separate run at the smallest and the largest N.",
        "",
    ]
    rows = []
    for result in sorted(purge, key=lambda item: (item["database"], item["size"], item["case"])):
        rows.append(
            [
                database_name(result["database"]),
                f"{result['size']:,}",
                result["case"],
                format_seconds(result["package"]["median"]),
                format_spread(result["package"]),
                ratio(result),
                format_seconds(result["longest_transaction"]),
                str(result["transactions"]),
                format_bytes(result["peak_memory"]),
            ]
        )
    lines += table(
        [
            "Database",
            "Expired rows",
            "Method",
            "Median",
            "Spread",
            "Ratio to raw DELETE",
            "Longest transaction",
            "Transactions",
            "Peak memory",
        ],
        rows,
    )
    return [*lines, ""]


def comparison_section(
    results: list[dict[str, Any]],
    benchmark: str,
    title: str,
    description: str,
    size_label: str,
    *,
    plan_column: bool = False,
) -> list[str]:
    chosen = [result for result in results if result["benchmark"] == benchmark]
    if not chosen:
        return []
    header = [
        "Database",
        size_label,
        "Package",
        "Median",
        "Spread",
        "Baseline",
        "Median",
        "Spread",
        "Ratio",
    ]
    if plan_column:
        header.append("Reads every row")
    rows = []
    for result in sorted(chosen, key=lambda item: (item["database"], item["size"])):
        row = [
            database_name(result["database"]),
            f"{result['size']:,}",
            result["case"],
            format_seconds(result["package"]["median"]),
            format_spread(result["package"]),
            result["baseline_case"],
            format_seconds(result["baseline"]["median"]),
            format_spread(result["baseline"]),
            ratio(result),
        ]
        if plan_column:
            row.append("yes" if result.get("full_table_scan") else "no")
        rows.append(row)
    return [f"## {title}", "", description, "", *table(header, rows), ""]


def plans_section(results: list[dict[str, Any]]) -> list[str]:
    chosen = [result for result in results if result["benchmark"] == "list_job_postings"]
    if not chosen:
        return []
    lines = ["Query plans of `list_job_postings(50)` at the largest table size:", ""]
    for vendor in sorted({result["database"] for result in chosen}):
        largest = max(
            (result for result in chosen if result["database"] == vendor),
            key=lambda result: result["size"],
        )
        lines += [
            f"{database_name(vendor)}, {largest['size']:,} rows:",
            "",
            "```",
            largest["plan"].rstrip(),
            "```",
            "",
        ]
    return lines


def changelist_plans_section(results: list[dict[str, Any]]) -> list[str]:
    chosen = [result for result in results if result["benchmark"] == "admin_changelist"]
    chosen = [result for result in chosen if "plans" in result]
    if not chosen:
        return []
    lines = ["Query plans of the changelist's statements at the largest table size:", ""]
    for vendor in sorted({result["database"] for result in chosen}):
        largest = max(
            (result for result in chosen if result["database"] == vendor),
            key=lambda result: result["size"],
        )
        lines += [f"{database_name(vendor)}, {largest['size']:,} rows:", ""]
        for sql, plan in zip(largest["statements"], largest["plans"], strict=True):
            lines += ["```", sql.rstrip(), "", plan.rstrip(), "```", ""]
    return lines


def rate_limit_section(rate_limit: dict[str, Any]) -> list[str]:
    succeeded = sum(worker["counts"].get("succeeded", 0) for worker in rate_limit["workers"])
    failures: dict[str, int] = {}
    for worker in rate_limit["workers"]:
        for name, count in worker["counts"].items():
            if name not in ("succeeded", "rejected_429", "no_slot_before_end"):
                failures[name] = failures.get(name, 0) + count
    failed = ", ".join(f"{count} {name}" for name, count in sorted(failures.items())) or "none"
    rejected = rate_limit["emulator_rejected_429"]
    within = rate_limit["max_requests_per_60s"] <= rate_limit["limit"]
    lines = [
        "## Rate limit shared by several processes",
        "",
        f"{rate_limit['processes']} processes sent search requests through "
        "`django_upwork.client.http.GraphQLClient` for "
        f"{rate_limit['duration']:g} seconds, with `UPWORK_RATE_LIMIT = {rate_limit['limit']}` "
        "and the limiter's log in a shared Redis cache "
        "(`django.core.cache.backends.redis.RedisCache`). The emulator enforced the same "
        "limit per 60-second window and counted the requests it received in its busiest "
        "window.",
        "",
    ]
    lines += table(
        ["Measure", "Value"],
        [
            ["Limit (requests per 60 s)", str(rate_limit["limit"])],
            [
                "Most requests the emulator saw in any 60 s window",
                str(rate_limit["max_requests_per_60s"]),
            ],
            ["Within the limit", "yes" if within else "**no**"],
            ["Achieved rate, busiest window / limit", f"{rate_limit['percent_of_limit']:.0f} %"],
            ["Requests that succeeded", str(succeeded)],
            ["Requests the emulator rejected with 429", str(rejected)],
            ["Requests that failed otherwise", failed],
        ],
    )
    return [*lines, ""]
