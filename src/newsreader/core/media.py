"""Offline content: full article text and images, fetched after the feed pass.

The sync stores a feed's articles first (they appear in the window at once);
then `run` works through the articles waiting for media:

* full text, when the feed's setting says so (``auto``: only when the feed's
  content looks like a summary; ``always``; ``never``).  A failure keeps the
  feed's content, records why, and is retried later with exponential
  back-off (never on every sync), at most `MAX_ATTEMPTS` times; a host that
  answers 429/503 is left alone for the rest of the run and until its
  Retry-After has passed;
* images (unless the feed turned them off): every image the shown text
  references, one file per image URL under the cache dir (core/images.py).

Pages and images are fetched on daemon threads through the polite Fetcher
(per-host limit, deadline, body cap); results are written by the calling
thread (the cache's one writer) in short batched transactions.  `cancel`
stops the step between fetches; what is left waits for the next run.

Retention: a purged article's full text and image links are deleted by a
trigger; `prune_orphans` then deletes image files no article uses.  The
cache is capped (`DEFAULT_CACHE_CAP`): over the cap, images of the articles
read longest ago go first (unread articles' images last), then full texts.
"""

from __future__ import annotations

import json
import queue
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newsreader.core.errors import FetchError, NewsreaderError
from newsreader.core.images import (
    MAX_IMAGE_BYTES,
    MAX_IMAGES_PER_ARTICLE,
    ImageSkipped,
    fetch_image,
    image_file,
    image_urls,
    images_dir,
    url_key,
)
from newsreader.core.media_schema import MIGRATION
from newsreader.core.model import Enclosure
from newsreader.core.storage import Store

if TYPE_CHECKING:  # the article view imports this module: no HTTP stack at startup
    from newsreader.core.fetch import Fetcher, FetchLimits

__all__ = [
    "DEFAULT_CACHE_CAP",
    "MIGRATION",
    "FeedMediaSettings",
    "FullTextInfo",
    "MediaFetchers",
    "MediaReport",
    "cache_size_bytes",
    "clear_cache",
    "enforce_cap",
    "enqueue",
    "feed_settings",
    "full_text_info",
    "prune_orphans",
    "run",
    "set_feed_settings",
]

DEFAULT_CACHE_CAP = 1 << 30  # 1 GB
MAX_ATTEMPTS = 5
FIRST_RETRY_S = 3600.0
MAX_RETRY_S = 7 * 24 * 3600.0
BATCH = 25  # results written per transaction
PER_RUN = 2000  # articles handled per run at most (the newest first)
BACKFILL_S = 2 * 24 * 3600.0  # recent articles stored outside a sync are queued too

# -- settings -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedMediaSettings:
    full_text: str = "auto"  # auto | always | never
    images: bool = True


def feed_settings(store: Store, feed_id: int) -> FeedMediaSettings:
    row = store.conn.execute(
        "SELECT full_text, images FROM feed_media WHERE feed_id = ?", (feed_id,)
    ).fetchone()
    if row is None:
        return FeedMediaSettings()
    return FeedMediaSettings(str(row[0]), bool(row[1]))


def set_feed_settings(store: Store, feed_id: int, settings: FeedMediaSettings) -> None:
    if settings.full_text not in ("auto", "always", "never"):
        raise NewsreaderError(f"Unknown full-text mode {settings.full_text!r}")
    with store.write() as conn:
        conn.execute(
            """INSERT INTO feed_media(feed_id, full_text, images) VALUES (?, ?, ?)
               ON CONFLICT(feed_id) DO UPDATE SET full_text = excluded.full_text,
                   images = excluded.images""",
            (feed_id, settings.full_text, int(settings.images)),
        )
        # A feed switched to always/auto gets another chance at its articles.
        if settings.full_text != "never":
            conn.execute(
                """UPDATE article_media SET ft_status = 'pending', next_try = 0,
                       ft_attempts = 0
                   WHERE ft_status IN ('off', 'not_needed') AND article_id IN (
                       SELECT id FROM articles WHERE feed_id = ? AND purged = 0)""",
                (feed_id,),
            )


# -- what the article view reads ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class FullTextInfo:
    """An article's full-text state, as the article view and `show --json` see it.

    status: pending | ok | failed | not_needed | off | cleared
    """

    status: str
    html: str = ""
    url: str = ""
    error: str = ""

    @property
    def site(self) -> str:
        return (urlsplit(self.url).hostname or "").lower().removeprefix("www.")


def full_text_info(store: Store, article_id: int) -> FullTextInfo | None:
    """None when the article was never queued for media (e.g. before this feature)."""
    row = store.conn.execute(
        "SELECT ft_status, ft_html, ft_url, ft_error FROM article_media WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    return FullTextInfo(str(row[0]), str(row[1]), str(row[2]), str(row[3]))


# -- the step -------------------------------------------------------------------


@dataclass
class MediaFetchers:
    """One Fetcher for pages and one for images (different body caps)."""

    pages: Fetcher
    images: Fetcher

    @classmethod
    def create(cls, base: FetchLimits | None = None) -> MediaFetchers:
        from dataclasses import replace

        from newsreader.core.fetch import Fetcher, FetchLimits
        from newsreader.core.fulltext import MAX_PAGE_BYTES

        base = base or FetchLimits()
        return cls(
            Fetcher(replace(base, max_bytes=MAX_PAGE_BYTES, deadline=min(base.deadline, 20.0))),
            Fetcher(replace(base, max_bytes=MAX_IMAGE_BYTES, deadline=min(base.deadline, 20.0))),
        )

    def close(self) -> None:
        self.pages.close()
        self.images.close()


@dataclass
class MediaReport:
    articles: int = 0
    full_text_ok: int = 0
    full_text_failed: int = 0
    images_stored: int = 0
    images_skipped: int = 0
    bytes_stored: int = 0
    evicted_bytes: int = 0
    cancelled: bool = False
    seconds: float = 0.0
    article_ids: list[int] = field(default_factory=list)  # articles whose media changed


@dataclass(frozen=True, slots=True)
class _Job:
    article_id: int
    link: str
    feed_html: str
    enclosures: tuple[Enclosure, ...]
    full_text: bool  # fetch the page
    images: bool  # fetch the images
    images_enabled: bool  # the feed wants images (a late full text brings new ones)
    attempts: int
    known_html: str  # full text already stored (images of it still to fetch)


@dataclass(frozen=True, slots=True)
class _Result:
    job: _Job
    ft_status: str = ""  # "" when full text was not attempted
    ft_html: str = ""
    ft_url: str = ""
    ft_error: str = ""
    retry_after: float | None = None
    images: tuple[tuple[str, int, str, str], ...] = ()  # (url, bytes, status, reason)
    images_done: bool = False


def enqueue(store: Store, article_ids: Iterable[int], *, now: float | None = None) -> None:
    """Queue articles for the media step: `article_ids` (a sync's new ones),
    and recent articles stored by other paths (subscribing stores a feed's
    first articles).  Articles older than `BACKFILL_S` when the feature first
    runs on an existing cache are left alone."""
    ids = [(int(i),) for i in article_ids]
    since = (now if now is not None else time.time()) - BACKFILL_S
    with store.write() as conn:
        conn.execute(
            """INSERT OR IGNORE INTO article_media(article_id)
               SELECT a.id FROM articles a JOIN article_state s ON s.article_id = a.id
               WHERE a.id > (SELECT ifnull(max(article_id), 0) FROM article_media)
                 AND a.purged = 0 AND s.first_seen > ?""",
            (since,),
        )
        conn.executemany("INSERT OR IGNORE INTO article_media(article_id) VALUES (?)", ids)


def run(
    store: Store,
    fetchers: MediaFetchers,
    cache_dir: Path,
    *,
    new_ids: Iterable[int] = (),
    cancel: threading.Event | None = None,
    workers: int = 6,
    cap_bytes: int = DEFAULT_CACHE_CAP,
    limit: int = PER_RUN,
    now: float | None = None,
) -> MediaReport:
    """Fetch full text and images for queued articles; bounded and cancellable."""
    started = time.monotonic()
    cancel = cancel or threading.Event()
    report = MediaReport()
    enqueue(store, new_ids)
    prune_orphans(store, cache_dir)
    jobs = _due_jobs(store, now if now is not None else time.time(), limit)
    report.articles = len(jobs)
    if jobs and not cancel.is_set():
        _work(store, fetchers, cache_dir, jobs, cancel, workers, report)
    report.evicted_bytes = enforce_cap(store, cache_dir, cap_bytes)
    report.cancelled = cancel.is_set()
    report.seconds = time.monotonic() - started
    return report


def _due_jobs(store: Store, now: float, limit: int) -> list[_Job]:
    rows = store.conn.execute(
        """SELECT m.article_id, a.link, a.content_html, a.summary_html, a.enclosures,
                  m.ft_status, m.ft_attempts, m.ft_html, m.images_done, m.next_try,
                  ifnull(fm.full_text, 'auto'), ifnull(fm.images, 1)
           FROM article_media m JOIN articles a ON a.id = m.article_id
           LEFT JOIN feed_media fm ON fm.feed_id = a.feed_id
           WHERE a.purged = 0
             AND ((m.ft_status = 'pending' AND m.next_try <= ?) OR m.images_done = 0)
           ORDER BY m.article_id DESC LIMIT ?""",
        (now, limit),
    ).fetchall()
    from newsreader.core.fulltext import looks_like_summary

    jobs: list[_Job] = []
    decided: list[tuple[str, int]] = []
    no_images: list[tuple[int]] = []
    for (aid, link, content, summary, enclosures, status, attempts, ft_html, images_done,
         next_try, mode, images_on) in rows:  # fmt: skip
        feed_html = str(content or summary)
        full = False
        if status == "pending" and next_try <= now:  # not while backing off
            wanted = mode == "always" or (mode == "auto" and looks_like_summary(feed_html))
            if mode == "never":
                decided.append(("off", aid))
            elif not wanted or not link:
                decided.append(("not_needed", aid))
            else:
                full = True
        want_images = not images_done and bool(images_on)
        if not images_done and not images_on:
            no_images.append((aid,))
        if not (full or want_images):
            continue
        jobs.append(
            _Job(
                article_id=int(aid),
                link=str(link),
                feed_html=feed_html,
                enclosures=_enclosures(str(enclosures)),
                full_text=full,
                images=want_images,
                images_enabled=bool(images_on),
                attempts=int(attempts),
                known_html=str(ft_html),
            )
        )
    if decided or no_images:
        with store.write() as conn:
            conn.executemany("UPDATE article_media SET ft_status = ? WHERE article_id = ?", decided)
            conn.executemany(
                "UPDATE article_media SET images_done = 1 WHERE article_id = ?", no_images
            )
    return jobs


def _enclosures(raw: str) -> tuple[Enclosure, ...]:
    return tuple(Enclosure(*e) for e in json.loads(raw)) if raw else ()


def _work(
    store: Store,
    fetchers: MediaFetchers,
    cache_dir: Path,
    jobs: list[_Job],
    cancel: threading.Event,
    workers: int,
    report: MediaReport,
) -> None:
    todo: queue.SimpleQueue[_Job] = queue.SimpleQueue()
    done: queue.SimpleQueue[_Result] = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    shared = _Shared()

    def work() -> None:
        while not cancel.is_set():
            try:
                job = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done.put(_process(job, fetchers, cache_dir, cancel, shared))
            except Exception as exc:  # noqa: BLE001 - one bad article never stops the step
                done.put(_Result(job, ft_status="failed", ft_error=f"Unexpected error: {exc!r}"))

    for n in range(max(1, min(workers, len(jobs)))):
        threading.Thread(target=work, name=f"media-{n}", daemon=True).start()
    remaining = len(jobs)
    batch: list[_Result] = []
    while remaining and not cancel.is_set():
        try:
            batch.append(done.get(timeout=0.1))
            remaining -= 1
        except queue.Empty:
            pass
        if batch and (len(batch) >= BATCH or remaining == 0 or done.empty()):
            _write(store, batch, report)
            batch.clear()
    # Finished results are kept even after a cancel; unstarted jobs stay queued.
    while True:
        try:
            batch.append(done.get_nowait())
        except queue.Empty:
            break
    if batch:
        _write(store, batch, report)


class _Shared:
    """State the worker threads share: hosts that asked us to back off, and
    image downloads in progress (so two articles never fetch one URL twice)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.throttled: dict[str, float] = {}  # host -> retry after (seconds)
        self.images: dict[str, threading.Event] = {}
        self.image_results: dict[str, tuple[int, str, str]] = {}


def _process(
    job: _Job, fetchers: MediaFetchers, cache_dir: Path, cancel: threading.Event, shared: _Shared
) -> _Result:
    from newsreader.core.fulltext import fetch_full_text

    ft_status = ft_html = ft_url = ft_error = ""
    retry_after: float | None = None
    shown = job.known_html or job.feed_html
    if job.full_text:
        host = (urlsplit(job.link).hostname or "").lower()
        with shared.lock:
            wait = shared.throttled.get(host)
        if wait is not None:
            return _Result(
                job,
                ft_status="pending",
                ft_error="The site asked us to wait before fetching again",
                retry_after=wait,
            )
        try:
            got = fetch_full_text(fetchers.pages, job.link, job.feed_html)
        except FetchError as exc:
            ft_status, ft_error = "failed", str(exc)
            if exc.http_status in (429, 503):
                retry_after = exc.retry_after or FIRST_RETRY_S
                with shared.lock:
                    shared.throttled[host] = retry_after
        except NewsreaderError as exc:
            ft_status, ft_error = "failed", str(exc)
        else:
            if got is None:
                ft_status = "not_needed"
            else:
                ft_status, ft_html, ft_url = "ok", got.html, got.url
                shown = got.html
    images: list[tuple[str, int, str, str]] = []
    if job.images or (ft_status == "ok" and job.images_enabled):
        for url in image_urls(shown, job.enclosures, limit=MAX_IMAGES_PER_ARTICLE):
            if cancel.is_set():
                return _Result(job, ft_status, ft_html, ft_url, ft_error, retry_after)
            images.append((url, *_image(url, fetchers, cache_dir, shared)))
    return _Result(
        job,
        ft_status,
        ft_html,
        ft_url,
        ft_error,
        retry_after,
        tuple(images),
        images_done=True,
    )


def _image(
    url: str, fetchers: MediaFetchers, cache_dir: Path, shared: _Shared
) -> tuple[int, str, str]:
    """(bytes, status, reason) for one image, fetching it at most once."""
    with shared.lock:
        event = shared.images.get(url)
        owner = event is None
        if owner:
            event = shared.images[url] = threading.Event()
    assert event is not None
    if not owner:
        event.wait(60)
        with shared.lock:
            return shared.image_results.get(url, (0, "failed", "Not fetched"))
    result: tuple[int, str, str] = (0, "failed", "Not fetched")
    try:
        result = _download(url, fetchers, cache_dir)
    finally:
        with shared.lock:
            shared.image_results[url] = result
        event.set()
    return result


def _download(url: str, fetchers: MediaFetchers, cache_dir: Path) -> tuple[int, str, str]:
    path = image_file(cache_dir, url)
    if path.is_file():
        return path.stat().st_size, "ok", ""
    try:
        return fetch_image(fetchers.images, url, cache_dir), "ok", ""
    except ImageSkipped as exc:
        return 0, "skipped", str(exc)
    except FetchError as exc:
        too_big = "larger than" in str(exc)
        return 0, "skipped" if too_big else "failed", str(exc)
    except OSError as exc:
        return 0, "failed", f"Cannot write the cache: {exc.strerror}"


def _write(store: Store, results: Sequence[_Result], report: MediaReport) -> None:
    now = time.time()
    with store.write() as conn:
        for r in results:
            aid = r.job.article_id
            changed = False
            if r.ft_status == "ok":
                conn.execute(
                    """UPDATE article_media SET ft_status = 'ok', ft_html = ?, ft_url = ?,
                           ft_error = '', next_try = 0 WHERE article_id = ?""",
                    (r.ft_html, r.ft_url, aid),
                )
                report.full_text_ok += 1
                changed = True
            elif r.ft_status == "not_needed":
                conn.execute(
                    "UPDATE article_media SET ft_status = 'not_needed' WHERE article_id = ?",
                    (aid,),
                )
            elif r.ft_status in ("failed", "pending"):
                attempts = r.job.attempts + (r.ft_status == "failed")
                delay = min(FIRST_RETRY_S * 2 ** max(attempts - 1, 0), MAX_RETRY_S)
                if r.retry_after is not None:
                    delay = max(delay, min(r.retry_after, MAX_RETRY_S))
                # Still 'pending' while retries remain: the view shows the reason.
                final = r.ft_status == "failed" and attempts >= MAX_ATTEMPTS
                conn.execute(
                    """UPDATE article_media SET ft_status = ?, ft_error = ?,
                           ft_attempts = ?, next_try = ? WHERE article_id = ?""",
                    ("failed" if final else "pending", r.ft_error, attempts, now + delay, aid),
                )
                report.full_text_failed += r.ft_status == "failed"
                changed = True
            for url, size, status, reason in r.images:
                key = url_key(url)
                conn.execute(
                    """INSERT INTO media_files(url_hash, url, bytes, status, reason, fetched)
                       VALUES (?, ?, ?, ?, ?, ?)
                       ON CONFLICT(url_hash) DO UPDATE SET bytes = excluded.bytes,
                           status = excluded.status, reason = excluded.reason,
                           fetched = excluded.fetched""",
                    (key, url, size, status, reason, now),
                )
                conn.execute(
                    "INSERT OR IGNORE INTO article_images(article_id, url_hash) VALUES (?, ?)",
                    (aid, key),
                )
                if status == "ok":
                    report.images_stored += 1
                    report.bytes_stored += size
                    changed = True
                else:
                    report.images_skipped += 1
            if r.images_done:
                conn.execute(
                    "UPDATE article_media SET images_done = 1 WHERE article_id = ?", (aid,)
                )
            if changed:
                report.article_ids.append(aid)


# -- size, cap, retention -----------------------------------------------------------


def cache_size_bytes(store: Store) -> int:
    """Bytes the offline cache holds: image files plus stored full texts."""
    files = store.conn.execute(
        "SELECT ifnull(sum(bytes), 0) FROM media_files WHERE status = 'ok'"
    ).fetchone()[0]
    texts = store.conn.execute(
        "SELECT ifnull(sum(length(CAST(ft_html AS BLOB))), 0) FROM article_media"
    ).fetchone()[0]
    return int(files) + int(texts)


def clear_cache(store: Store, cache_dir: Path) -> int:
    """Delete every cached image and full text; return the bytes freed.

    Nothing is fetched again for the articles already handled (their full
    text becomes 'cleared'); new articles are cached as usual.
    """
    freed = cache_size_bytes(store)
    with store.write() as conn:
        conn.execute("UPDATE media_files SET status = 'cleared', bytes = 0 WHERE status = 'ok'")
        conn.execute(
            "UPDATE article_media SET ft_html = '', ft_status = 'cleared' WHERE ft_status = 'ok'"
        )
    shutil.rmtree(images_dir(cache_dir), ignore_errors=True)
    return freed


def prune_orphans(store: Store, cache_dir: Path) -> int:
    """Delete the files (and rows) of images no article uses any more."""
    rows = store.conn.execute(
        """SELECT url_hash, url FROM media_files m WHERE NOT EXISTS (
               SELECT 1 FROM article_images ai WHERE ai.url_hash = m.url_hash)"""
    ).fetchall()
    if not rows:
        return 0
    for _key, url in rows:
        image_file(cache_dir, str(url)).unlink(missing_ok=True)
    with store.write() as conn:
        conn.executemany("DELETE FROM media_files WHERE url_hash = ?", [(r[0],) for r in rows])
    return len(rows)


# Least recently read first; an unread article's media count as newest.
_RECENCY = """CASE WHEN s.read THEN ifnull(s.read_at, 0) ELSE 1e12 + s.first_seen END"""


def enforce_cap(store: Store, cache_dir: Path, cap_bytes: int) -> int:
    """Evict the least recently read articles' media until under `cap_bytes`."""
    over = cache_size_bytes(store) - cap_bytes
    if over <= 0:
        return 0
    freed = 0
    files = store.conn.execute(
        f"""SELECT m.url_hash, m.url, m.bytes, max({_RECENCY}) AS recency
            FROM media_files m
            JOIN article_images ai ON ai.url_hash = m.url_hash
            JOIN article_state s ON s.article_id = ai.article_id
            WHERE m.status = 'ok' GROUP BY m.url_hash ORDER BY recency ASC"""
    ).fetchall()
    evicted: list[tuple[str]] = []
    for key, url, size, _recency in files:
        if freed >= over:
            break
        image_file(cache_dir, str(url)).unlink(missing_ok=True)
        evicted.append((str(key),))
        freed += int(size)
    texts: list[tuple[int]] = []
    if freed < over:
        for aid, size in store.conn.execute(
            f"""SELECT m.article_id, length(CAST(m.ft_html AS BLOB)) FROM article_media m
                JOIN article_state s ON s.article_id = m.article_id
                WHERE m.ft_status = 'ok' ORDER BY {_RECENCY} ASC"""
        ):
            if freed >= over:
                break
            texts.append((int(aid),))
            freed += int(size)
    with store.write() as conn:
        conn.executemany(
            "UPDATE media_files SET status = 'evicted', bytes = 0 WHERE url_hash = ?", evicted
        )
        conn.executemany(
            "UPDATE article_media SET ft_html = '', ft_status = 'cleared' WHERE article_id = ?",
            texts,
        )
    return freed
