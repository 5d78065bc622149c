"""The emulator as a command, as pytest fixtures, and with a postings file from outside."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from django_upwork.testing import UpworkEmulator
from django_upwork.testing.__main__ import main
from django_upwork.testing.corpus import parse_datetime

REPOSITORY = Path(__file__).resolve().parent.parent
COUNT_QUERY = "{ marketplaceJobPostingsSearch { totalCount } }"


def start_command(
    *arguments: str, corpus: str | None = None
) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    """Start the emulator command; its output lines arrive on the returned queue.

    The command sees `corpus` as UPWORK_REAL_CORPUS, or no such variable when it is None.
    """
    environment = {key: value for key, value in os.environ.items() if key != "UPWORK_REAL_CORPUS"}
    if corpus is not None:
        environment["UPWORK_REAL_CORPUS"] = corpus
    process = subprocess.Popen(
        [sys.executable, "-m", "django_upwork.testing", *arguments],
        cwd=REPOSITORY,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump(stream: IO[str]) -> None:
        for line in stream:
            lines.put(line)

    assert process.stdout is not None
    threading.Thread(target=pump, args=(process.stdout,), daemon=True).start()
    return process, lines


def wait_for_line(lines: queue.Queue[str], prefix: str) -> str:
    seen = []
    while True:
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            raise AssertionError(f"no line starting with {prefix!r}; output: {seen}") from None
        seen.append(line)
        if line.startswith(prefix):
            return line.strip()


# -- command --------------------------------------------------------------------------------


def test_help_names_defaults_and_units():
    result = subprocess.run(
        [sys.executable, "-m", "django_upwork.testing", "--help"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "default: 8765" in text
    assert "default: 127.0.0.1" in text
    assert "per minute (default: off)" in text
    for option in (
        "--corpus",
        "--auto-approve",
        "--client-id",
        "--client-secret",
        "--allow-remote",
    ):
        assert option in text


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_command_serves_and_stops_on_signal(stop_signal):
    process, lines = start_command("--port", "0", "--auto-approve", "--client-id", "cli-id")
    try:
        base_url = wait_for_line(lines, "Upwork emulator running at ").rsplit(" ", 1)[1]
        settings_line = wait_for_line(lines, "    UPWORK_API_URL")
        authorize = requests.get(
            base_url + "/ab/account-security/oauth2/authorize",
            params={
                "response_type": "code",
                "client_id": "cli-id",
                "redirect_uri": "http://localhost/cb",
                "state": "s",
            },
            allow_redirects=False,
            timeout=10,
        )
        tokens = requests.post(base_url + "/_emulator/tokens", timeout=10).json()
        search = requests.post(
            base_url + "/graphql",
            json={"query": COUNT_QUERY},
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
            timeout=10,
        )
    finally:
        process.send_signal(stop_signal)
        returncode = process.wait(timeout=30)

    assert f"'{base_url}/graphql'" in settings_line
    assert authorize.status_code == 302
    assert "code" in parse_qs(urlsplit(authorize.headers["Location"]).query)
    assert search.json() == {"data": {"marketplaceJobPostingsSearch": {"totalCount": 3000}}}
    assert returncode == 0
    assert wait_for_line(lines, "Upwork emulator stopped") == "Upwork emulator stopped."


def test_command_reads_corpus_from_environment(tmp_path):
    path = tmp_path / "postings.jsonl"
    node = {"id": "2000000000000000001", "publishedDateTime": "2025-03-01T10:00:00.000Z"}
    path.write_text(json.dumps(node) + "\n")

    process, lines = start_command("--port", "0", corpus=str(path))
    try:
        serving = wait_for_line(lines, "Postings: ")
    finally:
        process.terminate()
        process.wait(timeout=30)

    assert serving == f"Postings: 1, from {path}"


def test_command_hides_a_custom_secret():
    process, lines = start_command("--port", "0", "--client-secret", "my-own-secret")
    try:
        secret_line = wait_for_line(lines, "    UPWORK_CLIENT_SECRET")
    finally:
        process.terminate()
        process.wait(timeout=30)

    assert "my-own-secret" not in secret_line


def test_emulator_runs_without_django():
    check = (
        "import sys; from django_upwork.testing import UpworkEmulator; "
        "UpworkEmulator().start().stop(); "
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )

    result = subprocess.run([sys.executable, "-c", check], cwd=REPOSITORY, timeout=60, check=False)

    assert result.returncode == 0, "importing the emulator imported Django"


# The addresses are never bound: the test checks that they are refused.
@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.com"])  # noqa: S104
def test_command_refuses_remote_host(host, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--host", host])

    assert exited.value.code == 2
    assert "--allow-remote" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["--port", "70000"], "invalid --port"), (["--rate-limit", "0"], "invalid --rate-limit")],
)
def test_command_rejects_invalid_numbers(arguments, message, capsys):
    with pytest.raises(SystemExit):
        main(arguments)

    assert message in capsys.readouterr().err


def test_command_reports_a_busy_port(capsys):
    with UpworkEmulator() as running:
        status = main(["--port", str(running.port)])

    assert status == 1
    assert "could not start the emulator" in capsys.readouterr().err


def test_emulator_refuses_remote_host():
    with pytest.raises(ValueError, match="non-loopback"):
        UpworkEmulator(host="0.0.0.0")  # noqa: S104 - refused before binding


def test_emulator_allows_loopback_names():
    with UpworkEmulator(host="localhost") as emulator:
        response = requests.get(emulator.base_url + "/_emulator/stats", timeout=5)

    assert response.status_code == 200


def test_stop_releases_the_port():
    emulator = UpworkEmulator().start()
    base_url = emulator.base_url
    emulator.stop()
    emulator.stop()

    with pytest.raises(requests.ConnectionError):
        requests.get(base_url + "/_emulator/stats", timeout=5)
    assert not emulator.running


def test_urls_need_a_running_emulator():
    emulator = UpworkEmulator()

    with pytest.raises(RuntimeError, match="start"):
        _ = emulator.base_url


def test_django_settings_point_at_the_emulator():
    with UpworkEmulator(client_id="id-1", client_secret="secret-1") as emulator:
        settings = emulator.django_settings()
        base_url = emulator.base_url

    assert settings == {
        "UPWORK_AUTHORIZE_URL": f"{base_url}/ab/account-security/oauth2/authorize",
        "UPWORK_TOKEN_URL": f"{base_url}/api/v3/oauth2/token",
        "UPWORK_API_URL": f"{base_url}/graphql",
        "UPWORK_CLIENT_ID": "id-1",
        "UPWORK_CLIENT_SECRET": "secret-1",
    }


# -- pytest fixtures ------------------------------------------------------------------------


@pytest.mark.parametrize("run", ["first", "second"])
def test_fixture_starts_each_test_clean(upwork_emulator, run):
    stats = upwork_emulator.stats()
    assert stats["total_requests"] == 0
    assert stats["pending_faults"] == {"graphql": [], "token": []}
    assert stats["clock_offset_seconds"] == 0

    # Leave state behind, so the other run shows that the fixture resets it.
    requests.get(upwork_emulator.base_url + "/nowhere", timeout=5)
    upwork_emulator.inject_fault("graphql", "http_500")
    upwork_emulator.advance_clock(60)


def test_fixture_reuses_the_session_emulator(upwork_emulator, request):
    assert request.getfixturevalue("upwork_emulator_session") is upwork_emulator
    assert upwork_emulator.running


def test_settings_fixture_points_django_at_the_emulator(upwork_settings):
    from django.conf import settings

    assert upwork_settings.graphql_url == settings.UPWORK_API_URL
    assert upwork_settings.token_url == settings.UPWORK_TOKEN_URL
    assert upwork_settings.authorize_url == settings.UPWORK_AUTHORIZE_URL
    # The test settings' placeholder credentials are the ones the emulator accepts.
    assert settings.UPWORK_CLIENT_ID == upwork_settings.client_id == "test-client-id"
    assert upwork_settings.client_secret == settings.UPWORK_CLIENT_SECRET


# -- postings from a file -------------------------------------------------------------------

REAL_CORPUS = os.environ.get("UPWORK_REAL_CORPUS")


@pytest.mark.skipif(not REAL_CORPUS, reason="UPWORK_REAL_CORPUS is not set")
def test_real_corpus_loads_and_serves():
    assert REAL_CORPUS is not None
    with Path(REAL_CORPUS).open(encoding="utf-8") as stream:
        lines = [line for line in stream if line.strip()]

    with UpworkEmulator(corpus_path=REAL_CORPUS) as emulator:
        token = emulator.issue_tokens()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        total = requests.post(
            emulator.graphql_url, json={"query": COUNT_QUERY}, headers=headers, timeout=30
        ).json()
        hourly = requests.post(
            emulator.graphql_url,
            json={
                "query": "query($f: MarketplaceJobPostingsSearchFilter) "
                "{ marketplaceJobPostingsSearch(marketPlaceJobFilter: $f) { totalCount } }",
                "variables": {"f": {"jobType_eq": "HOURLY"}},
            },
            headers=headers,
            timeout=30,
        ).json()
        job_id = emulator.postings[0]["id"]
        detail = requests.post(
            emulator.graphql_url,
            json={"query": f'{{ marketplaceJobPosting(id: "{job_id}") {{ id }} }}'},
            headers=headers,
            timeout=30,
        ).json()
        newest = parse_datetime(emulator.postings[0]["publishedDateTime"])
        source = emulator.corpus_source

    assert source == REAL_CORPUS
    assert total["data"]["marketplaceJobPostingsSearch"]["totalCount"] == len(lines)
    assert 0 < hourly["data"]["marketplaceJobPostingsSearch"]["totalCount"] < len(lines)
    assert detail == {"data": {"marketplaceJobPosting": {"id": job_id}}}
    age = datetime.now(timezone.utc) - newest
    assert timedelta(0) <= age < timedelta(minutes=10)


def test_corpus_file_is_loaded_and_shifted(tmp_path):
    path = tmp_path / "postings.jsonl"
    nodes = [
        {"id": "2000000000000000002", "publishedDateTime": "2025-03-01T10:00:00.000+0000"},
        {"id": "2000000000000000001", "publishedDateTime": "2025-02-28T10:00:00.000Z"},
    ]
    path.write_text("\n".join(json.dumps(node) for node in nodes) + "\n\n")

    emulator = UpworkEmulator(corpus_path=path)

    newest, oldest = emulator.postings
    assert newest["publishedDateTime"].endswith("+0000")
    assert oldest["publishedDateTime"].endswith("Z")
    gap = parse_datetime(newest["publishedDateTime"]) - parse_datetime(oldest["publishedDateTime"])
    assert gap == timedelta(days=1)


def test_corpus_file_with_a_bad_line_is_rejected(tmp_path):
    path = tmp_path / "postings.jsonl"
    path.write_text('{"id": "1", "publishedDateTime": "2025-03-01T10:00:00.000Z"}\n{oops\n')

    with pytest.raises(ValueError, match=r"postings\.jsonl:2: invalid JSON"):
        UpworkEmulator(corpus_path=path)
