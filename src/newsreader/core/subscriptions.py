"""Subscribing: from a URL the user typed to a feed in the cache.

The URL may be a feed, or a web page that names its feeds with
``<link rel="alternate">``, or a site whose feed sits at a common path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsreader.core.discover import fallback_urls, find_feed_links
from newsreader.core.errors import FetchError, ParseError, SubscriptionError
from newsreader.core.fetch import PAGE_ACCEPT, Fetcher, NotModified
from newsreader.core.parse import looks_like_html_page, parse_feed
from newsreader.core.storage import Store
from newsreader.core.sync import body_digest
from newsreader.core.sync_types import FetchedBody, ParsedFeed


@dataclass(frozen=True, slots=True)
class Candidate:
    """A feed found for a URL, already fetched and parsed."""

    url: str
    title: str
    body: FetchedBody
    parsed: ParsedFeed


def normalize_url(url: str) -> str:
    """Trim, and give a bare host ("example.com/feed") an https:// scheme."""
    url = url.strip()
    if url.startswith("feed:"):
        url = url[5:].removeprefix("//") if url[5:].startswith("//http") else url[5:]
        if not urlsplit(url).scheme:
            url = "https:" + url if url.startswith("//") else "https://" + url
    if not urlsplit(url).scheme and url and "/" not in url.split(".")[0]:
        url = "https://" + url
    return url


def _fetch(fetcher: Fetcher, url: str, accept: str | None = None) -> FetchedBody:
    got = fetcher.fetch(url, accept=accept) if accept else fetcher.fetch(url)
    if isinstance(got, NotModified):  # we sent no validators; a broken server
        raise FetchError("The server answered 304 Not Modified to a plain request")
    return got


def _try_feed(fetcher: Fetcher, url: str) -> Candidate | None:
    try:
        body = _fetch(fetcher, url)
        parsed = parse_feed(body.content, body.url, body.headers)
    except (FetchError, ParseError):
        return None
    return Candidate(body.permanent_url or url, parsed.title or url, body, parsed)


def discover(fetcher: Fetcher, url: str) -> list[Candidate]:
    """Every feed `url` leads to, best first; SubscriptionError when none."""
    url = normalize_url(url)
    body = _fetch(fetcher, url, PAGE_ACCEPT)
    if not looks_like_html_page(body.content):
        try:
            parsed = parse_feed(body.content, body.url, body.headers)
        except ParseError as exc:
            raise SubscriptionError(f"{url} is not a feed: {exc}") from exc
        return [Candidate(body.permanent_url or url, parsed.title or url, body, parsed)]
    found: list[Candidate] = []
    links = find_feed_links(body.content, body.url, body.headers.get("content-type", ""))
    for link in links[:8]:
        candidate = _try_feed(fetcher, link.url)
        if candidate is not None and all(c.url != candidate.url for c in found):
            found.append(candidate)
    if not found:
        for fallback in fallback_urls(body.url):
            candidate = _try_feed(fetcher, fallback)
            if candidate is not None:
                found.append(candidate)
                break
    if not found:
        raise SubscriptionError(f"No feed found at {url}: the page names none")
    return found


def subscribe(store: Store, candidate: Candidate, *, folder: Sequence[str] = ()) -> int:
    """Add the feed and store the entries already fetched with it."""
    if store.feed_id_for_url(candidate.url) is not None:
        raise SubscriptionError(f"Already subscribed to {candidate.url}")
    feed_id = store.add_feed(
        candidate.url,
        title=candidate.parsed.title,
        site_url=candidate.parsed.link,
        folder=folder,
    )
    store.apply_parsed(
        feed_id,
        candidate.parsed,
        body_hash=body_digest(candidate.body.content),
        next_check=0.0,
        etag=candidate.body.etag,
        last_modified=candidate.body.last_modified,
    )
    return feed_id


def add_by_url(
    store: Store, fetcher: Fetcher, url: str, *, folder: Sequence[str] = ()
) -> tuple[int, str]:
    """Subscribe to the first feed `url` leads to; returns (feed id, title)."""
    normalized = normalize_url(url)
    if store.feed_id_for_url(normalized) is not None:
        raise SubscriptionError(f"Already subscribed to {normalized}")
    candidate = discover(fetcher, normalized)[0]
    return subscribe(store, candidate, folder=folder), candidate.title
