"""The example project's pages and scripts/demo, run as real processes against the emulator.

The example project has its own settings, so it runs as a development server subprocess with
a temporary SQLite database. The tests send it HTTP requests as a browser would.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
import requests

from django_upwork.testing import UpworkEmulator, corpus_path_from_environment

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parent.parent
MANAGE = REPO_ROOT / "example_project" / "manage.py"
ADMIN_PASSWORD = "example-admin-password"
START_TIMEOUT = 60  # seconds for the development server to start responding
COMMAND_TIMEOUT = 120  # seconds for one manage.py command
DEMO_TIMEOUT = 600  # seconds for scripts/demo, which may install packages into .venv

# Variables of the caller that must not leak into the example's processes.
INHERITED_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "UPWORK_CLIENT_ID",
    "UPWORK_CLIENT_SECRET",
    "UPWORK_SITE_URL",
    "UPWORK_API_URL",
    "UPWORK_AUTHORIZE_URL",
    "UPWORK_TOKEN_URL",
    "REDIS_URL",
    "EXAMPLE_DB_PATH",
    "DEMO_ADMIN_PASSWORD",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environment() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in INHERITED_VARIABLES}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def wait_for_page(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The development server exited with status {process.returncode}.")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not respond within {START_TIMEOUT} seconds.")


@dataclass
class ExampleSite:
    base_url: str
    env: dict[str, str]
    emulator: UpworkEmulator
    database: Path

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(MANAGE), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def connect(self) -> None:
        result = self.manage("demo_connect", "--base-url", self.base_url)
        assert result.returncode == 0, result.stderr

    def get(self, path: str, session: requests.Session | None = None) -> requests.Response:
        return (session or requests).get(self.base_url + path, timeout=30)

    def staff_session(self) -> requests.Session:
        session = requests.Session()
        login_url = f"{self.base_url}/admin/login/"
        token = csrf_token(session.get(login_url, timeout=10).text)
        answer = session.post(
            login_url,
            data={
                "csrfmiddlewaretoken": token,
                "username": "admin",
                "password": ADMIN_PASSWORD,
                "next": "/",
            },
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text
        return session


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def element_text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.DOTALL)
    assert match, f"the page has no element with id {element_id!r}"
    return " ".join(unescape(match.group(1)).split())


def posting_links(html: str) -> list[str]:
    return re.findall(r'href="/jobs/(\d+)/"', html)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExampleSite]:
    """The example project served on a free port, connected to an emulator of its own."""
    database = tmp_path_factory.mktemp("example") / "db.sqlite3"
    with UpworkEmulator(corpus_path=corpus_path_from_environment()) as emulator:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = clean_environment()
        env.update(emulator.django_settings())
        env.update(
            DJANGO_SETTINGS_MODULE="example_project.settings",
            EXAMPLE_DB_PATH=str(database),
            UPWORK_SITE_URL=base_url,
            DEMO_ADMIN_PASSWORD=ADMIN_PASSWORD,
        )
        site = ExampleSite(base_url, env, emulator, database)
        for command in (["migrate", "--noinput"], ["demo_admin"]):
            result = site.manage(*command)
            assert result.returncode == 0, result.stderr

        server = subprocess.Popen(
            [sys.executable, str(MANAGE), "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_page(f"{base_url}/admin/login/", server)
            site.connect()
            yield site
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.fixture
def site_without_faults(site: ExampleSite) -> ExampleSite:
    site.emulator.faults.clear()
    return site


def test_index_shows_connection_and_form(site_without_faults: ExampleSite) -> None:
    page = site_without_faults.get("/")

    assert page.status_code == 200
    assert element_text(page.text, "connection-status") == "connected"
    assert 'action="/search/"' in page.text
    assert 'name="q"' in page.text
    assert 'id="connect"' not in page.text, "anonymous visitors get no Connect button"
    assert "Staff log in" in page.text


def test_search_page_lists_results(site_without_faults: ExampleSite) -> None:
    page = site_without_faults.get("/search/?q=python")

    assert page.status_code == 200
    count = element_text(page.text, "result-count")
    assert re.fullmatch(r"Postings 1 to 20 of \d+ matching on Upwork\.", count), count
    assert len(posting_links(page.text)) == 20
    assert 'class="skill"' in page.text
    assert 'class="budget"' in page.text
    assert 'id="next-page"' in page.text


def test_search_next_page(site_without_faults: ExampleSite) -> None:
    first = site_without_faults.get("/search/?q=python")
    second = site_without_faults.get("/search/?q=python&after=20")

    assert second.status_code == 200
    assert element_text(second.text, "result-count").startswith("Postings 21 to 40 of")
    assert not set(posting_links(first.text)) & set(posting_links(second.text))


def test_search_filters_apply(site_without_faults: ExampleSite) -> None:
    page = site_without_faults.get("/search/?q=developer&job_type=FIXED&experience_level=EXPERT")

    assert page.status_code == 200
    metas = re.findall(r'<div class="meta">(.*?)</div>', page.text, re.DOTALL)
    assert metas, "the emulator corpus has expert fixed-price developer jobs"
    for meta in metas:
        assert "Fixed price" in meta
        assert "Expert" in meta


def test_index_lists_cached_postings(site_without_faults: ExampleSite) -> None:
    site_without_faults.get("/search/?q=django")
    with sqlite3.connect(site_without_faults.database) as connection:
        newest = [
            row[0]
            for row in connection.execute(
                "SELECT upwork_id FROM django_upwork_jobposting "
                "ORDER BY published_at DESC, id DESC LIMIT 50"
            )
        ]

    page = site_without_faults.get("/")

    assert page.status_code == 200
    assert newest
    assert posting_links(page.text) == newest


def test_detail_page(site_without_faults: ExampleSite) -> None:
    upwork_id = posting_links(site_without_faults.get("/search/?q=python").text)[0]

    page = site_without_faults.get(f"/jobs/{upwork_id}/")

    assert page.status_code == 200
    assert element_text(page.text, "title")
    assert f"https://www.upwork.com/jobs/~02{upwork_id}" in page.text
    assert "cached 0" in page.text


def test_detail_fetches_uncached_posting(site_without_faults: ExampleSite) -> None:
    upwork_id = site_without_faults.emulator.postings[-1]["id"]
    with sqlite3.connect(site_without_faults.database) as connection:
        connection.execute("DELETE FROM django_upwork_jobposting WHERE upwork_id = ?", (upwork_id,))

    page = site_without_faults.get(f"/jobs/{upwork_id}/")

    assert page.status_code == 200
    assert element_text(page.text, "title") == site_without_faults.emulator.postings[-1]["title"]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/jobs/999/", 404, "Upwork has no job posting 999"),
        ("/jobs/not-a-job/", 400, "'not-a-job' is not an Upwork job id, ciphertext or job URL"),
        ("/search/?q=python&after=abc", 400, "pagination_eq.after must be a numeric offset"),
    ],
)
def test_bad_request_is_readable(
    site_without_faults: ExampleSite, path: str, status: int, message: str
) -> None:
    page = site_without_faults.get(path)

    assert page.status_code == status
    assert message in element_text(page.text, "error")


def test_empty_search_shows_form_error(site_without_faults: ExampleSite) -> None:
    page = site_without_faults.get("/search/?q=")

    assert page.status_code == 400
    assert "This field is required." in page.text


@pytest.mark.parametrize(
    ("kind", "options", "status", "message"),
    [
        (
            "missing_scope",
            {},
            502,
            "The request to Upwork failed: The Upwork API key lacks a scope",
        ),
        ("http_429", {"retry_after": 1}, 503, "Too many requests to Upwork right now"),
    ],
)
def test_upwork_failure_is_readable(
    site_without_faults: ExampleSite,
    kind: str,
    options: dict[str, int],
    status: int,
    message: str,
) -> None:
    site_without_faults.emulator.inject_fault("graphql", kind, **options)

    page = site_without_faults.get("/search/?q=python")

    assert page.status_code == status
    assert message in element_text(page.text, "error")


def test_staff_sees_connect_and_disconnect(site_without_faults: ExampleSite) -> None:
    session = site_without_faults.staff_session()

    page = site_without_faults.get("/", session)

    assert element_text(page.text, "connect") == "Reconnect"
    assert 'id="disconnect"' in page.text
    assert 'action="/upwork/disconnect/"' in page.text


def test_disconnect_then_search(site_without_faults: ExampleSite) -> None:
    site = site_without_faults
    session = site.staff_session()
    token = csrf_token(site.get("/", session).text)

    answer = session.post(
        f"{site.base_url}/upwork/disconnect/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{site.base_url}/"},
        allow_redirects=False,
        timeout=10,
    )
    try:
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/"
        index = site.get("/", session)
        assert element_text(index.text, "connection-status") == "disconnected"
        assert element_text(index.text, "connect") == "Connect"

        search = site.get("/search/?q=python")
        assert search.status_code == 503
        assert "No Upwork account is connected yet" in element_text(search.text, "error")
    finally:
        site.connect()


@pytest.mark.parametrize("path", ["/admin/", "/admin/django_upwork/oauthtoken/"])
def test_admin_connection_panel(site_without_faults: ExampleSite, path: str) -> None:
    session = site_without_faults.staff_session()

    page = site_without_faults.get(path, session)

    assert page.status_code == 200
    assert element_text(page.text, "upwork-connection-status") == "connected"
    assert element_text(page.text, "upwork-connect") == "Reconnect Upwork account"
    assert 'id="upwork-disconnect"' in page.text


# -- scripts/demo -----------------------------------------------------------------------------


def uses_repository_venv() -> bool:
    return Path(sys.prefix).resolve() == (REPO_ROOT / ".venv").resolve()


@pytest.mark.skipif(
    not uses_repository_venv(),
    reason="scripts/demo installs into and runs from .venv; run this test from .venv",
)
def test_demo_script_runs_end_to_end(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    env = clean_environment()
    env.update(EXAMPLE_DB_PATH=str(database), DEMO_ADMIN_PASSWORD=ADMIN_PASSWORD)
    port = free_port()

    result = subprocess.run(
        [str(REPO_ROOT / "scripts" / "demo"), "--no-serve", "--port", str(port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT,
        check=False,
    )

    output = result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Connected the Upwork account." in output
    assert f"the postings are cached in {database}" in output
    # The site stops with the script, so its URLs are not printed as if they still worked.
    assert f"http://127.0.0.1:{port}/admin/django_upwork/jobposting/" not in output
    assert "Stopped the Upwork emulator" in output

    with sqlite3.connect(database) as connection:
        (postings,) = connection.execute("SELECT COUNT(*) FROM django_upwork_jobposting").fetchone()
        (tokens,) = connection.execute("SELECT COUNT(*) FROM django_upwork_oauthtoken").fetchone()
    assert postings > 0
    assert tokens == 1

    for pid in re.findall(r"\(pid (\d+)", output):
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the development server still runs"


def test_demo_script_help() -> None:
    result = subprocess.run(
        [str(REPO_ROOT / "scripts" / "demo"), "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0
    assert result.stdout.startswith("Usage: scripts/demo [OPTIONS]")
    assert "--no-serve" in result.stdout
    assert "DEMO_ADMIN_PASSWORD" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "scripts/demo: unknown option '--bogus'."),
        (["--port"], "scripts/demo: --port needs a port number from 1 to 65535."),
        (["--port", "70000"], "scripts/demo: --port needs a port number from 1 to 65535."),
    ],
)
def test_demo_script_rejects_bad_option(args: list[str], message: str) -> None:
    result = subprocess.run(
        [str(REPO_ROOT / "scripts" / "demo"), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.startswith(message)


@pytest.mark.parametrize(
    ("password", "message"),
    [("", "DEMO_ADMIN_PASSWORD is not set"), ("short", "too short (5 characters)")],
)
def test_demo_admin_rejects_bad_password(
    site_without_faults: ExampleSite, password: str, message: str
) -> None:
    env = {**site_without_faults.env, "DEMO_ADMIN_PASSWORD": password}

    result = subprocess.run(
        [sys.executable, str(MANAGE), "demo_admin", "--username", "second-admin"],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )

    assert result.returncode == 1
    assert message in result.stderr
