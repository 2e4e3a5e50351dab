"""A local HTTP server on 127.0.0.1 that plays a source's API from recorded payloads, with fault injection.

    with MockServer(routes) as server:          # routes: {path: handler(Request) -> Reply | dict | bytes}
        server.inject("/api/v1/search_by_date", Status(429, {"Retry-After": "1"}), Status(500), Drop())
        … collect with base_url=server.url …
        server.requests                         # every request seen, in order

Faults are consumed one per matching request, in the order given:
``Status`` (an error status), ``Truncate`` (the body cut short, with or without an honest Content-Length),
``Drop`` (the connection closed with no answer), ``Replay`` (the previous answer on that path served again),
``Delay`` (answer late), ``Pass`` (no fault this time).

``CHILD_GUARD`` is Python source that a child process runs first, so that a command started by a test
(``python -c CHILD_GUARD + ...``) can reach no address but loopback either.
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
from urllib.parse import parse_qs, urlencode, urlsplit

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
    params: dict = field(default_factory=dict)  # name -> every value, in order (``uris=a&uris=b``)

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


@dataclass
class Pass:
    """No fault: answer this request normally (spaces faults out over a run)."""


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
            # Headers and body go out in two writes; with Nagle's algorithm the body then waits for the
            # client's delayed ACK (~40 ms an answer).
            disable_nagle_algorithm = True

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
                if isinstance(out, Status):  # a route that always fails this way
                    return Reply(out.status, out.body or {"error": f"status {out.status}"}, dict(out.headers))
                return Reply(200, out)
        return Reply(404, {"error": "not found", "path": req.path})

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        params = parse_qs(parts.query, keep_blank_values=True)
        query = {k: v[-1] for k, v in params.items()}
        req = Request(h.command, parts.path, query, {k.lower(): v for k, v in h.headers.items()}, body, params=params)
        with self.lock:
            self.requests.append(req)
        if self.delay:
            time.sleep(self.delay)
        fault = self._next_fault(req.path)
        if isinstance(fault, Delay):
            time.sleep(fault.seconds)
            fault = None
        if isinstance(fault, Pass):
            fault = None
        if isinstance(fault, Drop):
            return self._hang_up(h)
        if isinstance(fault, Status):
            reply = Reply(fault.status, fault.body or {"error": f"injected {fault.status}"}, dict(fault.headers))
            return self._send(h, reply.status, reply.headers, reply.encoded())
        key = req.path
        if isinstance(fault, Replay) and key in self.last_ok:
            headers, payload = self.last_ok[key]
            return self._send(h, 200, headers, payload)
        try:
            reply = self._route(req)
        except Exception as exc:  # a broken test route: say so, as a server would
            reply = Reply(500, {"error": f"mock route failed: {type(exc).__name__}: {exc}"})
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
            return self._hang_up(h)
        self._send(h, reply.status, reply.headers, payload)

    @staticmethod
    def _hang_up(h) -> None:
        h.close_connection = True
        try:
            h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    @staticmethod
    def _send(h, status: int, headers: dict, payload: bytes) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)


# -- a small Algolia HN: real search semantics over a held set of items (for paging, splitting, faults) --


class AlgoliaHN:
    """``/api/v1/search_by_date`` over ``items`` (Algolia hit objects), newest first, 1,000-hit cap.

    Honours ``query`` (every word must occur), ``tags`` (an OR group), ``numericFilters`` on
    ``created_at_i`` (>=, >, <, <=), ``hitsPerPage`` and ``page``; reports ``nbHits`` in full while
    ``nbPages`` stops at ``cap`` hits, as Algolia does.
    """

    def __init__(self, items: list[dict], cap: int = 1000):
        self.items = sorted(items, key=lambda h: (-h["created_at_i"], h["objectID"]))
        self.cap = cap

    def __call__(self, req: Request) -> dict:
        q = req.query
        words = [w.strip('"').lower() for w in q.get("query", "").split() if not w.startswith("-")]
        tags = set(q.get("tags", "").strip("()").split(",")) - {""}
        filters = [f for f in q.get("numericFilters", "").split(",") if f]
        hits = [h for h in self.items if self._keep(h, words, tags, filters)]
        per = int(q.get("hitsPerPage", 20))
        page = int(q.get("page", 0))
        reachable = hits[: self.cap]
        pages = -(-len(reachable) // per) if reachable else 0
        return {
            "hits": reachable[page * per : (page + 1) * per], "nbHits": len(hits), "nbPages": pages,
            "page": page, "hitsPerPage": per, "exhaustiveNbHits": True, "query": q.get("query", ""),
            "params": urlencode(q), "processingTimeMS": 1,
        }

    @staticmethod
    def _keep(h, words, tags, filters) -> bool:
        if tags and not tags & set(h["_tags"]):
            return False
        text = " ".join(str(h.get(k) or "") for k in ("title", "comment_text", "story_text")).lower()
        if any(w not in text for w in words):
            return False
        for f in filters:
            m = re.fullmatch(r"created_at_i(>=|<=|>|<|=)(\d+)", f)
            v, x = h["created_at_i"], int(m.group(2))
            ok = {">=": v >= x, "<=": v <= x, ">": v > x, "<": v < x, "=": v == x}[m.group(1)]
            if not ok:
                return False
        return True


def hn_world(n: int, *, start: int = 1767225600, span: int = 86400 * 3, seed: int = 7) -> list[dict]:
    """``n`` Algolia hits about Lumio: stories with reply chains, every one naming the brand.

    Test data for paging and faults (not a recording): shaped like the API's hits, with parents that
    always precede their children in time.
    """
    import random

    rng = random.Random(seed)
    items: list[dict] = []
    stories: list[dict] = []
    for i in range(n):
        oid = str(40_000_000 + i)
        if not stories or rng.random() < 0.2:
            t = start + rng.randrange(span // 2)
            hit = {"objectID": oid, "_tags": ["story", f"author_u{i}", f"story_{oid}"], "author": f"u{i}",
                   "title": f"Lumio story {i}", "url": None, "points": rng.randrange(1, 300),
                   "num_comments": 0, "created_at_i": t, "story_id": int(oid)}
            stories.append(hit)
        else:
            parent = rng.choice([s for s in items if s["story_id"] == stories[-1]["story_id"]] or stories)
            t = min(parent["created_at_i"] + rng.randrange(1, 3600), start + span - 1)
            hit = {"objectID": oid, "_tags": ["comment", f"author_u{i}", f"story_{parent['story_id']}"],
                   "author": f"u{i}", "comment_text": f"reply {i} about Lumio", "parent_id": int(parent["objectID"]),
                   "story_id": parent["story_id"], "created_at_i": t}
        hit["created_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(hit["created_at_i"]))
        items.append(hit)
    return items


CHILD_GUARD = """
import ipaddress, socket
_real = socket.socket.connect
def _guarded(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if host != "localhost" and not ipaddress.ip_address(host.split("%")[0]).is_loopback:
            raise ConnectionRefusedError(f"tests may not reach the network (tried {address!r})")
    return _real(self, address)
socket.socket.connect = _guarded
"""


#: Source settings that keep retry waits short in tests (the same code, configured, not skipped).
FAST = {"backoff_factor": 0.01, "min_interval": 0, "max_wait": 5, "retries": 3}
