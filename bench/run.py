"""Run every django-upwork benchmark and write docs/benchmarks.md with a plot.

    python bench/run.py [--quick] [--databases sqlite,postgres]

Starts what the benchmarks need on 127.0.0.1: a throwaway PostgreSQL cluster, a Redis
server and two Upwork emulators. Runs the database benchmarks in one child process per
database, then the rate-limit benchmark. Everything it started is stopped and deleted when
it ends, fails or is interrupted. Needs the ``bench`` extra (matplotlib) besides ``testing``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bench import report  # noqa: E402
from bench.rate_limit import run_rate_limit_benchmark  # noqa: E402
from bench.services import PostgresServer, RedisServer  # noqa: E402

DATABASES = ("sqlite", "postgres")
IMAGE = Path("img") / "benchmarks-scaling.png"
SUITE_TIMEOUT = 1800  # seconds one database's benchmarks may take before they are stopped

FULL = {
    "purge_sizes": [10_000, 100_000, 1_000_000],
    "read_sizes": [10_000, 100_000, 1_000_000],
    "purge_repeat": 3,
    "repeat": 200,
    "search_repeat": 60,
    "rate_limit_seconds": 70.0,
}
QUICK = {
    "purge_sizes": [10_000, 50_000],
    "read_sizes": [1_000, 10_000, 50_000],
    "purge_repeat": 3,
    "repeat": 30,
    "search_repeat": 20,
    "rate_limit_seconds": 20.0,
}
RATE_LIMIT = 120  # requests per minute, scaled down from Upwork's 300 to keep the run short
RATE_LIMIT_PROCESSES = 4


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run the django-upwork benchmarks and write docs/benchmarks.md."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="use small data sizes and short runs, for checking the benchmarks themselves "
        "(about 1.5 minutes instead of about 8 on a 2-CPU machine)",
    )
    parser.add_argument(
        "--databases",
        default=",".join(DATABASES),
        help="comma-separated databases to benchmark, from: sqlite, postgres "
        "(default: sqlite,postgres)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO_ROOT / "docs" / "benchmarks.md",
        help="Markdown page to write; the plot goes to img/ beside it "
        "(default: docs/benchmarks.md)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results to this JSON file")
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="JSON",
        help="write the page and the plot from a file that --json wrote, running nothing",
    )
    parser.add_argument(
        "--no-rate-limit",
        action="store_true",
        help="skip the rate-limit benchmark, which takes 70 s (20 s with --quick)",
    )
    options = parser.parse_args()
    databases = [name.strip() for name in options.databases.split(",") if name.strip()]
    unknown = sorted(set(databases) - set(DATABASES))
    if unknown or not databases:
        parser.error(
            "--databases takes sqlite and postgres, separated by commas; "
            f"got {options.databases!r}."
        )
    options.databases = databases
    return options


def machine_description(postgres: PostgresServer | None) -> dict[str, str]:
    import django
    import psycopg

    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    cpu_model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory = f"{kilobytes / (1 << 20):.0f} GiB"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    description = {
        "CPU": cpu_model,
        "CPUs (`nproc`)": nproc or "unknown",
        "CPUs (`os.cpu_count()`)": str(os.cpu_count()),
        "Memory": memory,
        "System": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "psycopg": psycopg.__version__,
        "SQLite": sqlite3.sqlite_version,
    }
    if postgres is not None:
        description["PostgreSQL"] = (
            f"{postgres.version()} (fsync, synchronous_commit and full_page_writes off)"
        )
    description["Commit"] = commit or "unknown"
    description["Date"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return description


def run_database_suite(
    database: str,
    sizes: dict[str, Any],
    workdir: Path,
    postgres: PostgresServer | None,
    emulator: Any,
    tokens: dict[str, Any],
) -> list[dict[str, Any]]:
    output = workdir / f"results-{database}.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(REPO_ROOT),
        "BENCH_DATABASE": database,
        "BENCH_SQLITE_PATH": str(workdir / "bench.sqlite3"),
        "BENCH_UPWORK_SETTINGS": json.dumps(emulator.django_settings()),
        "BENCH_UPWORK_TOKENS": json.dumps(tokens),
    }
    env.pop("BENCH_REDIS_URL", None)
    if postgres is not None:
        env.update(postgres.environment())
    command = [
        sys.executable,
        "-m",
        "bench.database_suite",
        f"--output={output}",
        f"--purge-sizes={','.join(map(str, sizes['purge_sizes']))}",
        f"--read-sizes={','.join(map(str, sizes['read_sizes']))}",
        f"--purge-repeat={sizes['purge_repeat']}",
        f"--repeat={sizes['repeat']}",
        f"--search-repeat={sizes['search_repeat']}",
    ]
    print(f"==> Benchmarks on {database}", flush=True)
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL)
    try:
        status = child.wait(timeout=SUITE_TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if status != 0:
        raise RuntimeError(f"The {database} benchmarks failed with exit status {status}.")
    print(f"==> {database} done in {time.monotonic() - started:.0f} s", flush=True)
    return list(json.loads(output.read_text())["results"])


def notes_for(
    results: list[dict[str, Any]], rate_limit: dict[str, Any] | None, sizes: dict[str, Any]
) -> list[str]:
    notes = []
    if max(sizes["purge_sizes"]) >= 1_000_000:
        notes.append(
            "Purges of a million rows are single runs, because each one first loads its rows "
            "again; their spread is not measured."
        )
    notes += [
        "`purge_expired()` costs more in total than one DELETE: per batch it sends two "
        "statements (finding the batch's last row, then deleting up to it) and one commit. "
        "But no transaction of it lasts longer than one batch, while the single DELETE "
        "holds its locks until the end. On SQLite that lock "
        "is the database's write lock, so every writer, a search that caches results "
        "included, waits for the whole single DELETE.",
        "The time to load the rows before each purge is not counted.",
    ]
    scanners = {
        "list_job_postings": "`list_job_postings(50)`",
        "admin_changelist": "the changelist",
    }
    for vendor in sorted({result["database"] for result in results}):
        for benchmark, name in scanners.items():
            scanned_sizes = sorted(
                {
                    result["size"]
                    for result in results
                    if result["benchmark"] == benchmark
                    and result["database"] == vendor
                    and result.get("full_table_scan")
                }
            )
            if scanned_sizes:
                notes.append(
                    f"On {report.database_name(vendor)}, {name} read every row of the table "
                    f"at {', '.join(f'{size:,}' for size in scanned_sizes)} rows."
                )
    if rate_limit is not None and rate_limit["max_requests_per_60s"] > rate_limit["limit"]:
        limit = rate_limit["limit"]
        notes.append(
            f"The emulator counted {rate_limit['max_requests_per_60s']} requests in one "
            f"60-second window against a limit of {limit}. The limiter starts each request "
            f"60 s after the start of the request {limit} places earlier, but the emulator "
            "counts requests when they arrive. When the earlier request took longer to "
            "arrive than the later one, both land within 60 s, so the limiter needs a margin "
            "for that delay."
        )
    if sizes is QUICK:
        notes.insert(0, "This page comes from `--quick`, with smaller sizes than a full run.")
    return notes


def write_page(run: dict[str, Any], output: Path) -> Path:
    """Write the Markdown page and its plot from the results of one run."""
    sizes = QUICK if run["quick"] else FULL
    command = "python bench/run.py" + (" --quick" if run["quick"] else "")
    if run["databases"] != list(DATABASES):
        command += f" --databases {','.join(run['databases'])}"
    if run["rate_limit"] is None:
        command += " --no-rate-limit"
    servers = []
    if "postgres" in run["databases"]:
        servers.append("a throwaway PostgreSQL cluster")
    if run["rate_limit"] is not None:
        servers.append("a Redis server")
    servers.append("the Upwork emulator")
    report.plot(run["results"], output.parent / IMAGE)
    output.write_text(
        report.render(
            run["results"],
            run["rate_limit"],
            run["machine"],
            command,
            IMAGE.as_posix(),
            notes_for(run["results"], run["rate_limit"], sizes),
            servers,
        )
    )
    return output


def main() -> int:
    options = parse_arguments()
    if options.from_json:
        output = write_page(json.loads(options.from_json.read_text()), options.output)
        print(f"==> Wrote {output} from {options.from_json}", flush=True)
        return 0
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(
            "bench/run.py draws its plot with matplotlib, which is missing. Install the "
            "bench extra first: pip install -e '.[bench]'",
            file=sys.stderr,
        )
        return 2
    sizes = QUICK if options.quick else FULL
    # On SIGTERM or SIGHUP, unwind through the finally blocks so that the servers stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))

    from django_upwork.testing import UpworkEmulator

    # Under /tmp: PostgreSQL's socket path is limited to 107 bytes.
    workdir = Path(tempfile.mkdtemp(prefix="django-upwork-bench.", dir="/tmp"))
    # The postgres user must be able to enter this root-owned directory.
    workdir.chmod(0o711)
    postgres: PostgresServer | None = None
    redis: RedisServer | None = None
    emulator = None
    limited_emulator = None
    started = time.monotonic()
    try:
        if "postgres" in options.databases:
            postgres = PostgresServer(workdir / "postgres")
            postgres.start()
            print(f"==> PostgreSQL {postgres.version()} on 127.0.0.1:{postgres.port}", flush=True)
        emulator = UpworkEmulator(port=0).start()
        tokens = emulator.issue_tokens()

        results: list[dict[str, Any]] = []
        for database in options.databases:
            server = postgres if database == "postgres" else None
            results += run_database_suite(database, sizes, workdir, server, emulator, tokens)

        rate_limit = None
        if not options.no_rate_limit:
            redis = RedisServer(workdir / "redis")
            redis.start()
            limited_emulator = UpworkEmulator(port=0, rate_limit_per_minute=RATE_LIMIT).start()
            print(
                f"==> Rate limit: {RATE_LIMIT_PROCESSES} processes for "
                f"{sizes['rate_limit_seconds']:g} s",
                flush=True,
            )
            rate_limit = run_rate_limit_benchmark(
                limited_emulator,
                redis.url,
                workdir,
                limit=RATE_LIMIT,
                duration=sizes["rate_limit_seconds"],
                processes=RATE_LIMIT_PROCESSES,
            )

        run = {
            "machine": machine_description(postgres),
            "quick": options.quick,
            "databases": options.databases,
            "results": results,
            "rate_limit": rate_limit,
        }
        if options.json:
            options.json.write_text(json.dumps(run, indent=2))
        output = write_page(run, options.output)
        print(f"==> Wrote {output} in {time.monotonic() - started:.0f} s", flush=True)
        return 0
    finally:
        for server in (limited_emulator, emulator, redis, postgres):
            if server is not None:
                server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
