"""Run the Upwork emulator in the foreground: `python -m django_upwork.testing --help`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .server import (
    CORPUS_ENV_VAR,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    UpworkEmulator,
    corpus_path_from_environment,
    is_loopback,
)

DEFAULT_PORT = 8765


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m django_upwork.testing",
        description=(
            "Serve a local emulator of Upwork's OAuth2 and GraphQL API for development and "
            "tests. It prints the Django settings that point django-upwork at it."
        ),
    )

    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: 127.0.0.1); non-loopback needs --allow-remote",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"TCP port to listen on, 0 for any free port (default: {DEFAULT_PORT})",
    )

    parser.add_argument(
        "--corpus",
        metavar="PATH",
        default=None,
        help=(
            "JSON Lines file of search nodes to serve (default: the file named by "
            f"${CORPUS_ENV_VAR} if set, else about 3,000 generated postings)"
        ),
    )
    parser.add_argument(
        "--auto-approve",
        action="store_true",
        help="respond to GET on the authorize URL with a redirect carrying a code, without a page",
    )

    parser.add_argument(
        "--client-id",
        default=DEFAULT_CLIENT_ID,
        help=f"OAuth2 client id the emulator accepts (default: {DEFAULT_CLIENT_ID})",
    )
    parser.add_argument(
        "--client-secret",
        default=DEFAULT_CLIENT_SECRET,
        help=f"OAuth2 client secret the emulator accepts (default: {DEFAULT_CLIENT_SECRET})",
    )

    parser.add_argument(
        "--rate-limit",
        type=int,
        metavar="N",
        default=None,
        help="return HTTP 429 beyond N GraphQL and token requests per minute (default: off)",
    )
    parser.add_argument(
        "--expires-in-as-string",
        action="store_true",
        help='send expires_in as the string "86400" instead of a number',
    )

    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address; anyone who reaches it gets test tokens",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="log every request to stderr (default: only warnings and errors)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until SIGINT or SIGTERM; return the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.allow_remote and not is_loopback(args.host):
        parser.error(
            f"refusing to bind non-loopback host {args.host!r}; "
            "pass --allow-remote to expose the emulator on the network"
        )
    if not 0 <= args.port <= 65535:
        parser.error(f"invalid --port {args.port}: expected 0 to 65535")
    if args.rate_limit is not None and args.rate_limit < 1:
        parser.error(f"invalid --rate-limit {args.rate_limit}: expected at least 1 per minute")

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        emulator = UpworkEmulator(
            host=args.host,
            port=args.port,
            client_id=args.client_id,
            client_secret=args.client_secret,
            corpus_path=args.corpus or corpus_path_from_environment(),
            auto_approve=args.auto_approve,
            rate_limit_per_minute=args.rate_limit,
            expires_in_as_string=args.expires_in_as_string,
            allow_remote=args.allow_remote,
        )
        emulator.start()
    except (OSError, ValueError) as error:
        print(f"error: could not start the emulator: {error}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    print(f"Upwork emulator running at {emulator.base_url}")
    print(f"Postings: {len(emulator.postings)}, from {emulator.corpus_source}")
    print("Django settings:")
    for name, value in emulator.django_settings().items():
        if name == "UPWORK_CLIENT_SECRET" and args.client_secret != DEFAULT_CLIENT_SECRET:
            value = "<the value given with --client-secret>"
        print(f"    {name} = {value!r}")
    print("Press Ctrl+C to stop.", flush=True)

    try:
        while not stop.wait(timeout=0.5):
            pass
    finally:
        emulator.stop()
    print("Upwork emulator stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
