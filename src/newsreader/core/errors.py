"""One error tree for everything the core raises on purpose."""

from __future__ import annotations


class NewsreaderError(Exception):
    """Base of every error the core raises with a user-readable message."""


class FetchError(NewsreaderError):
    """An HTTP fetch failed; the message is meant for the user.

    `http_status` is 0 when no response came back (DNS, refused, timeout).
    `retry_after` is in seconds when the server asked us to wait (429/503).
    `gone` is true for HTTP 410: the feed must never be polled again.
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: int = 0,
        retry_after: float | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.retry_after = retry_after
        self.gone = gone


class ParseError(NewsreaderError):
    """A body could not be read as a feed (HTML page, empty, unknown format)."""


class StorageError(NewsreaderError):
    """The cache could not be opened or written."""


class SubscriptionError(NewsreaderError):
    """Adding or importing a subscription failed (duplicate, no feed found)."""
