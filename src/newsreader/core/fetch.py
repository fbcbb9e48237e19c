"""HTTP fetching of feeds and pages: bounded, polite and thread-safe.

One `Fetcher` is shared by the sync workers (a ThreadPoolExecutor of ~8
threads).  Each thread gets its own `requests.Session` (sessions are not
thread-safe); the Fetcher tracks them so `close()` closes them all.

Every fetch is bounded:

* a total `deadline` for the whole fetch, redirects and body included.  Each
  socket operation is capped by what is left of it, the deadline is checked
  between body chunks, and a timer shuts the socket down when it expires, so a
  server trickling one byte per second fails after `deadline` seconds rather
  than after `read_timeout` per byte (time spent queueing for a per-host slot
  is not counted);
* `max_bytes` on the *decoded* body, read in 64 KiB chunks that urllib3 (2.6+)
  decompresses incrementally, so a gzip bomb or an endless body stops at the
  cap without memory growing past it;
* `max_redirects`, followed by hand so that permanent moves (301/308 all the
  way) can be reported as `permanent_url`;
* `per_host` concurrent requests to one host:port, held for the whole request.

Only http and https are fetched; anything else is refused before any I/O.
Environment proxies and .netrc are ignored (`trust_env = False`).
Errors come out as `FetchError` with a message meant for the user.
"""

from __future__ import annotations

import contextlib
import http
import http.client
import importlib.util
import io
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions

from newsreader import __version__
from newsreader.core.errors import FetchError
from newsreader.core.sync_types import FetchedBody

__all__ = [
    "ACCEPT_ENCODING",
    "FEED_ACCEPT",
    "PAGE_ACCEPT",
    "USER_AGENT",
    "FetchLimits",
    "Fetcher",
    "NotModified",
    "parse_retry_after",
]

USER_AGENT = (
    f"Newsreader/{__version__} (+https://github.com/newsreader/newsreader; desktop feed reader)"
)

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8"


def _accept_encoding() -> str:
    # urllib3 decodes brotli when either of these is importable; advertise
    # only what it can decode.
    brotli = any(importlib.util.find_spec(name) is not None for name in ("brotli", "brotlicffi"))
    return "gzip, deflate, br" if brotli else "gzip, deflate"


ACCEPT_ENCODING = _accept_encoding()

_CHUNK = 64 * 1024
_ALLOWED_SCHEMES = ("http", "https")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_THROTTLED = frozenset({429, 503})
_BODY_ERRORS = (urllib3.exceptions.HTTPError, OSError, http.client.HTTPException)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Bounds on one fetch (see the module docstring)."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 30.0  # total seconds for one fetch, body included
    max_bytes: int = 20 * 1024 * 1024  # cap on the decoded body
    max_redirects: int = 5
    per_host: int = 2  # at most N concurrent requests per host:port


@dataclass(frozen=True, slots=True)
class NotModified:
    """The server answered 304: the cached copy is still current.

    `etag`/`last_modified` are the validators to keep (from the 304's headers
    when it sent them, else the ones the request carried).
    """

    etag: str = ""
    last_modified: str = ""
    permanent_url: str = ""  # set when a 301/308 chain moved the feed for good


class Fetcher:
    """Thread-safe HTTP fetcher; share one instance between worker threads."""

    def __init__(self, limits: FetchLimits = FetchLimits()) -> None:
        self.limits = limits
        self._local = threading.local()
        self._lock = threading.Lock()
        self._sessions: list[requests.Session] = []
        self._generation = 0  # bumped by close(): thread-local sessions go stale
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}

    # -- public -------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        accept: str = FEED_ACCEPT,
    ) -> FetchedBody | NotModified:
        """GET `url`, following redirects; raise FetchError on any failure."""
        url = url.strip()
        _check_url(url)
        session = self._session()
        # Cookies live for one fetch only (enough for sites that set a cookie
        # and redirect), never leaking from one feed to the next.
        session.cookies.clear()

        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        budget = self.limits.deadline
        permanent = True
        for hop in range(self.limits.max_redirects + 1):
            if budget <= 0:
                raise FetchError(_timed_out(self.limits.deadline))
            with self._slot(url):
                started = time.monotonic()
                try:
                    outcome = self._hop(session, url, headers, started + budget)
                finally:
                    budget -= time.monotonic() - started
            if isinstance(outcome, _Redirect):
                permanent = permanent and outcome.status in _PERMANENT
                url = outcome.location
                continue
            moved = outcome.url if hop > 0 and permanent else ""
            if isinstance(outcome, _NotModifiedAt):
                return NotModified(
                    etag=outcome.etag or etag,
                    last_modified=outcome.last_modified or last_modified,
                    permanent_url=moved,
                )
            return FetchedBody(
                url=outcome.url,
                content=outcome.content,
                headers=outcome.headers,
                etag=outcome.headers.get("etag", ""),
                last_modified=outcome.headers.get("last-modified", ""),
                permanent_url=moved,
            )
        raise FetchError("Too many redirects (redirect loop?)")

    def close(self) -> None:
        """Close every session (all threads).  The Fetcher stays usable."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
            self._generation += 1
        for session in sessions:
            session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------

    def _session(self) -> requests.Session:
        local = self._local
        if getattr(local, "generation", -1) == self._generation:
            session: requests.Session = local.session
            return session
        session = requests.Session()
        session.trust_env = False  # no env proxies / .netrc; tests stay local
        session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING})
        with self._lock:
            self._sessions.append(session)
            local.generation = self._generation
        local.session = session
        return session

    def _slot(self, url: str) -> threading.BoundedSemaphore:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        key = f"{(parts.hostname or '').lower()}:{port}"
        with self._lock:
            slot = self._host_slots.get(key)
            if slot is None:
                slot = threading.BoundedSemaphore(max(1, self.limits.per_host))
                self._host_slots[key] = slot
            return slot

    def _hop(
        self,
        session: requests.Session,
        url: str,
        headers: dict[str, str],
        deadline: float,
    ) -> _Redirect | _NotModifiedAt | _Body:
        """One request/response, with the per-host slot held by the caller."""
        limits = self.limits
        remaining = max(deadline - time.monotonic(), 0.001)
        connect_t = min(limits.connect_timeout, remaining)
        read_t = min(limits.read_timeout, remaining)
        host = urlsplit(url).hostname or url
        try:
            resp = session.get(
                url,
                headers=headers,
                timeout=(connect_t, read_t),
                stream=True,
                allow_redirects=False,
            )
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            raise _network_error(exc, host, limits, connect_t, read_t) from exc
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise _network_error(exc, host, limits, connect_t, read_t) from exc

        with resp:
            status = resp.status_code
            if status in _REDIRECTS:
                return _Redirect(status, _redirect_target(resp, url))
            if status == 304:
                return _NotModifiedAt(
                    url=resp.url,
                    etag=resp.headers.get("ETag", ""),
                    last_modified=resp.headers.get("Last-Modified", ""),
                )
            if 200 <= status < 300:
                content = self._read_body(resp, host, deadline)
                lowered = {k.lower(): v for k, v in resp.headers.items()}
                return _Body(url=resp.url, content=content, headers=lowered)
            raise _status_error(resp)

    def _read_body(self, resp: requests.Response, host: str, deadline: float) -> bytes:
        limits = self.limits
        too_large = FetchError(f"The response is larger than {_size(limits.max_bytes)}; giving up")
        encoding = resp.headers.get("Content-Encoding", "").strip().lower()
        declared = resp.headers.get("Content-Length", "").strip()
        identity = encoding in ("", "identity")
        if identity and declared.isdigit() and int(declared) > limits.max_bytes:
            raise too_large

        raw = resp.raw
        alarm = _Alarm(raw)
        timer = threading.Timer(max(deadline - time.monotonic(), 0.0), alarm.fire)
        timer.daemon = True
        timer.start()
        buffer = io.BytesIO()
        size = 0
        try:
            chunks: Iterator[bytes] = raw.stream(_CHUNK, decode_content=True)
            for chunk in chunks:
                size += len(chunk)
                if size > limits.max_bytes:
                    raise too_large
                buffer.write(chunk)
                if time.monotonic() >= deadline:
                    alarm.fired = True
                    break
        except _BODY_ERRORS as exc:
            if alarm.fired:
                raise FetchError(_timed_out(limits.deadline)) from exc
            raise _body_error(exc, host, limits) from exc
        finally:
            alarm.disarm()
            timer.cancel()
        if alarm.fired:
            raise FetchError(_timed_out(limits.deadline))
        return buffer.getvalue()


# -- hop outcomes -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Redirect:
    status: int
    location: str


@dataclass(frozen=True, slots=True)
class _NotModifiedAt:
    url: str
    etag: str
    last_modified: str


@dataclass(frozen=True, slots=True)
class _Body:
    url: str
    content: bytes
    headers: dict[str, str]


class _Alarm:
    """Shuts a response's socket down when the deadline timer fires.

    The lock makes `fire` and `disarm` mutually exclusive, so a late timer can
    never touch the connection once the reader is done with it.
    """

    def __init__(self, raw: urllib3.HTTPResponse) -> None:
        self._raw = raw
        self._lock = threading.Lock()
        self._armed = True
        self.fired = False

    def fire(self) -> None:
        with self._lock:
            if not self._armed:
                return
            self.fired = True
            # Already released or closed: nothing left to interrupt.
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                self._raw.shutdown()  # the blocked read returns at once

    def disarm(self) -> None:
        with self._lock:
            self._armed = False


# -- URL checks ---------------------------------------------------------------


def _check_url(url: str) -> None:
    """Refuse, before any I/O, what is not a fetchable http(s) URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme:
        raise FetchError(f"Invalid URL {url!r}: it must start with http:// or https://")
    if scheme not in _ALLOWED_SCHEMES:
        raise FetchError(
            f"Unsupported URL scheme {scheme!r}: only http and https feeds can be fetched"
        )
    if not parts.hostname:
        raise FetchError(f"Invalid URL {url!r}: it has no host name")
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise FetchError(f"Invalid URL {url!r}: bad port number") from None


def _redirect_target(resp: requests.Response, url: str) -> str:
    location = resp.headers.get("Location", "").strip()
    if not location:
        raise FetchError(
            f"HTTP {resp.status_code} redirect without a Location header",
            http_status=resp.status_code,
        )
    # http.client decodes headers as latin-1; servers send UTF-8.
    with contextlib.suppress(UnicodeError):
        location = location.encode("latin-1").decode("utf-8")
    target = urljoin(url, location)
    scheme = urlsplit(target).scheme.lower()
    if scheme not in _ALLOWED_SCHEMES:
        raise FetchError(
            f"Redirected to unsupported URL scheme {scheme!r}: "
            "only http and https feeds can be fetched",
            http_status=resp.status_code,
        )
    _check_url(target)
    return target


# -- error messages -----------------------------------------------------------


def _status_error(resp: requests.Response) -> FetchError:
    status = resp.status_code
    if status == 410:
        return FetchError(
            "The feed is gone (HTTP 410); it will not be checked again",
            http_status=410,
            gone=True,
        )
    retry_after = None
    if status in _THROTTLED:
        retry_after = parse_retry_after(resp.headers.get("Retry-After", ""))
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = (resp.reason or "").strip()[:60]
    message = f"HTTP {status} {phrase}".rstrip()
    return FetchError(message, http_status=status, retry_after=retry_after)


def parse_retry_after(value: str, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP date)."""
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if seconds == seconds else None  # NaN
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max((when - now).total_seconds(), 0.0)


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and everything it wraps (reason, cause, context, args), outer first."""
    seen: set[int] = set()
    found: list[BaseException] = []
    queue = [exc]
    while queue:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        linked = (
            getattr(current, "reason", None),
            current.__cause__,
            current.__context__,
            *current.args,
        )
        queue.extend(e for e in linked if isinstance(e, BaseException))
    return found


def _timed_out(seconds: float) -> str:
    return f"Timed out after {seconds:g} s"


def _network_error(
    exc: BaseException,
    host: str,
    limits: FetchLimits,
    connect_t: float,
    read_t: float,
) -> FetchError:
    """A readable FetchError for a failure before the response headers."""
    chain = _causes(exc)

    def has(*kinds: type[BaseException]) -> bool:
        return any(isinstance(e, kinds) for e in chain)

    if has(
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
        urllib3.exceptions.LocationParseError,
        http.client.InvalidURL,
    ):
        return FetchError(f"Invalid URL: {exc}")
    # urllib3's NewConnectionError (refused, DNS, ...) subclasses
    # ConnectTimeoutError for compatibility: it is no timeout.
    connect_timeout = any(
        isinstance(e, requests.exceptions.ConnectTimeout)
        or (
            isinstance(e, urllib3.exceptions.ConnectTimeoutError)
            and not isinstance(e, urllib3.exceptions.NewConnectionError)
        )
        for e in chain
    )
    if connect_timeout:
        hit_deadline = connect_t < limits.connect_timeout
        return FetchError(_timed_out(limits.deadline if hit_deadline else limits.connect_timeout))
    if has(
        requests.exceptions.Timeout,
        urllib3.exceptions.ReadTimeoutError,
        TimeoutError,
    ):
        hit_deadline = read_t < limits.read_timeout
        return FetchError(_timed_out(limits.deadline if hit_deadline else limits.read_timeout))
    return _common_error(chain, host, exc)


def _body_error(exc: BaseException, host: str, limits: FetchLimits) -> FetchError:
    """A readable FetchError for a failure while reading the body."""
    chain = _causes(exc)
    if any(isinstance(e, urllib3.exceptions.ReadTimeoutError | TimeoutError) for e in chain):
        return FetchError(_timed_out(limits.read_timeout))
    if any(isinstance(e, urllib3.exceptions.DecodeError) for e in chain):
        return FetchError("The server sent a corrupt compressed response")
    if any(
        isinstance(e, http.client.IncompleteRead | urllib3.exceptions.ProtocolError) for e in chain
    ) and not any(isinstance(e, ConnectionResetError) for e in chain):
        return FetchError("The connection was cut off during the download")
    return _common_error(chain, host, exc)


def _common_error(chain: list[BaseException], host: str, exc: BaseException) -> FetchError:
    def first(kind: type[BaseException]) -> BaseException | None:
        return next((e for e in chain if isinstance(e, kind)), None)

    if first(urllib3.exceptions.NameResolutionError) or first(socket.gaierror):
        return FetchError(f"Server not found: could not resolve {host!r}")
    if first(ConnectionRefusedError):
        return FetchError("Connection refused")
    cert = first(ssl.SSLCertVerificationError)
    if isinstance(cert, ssl.SSLCertVerificationError):
        detail = cert.verify_message or "certificate verify failed"
        return FetchError(f"The certificate of {host} is not trusted ({detail})")
    tls = first(ssl.SSLError)
    if isinstance(tls, ssl.SSLError):
        return FetchError(f"Secure connection to {host} failed ({tls.reason or tls})")
    if first(requests.exceptions.SSLError) or first(urllib3.exceptions.SSLError):
        return FetchError(f"Secure connection to {host} failed")
    if first(ConnectionResetError):
        return FetchError("Connection reset by the server")
    if first(http.client.RemoteDisconnected):
        return FetchError("The server closed the connection without answering")
    os_error = next((e for e in chain if isinstance(e, OSError) and e.strerror), None)
    if isinstance(os_error, OSError):
        return FetchError(f"Network error: {os_error.strerror}")
    innermost = chain[-1] if chain else exc
    return FetchError(f"Network error: {innermost}")


def _size(n: int) -> str:
    """20971520 -> '20 MB', 1536 -> '1.5 KB'."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"
