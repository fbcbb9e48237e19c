"""A real HTTP server on 127.0.0.1 for tests: feeds, redirects, errors, abuse.

Tests talk to it with real sockets, so the fetch code under test runs exactly as
in production (no mocks)::

    with FeedServer() as srv:
        srv.add("/feed.xml", RSS_BYTES)                 # 200, auto ETag, 304s
        srv.redirect("/old", "/feed.xml", status=301)
        srv.status("/busy", 429, headers={"Retry-After": "120"})
        srv.slow("/trickle", b"<rss/>", bytes_per_second=1)
        srv.huge("/endless")                           # never-ending body
        srv.gzip_bomb("/bomb", 1 << 30)                # 1 GB of zeros, ~1 MB
        srv.handler("/custom", lambda h: h.reply(200, b"hi"))
        fetch(srv.url("/feed.xml"))
        assert srv.count("/feed.xml") == 1
        srv.stop()   # offline: connections are refused ...
        srv.start()  # ... and back, on the same port when possible

Routes are matched on the exact request target first (query included), then
on the path without the query; anything else gets a 404.  Routes can be
added or replaced while the server runs.

Every request is logged (`srv.requests`, `srv.count(path)`, `srv.clear_log()`)
with its method, target, lower-cased headers and the status sent.  The server
also tracks how many requests are being handled at once (`in_flight`,
`max_in_flight`), which is what concurrency limits are checked against.

Client disconnects (broken pipe, reset) are expected and stay silent.  An
exception raised by a route itself is answered with a 500 (when still
possible) and kept in `srv.errors`, so a fixture can assert it is empty.

The server speaks HTTP/1.1 with keep-alive; it runs one daemon thread per
connection (ThreadingHTTPServer) with a deep listen backlog, so hundreds of
concurrent fetches are fine.
"""

from __future__ import annotations

import contextlib
import functools
import gzip as gzip_module
import hashlib
import socket
import socketserver
import struct
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["FeedServer", "Request", "RequestHandler"]

RSS_TYPE = "application/rss+xml; charset=utf-8"
_CHUNK = 64 * 1024


@dataclass
class Request:
    """One request as the server saw it."""

    method: str
    path: str  # the request target as sent, query included
    headers: dict[str, str]  # lower-case names
    status: int = 0  # the status sent; 0 while none was (or if none ever was)


class RequestHandler(BaseHTTPRequestHandler):
    """The handler class; custom routes (`FeedServer.handler`) receive one.

    A custom route either uses `reply()` or the usual `send_response()`,
    `send_header()`, `end_headers()` and `wfile.write()`.  The server speaks
    HTTP/1.1: send a Content-Length, or set `close_connection = True` and a
    "Connection: close" header for a body that ends when the socket closes.
    `wait(seconds)` sleeps but wakes up (returning True) when the server stops.
    """

    # Send small writes at once, as real servers do: with Nagle's algorithm
    # every gzipped answer waited ~35 ms for the client's delayed ACK.
    disable_nagle_algorithm = True

    protocol_version = "HTTP/1.1"
    server: _Server

    # -- helpers for routes -------------------------------------------------

    @property
    def feedserver(self) -> FeedServer:
        return self.server.feedserver

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when the server is stopping."""
        return self.server.feedserver._stopping.wait(seconds)

    def reply(
        self,
        status: int = 200,
        body: bytes | str = b"",
        headers: Mapping[str, str] | None = None,
        *,
        content_type: str | None = None,
    ) -> None:
        """Send a complete response with a Content-Length."""
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status >= 200 and status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.write_body(data)

    def write_body(self, data: bytes | Iterable[bytes]) -> None:
        """Write a body (bytes or chunks), skipped for HEAD requests."""
        if self.command == "HEAD":
            return
        if isinstance(data, bytes):
            self.wfile.write(data)
            return
        for chunk in data:
            if self.server.feedserver._stopping.is_set():
                self.close_connection = True
                return
            self.wfile.write(chunk)

    # -- plumbing -----------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.server.feedserver._track(self.connection, add=True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.feedserver._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def send_response(self, code: int, message: str | None = None) -> None:
        record = getattr(self, "_record", None)
        if record is not None:
            record.status = code
        self._sent_headers = True
        super().send_response(code, message)

    def _dispatch(self) -> None:
        fs = self.server.feedserver
        self._sent_headers = False
        self._record = Request(
            self.command,
            self.path,
            {name.lower(): value for name, value in self.headers.items()},
        )
        fs._begin(self._record)
        try:
            length = self.headers.get("Content-Length", "")
            if length.isdigit():
                self.rfile.read(int(length))  # drain a request body
            route = fs._find(self.path)
            if route is None:
                self.reply(404, b"not found", content_type="text/plain")
            else:
                route(self)
        except OSError:
            self.close_connection = True  # the client went away, or we stop
        except Exception as exc:  # noqa: BLE001 - a broken route: report it
            fs._error(exc)
            self.close_connection = True
            if not self._sent_headers:
                with contextlib.suppress(OSError):
                    self.reply(500, f"route failed: {exc!r}", {"Connection": "close"})
        finally:
            fs._end()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 512  # many fetches connect at once

    def __init__(self, address: tuple[str, int], feedserver: FeedServer) -> None:
        self.feedserver = feedserver
        super().__init__(address, RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn): skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError) or exc is None:
            return  # disconnects and resets are part of the job
        self.feedserver._error(exc)


Route = Callable[[RequestHandler], None]


class FeedServer:
    """A threaded HTTP server on 127.0.0.1 with a random port (see module doc).

    It starts when created; use it as a context manager (or call `stop()`).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.errors: list[BaseException] = []
        self._routes: dict[str, Route] = {}
        self._prefixes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._log: list[Request] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.start()

    # -- lifecycle ----------------------------------------------------------

    def start(self) -> None:
        """Start serving (again), on the previous port when it is free."""
        if self._server is not None:
            return
        try:
            server = _Server((self.host, self.port), self)
        except OSError:
            server = _Server((self.host, 0), self)
        self.port = int(server.server_address[1])
        self._stopping.clear()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FeedServer:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving: new connections are refused, open ones are cut."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join()

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> FeedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses ----------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        if not path.startswith("/"):
            path = "/" + path
        return self.base_url + path

    # -- routes -------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = RSS_TYPE,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        etag: str | None = "auto",
        last_modified: str | None = None,
        gzip: bool = False,
        delay: float = 0.0,
    ) -> str | None:
        """Serve `body` at `path`; returns the ETag in use (None without one).

        etag="auto" derives a strong ETag from the body (so replacing the body
        changes it); a string is used as is; None sends none.  A matching
        If-None-Match gets a 304, and so does an If-Modified-Since equal to or
        later than `last_modified` (an HTTP date) when no If-None-Match came.
        gzip=True compresses the body for clients that accept gzip.
        `delay` seconds pass before the headers are sent.
        """
        data = body.encode() if isinstance(body, str) else body
        tag = etag
        if etag == "auto":
            tag = '"' + hashlib.sha256(data).hexdigest()[:24] + '"'
        compressed = gzip_module.compress(data, mtime=0) if gzip else None
        extra = dict(headers or {})

        def serve(h: RequestHandler) -> None:
            if delay and h.wait(delay):
                h.close_connection = True
                return
            common = dict(extra)
            if tag:
                common["ETag"] = tag
            if last_modified:
                common["Last-Modified"] = last_modified
            if status == 200 and _not_modified(h, tag, last_modified):
                h.reply(304, b"", common)
                return
            payload = data
            if compressed is not None:
                common.setdefault("Vary", "Accept-Encoding")
                if "gzip" in h.headers.get("Accept-Encoding", "").lower():
                    common["Content-Encoding"] = "gzip"
                    payload = compressed
            h.reply(status, payload, common, content_type=content_type)

        self._set(path, serve)
        return tag

    def redirect(self, path: str, to: str, status: int = 301) -> None:
        """Answer `status` with `Location: to` (sent verbatim: may be relative)."""
        self._set(path, lambda h: h.reply(status, b"", {"Location": to}))

    def status(
        self,
        path: str,
        code: int,
        headers: Mapping[str, str] | None = None,
        body: bytes | str = b"",
    ) -> None:
        """Answer `code` (e.g. 404, 410, 429 with a Retry-After) with `body`."""
        extra = dict(headers or {})
        self._set(
            path,
            lambda h: h.reply(code, body, extra, content_type="text/plain"),
        )

    def slow(
        self,
        path: str,
        body: bytes | str,
        bytes_per_second: float = 1,
        *,
        content_type: str = RSS_TYPE,
    ) -> None:
        """Send the headers at once, then trickle `body` at the given rate."""
        data = body.encode() if isinstance(body, str) else body
        # At most ten writes a second; one byte at a time below 10 B/s.
        step = max(1, int(bytes_per_second / 10))
        pause = step / bytes_per_second

        def serve(h: RequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            if h.command == "HEAD":
                return
            for start in range(0, len(data), step):
                h.wfile.write(data[start : start + step])
                if start + step < len(data) and h.wait(pause):
                    h.close_connection = True
                    return

        self._set(path, serve)

    def huge(
        self,
        path: str,
        size: int | None = None,
        *,
        content_length: bool = False,
        content_type: str = RSS_TYPE,
        fill: bytes = b"x",
    ) -> None:
        """Stream a generated body of `size` bytes, or an endless one (None).

        Without `content_length` the body ends when the connection closes, so
        only reading it can tell its size; with it, Content-Length is sent.
        Nothing is held in memory but one 64 KiB block.
        """
        block = (fill * (_CHUNK // len(fill) + 1))[:_CHUNK]

        def chunks() -> Iterator[bytes]:
            left = size
            while left is None or left > 0:
                piece = block if left is None or left >= _CHUNK else block[:left]
                if left is not None:
                    left -= len(piece)
                yield piece

        def serve(h: RequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", content_type)
            if content_length and size is not None:
                h.send_header("Content-Length", str(size))
            else:
                h.send_header("Connection", "close")
                h.close_connection = True
            h.end_headers()
            h.write_body(chunks())

        self._set(path, serve)

    def gzip_bomb(
        self,
        path: str,
        decoded_size: int,
        *,
        content_type: str = RSS_TYPE,
    ) -> int:
        """Serve `decoded_size` zero bytes gzip-compressed (~1000:1), whatever
        the client accepts; returns the compressed size (the Content-Length).

        The stream is assembled from one precomputed deflate segment per MiB,
        so a 1 GB bomb costs next to nothing to build; its CRC is only
        computed if a client ever reads it to the end.
        """
        length, stream = _zero_bomb(decoded_size)

        def serve(h: RequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Encoding", "gzip")
            h.send_header("Content-Length", str(length))
            h.end_headers()
            h.write_body(stream())

        self._set(path, serve)
        return length

    def handler(self, path: str, fn: Callable[[RequestHandler], None]) -> None:
        """Route `path` to `fn(handler)` (see RequestHandler for the rules)."""
        self._set(path, fn)

    def prefix(self, prefix: str, fn: Callable[[RequestHandler], None]) -> None:
        """Route every path under `prefix` without an exact route to `fn`
        (the longest matching prefix wins); `h.path` tells which was asked."""
        with self._lock:
            self._prefixes[prefix] = fn

    def remove(self, path: str) -> None:
        """Stop serving `path` (it answers 404 again)."""
        with self._lock:
            self._routes.pop(path, None)

    # -- request log --------------------------------------------------------

    @property
    def requests(self) -> list[Request]:
        """A snapshot of the requests received so far, oldest first."""
        with self._lock:
            return list(self._log)

    def count(self, path: str) -> int:
        """How many requests targeted `path` (with or without a query)."""
        with self._lock:
            return sum(1 for r in self._log if r.path == path or r.path.split("?")[0] == path)

    def clear_log(self) -> None:
        """Forget the logged requests and reset `max_in_flight`."""
        with self._lock:
            self._log.clear()
            self._max_in_flight = self._in_flight

    @property
    def in_flight(self) -> int:
        """Requests being handled right now."""
        return self._in_flight

    @property
    def max_in_flight(self) -> int:
        """The most requests handled at once since start (or `clear_log()`)."""
        return self._max_in_flight

    # -- internals (called by the handler threads) --------------------------

    def _set(self, path: str, route: Route) -> None:
        with self._lock:
            self._routes[path] = route

    def _find(self, target: str) -> Route | None:
        with self._lock:
            route = self._routes.get(target)
            if route is None:
                route = self._routes.get(target.split("?")[0])
            if route is None and self._prefixes:
                matches = [p for p in self._prefixes if target.startswith(p)]
                if matches:
                    route = self._prefixes[max(matches, key=len)]
            return route

    def _begin(self, record: Request) -> None:
        with self._lock:
            self._log.append(record)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _error(self, exc: BaseException) -> None:
        with self._lock:
            self.errors.append(exc)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)


def _not_modified(h: RequestHandler, tag: str | None, last_modified: str | None) -> bool:
    """Whether the request's validators match (RFC 9110 precedence)."""
    if_none_match = h.headers.get("If-None-Match")
    if if_none_match is not None:
        if not tag:
            return False
        wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in wanted or tag.removeprefix("W/") in wanted
    since = h.headers.get("If-Modified-Since")
    if since and last_modified:
        try:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            return False
    return False


# -- gzip bomb ----------------------------------------------------------------

_MIB = 1 << 20
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, mtime 0


@functools.cache
def _zero_segments() -> tuple[bytes, bytes, Any]:
    """Raw deflate of one MiB of zeros, ending on a full flush.

    After a full flush nothing refers back past it, so the "again" segment can
    be repeated any number of times.  Returns (first, again, compressor state
    to finish from).
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zeros = bytes(_MIB)
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    return first, again, comp.copy()


@functools.cache
def _zero_crc(size: int) -> int:
    crc = 0
    zeros = bytes(_MIB)
    for _ in range(size // _MIB):
        crc = zlib.crc32(zeros, crc)
    return zlib.crc32(bytes(size % _MIB), crc)


def _zero_bomb(size: int) -> tuple[int, Callable[[], Iterator[bytes]]]:
    """(compressed length, chunk generator factory) for `size` gzipped zeros."""
    first, again, state = _zero_segments()
    blocks = size // _MIB
    finisher = state.copy()
    tail = finisher.compress(bytes(size % _MIB)) + finisher.flush(zlib.Z_FINISH)
    middle = max(blocks - 1, 0)
    length = len(_GZIP_HEADER) + (len(first) if blocks else 0) + middle * len(again) + len(tail) + 8
    per_batch = max(1, _CHUNK // len(again))
    batch = again * per_batch

    def stream() -> Iterator[bytes]:
        yield _GZIP_HEADER + (first if blocks else b"")
        full, rest = divmod(middle, per_batch)
        for _ in range(full):
            yield batch
        yield again * rest + tail
        yield struct.pack("<II", _zero_crc(size), size & 0xFFFFFFFF)

    return length, stream
