"""Domain types that cross layer boundaries: feeds, folders, articles.

What the sync pipeline passes along (fetched bodies, parsed feeds, per-feed
results) lives in `sync_types`, which the window does not load to start.
Everything here is an immutable value: safe to hand between threads, to pickle
into a worker process, and to emit through a Qt signal.  Datetimes are always
timezone-aware UTC.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime


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
    story_newest: float = 0.0  # Hot view rows: UNIX seconds of the story's newest report

    @property
    def date(self) -> datetime:
        """The date to show and sort by: published, else first seen."""
        return self.published or self.first_seen

    @property
    def story_date(self) -> datetime:
        """When its story last had news: its newest report's date on a Hot
        view row, else the article's own `date`."""
        if self.story_newest <= 0:
            return self.date
        return max(self.date, datetime.fromtimestamp(self.story_newest, UTC))
