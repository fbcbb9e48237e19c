"""The sync service: fetch → (skip if unchanged) → parse + sanitize → store.

Feeds are fetched concurrently by a bounded thread pool (HTTP is I/O).
Parsing is pure and CPU-bound, so with many feeds it runs in a small pool of
worker processes: that is faster on two cores and keeps the GIL free for the
GUI thread.  Every write happens in the thread that called `sync`, one short
transaction per feed: that thread is the cache's one writer.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.core.errors import FetchError, NewsreaderError
from newsreader.core.fetch import Fetcher, FetchLimits, NotModified
from newsreader.core.model import Feed, FeedStatus
from newsreader.core.storage import Store
from newsreader.core.sync_types import FeedResult, FetchedBody, Outcome, ParsedFeed, SyncReport

if TYPE_CHECKING:
    from newsreader.core.media import MediaFetchers, MediaReport

MAX_BACKOFF_S = 24 * 3600
DEFAULT_INTERVAL_MIN = 30
# Below this many feeds, starting worker processes costs more than it saves.
PROCESS_POOL_MIN_FEEDS = 12


__all__ = ["FeedResult", "Outcome", "SyncReport", "SyncService", "body_digest"]

ProgressCallback = Callable[[int, int, FeedResult], None]


@dataclass(frozen=True, slots=True)
class _Fetched:
    """What a fetch thread hands back to the writer thread."""

    feed: Feed
    body: FetchedBody | None = None
    not_modified: NotModified | None = None
    parsed: ParsedFeed | None = None
    body_hash: str = ""
    error: NewsreaderError | None = None


def parse_body(
    content: bytes, url: str, headers: dict[str, str], encoding_override: str
) -> ParsedFeed:
    """Parse in whichever process runs this; the parser loads on first use.

    Keeping feedparser, lxml and nh3 out of the importing process matters for
    a warm sync (all 304s, nothing to parse) and for the sync's memory.
    """
    from newsreader.core.parse import parse_feed
    from newsreader.core.stories import prepare_entries

    # Index text and clustering features too: CPU work the writer is spared.
    return prepare_entries(parse_feed(content, url, headers, encoding_override))


def exit_with_parent(parent_pid: int, poll_s: float = 1.0) -> None:
    """Make this worker process end when `parent_pid` does (even by SIGKILL).

    Pool workers otherwise outlive a killed parent, blocked on their queue.
    """

    def watch() -> None:
        while True:
            time.sleep(poll_s)
            if os.getppid() != parent_pid:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def body_digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


class SyncService:
    """Runs syncs against one cache file.  Create and use it in one thread."""

    def __init__(
        self,
        db_path: Path,
        *,
        limits: FetchLimits | None = None,
        max_workers: int = 8,
        default_interval_min: int = DEFAULT_INTERVAL_MIN,
        retention_days: int = 90,
        parse_processes: int | None = None,
        cache_dir: Path | None = None,
        media: bool = True,
        cache_cap_bytes: int | None = None,
    ) -> None:
        self.store = Store(db_path)
        # Full text and images (core/media.py) need a cache dir; off without one.
        self.cache_dir = cache_dir
        self.media = media
        # The offline cache's size limit; None: media.DEFAULT_CACHE_CAP.
        self.cache_cap_bytes = cache_cap_bytes
        self.media_report: MediaReport | None = None
        self.fetcher = Fetcher(limits or FetchLimits())
        self.max_workers = max_workers
        self.default_interval_min = default_interval_min
        self.retention_days = retention_days
        # None: decide per sync by feed count; 0: always parse in threads.
        self.parse_processes = parse_processes
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._use_processes = False
        self._media_fetchers: MediaFetchers | None = None

    def close(self) -> None:
        if self._media_fetchers is not None:
            self._media_fetchers.close()
        if self._pool is not None:
            # Idle workers exit at once; waiting means none is left behind.
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.fetcher.close()
        self.store.close()

    def __enter__(self) -> SyncService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- choosing feeds -----------------------------------------------------

    def feeds_to_sync(
        self, feed_ids: Iterable[int] | None = None, *, force: bool = True
    ) -> tuple[list[Feed], list[Feed]]:
        """(feeds to fetch, feeds deferred by a server's Retry-After).

        Gone feeds are never fetched.  With `force` (the CLI, "sync now")
        schedules are ignored; without it only feeds that are due are taken.
        """
        now = time.time()
        feeds = self.store.feeds(feed_ids, counts=False)
        retry = {
            int(fid): float(ts)
            for fid, ts in self.store.conn.execute(
                "SELECT id, retry_after FROM feeds WHERE retry_after IS NOT NULL"
            )
        }
        todo: list[Feed] = []
        deferred: list[Feed] = []
        for feed in feeds:
            if feed.status is FeedStatus.GONE:
                continue
            if retry.get(feed.id, 0) > now:
                deferred.append(feed)
            elif force or feed.next_check is None or feed.next_check.timestamp() <= now:
                todo.append(feed)
        return todo, deferred

    # -- the run ------------------------------------------------------------

    def sync(
        self,
        feed_ids: Iterable[int] | None = None,
        *,
        force: bool = True,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncReport:
        started = time.monotonic()
        cancel = cancel or threading.Event()
        purged = self.store.purge_old(self.retention_days)
        feeds, deferred = self.feeds_to_sync(feed_ids, force=force)
        total = len(feeds) + len(deferred)
        results: list[FeedResult] = []

        def report(result: FeedResult) -> None:
            results.append(result)
            if progress is not None:
                progress(len(results), total, result)

        for feed in deferred:
            report(
                FeedResult(
                    feed.id,
                    feed.title,
                    Outcome.DEFERRED,
                    message="The server asked us to wait before checking again",
                )
            )

        use_processes = (
            self.parse_processes != 0
            and len(feeds) >= PROCESS_POOL_MIN_FEEDS
            and multiprocessing.cpu_count() > 1
        )
        self._use_processes = use_processes
        unchanged: list[_Fetched] = []
        for item in self._fetch_all(feeds, cancel):
            if item.not_modified is not None or (
                item.body and item.parsed is None and not item.error
            ):
                # Nothing to parse: bookkeeping only, written in batches.
                unchanged.append(item)
                report(self._unchanged_result(item))
                if len(unchanged) >= 50:
                    self._store_unchanged(unchanged)
            else:
                report(self._store(item))
        self._store_unchanged(unchanged)
        # Search index and story clusters of what this sync stored (and of
        # any backlog), in short transactions; a cancel leaves them queued.
        self.store.update_stories(cancel.is_set)
        self.media_report = self._media_step(results, cancel)
        return SyncReport(
            tuple(results),
            cancelled=cancel.is_set(),
            seconds=time.monotonic() - started,
            purged=purged,
        )

    def _media_step(self, results: list[FeedResult], cancel: threading.Event) -> MediaReport | None:
        """Full text and images, after every feed is stored (articles come first).

        Without media (``sync --no-media``) new articles are only queued: a
        later sync with media fetches what they need.
        """
        if self.cache_dir is None:
            return None
        from newsreader.core import media

        new_ids = [i for r in results for i in r.new_ids]
        if not self.media or cancel.is_set():
            media.enqueue(self.store, new_ids)
            return None
        if self._media_fetchers is None:
            self._media_fetchers = media.MediaFetchers.create(self.fetcher.limits)
        cap = media.DEFAULT_CACHE_CAP if self.cache_cap_bytes is None else self.cache_cap_bytes
        return media.run(
            self.store,
            self._media_fetchers,
            self.cache_dir,
            new_ids=new_ids,
            cancel=cancel,
            cap_bytes=cap,
        )

    def _fetch_all(self, feeds: list[Feed], cancel: threading.Event) -> Iterator[_Fetched]:
        """Fetch (and parse) on daemon threads; yield results as they arrive.

        Daemon threads, not a ThreadPoolExecutor: after a cancel nobody waits
        for a fetch still blocked on a slow server, not even at interpreter
        exit, so quitting stays prompt.  The fetch deadline ends such a
        thread by itself.
        """
        jobs: queue.SimpleQueue[Feed] = queue.SimpleQueue()
        results: queue.SimpleQueue[_Fetched] = queue.SimpleQueue()
        for feed in feeds:
            jobs.put(feed)

        def work() -> None:
            while not cancel.is_set():
                try:
                    feed = jobs.get_nowait()
                except queue.Empty:
                    return
                results.put(self._fetch_and_parse(feed, cancel))

        for n in range(max(1, min(self.max_workers, len(feeds)))):
            threading.Thread(target=work, name=f"fetch-{n}", daemon=True).start()
        remaining = len(feeds)
        while remaining and not cancel.is_set():
            try:
                item = results.get(timeout=0.1)
            except queue.Empty:
                continue
            remaining -= 1
            yield item

    def _process_pool(self) -> ProcessPoolExecutor:
        """Created on the first body that needs parsing (a warm sync has none)."""
        with self._pool_lock:
            return self._make_pool()

    def _make_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            workers = self.parse_processes or min(2, multiprocessing.cpu_count())
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    def _fetch_and_parse(self, feed: Feed, cancel: threading.Event) -> _Fetched:
        """Runs in a fetch thread: network and parsing, no database."""
        if cancel.is_set():
            return _Fetched(feed, error=FetchError("Cancelled"))
        try:
            got = self.fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        except FetchError as exc:
            return _Fetched(feed, error=exc)
        if isinstance(got, NotModified):
            return _Fetched(feed, not_modified=got)
        digest = body_digest(got.content)
        if digest == feed.body_hash and feed.status is FeedStatus.OK:
            return _Fetched(feed, body=got, body_hash=digest)
        try:
            if self._use_processes:
                parsed = (
                    self._process_pool()
                    .submit(
                        parse_body,
                        got.content,
                        got.url,
                        got.headers,
                        feed.encoding_override,
                    )
                    .result()
                )
            else:
                parsed = parse_body(got.content, got.url, got.headers, feed.encoding_override)
        except NewsreaderError as exc:
            return _Fetched(feed, body=got, error=exc)
        except Exception as exc:  # noqa: BLE001 - one broken feed never stops a sync
            return _Fetched(
                feed,
                body=got,
                error=NewsreaderError(f"Could not read the feed: {exc!r}"),
            )
        return _Fetched(feed, body=got, parsed=parsed, body_hash=digest)

    # -- writing (the writer thread) ----------------------------------------

    def _interval_s(self, feed: Feed) -> float:
        return 60.0 * (feed.interval_minutes or self.default_interval_min)

    @staticmethod
    def _unchanged_result(item: _Fetched) -> FeedResult:
        status = 304 if item.not_modified is not None else 200
        return FeedResult(item.feed.id, item.feed.title, Outcome.UNCHANGED, http_status=status)

    def _store_unchanged(self, items: list[_Fetched]) -> None:
        """Record a batch of unchanged feeds in one short transaction."""
        if not items:
            return
        now = time.time()
        with self.store.write():
            for item in items:
                headers = item.not_modified or item.body
                assert headers is not None
                self.store.record_not_modified(
                    item.feed.id,
                    next_check=now + self._interval_s(item.feed),
                    etag=headers.etag,
                    last_modified=headers.last_modified,
                    new_url=headers.permanent_url,
                    http_status=304 if item.not_modified is not None else 200,
                )
        items.clear()

    def _store(self, item: _Fetched) -> FeedResult:
        feed = item.feed
        now = time.time()
        if item.error is not None:
            return self._store_error(item, now)
        next_check = now + self._interval_s(feed)
        if item.not_modified is not None:
            nm = item.not_modified
            self.store.record_not_modified(
                feed.id,
                next_check=next_check,
                etag=nm.etag,
                last_modified=nm.last_modified,
                new_url=nm.permanent_url,
            )
            return FeedResult(feed.id, feed.title, Outcome.UNCHANGED, http_status=304)
        body = item.body
        assert body is not None
        if item.parsed is None:  # same body as last time: nothing to parse
            self.store.record_not_modified(
                feed.id,
                next_check=next_check,
                etag=body.etag,
                last_modified=body.last_modified,
                new_url=body.permanent_url,
                http_status=200,
            )
            return FeedResult(feed.id, feed.title, Outcome.UNCHANGED, http_status=200)
        applied = self.store.apply_parsed(
            feed.id,
            item.parsed,
            body_hash=item.body_hash,
            next_check=next_check,
            etag=body.etag,
            last_modified=body.last_modified,
            new_url=body.permanent_url,
        )
        return FeedResult(
            feed.id,
            feed.title or item.parsed.title,
            Outcome.NEW,
            new_ids=applied.new_ids,
            updated_ids=applied.updated_ids,
            message=item.parsed.warning,
            http_status=200,
            parsed=True,
        )

    def _store_error(self, item: _Fetched, now: float) -> FeedResult:
        feed = item.feed
        error = item.error
        assert error is not None
        status = error.http_status if isinstance(error, FetchError) else 200
        retry_after = error.retry_after if isinstance(error, FetchError) else None
        gone = isinstance(error, FetchError) and error.gone
        backoff = min(self._interval_s(feed) * 2 ** min(feed.error_count, 8), MAX_BACKOFF_S)
        next_check = now + backoff
        retry_at = None
        if retry_after is not None:
            retry_at = now + min(retry_after, MAX_BACKOFF_S)
            next_check = max(next_check, retry_at)
        self.store.record_error(
            feed.id,
            str(error),
            http_status=status,
            next_check=next_check,
            retry_after=retry_at,
            gone=gone,
        )
        return FeedResult(
            feed.id,
            feed.title,
            Outcome.GONE if gone else Outcome.ERROR,
            message=str(error),
            http_status=status,
        )
