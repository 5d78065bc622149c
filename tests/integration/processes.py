"""Starting and stopping the Celery processes of the integration tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 15.0  # seconds between SIGTERM and SIGKILL


@contextmanager
def running(
    arguments: list[str], env: dict[str, str], log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``python -m celery ARGUMENTS`` with output to ``log_path``, and stop it on exit."""
    process = start_logged([sys.executable, "-m", "celery", *arguments], env, log_path)
    try:
        yield process
    finally:
        stop_process_group(process)


def start_logged(
    command: list[str], env: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """Start ``command`` in the repository with stdout and stderr going to ``log_path``.

    The process gets a session of its own, so stop_process_group also stops its children.
    """
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Send SIGTERM to the process group, then SIGKILL after ``STOP_TIMEOUT`` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)
    except ProcessLookupError:
        process.wait(timeout=STOP_TIMEOUT)
