"""The playground's web server: the page's static files and the JSON API, on 127.0.0.1.

Python's standard ``ThreadingHTTPServer``: each request runs in its own thread, so tabs train in
parallel (a tab's own requests take its session's lock one at a time). Safety on a shared
machine and against other web pages the user has open:

- it binds 127.0.0.1 unless told otherwise (``--host``, with a warning from the command line);
- requests must name a ``Host`` that cannot be re-pointed by another site (an IP literal,
  ``localhost`` or a name the user allowed: DNS rebinding, see ``hosts``), and a request carrying
  an ``Origin`` must come from this server's own pages;
- state-changing requests need ``Content-Type: application/json`` (or ``text/csv`` for an
  upload), which another site's page cannot send without a CORS preflight that this server never
  grants;
- bodies are limited in size, a request must arrive whole within ``REQUEST_SECONDS`` once it has
  begun (``deadline``), an idle kept-alive connection closes after ``IDLE_SECONDS``, the listen
  queue holds a classroom's burst (``BACKLOG``), and every response says ``nosniff`` and carries
  a Content-Security-Policy that allows nothing from outside this server;
- anything not understood gets a 4xx with a message; a 500 is always a bug.
"""

from __future__ import annotations

import io
import mimetypes
import re
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from chainrule.viz import viewer

from .api import Api, Request, Response, json_response
from .classroom import Classroom
from .deadline import DeadlineReader
from .errors import BadRequest, PlaygroundError, TooLarge
from .hosts import HostPolicy, is_loopback, reachable_address
from .uploads import MAX_CSV_BYTES

STATIC = Path(__file__).with_name("static")
MAX_BODY = MAX_CSV_BYTES + 4096
DRAIN_LIMIT = 8 * MAX_BODY  # a larger body is not read at all: the connection is closed
BACKLOG = 128  # connections the kernel queues before accept: 30 students' tabs at once
IDLE_SECONDS = 30.0  # a kept-alive connection with no new request is closed after this
REQUEST_SECONDS = 15.0  # a request, once begun, must arrive whole (line, headers, body) in this
PAGE_CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'")


def static_files(folder: Path = STATIC) -> dict[str, Path]:
    """URL path -> file, for every file shipped in ``static/`` (nothing else is ever served)."""
    files = {"/": folder / "index.html"}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            files["/static/" + path.relative_to(folder).as_posix()] = path
    return files


def viewer_files() -> dict[str, tuple[bytes, str]]:
    """viz's graph viewer, served to the page (its script, and its style with the palette's
    colours): the inside views embed the same component as notebooks and ``viz.render``."""
    return {
        "/static/viz/viewer.js": (viewer.script().encode(), "text/javascript; charset=utf-8"),
        "/static/viz/viewer.css": (viewer.style().encode(), "text/css; charset=utf-8"),
    }


class Handler(BaseHTTPRequestHandler):
    """Reads a request, hands it to the ``Api`` or a static file, writes the answer."""

    server: PlaygroundServer
    protocol_version = "HTTP/1.1"
    server_version = "chainrule-playground"
    # TCP_NODELAY: without it a kept-alive connection (a browser's) waits ~40 ms for every
    # answer, the client's delayed acknowledgement of the headers holding back the body (Nagle)
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.reader = DeadlineReader(self.connection, IDLE_SECONDS, self.server.request_seconds)
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        self.reader.start()
        super().handle_one_request()

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._serve("DELETE")

    def do_HEAD(self) -> None:  # noqa: N802 - a GET without the body (see _write)
        self._serve("GET")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None
                   ) -> None:
        """http.server's own refusals (bad request line, unknown method, HTTP/2 request line):
        never a 5xx, as they are the client's doing."""
        if code == 501:  # "Unsupported method"
            code, message = 405, f"the playground takes GET, POST, PUT or DELETE, not {message}"
        elif code >= 500:
            code = 400
        super().send_error(code, message, explain)

    def _serve(self, method: str) -> None:
        try:
            response = self._respond(method)
        except PlaygroundError as e:
            response = json_response({"error": e.message}, e.status)
        except TimeoutError as e:  # the body did not arrive in time: answer, then hang up
            self.close_connection = True
            response = json_response({"error": str(e) or "the request timed out"}, 408)
        except Exception:  # a bug: say so, keep serving
            traceback.print_exc(file=sys.stderr)
            response = json_response(
                {"error": "internal error in the playground server (see its terminal)"}, 500)
        self._write(response)

    def _respond(self, method: str) -> Response:
        self._check_origin()
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        body = self._read_body()
        if url.path.startswith("/api/"):
            headers = {k.lower(): v for k, v in self.headers.items()}
            return self.server.api.handle(Request(method, url.path, query, body, headers))
        if url.path == "/teacher":  # only with --classroom, and only with the token
            room = self.server.api.classroom
            if room is None:
                return json_response({"error": "start the playground with --classroom for "
                                               "the teacher's page"}, 404)
            room.check(query.get("token"))
            url = url._replace(path="/static/teacher.html")
        made = self.server.made.get(url.path)
        if made is not None:
            if method != "GET":
                return json_response({"error": f"{url.path} takes GET, not {method}"}, 405)
            return Response(200, made[0], made[1], {"Content-Security-Policy": PAGE_CSP})
        path = self.server.files.get(url.path)
        if path is None:
            return json_response({"error": f"no such page: {url.path}"}, 404)
        if method != "GET":
            return json_response({"error": f"{url.path} takes GET, not {method}"}, 405)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        return Response(200, path.read_bytes(), kind, {"Content-Security-Policy": PAGE_CSP})

    def _check_origin(self) -> None:
        problem = self.server.hosts.check(self.headers.get("Host"), self.headers.get("Origin"))
        if problem:
            raise BadRequest(problem)

    def _read_body(self) -> bytes:
        raw = self.headers.get("Content-Length")
        if raw is None:
            if self.headers.get("Transfer-Encoding"):
                raise BadRequest("send the body with a Content-Length (no chunked encoding)")
            return b""
        if not re.fullmatch(r"[0-9]{1,15}", raw.strip()):  # ASCII digits: not '²' or '٣'
            raise BadRequest(f"bad Content-Length {raw[:20]!r}: expected a whole number of bytes")
        size = int(raw.strip())
        if size > MAX_BODY:
            self.close_connection = True  # what is left unread must not be taken for a request
            left = size if size <= DRAIN_LIMIT else 0  # read it away: the client is not cut
            while left > 0:                             # off mid-send and gets the answer
                chunk = self.rfile.read(min(65536, left))
                if not chunk:
                    break
                left -= len(chunk)
            raise TooLarge(f"the request body is {size:,} bytes; the limit is {MAX_BODY:,}")
        return self.rfile.read(size)

    def _write(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.verbose:
            super().log_message(format, *args)


class PlaygroundServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer with the playground's ``api`` and ``files``."""

    daemon_threads = True
    request_queue_size = BACKLOG

    def __init__(self, host: str = "127.0.0.1", port: int = 0, verbose: bool = False,
                 allow_hosts: tuple[str, ...] = (), request_seconds: float = REQUEST_SECONDS,
                 classroom: bool = False) -> None:
        self.api = Api(Classroom() if classroom else None)
        self.files = static_files()
        self.made = viewer_files()
        self.verbose = verbose
        self.loopback = is_loopback(host)
        self.hosts = HostPolicy(self.loopback, allow_hosts)
        self.request_seconds = request_seconds
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)
        if not self.loopback:
            self.api.share_base = self.share_url

    @property
    def url(self) -> str:
        """The address to open on this machine (a wildcard bind is reached on loopback)."""
        host, port = self.server_address[:2]
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1" if host == "0.0.0.0" else "::1"
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"

    @property
    def share_url(self) -> str:
        """The address other machines reach this server at (for share links and the console)."""
        host, port = self.server_address[:2]
        reach = reachable_address(str(host))
        shown = f"[{reach}]" if ":" in reach else reach
        return f"http://{shown}:{port}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-request is no error of ours; anything else is printed."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    @property
    def teacher_url(self) -> str | None:
        """The teacher's page with its token (``--classroom``), else None."""
        room = self.api.classroom
        return None if room is None else f"{self.url}teacher?token={room.token}"

    def start(self) -> threading.Thread:
        """Serve in a background thread (for tests and notebooks); stop with ``shutdown()``."""
        thread = threading.Thread(target=self.serve_forever, name="playground", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def make_server(host: str = "127.0.0.1", port: int = 0, verbose: bool = False,
                allow_hosts: tuple[str, ...] = (), classroom: bool = False) -> PlaygroundServer:
    """A playground server bound to ``host:port`` (port 0: any free port), not yet serving;
    ``allow_hosts``: DNS names it answers to besides IP literals and localhost; ``classroom``:
    add the teacher's page (``server.teacher_url``, with its token)."""
    return PlaygroundServer(host, port, verbose, allow_hosts, classroom=classroom)
