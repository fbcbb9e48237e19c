"""Domain types that cross layer boundaries.

Everything here is an immutable value: safe to hand between threads, to pickle
into a worker process, and to emit through a Qt signal.  Datetimes are always
timezone-aware UTC.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class FeedStatus(enum.StrEnum):
    """What the last sync made of a feed (the `status` field of `feeds --json`)."""

    NEW = "new"  # never synced yet
    OK = "ok"
    ERROR = "error"
    GONE = "gone"  # HTTP 410: never polled again


@dataclass(frozen=True, slots=True)
class Enclosure:
    url: str
    type: str = ""
    length: int = 0


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One entry as parsed and sanitized, before it meets the store.

    `key` is the identity inside its feed: the guid/id, else the link, else a
    hash of title + date (+ content when both are missing), so re-syncing a
    feed without guids never duplicates entries.
    """

    key: str
    title: str
    link: str
    author: str
    published: datetime | None
    updated: datetime | None
    summary_html: str
    content_html: str
    snippet: str
    enclosures: tuple[Enclosure, ...] = ()
    content_hash: str = ""
    # Filled in the parse worker (`stories.prepare_entries`), so the cache's
    # one writer does not have to: the search index's (title, body) text and
    # the encoded clustering features.  None / "": computed later instead.
    index_text: tuple[str, str] | None = None
    cluster_features: str = ""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A whole feed document, parsed and sanitized.

    `warning` is set when the document was ill-formed but entries were
    salvaged (feedparser's "bozo" feeds, recovered XML).
    """

    title: str
    link: str
    entries: tuple[ParsedEntry, ...]
    kind: str  # "rss20", "atom10", "json11", ...
    encoding: str = "utf-8"
    warning: str = ""
    image_url: str = ""


@dataclass(frozen=True, slots=True)
class FetchedBody:
    """An HTTP response that carried a new body (status 200)."""

    url: str  # the final URL after redirects
    content: bytes
    headers: dict[str, str]  # lower-case names
    etag: str = ""
    last_modified: str = ""
    permanent_url: str = ""  # set when a 301/308 moved the feed for good


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    title: str
    site_url: str = ""
    folder_id: int | None = None
    folder: str = ""
    etag: str = ""
    last_modified: str = ""
    status: FeedStatus = FeedStatus.NEW
    error: str = ""
    http_status: int = 0
    last_sync: datetime | None = None
    last_success: datetime | None = None
    next_check: datetime | None = None
    error_count: int = 0
    interval_minutes: int = 0  # 0: the global default
    encoding_override: str = ""
    body_hash: str = ""
    unread: int = 0
    total: int = 0


@dataclass(frozen=True, slots=True)
class Folder:
    id: int
    name: str
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    id: int
    feed_id: int
    feed_title: str
    title: str
    link: str
    author: str
    published: datetime | None
    updated: datetime | None
    snippet: str
    read: bool
    starred: bool
    first_seen: datetime
    content_html: str = ""
    summary_html: str = ""
    enclosures: tuple[Enclosure, ...] = field(default=())
    sort_date: float = 0.0  # UNIX seconds; with id, the keyset for paging
    cluster_id: int = 0  # its story (the id of the story's first article)
    sources: int = 1  # distinct feeds in its story

    @property
    def date(self) -> datetime:
        """The date to show and sort by: published, else first seen."""
        return self.published or self.first_seen


class Outcome(enum.StrEnum):
    NEW = "updated"  # a body was parsed and stored (maybe with 0 new entries)
    UNCHANGED = "unchanged"  # 304, or the same body as last time
    ERROR = "error"
    GONE = "gone"
    DEFERRED = "deferred"  # the server asked us to wait (Retry-After)


@dataclass(frozen=True, slots=True)
class FeedResult:
    feed_id: int
    title: str
    outcome: Outcome
    new_ids: tuple[int, ...] = ()
    updated_ids: tuple[int, ...] = ()
    message: str = ""
    http_status: int = 0
    parsed: bool = False

    @property
    def failed(self) -> bool:
        return self.outcome in (Outcome.ERROR, Outcome.GONE)


@dataclass(frozen=True, slots=True)
class SyncReport:
    results: tuple[FeedResult, ...] = ()
    cancelled: bool = False
    seconds: float = 0.0
    purged: int = 0

    @property
    def new_count(self) -> int:
        return sum(len(r.new_ids) for r in self.results)

    @property
    def failed(self) -> tuple[FeedResult, ...]:
        return tuple(r for r in self.results if r.failed)

    @property
    def parsed_count(self) -> int:
        return sum(r.parsed for r in self.results)
