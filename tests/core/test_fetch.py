"""Fetcher against a real HTTP server on 127.0.0.1: no mocks."""

from __future__ import annotations

import gc
import socket
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from newsreader import __version__
from newsreader.core.errors import FetchError
from newsreader.core.fetch import (
    FEED_ACCEPT,
    PAGE_ACCEPT,
    USER_AGENT,
    Fetcher,
    FetchLimits,
    NotModified,
    parse_retry_after,
)
from newsreader.core.sync_types import FetchedBody

# tests/ holds the shared FeedServer; a tests/conftest.py puts it on sys.path
# too, this keeps the module importable on its own.
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from feedserver import FeedServer, RequestHandler  # noqa: E402

RSS = (
    '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
    "<title>Test</title><item><title>Hello 世界</title></item></channel></rss>\n"
).encode()
MB = 1024 * 1024


@pytest.fixture
def srv() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
    assert server.errors == []


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    f = Fetcher(FetchLimits(connect_timeout=3, read_timeout=3, deadline=5))
    yield f
    f.close()


def fetch_error(fetcher: Fetcher, url: str, **kwargs: str) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url, **kwargs)
    return info.value


def body(result: FetchedBody | NotModified) -> FetchedBody:
    assert isinstance(result, FetchedBody)
    return result


# -- request headers ----------------------------------------------------------


def test_user_agent_accept_and_encoding_are_sent(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.add("/feed", RSS)
    fetcher.fetch(srv.url("/feed"))
    fetcher.fetch(srv.url("/feed"), accept=PAGE_ACCEPT)
    first, second = srv.requests
    assert first.headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith(f"Newsreader/{__version__} (+https://")
    assert first.headers["accept"] == FEED_ACCEPT
    assert second.headers["accept"] == PAGE_ACCEPT
    assert "gzip" in first.headers["accept-encoding"]
    assert "if-none-match" not in first.headers
    assert "if-modified-since" not in first.headers


# -- 200 ----------------------------------------------------------------------


def test_200_with_gzip_is_decoded(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.add("/feed", RSS * 50, gzip=True, headers={"X-Custom": "Yes"})
    result = body(fetcher.fetch(srv.url("/feed")))
    assert result.content == RSS * 50
    assert result.url == srv.url("/feed")
    assert result.headers["content-encoding"] == "gzip"
    assert result.headers["x-custom"] == "Yes"
    assert all(name == name.lower() for name in result.headers)
    assert result.etag.startswith('"')
    assert result.etag == result.headers["etag"]
    assert result.permanent_url == ""
    assert srv.requests[0].status == 200


def test_etag_gives_304_then_a_new_body_gives_200(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.add("/feed", RSS)
    first = body(fetcher.fetch(srv.url("/feed")))
    second = fetcher.fetch(srv.url("/feed"), etag=first.etag)
    assert second == NotModified(etag=first.etag)
    assert srv.requests[1].headers["if-none-match"] == first.etag
    assert srv.requests[1].status == 304

    srv.add("/feed", RSS + b"<!-- changed -->")
    third = body(fetcher.fetch(srv.url("/feed"), etag=first.etag))
    assert third.content.endswith(b"<!-- changed -->")
    assert third.etag not in ("", first.etag)


def test_last_modified_gives_304(srv: FeedServer, fetcher: Fetcher) -> None:
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"
    srv.add("/feed", RSS, etag=None, last_modified=stamp)
    first = body(fetcher.fetch(srv.url("/feed")))
    assert (first.etag, first.last_modified) == ("", stamp)
    second = fetcher.fetch(srv.url("/feed"), last_modified=stamp)
    assert second == NotModified(last_modified=stamp)
    assert srv.requests[1].headers["if-modified-since"] == stamp
    older = "Tue, 20 Oct 2015 07:28:00 GMT"
    assert isinstance(fetcher.fetch(srv.url("/feed"), last_modified=older), FetchedBody)


def test_304_without_validators_carries_the_old_ones_forward(
    srv: FeedServer, fetcher: Fetcher
) -> None:
    srv.status("/feed", 304)
    result = fetcher.fetch(srv.url("/feed"), etag='"v1"', last_modified="yesterday")
    assert result == NotModified(etag='"v1"', last_modified="yesterday")


# -- redirects ----------------------------------------------------------------


def test_permanent_redirect_chain_sets_permanent_url(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.add("/new", RSS)
    srv.redirect("/old", "/middle", status=301)  # relative Location
    srv.redirect("/middle", srv.url("/new"), status=308)
    result = body(fetcher.fetch(srv.url("/old")))
    assert result.content == RSS
    assert result.url == srv.url("/new")
    assert result.permanent_url == srv.url("/new")
    assert [r.path for r in srv.requests] == ["/old", "/middle", "/new"]


def test_relative_location_without_slash_is_resolved(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.add("/dir/feed.xml", RSS)
    srv.redirect("/dir/old", "feed.xml")
    assert body(fetcher.fetch(srv.url("/dir/old"))).url == srv.url("/dir/feed.xml")


@pytest.mark.parametrize("chain", [[302], [307], [301, 302], [302, 301], [303]])
def test_temporary_redirect_anywhere_means_no_permanent_url(
    srv: FeedServer, fetcher: Fetcher, chain: list[int]
) -> None:
    srv.add("/final", RSS)
    for hop, status in enumerate(chain):
        target = f"/hop{hop + 1}" if hop + 1 < len(chain) else "/final"
        srv.redirect(f"/hop{hop}", target, status=status)
    result = body(fetcher.fetch(srv.url("/hop0")))
    assert result.url == srv.url("/final")
    assert result.permanent_url == ""


def test_permanent_redirect_then_304(srv: FeedServer, fetcher: Fetcher) -> None:
    tag = srv.add("/new", RSS)
    assert tag is not None
    srv.redirect("/old", "/new", status=301)
    result = fetcher.fetch(srv.url("/old"), etag=tag)
    assert result == NotModified(etag=tag, permanent_url=srv.url("/new"))


def test_redirect_loop_fails_quickly(srv: FeedServer) -> None:
    srv.redirect("/loop", "/loop", status=302)
    with Fetcher(FetchLimits(max_redirects=5)) as fetcher:
        started = time.monotonic()
        error = fetch_error(fetcher, srv.url("/loop"))
        assert time.monotonic() - started < 2
    assert str(error) == "Too many redirects (redirect loop?)"
    assert srv.count("/loop") == 6  # the first request and five redirects


def test_max_redirects_are_followed(srv: FeedServer) -> None:
    srv.add("/end", RSS)
    for i in range(3):
        srv.redirect(f"/r{i}", f"/r{i + 1}" if i < 2 else "/end")
    with Fetcher(FetchLimits(max_redirects=3)) as fetcher:
        assert body(fetcher.fetch(srv.url("/r0"))).content == RSS
    with Fetcher(FetchLimits(max_redirects=2)) as fetcher:
        assert "Too many redirects" in str(fetch_error(fetcher, srv.url("/r0")))


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/feed", "data:,hi"])
def test_redirect_to_another_scheme_is_refused(
    srv: FeedServer, fetcher: Fetcher, location: str
) -> None:
    srv.redirect("/feed", location, status=302)
    error = fetch_error(fetcher, srv.url("/feed"))
    assert "only http and https feeds can be fetched" in str(error)


def test_redirect_without_location_is_an_error(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.status("/feed", 301)
    error = fetch_error(fetcher, srv.url("/feed"))
    assert "without a Location" in str(error)
    assert error.http_status == 301


# -- error statuses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (404, "HTTP 404 Not Found"),
        (500, "HTTP 500 Internal Server Error"),
        (403, "HTTP 403 Forbidden"),
        (502, "HTTP 502 Bad Gateway"),
    ],
)
def test_http_errors(srv: FeedServer, fetcher: Fetcher, code: int, message: str) -> None:
    srv.status("/feed", code, body=b"<html>oops</html>")
    error = fetch_error(fetcher, srv.url("/feed"))
    assert str(error) == message
    assert error.http_status == code
    assert error.retry_after is None
    assert not error.gone


def test_unknown_path_is_404(srv: FeedServer, fetcher: Fetcher) -> None:
    assert fetch_error(fetcher, srv.url("/nothing")).http_status == 404


def test_410_means_gone(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.status("/feed", 410)
    error = fetch_error(fetcher, srv.url("/feed"))
    assert error.gone
    assert error.http_status == 410
    assert str(error) == "The feed is gone (HTTP 410); it will not be checked again"


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_seconds(srv: FeedServer, fetcher: Fetcher, code: int) -> None:
    srv.status("/feed", code, headers={"Retry-After": "120"})
    error = fetch_error(fetcher, srv.url("/feed"))
    assert error.http_status == code
    assert error.retry_after == 120
    assert str(error).startswith(f"HTTP {code} ")
    assert not error.gone


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_http_date(srv: FeedServer, fetcher: Fetcher, code: int) -> None:
    when = datetime.now(UTC) + timedelta(seconds=300)
    srv.status("/feed", code, headers={"Retry-After": format_datetime(when, True)})
    error = fetch_error(fetcher, srv.url("/feed"))
    assert error.retry_after is not None
    assert 290 <= error.retry_after <= 300


def test_throttled_without_retry_after(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.status("/feed", 503)
    error = fetch_error(fetcher, srv.url("/feed"))
    assert (str(error), error.retry_after) == ("HTTP 503 Service Unavailable", None)


def test_parse_retry_after() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_retry_after("0") == 0
    assert parse_retry_after(" 3600 ") == 3600
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Mon, 01 Jan 2024 00:02:00 GMT", now=now) == 120
    assert parse_retry_after("Sun, 31 Dec 2023 00:00:00 GMT", now=now) == 0


# -- deadline and timeouts ----------------------------------------------------


def test_trickling_server_is_stopped_by_the_deadline(srv: FeedServer) -> None:
    srv.slow("/feed", RSS, bytes_per_second=1)
    with Fetcher(FetchLimits(read_timeout=10, deadline=2)) as fetcher:
        started = time.monotonic()
        error = fetch_error(fetcher, srv.url("/feed"))
        elapsed = time.monotonic() - started
    assert str(error) == "Timed out after 2 s"
    assert error.http_status == 0
    assert 1.9 <= elapsed < 4


def test_deadline_holds_when_headers_never_arrive(srv: FeedServer) -> None:
    srv.add("/feed", RSS, delay=30)
    with Fetcher(FetchLimits(read_timeout=20, deadline=1.5)) as fetcher:
        started = time.monotonic()
        error = fetch_error(fetcher, srv.url("/feed"))
        elapsed = time.monotonic() - started
    assert str(error) == "Timed out after 1.5 s"
    assert elapsed < 3.5


def test_read_timeout_when_headers_never_arrive(srv: FeedServer) -> None:
    srv.add("/feed", RSS, delay=30)
    with Fetcher(FetchLimits(read_timeout=1, deadline=30)) as fetcher:
        started = time.monotonic()
        error = fetch_error(fetcher, srv.url("/feed"))
        elapsed = time.monotonic() - started
    assert str(error) == "Timed out after 1 s"
    assert elapsed < 3


# -- size caps ----------------------------------------------------------------


def test_endless_body_stops_at_the_cap(srv: FeedServer) -> None:
    srv.huge("/feed")  # no Content-Length: only reading can tell
    with Fetcher(FetchLimits(max_bytes=1 * MB)) as fetcher:
        error = fetch_error(fetcher, srv.url("/feed"))
    assert str(error) == "The response is larger than 1 MB; giving up"


def test_declared_oversized_body_is_refused_before_reading(srv: FeedServer) -> None:
    srv.huge("/feed", 50 * MB, content_length=True)
    with Fetcher(FetchLimits(max_bytes=2 * MB)) as fetcher:
        error = fetch_error(fetcher, srv.url("/feed"))
    assert str(error) == "The response is larger than 2 MB; giving up"


def test_default_cap_message(srv: FeedServer) -> None:
    srv.huge("/feed", 21 * MB, content_length=True)
    with Fetcher() as fetcher:
        error = fetch_error(fetcher, srv.url("/feed"))
    assert str(error) == "The response is larger than 20 MB; giving up"


def test_body_exactly_at_the_cap_is_fine(srv: FeedServer) -> None:
    srv.huge("/feed", 256 * 1024)
    with Fetcher(FetchLimits(max_bytes=256 * 1024)) as fetcher:
        assert len(body(fetcher.fetch(srv.url("/feed"))).content) == 256 * 1024


def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(srv: FeedServer) -> None:
    compressed = srv.gzip_bomb("/bomb", 1 << 30)  # 1 GB of zeros
    assert compressed < 2 * MB
    cap = 2 * MB
    with Fetcher(FetchLimits(max_bytes=cap)) as fetcher:
        srv.add("/warm-up", RSS)
        fetcher.fetch(srv.url("/warm-up"))  # session and pool exist already
        gc.collect()
        tracemalloc.start()
        try:
            error = fetch_error(fetcher, srv.url("/bomb"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert str(error) == "The response is larger than 2 MB; giving up"
    assert peak < 2 * cap + MB, f"peak {peak / MB:.1f} MB"


def test_small_gzip_body_decodes(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.gzip_bomb("/zeros", 3 * MB + 5)
    assert body(fetcher.fetch(srv.url("/zeros"))).content == bytes(3 * MB + 5)


def test_corrupt_gzip_is_reported(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.add("/feed", b"this is not gzip", headers={"Content-Encoding": "gzip"})
    error = fetch_error(fetcher, srv.url("/feed"))
    assert "corrupt compressed" in str(error)


def test_truncated_body_is_reported(srv: FeedServer, fetcher: Fetcher) -> None:
    def short(h: RequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b"<rss>")
        h.close_connection = True

    srv.handler("/feed", short)
    error = fetch_error(fetcher, srv.url("/feed"))
    assert "cut off" in str(error)
    assert error.http_status == 0


# -- URLs and network failures ------------------------------------------------


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("FILE:///etc/passwd", "file"),
        ("ftp://127.0.0.1/feed.xml", "ftp"),
        ("data:application/rss+xml,<rss/>", "data"),
        ("javascript:alert(1)", "javascript"),
        ("gopher://127.0.0.1/", "gopher"),
    ],
)
def test_other_schemes_are_refused_without_io(
    monkeypatch: pytest.MonkeyPatch, fetcher: Fetcher, url: str, scheme: str
) -> None:
    def no_io(*args: object, **kwargs: object) -> None:
        raise AssertionError("network I/O attempted")

    monkeypatch.setattr(socket, "getaddrinfo", no_io)
    monkeypatch.setattr(socket, "create_connection", no_io)
    monkeypatch.setattr(socket.socket, "connect", no_io)
    error = fetch_error(fetcher, url)
    assert str(error) == (
        f"Unsupported URL scheme '{scheme}': only http and https feeds can be fetched"
    )
    assert error.http_status == 0


@pytest.mark.parametrize(
    "url", ["http://", "http:///feed.xml", "https://:80/x", "example.com/feed.xml"]
)
def test_bad_urls_are_refused(fetcher: Fetcher, url: str) -> None:
    error = fetch_error(fetcher, url)
    assert "Invalid URL" in str(error)


def test_bad_port_is_refused(fetcher: Fetcher) -> None:
    assert "port" in str(fetch_error(fetcher, "http://127.0.0.1:99999/feed"))


def test_connection_refused_then_back_online(srv: FeedServer, fetcher: Fetcher) -> None:
    srv.add("/feed", RSS)
    url = srv.url("/feed")
    assert isinstance(fetcher.fetch(url), FetchedBody)  # a pooled connection
    srv.stop()
    error = fetch_error(fetcher, url)
    assert str(error) == "Connection refused"
    assert error.http_status == 0
    srv.start()
    if srv.url("/feed") == url:  # same port again (nearly always)
        assert body(fetcher.fetch(url)).content == RSS


# -- concurrency --------------------------------------------------------------


def test_per_host_limit_holds_across_threads(srv: FeedServer) -> None:
    srv.add("/feed", RSS, delay=0.15)
    with (
        Fetcher(FetchLimits(per_host=2)) as fetcher,
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        results = list(pool.map(lambda _: fetcher.fetch(srv.url("/feed")), range(12)))
    assert all(body(r).content == RSS for r in results)
    assert srv.count("/feed") == 12
    assert srv.max_in_flight == 2


def test_per_host_limit_holds_for_the_body_and_other_hosts_run_alongside() -> None:
    lock = threading.Lock()
    live = {"now": 0, "max": 0}
    per_host: dict[int, int] = {}
    per_host_max: dict[int, int] = {}

    def slow_body(h: RequestHandler) -> None:
        port = h.server.server_address[1]
        with lock:
            live["now"] += 1
            live["max"] = max(live["max"], live["now"])
            per_host[port] = per_host.get(port, 0) + 1
            per_host_max[port] = max(per_host_max.get(port, 0), per_host[port])
        h.send_response(200)
        h.send_header("Content-Length", str(len(RSS)))
        h.end_headers()
        h.wfile.write(RSS[:10])
        h.wait(0.2)  # headers are out, the body is still coming
        h.wfile.write(RSS[10:-1])
        # Count the request as done before its last byte leaves: once the
        # client has the whole body it may start the next one at once, and
        # the server's own bookkeeping would race with it.
        with lock:
            live["now"] -= 1
            per_host[port] -= 1
        h.wfile.write(RSS[-1:])

    with FeedServer() as one, FeedServer() as two:
        for server in (one, two):
            server.handler("/feed", slow_body)
        urls = [s.url("/feed") for s in (one, two)] * 4
        with (
            Fetcher(FetchLimits(per_host=1)) as fetcher,
            ThreadPoolExecutor(max_workers=8) as pool,
        ):
            results = list(pool.map(fetcher.fetch, urls))
        assert all(body(r).content == RSS for r in results)
        assert sorted(per_host_max.values()) == [1, 1]  # never two on one host
        assert live["max"] == 2  # one per host, both hosts at once
        assert one.errors == two.errors == []


def test_many_feeds_from_a_thread_pool(srv: FeedServer) -> None:
    for i in range(60):
        srv.add(f"/feed/{i}", RSS + str(i).encode(), gzip=i % 2 == 0)
    fetcher = Fetcher(FetchLimits(per_host=8))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: fetcher.fetch(srv.url(f"/feed/{i}")), range(60)))
    assert [body(r).content for r in results] == [RSS + str(i).encode() for i in range(60)]
    fetcher.close()
    # Still usable after close(): the thread gets a fresh session.
    assert body(fetcher.fetch(srv.url("/feed/1"))).content == RSS + b"1"
    fetcher.close()


def test_keep_alive_connection_is_reused(srv: FeedServer, fetcher: Fetcher) -> None:
    clients: list[tuple[str, int]] = []

    def record(h: RequestHandler) -> None:
        clients.append(h.client_address)
        h.reply(200, RSS)

    srv.handler("/feed", record)
    for _ in range(3):
        fetcher.fetch(srv.url("/feed"))
    assert len(set(clients)) == 1


def test_cookies_do_not_leak_between_fetches(srv: FeedServer, fetcher: Fetcher) -> None:
    def set_cookie(h: RequestHandler) -> None:
        if "cookie" in h.headers:
            h.reply(200, RSS)
        else:
            h.reply(302, b"", {"Set-Cookie": "seen=1; Path=/", "Location": "/gate"})

    srv.handler("/gate", set_cookie)
    assert body(fetcher.fetch(srv.url("/gate"))).content == RSS  # cookie dance
    srv.add("/other", RSS)
    fetcher.fetch(srv.url("/other"))
    assert "cookie" not in srv.requests[-1].headers
