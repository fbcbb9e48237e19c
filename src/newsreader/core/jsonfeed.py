"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) to `ParsedFeed`.

Feeds in the wild put wrong types everywhere (numbers for titles, a dict
where a list belongs), so every field is type-checked and a bad value is
treated as missing rather than failing the whole feed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timezone
from typing import Any

from newsreader.core.errors import ParseError
from newsreader.core.model import Enclosure
from newsreader.core.parse import (
    build_entry,
    naive_timezone,
    parse_date,
    to_int,
    unique_entries,
    web_url,
)
from newsreader.core.sanitize import html_to_text, plain_text_to_html, sanitize_html
from newsreader.core.sync_types import ParsedEntry, ParsedFeed

__all__ = ["parse_json_feed"]


def parse_json_feed(text: str, url: str, encoding: str = "utf-8") -> ParsedFeed:
    """Parse JSON Feed text; raise `ParseError` for invalid JSON or non-feeds."""
    try:
        # strict=False: raw control characters inside strings are common.
        document = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise ParseError(f"Not a feed: invalid JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError as exc:
        raise ParseError("Not a feed: JSON nested too deeply") from exc
    if not isinstance(document, dict):
        raise ParseError("Not a feed: this JSON document is not a JSON Feed")
    rss = document.get("rss")
    if isinstance(rss, dict) and isinstance(rss.get("channel"), dict):
        return _rss_in_json(rss["channel"], url, encoding)
    version = _str(document.get("version"))
    items = document.get("items")
    if "jsonfeed.org" not in version and not (version.startswith("1") and isinstance(items, list)):
        raise ParseError(
            "Not a feed: this JSON document is not a JSON Feed (no jsonfeed.org version)"
        )
    title = html_to_text(_str(document.get("title")))
    site = web_url(_str(document.get("home_page_url")), url)
    feed_authors = _authors(document)
    naive_tz = naive_timezone(_str(document.get("language")), title)
    base = site or url
    entries = unique_entries(
        _item(item, base, feed_authors, naive_tz)
        for item in (items if isinstance(items, list) else ())
        if isinstance(item, dict)
    )
    return ParsedFeed(
        title=title,
        link=site,
        entries=entries,
        kind=_kind(version),
        encoding=encoding,
        image_url=web_url(_str(document.get("icon")) or _str(document.get("favicon")), base),
    )


def _kind(version: str) -> str:
    number = version.rstrip("/").rsplit("/", 1)[-1]
    return {"1": "json10", "1.0": "json10", "1.1": "json11"}.get(number, "json")


def _item(item: dict[str, Any], base: str, feed_authors: str, naive_tz: timezone) -> ParsedEntry:
    link = web_url(_str(item.get("url")), base) or web_url(_str(item.get("external_url")), base)
    content_base = link or base
    content_html = _str(item.get("content_html"))
    if content_html:
        content_html = sanitize_html(content_html, content_base)
    else:
        content_html = plain_text_to_html(_str(item.get("content_text")))
    summary_html = plain_text_to_html(_str(item.get("summary")))
    published_raw = _str(item.get("date_published"))
    modified_raw = _str(item.get("date_modified"))
    published = _date(published_raw, naive_tz)
    updated = _date(modified_raw, naive_tz)
    raw_id = item.get("id")
    guid = (
        str(raw_id).strip()
        if isinstance(raw_id, str | int) and not isinstance(raw_id, bool)
        else ""
    )
    return build_entry(
        guid=guid,
        title=html_to_text(_str(item.get("title"))),
        link=link,
        author=_authors(item) or feed_authors,
        published=published or updated,
        updated=updated,
        date_text=published_raw or modified_raw,
        summary_html=summary_html,
        content_html=content_html,
        enclosures=_attachments(item.get("attachments"), content_base),
    )


def _date(raw: str, naive_tz: timezone) -> datetime | None:
    """RFC 3339 dates, read with fromisoformat, else the generic parser."""
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        return parse_date(raw, None, naive_tz)
    if value.tzinfo is None:
        value = value.replace(tzinfo=naive_tz)
    return value.astimezone(UTC)


def _authors(obj: dict[str, Any]) -> str:
    """Names from 1.1 `authors`, else the 1.0 `author` object, comma-joined."""
    modern = obj.get("authors")
    for candidates in (modern if isinstance(modern, list) else [], [obj.get("author")]):
        names: list[str] = []
        for author in candidates:
            if isinstance(author, dict):
                name = html_to_text(_str(author.get("name")))
                if name and name not in names:
                    names.append(name)
        if names:
            return ", ".join(names)
    return ""


def _attachments(value: object, base: str) -> tuple[Enclosure, ...]:
    if not isinstance(value, list):
        return ()
    result: list[Enclosure] = []
    seen: set[str] = set()
    for attachment in value:
        if not isinstance(attachment, dict):
            continue
        url = web_url(_str(attachment.get("url")), base)
        if not url or url in seen:
            continue
        seen.add(url)
        result.append(
            Enclosure(
                url=url,
                type=_str(attachment.get("mime_type")),
                length=to_int(attachment.get("size_in_bytes")),
            )
        )
    return tuple(result)


def _str(value: object) -> str:
    """A stripped string, "" for any other type.  JSON "\\ud800" escapes can
    give lone surrogates, which nothing downstream (nh3, SQLite) accepts."""
    if not isinstance(value, str):
        return ""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value.strip()


# --- RSS-in-JSON ("rss.js", as published by Scripting News) ------------------


def _rss_in_json(channel: dict[str, Any], url: str, encoding: str) -> ParsedFeed:
    """RSS 2.0 elements as JSON members: channel.item[] with title, link,
    description (HTML), pubDate (RFC 822), guid, enclosure."""
    title = html_to_text(_str(channel.get("title")))
    site = web_url(_str(channel.get("link")), url)
    base = site or url
    naive_tz = naive_timezone(_str(channel.get("language")), title)
    items = channel.get("item")
    if isinstance(items, dict):
        items = [items]
    entries = unique_entries(
        _rss_item(item, base, naive_tz)
        for item in (items if isinstance(items, list) else ())
        if isinstance(item, dict)
    )
    image = channel.get("image")
    image_url = _str(image.get("url")) if isinstance(image, dict) else ""
    return ParsedFeed(
        title=title,
        link=site,
        entries=entries,
        kind="rss-json",
        encoding=encoding,
        image_url=web_url(image_url, base),
    )


def _rss_item(item: dict[str, Any], base: str, naive_tz: timezone) -> ParsedEntry:
    link = web_url(_str(item.get("link")), base)
    guid = item.get("guid")
    if isinstance(guid, dict):  # {"isPermaLink": ..., "value"/"#text": ...}
        guid = guid.get("value") or guid.get("#text") or guid.get("#value")
    content_base = link or base
    description = _str(item.get("description"))
    content = _str(item.get("content:encoded"))
    date_raw = _str(item.get("pubDate"))
    published = parse_date(date_raw, None, naive_tz)
    enclosure = item.get("enclosure")
    enclosures = enclosure if isinstance(enclosure, list) else [enclosure]
    return build_entry(
        guid=_str(guid),
        title=html_to_text(_str(item.get("title"))),
        link=link,
        author=html_to_text(_str(item.get("author")) or _str(item.get("dc:creator"))),
        published=published,
        updated=None,
        date_text=date_raw,
        summary_html=sanitize_html(description, content_base) if content else "",
        content_html=sanitize_html(content or description, content_base),
        enclosures=_attachments(
            [
                {"url": e.get("url"), "mime_type": e.get("type"), "size_in_bytes": e.get("length")}
                for e in enclosures
                if isinstance(e, dict)
            ],
            content_base,
        ),
    )
