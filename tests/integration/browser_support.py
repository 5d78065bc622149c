"""Headless Chromium, the example project's development server and a time limit for one test."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from tests.integration.processes import REPO_ROOT, start_logged, stop_process_group

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MANAGE_PY = REPO_ROOT / "example_project" / "manage.py"

WINDOW_SIZE = (1280, 800)  # pixels of the page, as screenshots show it
SERVER_START_TIMEOUT = 60.0  # seconds until the development server serves the login page
COMMAND_TIMEOUT = 120.0  # seconds for one management command such as migrate
POLL_INTERVAL = 0.1  # seconds between two readiness probes of the development server

# Variables of the calling shell that would point the site at another database, cache, broker
# or Upwork, or send its requests to the emulator through a proxy.
_INHERITED_PREFIXES = ("UPWORK_", "DJANGO_", "EXAMPLE_", "CELERY_")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
_INHERITED_NAMES = {"REDIS_URL", *PROXY_VARIABLES}

SUPERUSER_NAME = "admin"


def missing_browser_reason() -> str | None:
    """Return why the browser test cannot run here, or None when Chromium and its driver exist."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        return (
            f"{' and '.join(missing)} not found or not executable; "
            "install Debian's chromium and chromium-driver packages"
        )
    return None


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the main thread when the block runs longer than ``seconds``."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"the browser test timed out after {seconds:.0f} seconds")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def timeout_postponed() -> Iterator[None]:
    """Let the block finish when ``time_limit`` expires inside it, and raise at its end.

    Cleanup code runs in this block, so that an expiring limit cannot leave a process running.
    """
    expired: list[int] = []
    handler = signal.signal(signal.SIGALRM, lambda signum, frame: expired.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGALRM, handler)
        if expired and callable(handler):
            handler(signal.SIGALRM, None)


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ExampleSite:
    """The example project's development server, started by ``example_site``."""

    url: str
    superuser: str
    password: str
    log_path: Path


def example_env(upwork_settings: Mapping[str, str], site_url: str, workdir: Path) -> dict[str, str]:
    """Return the environment of the example project's processes.

    The site gets a fresh SQLite file and the emulator's URLs and credentials, and none of the
    calling shell's Upwork, Django, cache, broker or proxy variables.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().startswith(_INHERITED_PREFIXES) and name.upper() not in _INHERITED_NAMES
    }
    env.update(upwork_settings)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "example_project.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(32),
            "DJANGO_DEBUG": "1",  # so that runserver serves the admin's static files
            "EXAMPLE_DB_PATH": str(workdir / "example.sqlite3"),
            "UPWORK_SITE_URL": site_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_manage(arguments: list[str], env: Mapping[str, str]) -> None:
    """Run the example's ``manage.py ARGUMENTS``.

    Raises AssertionError with the command's output when it exits with a non-zero status.
    """
    result = subprocess.run(
        [sys.executable, str(MANAGE_PY), *arguments],
        cwd=REPO_ROOT,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(arguments)} exited with {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )


@contextmanager
def example_site(upwork_settings: Mapping[str, str], workdir: Path) -> Iterator[ExampleSite]:
    """Migrate a fresh database, create a superuser and serve the example project on 127.0.0.1.

    The server runs in a session of its own and is stopped on exit. When the block raises, the
    server's log is printed so that pytest shows it with the failure.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = example_env(upwork_settings, url, workdir)
    password = secrets.token_urlsafe(16)

    run_manage(["migrate", "--noinput"], env)
    run_manage(
        [
            "createsuperuser",
            "--noinput",
            "--username",
            SUPERUSER_NAME,
            "--email",
            "admin@example.com",
        ],
        {**env, "DJANGO_SUPERUSER_PASSWORD": password},
    )

    log_path = workdir / "runserver.log"
    process = start_logged(
        [sys.executable, str(MANAGE_PY), "runserver", "--noreload", f"127.0.0.1:{port}"],
        env,
        log_path,
    )
    try:
        wait_until_answering(f"{url}/admin/login/", process, log_path)
        yield ExampleSite(url=url, superuser=SUPERUSER_NAME, password=password, log_path=log_path)
    except BaseException:
        print(f"--- {log_path}\n{log_path.read_text(errors='replace')}", file=sys.stderr)
        raise
    finally:
        with timeout_postponed():
            stop_process_group(process)


def wait_until_answering(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    """Poll ``url`` until it returns 200.

    Raises AssertionError when the server exits or does not respond in time.
    """
    # No proxy, so the request reaches the server on 127.0.0.1 whatever the environment sets.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"the development server exited with status {process.returncode}; see {log_path}"
            )
        try:
            with opener.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(POLL_INTERVAL)
    raise AssertionError(f"{url} did not respond within {SERVER_START_TIMEOUT:.0f} seconds")


@contextmanager
def headless_chromium(profile_dir: Path) -> Iterator[WebDriver]:
    """Start headless Chromium through chromedriver and quit both on exit.

    Both paths are given, so Selenium Manager never runs or downloads a driver (Selenium 4.51
    skips it when the ``Service`` has an executable path). The flags turn off Chromium's own
    background requests, and every host name other than 127.0.0.1 and localhost fails to
    resolve, so the browser reaches nothing but the servers of the test.
    """
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-proxy-server",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        f"--window-size={WINDOW_SIZE[0]},{WINDOW_SIZE[1]}",
        f"--user-data-dir={profile_dir}",
    ):
        options.add_argument(flag)

    service = Service(executable_path=str(CHROMEDRIVER), log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(service=service, options=options)
    try:
        # The window size includes the browser's frame, so the page's viewport is set to
        # WINDOW_SIZE through the DevTools protocol.
        width, height = WINDOW_SIZE
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        with timeout_postponed():
            driver.quit()
