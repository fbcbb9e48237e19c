"""Values the sync pipeline passes along: fetched bodies, parsed feeds, results.

Like `model`, every type here is an immutable value, safe to hand between
threads and to pickle into a parse worker.  They are kept apart from
`model` because the window needs none of them to show the cache: creating
a frozen dataclass costs about a millisecond, paid by every start.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from newsreader.core.model import Enclosure


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


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """The articles one feed's parsed document added and changed in the store."""

    new_ids: tuple[int, ...]
    updated_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class StoriesUpdate:
    """How many articles a clustering pass put into stories and indexed."""

    clustered: int = 0
    indexed: int = 0
