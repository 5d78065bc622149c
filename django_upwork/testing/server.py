"""The emulator's HTTP server: Upwork's OAuth2 and GraphQL routes on a loopback socket.

Routes use the same paths as Upwork's hosts, so a client only swaps the base URL:

- `GET|POST /ab/account-security/oauth2/authorize`: the consent page and its form;
- `POST /api/v3/oauth2/token`: the token endpoint;
- `POST /graphql`: the GraphQL API;
- `/_emulator/...`: JSON control routes for tests (stats, reset, clock, faults, tokens).

Only the standard library and graphql-core are used here, so the server also runs without Django.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import ipaddress
import json
import logging
import os
import re
import socket
import struct
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit, urlunsplit

from django_upwork import __version__

from . import faults as fault_kinds
from . import pages
from .corpus import Posting, generate_postings, load_postings, shift_to_present, sort_newest_first
from .faults import Fault, FaultQueue, build_fault, make_paging_fault, make_partial
from .graphql_api import SERVER_EXCEPTION_BODY, GraphQLService
from .oauth import Clock, OAuthError, TokenStore
from .search import PostingIndex
from .stats import RateLimiter, Stats

logger = logging.getLogger(__name__)

_OPERATION_NAME = re.compile(r"^\s*(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)")

AUTHORIZE_PATH = "/ab/account-security/oauth2/authorize"
TOKEN_PATH = "/api/v3/oauth2/token"  # noqa: S105 - a URL path
GRAPHQL_PATH = "/graphql"
CONTROL_PREFIX = "/_emulator/"

DEFAULT_CLIENT_ID = "emulator-client-id"
# A placeholder that the emulator accepts, not a real Upwork key.
DEFAULT_CLIENT_SECRET = "emulator-client-secret"  # noqa: S105
# Environment variable naming a JSON Lines file of search nodes to serve instead of generated ones.
CORPUS_ENV_VAR = "UPWORK_REAL_CORPUS"

MAX_BODY_BYTES = 1024 * 1024
# Seconds an idle keep-alive connection stays open.
IDLE_CONNECTION_TIMEOUT = 30

JSON = "application/json"
HTML = "text/html; charset=utf-8"


def is_loopback(host: str) -> bool:
    """Return whether `host` is `localhost` or a loopback IP address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def corpus_path_from_environment() -> str | None:
    """Return the corpus path set in `UPWORK_REAL_CORPUS`, or None when it is unset or empty."""
    return os.environ.get(CORPUS_ENV_VAR) or None


class UpworkEmulator:
    """A local stand-in for Upwork's OAuth2 and GraphQL API, served over HTTP on loopback.

    The postings are generated (or loaded from `corpus_path`) when the object is created;
    `start()` binds the socket and serves from a background thread. Tokens, stats, faults and the
    emulated clock can be changed from Python or through the `/_emulator/` routes.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        corpus_path: str | os.PathLike[str] | None = None,
        auto_approve: bool = False,
        rate_limit_per_minute: int | None = None,
        expires_in_as_string: bool = False,
        allow_remote: bool = False,
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(
                f"refusing to bind non-loopback host {host!r}: the emulator accepts any client "
                "and serves test credentials; pass allow_remote=True to bind it anyway"
            )
        if not client_id or not client_secret:
            raise ValueError("client_id and client_secret must be non-empty")
        self.host = host
        self.requested_port = port
        self.client_id = client_id
        self.client_secret = client_secret
        self.auto_approve = auto_approve
        self.rate_limit_per_minute = rate_limit_per_minute

        self.clock = Clock()
        self.tokens = TokenStore(self.clock, client_id, client_secret, expires_in_as_string)
        self.faults = FaultQueue()
        self.counters = Stats()
        self.rate_limiter = RateLimiter(rate_limit_per_minute) if rate_limit_per_minute else None

        started = time.perf_counter()
        postings = load_postings(corpus_path) if corpus_path else generate_postings()
        shift_to_present(postings)
        self.postings: list[Posting] = sort_newest_first(postings)
        self.corpus_source = str(corpus_path) if corpus_path else "generated"
        self.graphql = GraphQLService(PostingIndex(self.postings))
        logger.debug(
            "Loaded %d postings from %s in %.2f s",
            len(self.postings),
            self.corpus_source,
            time.perf_counter() - started,
        )

        self._server: _EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> UpworkEmulator:
        """Bind the socket and serve requests from a daemon thread; return self."""
        if self._server is not None:
            return self
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        server_class = type("_Server", (_EmulatorHTTPServer,), {"address_family": family})
        self._server = server_class((self.host.strip("[]"), self.requested_port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="upwork-emulator",
            daemon=True,
        )
        self._thread.start()
        logger.info("Upwork emulator listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and release the port. Safe to call twice."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = None
        self._thread = None
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        logger.info("Upwork emulator stopped")

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> UpworkEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port; raises RuntimeError before `start()`."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        host = f"[{self.host.strip('[]')}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def authorize_url(self) -> str:
        return self.base_url + AUTHORIZE_PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    @property
    def graphql_url(self) -> str:
        return self.base_url + GRAPHQL_PATH

    def django_settings(self) -> dict[str, str]:
        """Return the django-upwork settings that point a site at this emulator."""
        return {
            "UPWORK_AUTHORIZE_URL": self.authorize_url,
            "UPWORK_TOKEN_URL": self.token_url,
            "UPWORK_API_URL": self.graphql_url,
            "UPWORK_CLIENT_ID": self.client_id,
            "UPWORK_CLIENT_SECRET": self.client_secret,
        }

    # -- controls -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget all codes and tokens, zero the stats, drop queued faults, reset the clock."""
        self.tokens.reset()
        self.counters.reset()
        self.faults.clear()
        self.clock.reset()
        if self.rate_limiter is not None:
            self.rate_limiter.reset()

    def advance_clock(self, seconds: float) -> float:
        """Move emulated time forward by `seconds` and return the total offset in seconds."""
        self.clock.advance(float(seconds))
        return self.clock.offset

    def inject_fault(self, route: str, kind: str, count: int = 1, **options: Any) -> dict[str, Any]:
        """Queue fault `kind` for the next `count` requests to `route` ("graphql" or "token").

        Options: `retry_after` (seconds, for http_429) and `delay_seconds` (for slow).
        Raises ValueError for an unknown route, kind or option. Returns the queued fault.
        """
        fault = build_fault(route, kind, count, **options)
        self.faults.add(route, fault)
        return fault.describe()

    def stats(self) -> dict[str, Any]:
        """Return request counters, the busiest minute, pending faults and the clock offset."""
        snapshot = self.counters.snapshot()
        snapshot["pending_faults"] = self.faults.pending()
        snapshot["clock_offset_seconds"] = self.clock.offset
        snapshot["rate_limit_per_minute"] = self.rate_limit_per_minute
        snapshot["postings"] = len(self.postings)
        return snapshot

    def issue_tokens(self) -> dict[str, Any]:
        """Return a fresh token response, as if a user had just approved the app."""
        return self.tokens.issue_tokens(self.client_id)


class _DropConnection(Exception):
    """Raised inside a handler to abort the connection without sending a response."""


class _EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], emulator: UpworkEmulator) -> None:
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """Shut down keep-alive connections so their handler threads end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-response are normal in fault tests; anything else is a bug.
        logger.debug("Connection from %s ended with an error", client_address, exc_info=True)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _EmulatorHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = f"UpworkEmulator/{__version__}"
    timeout = IDLE_CONNECTION_TIMEOUT

    # -- plumbing -----------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK hold every response on a keep-alive connection for about 40 ms.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def handle(self) -> None:
        try:
            super().handle()
        except _DropConnection:
            self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The path only: query strings of the authorize route carry state values.
        logger.debug("%s %s -> %s", self.command, urlsplit(self.path).path, code)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("HTTP server: " + format, *args)

    @property
    def emulator(self) -> UpworkEmulator:
        return self.server.emulator

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        try:
            if path == AUTHORIZE_PATH:
                self._authorize()
            elif path == TOKEN_PATH:
                self._token()
            elif path == GRAPHQL_PATH:
                self._graphql()
            elif path.startswith(CONTROL_PREFIX):
                self._control(path[len(CONTROL_PREFIX) :])
            else:
                self.emulator.counters.record_request("not_found", self.emulator.clock.now())
                self._send_json(404, {"message": f"Not Found: {path}"})
        except _DropConnection:
            raise
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up first, as a client with a short read timeout does on the
            # "slow" fault; so no response is sent.
            logger.debug("Client closed the connection during %s %s", self.command, path)
            self.close_connection = True
        except _BodyTooLarge:
            self.close_connection = True
            self._send_json(413, {"message": f"Request body is larger than {MAX_BODY_BYTES} bytes"})
        except Exception:
            logger.exception("Emulator failed to handle %s %s", self.command, path)
            self._send_json(500, SERVER_EXCEPTION_BODY)

    def _read_body(self) -> bytes:
        length_header = self.headers.get("Content-Length")
        if not length_header:
            return b""
        try:
            length = int(length_header)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            raise _BodyTooLarge
        return self.rfile.read(length)

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(
        self, status: int, payload: Any, headers: Mapping[str, str] | None = None
    ) -> None:
        self._send(status, json.dumps(payload).encode("utf-8"), JSON, headers)

    def _send_html(self, status: int, page: str) -> None:
        self._send(status, page.encode("utf-8"), HTML)

    def _redirect(self, location: str) -> None:
        self._send(302, headers={"Location": location, "Cache-Control": "no-store"})

    def _drop_connection(self) -> None:
        """Close the socket with a TCP reset instead of a response."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        raise _DropConnection

    def _method_not_allowed(self, allowed: str) -> None:
        self._send_json(
            405,
            {"message": f"Method {self.command} not allowed; use {allowed}"},
            {"Allow": allowed},
        )

    # -- faults and rate limit ----------------------------------------------------------------

    def _apply_transport_fault(self, route: str, fault: Fault | None) -> bool:
        """Send the response of a transport-level fault; return True when one was sent."""
        if fault is None:
            return False
        kind = fault.kind
        if kind == fault_kinds.SLOW:
            time.sleep(fault.delay_seconds)
            return False
        if kind == fault_kinds.CONNECTION_RESET:
            self._drop_connection()
        if kind == fault_kinds.HTTP_401:
            if route == "graphql":
                self._send_unauthorized()
            else:
                self._send_json(
                    401, {"error": "invalid_client"}, {"WWW-Authenticate": 'Basic realm="Upwork"'}
                )
            return True
        if kind == fault_kinds.HTTP_429:
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            self._send(429, headers=headers)
            return True
        if kind == fault_kinds.HTTP_500:
            self._send_json(500, SERVER_EXCEPTION_BODY)
            return True
        if kind in (fault_kinds.HTTP_502, fault_kinds.HTTP_503):
            status = 502 if kind == fault_kinds.HTTP_502 else 503
            self._send(status, fault_kinds.GATEWAY_PAGES[status].encode(), HTML)
            return True
        if kind == fault_kinds.HTML_403:
            self._send_html(403, fault_kinds.BOT_CHECK_PAGE)
            return True
        if kind == fault_kinds.HTML_200:
            self._send_html(200, fault_kinds.MAINTENANCE_PAGE)
            return True
        if kind == fault_kinds.INVALID_JSON:
            self._send(200, fault_kinds.TRUNCATED_JSON[route].encode(), JSON)
            return True
        return False

    def _take_fault(self, route: str) -> Fault | None:
        fault = self.emulator.faults.take(route)
        if fault is not None:
            self.emulator.counters.increment("faults_served")
            logger.debug("Serving fault %s on %s", fault.kind, route)
        return fault

    def _rate_limited(self) -> bool:
        limiter = self.emulator.rate_limiter
        if limiter is None or limiter.allow(self.emulator.clock.now()):
            return False
        self.emulator.counters.increment("rate_limited")
        self._send(429)
        return True

    # -- authorize ----------------------------------------------------------------------------

    def _authorize(self) -> None:
        emulator = self.emulator
        emulator.counters.record_request("authorize", emulator.clock.now())
        if self.command == "GET":
            params = _single_values(parse_qs(urlsplit(self.path).query, keep_blank_values=True))
        elif self.command == "POST":
            params = _single_values(
                parse_qs(self._read_body().decode("utf-8", "replace"), keep_blank_values=True)
            )
        else:
            self._method_not_allowed("GET, POST")
            return

        problem = self._authorization_problem(params)
        if problem:
            self._send_html(400, pages.error_page("Invalid authorization request", problem))
            return
        redirect_uri, state = params["redirect_uri"], params["state"]

        if self.command == "GET" and not emulator.auto_approve:
            form = {
                name: params[name]
                for name in ("response_type", "client_id", "redirect_uri", "state")
            }
            if params.get("scope"):
                form["scope"] = params["scope"]
            self._send_html(200, pages.authorize_page(emulator.client_id, AUTHORIZE_PATH, form))
            return

        action = "approve" if self.command == "GET" else params.get("action", "")
        if action == "approve":
            code = emulator.tokens.create_code(params["client_id"], redirect_uri)
            self._redirect(_add_query(redirect_uri, {"code": code, "state": state}))
        elif action == "deny":
            error = {
                "error": "access_denied",
                "error_description": "The user denied access to the application",
                "state": state,
            }
            self._redirect(_add_query(redirect_uri, error))
        else:
            message = f"Invalid action {action!r}: expected 'approve' or 'deny'"
            self._send_html(400, pages.error_page("Invalid authorization request", message))

    def _authorization_problem(self, params: Mapping[str, str]) -> str | None:
        for name in ("response_type", "client_id", "redirect_uri", "state"):
            if not params.get(name):
                return f"Missing required parameter {name!r}."
        if params["response_type"] != "code":
            return f"Unsupported response_type {params['response_type']!r}: expected 'code'."
        if params["client_id"] != self.emulator.client_id:
            return f"Unknown client_id {params['client_id']!r}."
        redirect = urlsplit(params["redirect_uri"])
        if redirect.scheme not in ("http", "https") or not redirect.netloc or redirect.fragment:
            return (
                "Invalid redirect_uri: expected an absolute http or https URL without a fragment."
            )
        return None

    # -- token --------------------------------------------------------------------------------

    def _token(self) -> None:
        emulator = self.emulator
        emulator.counters.record_request("token", emulator.clock.now())
        if self.command != "POST":
            self._method_not_allowed("POST")
            return
        body = self._read_body()
        fault = self._take_fault("token")
        if self._apply_transport_fault("token", fault):
            return
        if self._rate_limited():
            return

        form = _single_values(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        grant_type = form.get("grant_type", "")
        try:
            basic = _basic_credentials(self.headers.get("Authorization"))
            rotate = fault is None or fault.kind != fault_kinds.OMIT_REFRESH_TOKEN
            used_grant, response = emulator.tokens.exchange(form, basic, rotate)
        except OAuthError as error:
            logger.debug("Token request rejected: grant %r, %s", grant_type, error.error)
            emulator.counters.increment("token_errors")
            emulator.counters.record_token(
                {"grant_type": grant_type, "status": error.status, "error": error.error}
            )
            if error.status == 401:
                headers["WWW-Authenticate"] = 'Basic realm="Upwork"'
            self._send_json(error.status, error.body(), headers)
            return

        counter = (
            "token_refreshes" if used_grant == "refresh_token" else "authorization_code_exchanges"
        )
        emulator.counters.increment(counter)
        emulator.counters.record_token({"grant_type": used_grant, "status": 200, "error": None})
        self._send_json(200, response, headers)

    # -- graphql ------------------------------------------------------------------------------

    def _graphql(self) -> None:
        emulator = self.emulator
        emulator.counters.record_request("graphql", emulator.clock.now())
        if self.command != "POST":
            self._method_not_allowed("POST")
            return
        body = self._read_body()
        try:
            payload = json.loads(body or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            payload = _INVALID_JSON
        # Every POST counts, including those met by a fault or rejected as unauthorized.
        emulator.counters.increment("graphql_requests")
        tenant_id = self.headers.get("X-Upwork-API-TenantId")
        emulator.counters.record_graphql(_describe_graphql_request(payload, tenant_id))

        fault = self._take_fault("graphql")
        if self._apply_transport_fault("graphql", fault):
            return
        if self._rate_limited():
            return

        token = _bearer_token(self.headers.get("Authorization"))
        if token is None or not emulator.tokens.is_valid_access_token(token):
            logger.debug("GraphQL request rejected: missing, unknown or expired access token")
            emulator.counters.increment("unauthorized_requests")
            self._send_unauthorized()
            return
        if payload is _INVALID_JSON:
            logger.debug("GraphQL request rejected: body is not valid JSON")
            self._send_json(400, {"errors": [{"message": "Request body is not valid JSON"}]})
            return

        if fault is not None and fault.kind == fault_kinds.MISSING_SCOPE:
            self._send_json(200, fault_kinds.MISSING_SCOPE_BODY)
            return
        response = emulator.graphql.run(payload)
        result = response.body
        if fault is not None and fault.kind == fault_kinds.PARTIAL_DATA and response.status == 200:
            result = make_partial(result)
        paging_faults = (fault_kinds.REPEAT_CURSOR, fault_kinds.EMPTY_PAGE)
        if fault is not None and fault.kind in paging_faults and response.status == 200:
            result = make_paging_fault(result, fault.kind, _pagination_after(payload))
        self._send_json(response.status, result)

    def _send_unauthorized(self) -> None:
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        self._send_json(401, {"message": "Unauthorized"}, headers)

    # -- control ------------------------------------------------------------------------------

    def _control(self, name: str) -> None:
        emulator = self.emulator
        routes = {
            "stats": "GET",
            "reset": "POST",
            "clock": "POST",
            "faults": "POST",
            "tokens": "POST",
        }
        if name not in routes:
            self._send_json(404, {"message": f"Unknown control route /_emulator/{name}"})
            return
        if self.command != routes[name]:
            self._method_not_allowed(routes[name])
            return
        if name == "stats":
            self._send_json(200, emulator.stats())
            return
        if name == "reset":
            emulator.reset()
            self._send_json(200, {"status": "ok"})
            return
        if name == "tokens":
            self._send_json(200, emulator.issue_tokens())
            return

        try:
            options = json.loads(self._read_body() or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            self._send_json(400, {"error": "Request body is not valid JSON"})
            return
        if not isinstance(options, dict):
            self._send_json(400, {"error": "Request body must be a JSON object"})
            return
        try:
            if name == "clock":
                seconds = options.get("advance_seconds")
                if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
                    raise ValueError(
                        f"advance_seconds must be a number of seconds, got {seconds!r}"
                    )
                offset = emulator.advance_clock(seconds)
                self._send_json(200, {"clock_offset_seconds": offset})
            else:
                route = options.pop("route", None)
                kind = options.pop("kind", None)
                count = options.pop("count", 1)
                queued = emulator.inject_fault(str(route), str(kind), count, **options)
                self._send_json(
                    200, {"queued": queued, "pending_faults": emulator.faults.pending()}
                )
        except ValueError as error:
            self._send_json(400, {"error": str(error)})


class _BodyTooLarge(Exception):
    pass


# Marks a GraphQL request body that is not valid JSON.
_INVALID_JSON = object()


def _single_values(parsed: Mapping[str, list[str]]) -> dict[str, str]:
    return {name: values[0] for name, values in parsed.items() if values}


def _add_query(uri: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(uri)
    extra = urlencode(params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    """Decode HTTP Basic client credentials; raise OAuthError 401 when the header is malformed."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise OAuthError(401, "invalid_client") from error
    client_id, separator, client_secret = decoded.partition(":")
    if not separator:
        raise OAuthError(401, "invalid_client")
    # RFC 6749 section 2.3.1: both parts are form-encoded before Base64.
    return unquote_plus(client_id), unquote_plus(client_secret)


def _bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _pagination_after(payload: Any) -> str | None:
    """Return the ``pagination_eq.after`` offset a search request asked for, if any."""
    if not isinstance(payload, Mapping):
        return None
    variables = payload.get("variables") or {}
    search_filter = variables.get("filter") if isinstance(variables, Mapping) else None
    pagination = search_filter.get("pagination_eq") if isinstance(search_filter, Mapping) else None
    after = pagination.get("after") if isinstance(pagination, Mapping) else None
    return str(after) if after is not None else None


def _describe_graphql_request(payload: Any, tenant_id: str | None) -> dict[str, Any]:
    """Summarise a GraphQL request for `stats()`: operation, variables and tenant header."""
    if not isinstance(payload, Mapping):
        return {"operation_name": None, "variables": None, "tenant_id": tenant_id}
    operation_name = payload.get("operationName")
    query = payload.get("query")
    if not operation_name and isinstance(query, str):
        # Clients often name the operation only in the document: `query SearchJobs(...)`.
        match = _OPERATION_NAME.search(query)
        operation_name = match.group(1) if match else None
    return {
        "operation_name": operation_name,
        "variables": payload.get("variables"),
        "tenant_id": tenant_id,
    }


__all__ = [
    "AUTHORIZE_PATH",
    "CORPUS_ENV_VAR",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "GRAPHQL_PATH",
    "TOKEN_PATH",
    "UpworkEmulator",
    "corpus_path_from_environment",
    "is_loopback",
]
