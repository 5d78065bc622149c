"""Throwaway PostgreSQL and Redis servers for the benchmarks, on free ports of 127.0.0.1.

Each server keeps its files in a directory that the caller owns and deletes, and is stopped
by the process id it was given at start-up, never by name.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

STOP_TIMEOUT = 15.0  # seconds between SIGTERM and SIGKILL
START_TIMEOUT = 60.0  # seconds a server may take to accept connections


class ServiceError(RuntimeError):
    """A server could not be started."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free when this ran."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bindir() -> Path:
    """Return the directory of initdb and pg_ctl: ``PG_BINDIR``, else the newest Debian one."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise ServiceError("initdb not found. Install PostgreSQL or set PG_BINDIR.")


class PostgresServer:
    """A PostgreSQL cluster with trust authentication on 127.0.0.1 and durability turned off.

    PostgreSQL refuses to run as root, so as root the cluster runs as the system user
    ``postgres`` through ``runuser``.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.bindir = postgres_bindir()
        self.port = 0
        self.pid: int | None = None

    def _as_owner(self, command: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def _run(self, command: list[str], log_name: str) -> None:
        log = self.directory / log_name
        with log.open("ab") as output:
            result = subprocess.run(
                self._as_owner(command),
                cwd=self.directory,
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=START_TIMEOUT,
                check=False,
            )
        if result.returncode != 0:
            raise ServiceError(
                f"{Path(command[0]).name} failed with exit status {result.returncode}:\n"
                f"{log.read_text(errors='replace')[-3000:]}"
            )

    def start(self) -> PostgresServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
        self._run(
            [
                str(self.bindir / "initdb"),
                f"--pgdata={self.data}",
                "--username=postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            "initdb.log",
        )
        # The cluster is deleted after the run, so durability is not needed.
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.directory}'\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
                "shared_buffers = 256MB\n"
                "max_wal_size = 4GB\n"
            )
        (self.data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n")
        self.port = free_port()
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                f"--pgdata={self.data}",
                f"--log={self.directory / 'server.log'}",
                f"--options=-p {self.port}",
                "--wait",
                f"--timeout={int(START_TIMEOUT)}",
                "start",
            ],
            "pg_ctl.log",
        )
        self.pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        subprocess.run(
            [
                str(self.bindir / "createdb"),
                *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"),
                "django_upwork_bench",
            ],
            check=True,
            timeout=START_TIMEOUT,
        )
        return self

    def environment(self) -> dict[str, str]:
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": "postgres",
            "PGPASSWORD": "",
            "PGDATABASE": "django_upwork_bench",
        }

    def version(self) -> str:
        output = subprocess.run(
            [str(self.bindir / "postgres"), "--version"], capture_output=True, text=True, check=True
        ).stdout
        # For example "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".
        return output.split()[2]

    def stop(self) -> None:
        if self.pid is None:
            return
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                self._as_owner(
                    [
                        str(self.bindir / "pg_ctl"),
                        f"--pgdata={self.data}",
                        "--mode=immediate",
                        "--wait",
                        "--timeout=30",
                        "stop",
                    ]
                ),
                cwd=self.directory,
                capture_output=True,
                check=False,
            )
        terminate(self.pid)
        self.pid = None


class RedisServer:
    """A redis-server on 127.0.0.1 with persistence turned off."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        executable = shutil.which("redis-server")
        if executable is None:
            raise ServiceError("redis-server not found. Install it (Debian: redis-server).")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        log = (self.directory / "redis.log").open("wb")
        self.process = subprocess.Popen(
            [
                executable,
                *("--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not self._answers_ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise ServiceError(
                    "redis-server failed to start:\n"
                    + (self.directory / "redis.log").read_text(errors="replace")[-3000:]
                )
            time.sleep(0.1)
        return self

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)
        self.process = None


def terminate(pid: int) -> None:
    """Stop process ``pid`` with SIGTERM, then SIGKILL after ``STOP_TIMEOUT`` seconds."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
