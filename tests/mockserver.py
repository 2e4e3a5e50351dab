"""A local HTTP server on 127.0.0.1 that plays a source's API from recorded payloads, with fault injection.

    with MockServer(routes) as server:          # routes: {path: handler(Request) -> Reply | dict | bytes}
        server.inject("/api/v1/search_by_date", Status(429, {"Retry-After": "1"}), Status(500), Drop())
        … collect with base_url=server.url …
        server.requests                         # every request seen, in order

Faults are consumed one per matching request, in the order given:
``Status`` (an error status), ``Truncate`` (the body cut short, with or without an honest Content-Length),
``Drop`` (the connection closed with no answer), ``Replay`` (the previous answer on that path served again),
``Delay`` (answer late).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(source: str, case: str):
    """A recorded payload: ``tests/fixtures/<source>/<case>.json`` (or the raw bytes of other files)."""
    path = FIXTURES / source / case
    if path.suffix == "":
        path = path.with_suffix(".json")
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    return path.read_bytes()


@dataclass
class Request:
    method: str
    path: str
    query: dict  # name -> value (the last one when repeated)
    headers: dict
    body: bytes
    at: float = field(default_factory=time.monotonic)

    def json(self):
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict = field(default_factory=dict)

    def encoded(self) -> bytes:
        if isinstance(self.body, (dict, list)):
            self.headers.setdefault("Content-Type", "application/json; charset=utf-8")
            return json.dumps(self.body).encode()
        if isinstance(self.body, str):
            return self.body.encode()
        return self.body


# -- faults --------------------------------------------------------------------------------------------


@dataclass
class Status:
    status: int
    headers: dict = field(default_factory=dict)
    body: dict | None = None


@dataclass
class Truncate:
    keep: float = 0.5
    honest_length: bool = False  # True: Content-Length of the cut body (a valid HTTP reply, broken JSON)


@dataclass
class Drop:
    pass


@dataclass
class Replay:
    pass


@dataclass
class Delay:
    seconds: float


class MockServer:
    def __init__(self, routes: dict, *, delay: float = 0.0):
        self.routes = routes
        self.delay = delay  # seconds before every answer (slows a run down enough to kill it)
        self.requests: list[Request] = []
        self.faults: dict[str, list] = defaultdict(list)
        self.last_ok: dict[str, tuple[dict, bytes]] = {}
        self.lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None

    # -- set-up ---------------------------------------------------------------------------------------

    def inject(self, path: str, *faults) -> None:
        """Queue faults for the next requests whose path starts with ``path``."""
        with self.lock:
            self.faults[path].extend(faults)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> MockServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                server._handle(self)

            def do_POST(self):
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- serving --------------------------------------------------------------------------------------

    def paths(self, prefix: str = "") -> list[Request]:
        return [r for r in self.requests if r.path.startswith(prefix)]

    def _next_fault(self, path: str):
        with self.lock:
            for prefix, queue in self.faults.items():
                if queue and path.startswith(prefix):
                    return queue.pop(0)
        return None

    def _route(self, req: Request) -> Reply:
        for pattern, handler in self.routes.items():
            if re.fullmatch(pattern, req.path):
                out = handler(req) if callable(handler) else handler
                if isinstance(out, Reply):
                    return out
                return Reply(200, out)
        return Reply(404, {"error": "not found", "path": req.path})

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        req = Request(h.command, parts.path, query, {k.lower(): v for k, v in h.headers.items()}, body)
        with self.lock:
            self.requests.append(req)
        if self.delay:
            time.sleep(self.delay)
        fault = self._next_fault(req.path)
        if isinstance(fault, Delay):
            time.sleep(fault.seconds)
            fault = None
        if isinstance(fault, Drop):
            h.close_connection = True
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if isinstance(fault, Status):
            reply = Reply(fault.status, fault.body or {"error": f"injected {fault.status}"}, dict(fault.headers))
            return self._send(h, reply.status, reply.headers, reply.encoded())
        key = req.path
        if isinstance(fault, Replay) and key in self.last_ok:
            headers, payload = self.last_ok[key]
            return self._send(h, 200, headers, payload)
        reply = self._route(req)
        payload = reply.encoded()
        if reply.status == 200:
            self.last_ok[key] = (dict(reply.headers), payload)
        if isinstance(fault, Truncate):
            cut = payload[: max(1, int(len(payload) * fault.keep))]
            if fault.honest_length:
                return self._send(h, 200, reply.headers, cut)
            h.send_response(200)
            for k, v in reply.headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(cut)
            h.wfile.flush()
            h.close_connection = True
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send(h, reply.status, reply.headers, payload)

    @staticmethod
    def _send(h, status: int, headers: dict, payload: bytes) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)
