"""The upwork_search and upwork_status management commands, against the emulator."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.utils import timezone

from django_upwork.models import JobPosting, OAuthToken

pytestmark = pytest.mark.django_db


class TerminalStringIO(io.StringIO):
    """A captured stream that reports itself as a terminal, as an interactive stderr does."""

    def isatty(self) -> bool:
        return True


def run(*args: str, stderr: io.StringIO | None = None) -> str:
    stdout = io.StringIO()
    call_command(*args, stdout=stdout, stderr=stderr or io.StringIO())
    return stdout.getvalue()


def search_json(*args: str) -> dict[str, Any]:
    return json.loads(run("upwork_search", *args, "--json"))


def help_text(name: str) -> str:
    command = load_command_class("django_upwork", name)
    return command.create_parser("manage.py", name).format_help()


def make_posting(upwork_id: str, cached_at: Any) -> JobPosting:
    return JobPosting.objects.create(
        upwork_id=upwork_id,
        title=f"Posting {upwork_id}",
        job_type="HOURLY",
        raw={"id": upwork_id},
        cached_at=cached_at,
    )


# -- upwork_search ----------------------------------------------------------------------------


def test_search_table_lists_and_caches(connected: OAuthToken) -> None:
    output = run("upwork_search", "python", "--page-size", "10")

    lines = output.strip().splitlines()
    assert lines[0].split()[:3] == ["ID", "PUBLISHED", "(UTC)"]
    assert "TITLE" in lines[0]
    assert "postings shown and cached, of" in lines[-1]
    assert JobPosting.objects.count() == 10
    for posting in JobPosting.objects.all():
        assert posting.upwork_id in output


def test_commands_print_utc_without_use_tz(connected: OAuthToken, settings: Any) -> None:
    # Without USE_TZ, Django hands back naive datetimes in TIME_ZONE; the output still prints UTC.
    settings.USE_TZ = False
    settings.TIME_ZONE = "America/New_York"
    # The fixture saved the token with USE_TZ on, in UTC; save its times as this site would.
    OAuthToken.objects.update(
        expires_at=timezone.now() + timedelta(hours=24),
        refresh_expires_at=timezone.now() + timedelta(days=14),
    )

    row = run("upwork_search", "python", "--page-size", "1").splitlines()[1]
    posting = JobPosting.objects.get(upwork_id=row.split()[0])
    published = posting.raw["publishedDateTime"]
    document = search_json("python", "--page-size", "1")
    status = json.loads(run("upwork_status", "--json"))
    text = run("upwork_status")

    assert published[:16].replace("T", " ") in row
    assert document["postings"][0]["published_at"][:19] == published[:19]
    assert document["postings"][0]["published_at"].endswith("Z")
    assert status["access_token_expires_at"].endswith("Z")
    assert status["oldest_fresh_cached_at"].endswith("Z")
    assert " UTC (in 23 hours" in text


def test_search_json_document(connected: OAuthToken) -> None:
    document = search_json("python", "--page-size", "5")

    assert document["query"] == "python"
    assert document["total_count"] >= 5
    assert len(document["postings"]) == 5
    first = document["postings"][0]
    assert set(first) >= {"upwork_id", "url", "title", "job_type", "skills", "published_at"}
    assert first["url"].endswith(first["upwork_id"])
    cached_ids = set(JobPosting.objects.values_list("upwork_id", flat=True))
    assert {posting["upwork_id"] for posting in document["postings"]} == cached_ids


def test_search_filters_reach_upwork(connected: OAuthToken) -> None:
    document = search_json("developer", "--job-type", "FIXED", "--experience-level", "EXPERT")

    assert document["postings"], "the emulator corpus has expert fixed-price developer jobs"
    assert {posting["job_type"] for posting in document["postings"]} == {"FIXED"}
    assert {posting["experience_level"] for posting in document["postings"]} == {"EXPERT"}


def test_search_sends_filter_and_sort(connected: OAuthToken, emulator: Any) -> None:
    search_json(
        "python",
        "--job-type",
        "HOURLY",
        "--sort",
        "CLIENT_RATING",
        "--pages",
        "1",
        "--page-size",
        "3",
    )

    variables = emulator.stats()["recent_graphql"][-1]["variables"]
    assert variables["filter"] == {
        "searchExpression_eq": "python",
        "jobType_eq": "HOURLY",
        "pagination_eq": {"first": 3, "after": "0"},
    }
    assert variables["sort"] == [{"field": "CLIENT_RATING"}]


def test_search_fetches_several_pages(connected: OAuthToken, emulator: Any) -> None:
    document = search_json("python", "--pages", "3", "--page-size", "4")

    assert len(document["postings"]) == 12
    assert len({posting["upwork_id"] for posting in document["postings"]}) == 12
    assert emulator.stats()["graphql_requests"] == 3


def test_search_stops_after_last_page(connected: OAuthToken, emulator: Any) -> None:
    total = search_json("python", "--page-size", "1")["total_count"]
    requests_before = emulator.stats()["graphql_requests"]
    page_size = 50
    pages_needed = -(-total // page_size)

    document = search_json("python", "--pages", str(pages_needed + 2))

    assert len(document["postings"]) == total
    assert emulator.stats()["graphql_requests"] - requests_before == pages_needed


def test_search_no_results(connected: OAuthToken) -> None:
    output = run("upwork_search", "zzqxv-no-such-keyword-qqzx")

    assert output.strip() == "No job postings matched."
    assert JobPosting.objects.count() == 0


def test_search_progress_on_terminal(connected: OAuthToken) -> None:
    terminal = TerminalStringIO()
    run("upwork_search", "python", "--pages", "2", "--page-size", "3", stderr=terminal)

    progress = terminal.getvalue().splitlines()
    assert progress[0].startswith("Page 1 of at most 2: 3 postings")
    assert progress[1].startswith("Page 2 of at most 2: 3 postings (6 so far")


def test_search_no_progress_when_piped(connected: OAuthToken) -> None:
    piped = io.StringIO()
    run("upwork_search", "python", "--pages", "2", "--page-size", "3", stderr=piped)

    assert piped.getvalue() == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--job-type", "WEEKLY"], "argument --job-type: invalid choice: 'WEEKLY'"),
        (["--experience-level", "GURU"], "argument --experience-level: invalid choice"),
        (["--sort", "NEWEST"], "argument --sort: invalid choice: 'NEWEST'"),
        (["--pages", "many"], "argument --pages: invalid int value: 'many'"),
        (["--pages", "0"], "--pages must be from 1 to 100, got 0."),
        (["--pages", "101"], "--pages must be from 1 to 100, got 101."),
        (["--page-size", "51"], "--page-size must be from 1 to 50, got 51."),
    ],
)
def test_search_rejects_bad_option(connected: OAuthToken, args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        run("upwork_search", "python", *args)

    assert message in str(caught.value)
    assert JobPosting.objects.count() == 0


def test_search_rejects_blank_query(connected: OAuthToken) -> None:
    with pytest.raises(CommandError, match="The search query is empty"):
        run("upwork_search", "   ")


def test_search_not_connected(emulator: Any) -> None:
    with pytest.raises(CommandError) as caught:
        run("upwork_search", "python")

    assert str(caught.value).startswith("No Upwork account is connected.")
    assert emulator.stats()["graphql_requests"] == 0


def test_search_error_exits_non_zero(emulator: Any, capsys: pytest.CaptureFixture[str]) -> None:
    command = load_command_class("django_upwork", "upwork_search")

    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["manage.py", "upwork_search", "python"])

    assert exited.value.code == 1
    stderr_lines = capsys.readouterr().err.strip().splitlines()
    assert len(stderr_lines) == 1
    assert stderr_lines[0].startswith("CommandError: No Upwork account is connected.")


def test_search_rate_limited(connected: OAuthToken, emulator: Any, settings: Any) -> None:
    settings.UPWORK_MAX_RETRIES = 0
    emulator.inject_fault("graphql", "http_429", retry_after=7)

    with pytest.raises(CommandError) as caught:
        run("upwork_search", "python")

    message = str(caught.value)
    assert message.startswith("The search failed: Upwork returned 429 Too Many Requests")
    assert "retry after 7 s" in message
    assert "\n" not in message


def test_search_missing_scope(connected: OAuthToken, emulator: Any) -> None:
    emulator.inject_fault("graphql", "missing_scope")

    with pytest.raises(CommandError, match=r"lacks a scope needed for Money\.currency"):
        run("upwork_search", "python")


def test_search_unconfigured(db: None, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.UPWORK_CLIENT_ID = ""
    monkeypatch.delenv("UPWORK_CLIENT_ID", raising=False)
    OAuthToken.objects.create(
        access_token="expired-token",
        refresh_token="refresh-token",
        expires_at=timezone.now() - timedelta(hours=1),
    )

    with pytest.raises(CommandError, match="UPWORK_CLIENT_ID is not set"):
        run("upwork_search", "python")


def test_search_output_has_no_token(connected: OAuthToken) -> None:
    output = run("upwork_search", "python", "--page-size", "3")
    output += run("upwork_search", "python", "--page-size", "3", "--json")

    assert connected.access_token not in output
    assert connected.refresh_token not in output


def test_search_help_names_units_and_defaults() -> None:
    text = help_text("upwork_search")

    for phrase in (
        "--job-type {HOURLY,FIXED}",
        "--experience-level {ENTRY_LEVEL,INTERMEDIATE,EXPERT}",
        "--sort {RECENCY,RELEVANCE,CLIENT_TOTAL_CHARGE,CLIENT_RATING}",
        "default: RECENCY",
        "from 1 to 100. Each page is one request (default: 1)",
        "from 1 to 50 (default: 50)",
        "--json",
    ):
        assert phrase in " ".join(text.split()), phrase


# -- upwork_status ----------------------------------------------------------------------------


def status_lines() -> dict[str, str]:
    lines = {}
    for line in run("upwork_status").splitlines():
        label, _, value = line.partition(":")
        lines[label] = value.strip()
    return lines


def test_status_disconnected() -> None:
    lines = status_lines()

    assert lines["Connection"] == "disconnected"
    assert "Access token expires" not in lines
    assert lines["Cached postings"].startswith("0 (0 fresh")
    assert lines["Oldest fresh posting"] == "none"
    assert lines["Maximum cache age"] == "23 hours (UPWORK_CACHE_MAX_AGE)"


def test_status_connected(connected: OAuthToken) -> None:
    run("upwork_search", "python", "--page-size", "7")

    lines = status_lines()

    assert lines["Credentials"] == "set"
    assert lines["Connection"] == "connected"
    assert "(in 23 hours" in lines["Access token expires"]
    assert "(in 1 week, 6 days" in lines["Refresh token expires"]
    assert lines["Cached postings"].startswith("7 (7 fresh, 0 past the maximum age")
    assert lines["Oldest fresh posting"] == "cached 0 minutes ago"


def test_status_counts_expired_rows(settings: Any) -> None:
    now = timezone.now()
    make_posting("101", now - timedelta(hours=2))
    make_posting("102", now - timedelta(hours=5))
    make_posting("103", now - timedelta(hours=30))

    lines = status_lines()

    assert lines["Cached postings"] == (
        "3 (2 fresh, 1 past the maximum age and awaiting the purge)"
    )
    assert lines["Oldest fresh posting"] == "cached 5 hours ago"


def test_status_needs_reconnection() -> None:
    OAuthToken.objects.create(
        access_token="access-value-0123",
        refresh_token="refresh-value-4567",
        expires_at=timezone.now() - timedelta(minutes=10),
        needs_reauthorization=True,
        last_error="invalid_grant",
    )

    output = run("upwork_status")

    assert "Connection:             expired" in output
    assert "Needs reconnection:     yes (invalid_grant)" in output
    assert "ago)" in output
    assert "access-value-0123" not in output
    assert "refresh-value-4567" not in output


def test_status_purge_schedule() -> None:
    from django_celery_beat.models import PeriodicTask

    from django_upwork.services.schedule import PURGE_TASK_NAME, register_purge_schedule

    register_purge_schedule()
    assert status_lines()["Purge schedule"].startswith("enabled, every 3600 seconds")

    PeriodicTask.objects.filter(task=PURGE_TASK_NAME).update(enabled=False)
    assert status_lines()["Purge schedule"].startswith("disabled")

    PeriodicTask.objects.filter(task=PURGE_TASK_NAME).delete()
    assert status_lines()["Purge schedule"] == "not scheduled"


def test_status_json(connected: OAuthToken) -> None:
    make_posting("201", timezone.now() - timedelta(hours=1))

    report = json.loads(run("upwork_status", "--json"))

    assert report["status"] == "connected"
    assert report["fresh_postings"] == 1
    assert report["expired_postings"] == 0
    assert 3500 <= report["oldest_fresh_age_seconds"] <= 3700
    assert report["cache_max_age_seconds"] == 23 * 3600
    assert connected.access_token not in json.dumps(report)
    assert connected.refresh_token not in json.dumps(report)


def test_status_help() -> None:
    text = " ".join(help_text("upwork_status").split())

    assert "Sends no request to Upwork" in text
    assert "ages are in seconds" in text


def test_search_joins_several_words(connected, emulator):
    from django.core.management import call_command

    call_command("upwork_search", "django", "rest", "--json", stdout=io.StringIO())

    variables = emulator.stats()["recent_graphql"][-1]["variables"]
    assert variables["filter"]["searchExpression_eq"] == "django rest"


def test_purge_warns_past_24_hours(db):
    from django.core.management import call_command

    errors = io.StringIO()
    call_command("purge_upwork_cache", "--max-age", "30", stdout=io.StringIO(), stderr=errors)

    assert "longer than 24 hours" in errors.getvalue()

    quiet = io.StringIO()
    call_command("purge_upwork_cache", "--max-age", "23", stdout=io.StringIO(), stderr=quiet)
    assert quiet.getvalue() == ""


# -- configuration errors ------------------------------------------------------------------------

BAD_SETTINGS = [
    ("upwork_status", "UPWORK_CACHE_MAX_AGE", timedelta(hours=25)),
    ("upwork_status", "UPWORK_API_URL", "https://api.upwork.com:99999/graphql"),
    ("purge_upwork_cache", "UPWORK_CACHE_MAX_AGE", timedelta(hours=25)),
    ("purge_upwork_cache", "UPWORK_PURGE_BATCH_SIZE", 0),
    ("upwork_search", "UPWORK_JOB_URL_PREFIX", "javascript:alert(1)//"),
    ("upwork_search", "UPWORK_TIMEOUT", -1),
]


@pytest.mark.parametrize(("command", "name", "value"), BAD_SETTINGS)
def test_bad_setting_is_command_error(
    connected: OAuthToken, settings: Any, command: str, name: str, value: Any
) -> None:
    setattr(settings, name, value)
    args = ["python", "--json"] if command == "upwork_search" else []

    with pytest.raises(CommandError) as caught:
        run(command, *args)

    message = str(caught.value)
    assert message.startswith(name)
    assert "\n" not in message


@pytest.mark.parametrize("command", ["upwork_status", "purge_upwork_cache"])
def test_bad_setting_prints_one_line(
    settings: Any, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    settings.UPWORK_CACHE_MAX_AGE = timedelta(hours=25)
    instance = load_command_class("django_upwork", command)

    # Without --skip-checks, check E001 would stop the command before it reads the setting.
    with pytest.raises(SystemExit) as exited:
        instance.run_from_argv(["manage.py", command, "--skip-checks"])

    assert exited.value.code == 1
    stderr_lines = capsys.readouterr().err.strip().splitlines()
    assert len(stderr_lines) == 1
    assert stderr_lines[0].startswith("CommandError: UPWORK_CACHE_MAX_AGE must be at most 24 hours")
