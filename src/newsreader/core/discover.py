"""Feed autodiscovery: find the feeds a web page points to.

Pure functions; the caller fetches the page (and, if nothing is found, tries
`fallback_urls`). Works on bytes so the page's own charset is honoured:
Chinese pages served as GB2312/GBK come out with the right titles.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

__all__ = ["FALLBACK_PATHS", "FeedLink", "fallback_urls", "find_feed_links"]


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed advertised by a page."""

    url: str
    title: str = ""
    type: str = ""
    """MIME type as advertised (or guessed from the extension), e.g.
    "application/rss+xml"; "" when unknown."""


FALLBACK_PATHS: tuple[str, ...] = (
    "/feed",
    "/rss",
    "/atom.xml",
    "/index.xml",
    "/feed.xml",
    "/rss.xml",
    "/feed.json",
)

_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "text/rss+xml",
        "text/atom+xml",
    }
)
_FEED_RELS = frozenset({"alternate", "feed"})
_ANCHOR_SUFFIXES = (".rss", ".xml", ".atom", "feed", "rss")
_GUESSED_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
}

# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

# WHATWG-style label mapping: the declared legacy charsets are subsets of
# what browsers actually decode them as.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# "scheme:" not followed by a port number ("example.com:8080" is a host).
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?!\d)")


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page whose bytes we could read to find the label is not UTF-16.
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def _decode_page(html: bytes, content_type: str) -> str:
    for bom, bom_codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if html.startswith(bom):
            return html[len(bom) :].decode(bom_codec, errors="replace")
    codec: str | None = None
    header = _HEADER_CHARSET.search(content_type)
    if header is not None:
        codec = _codec(header.group(1))
    if codec is None:
        meta = _META_CHARSET.search(html[:4096])
        if meta is not None:
            codec = _codec(meta.group(1).decode("ascii"))
    return html.decode(codec or "utf-8", errors="replace")


# ---------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------


def _clean_text(value: str | None) -> str:
    return " ".join((value or "").split())


def _resolve(href: str | None, base: str) -> str:
    """An absolute http(s) URL for `href`, or "" if it is not usable."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return ""
    lowered = href.lower()
    if lowered.startswith("feed://"):
        href = "http://" + href[len("feed://") :]
    elif lowered.startswith("feed:"):
        href = href[len("feed:") :]
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return ""
    return urlunsplit(parts._replace(fragment=""))


def _is_comments(url: str, title: str) -> bool:
    text = f"{url} {title}".lower()
    return "comments" in text or "评论" in text or "評論" in text


def _anchor_looks_like_feed(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.lower().rstrip("/")
    if "sitemap" in path:
        return False
    if path.endswith(_ANCHOR_SUFFIXES):
        return True
    # WordPress without pretty permalinks: /?feed=rss2
    return any(pair.split("=", 1)[0].lower() == "feed" for pair in parts.query.split("&"))


def _guess_type(url: str) -> str:
    path = urlsplit(url).path.lower()
    for suffix, mime in _GUESSED_TYPES.items():
        if path.endswith(suffix):
            return mime
    return ""


def _parse(html: bytes, content_type: str) -> etree._Element | None:
    text = _XML_DECLARATION.sub("", _decode_page(html, content_type), count=1)
    if not text.strip():
        return None
    # Parse UTF-8 bytes with the encoding forced, so a <meta charset> in the
    # page cannot make libxml2 decode the text a second time.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return None


def find_feed_links(html: bytes, page_url: str, content_type: str = "") -> list[FeedLink]:
    """Feeds advertised by an HTML page, best first.

    Order: `<link rel="alternate">` feeds in document order, then `<a>` links
    that look like feeds, then comment feeds. URLs are absolute (resolved
    against `<base href>` or `page_url`) and deduplicated.
    """
    root = _parse(html, content_type)
    if root is None:
        return []

    base = page_url
    for element in root.iter("base"):
        href = element.get("href")
        if href and href.strip():
            resolved = _resolve(href, page_url)
            if resolved:
                base = resolved
            break

    # (tier, position, link): tier 0 = <link>, 1 = <a>; comments go last.
    candidates: list[tuple[int, int, FeedLink]] = []
    position = 0
    for element in root.iter("link", "a"):
        position += 1
        if element.tag == "link":
            rels = {token.lower() for token in (element.get("rel") or "").split()}
            mime = (element.get("type") or "").split(";", 1)[0].strip().lower()
            if not rels & _FEED_RELS or mime not in _FEED_TYPES:
                continue
            url = _resolve(element.get("href"), base)
            if not url:
                continue
            # WordPress advertises its REST API as an application/json alternate.
            if mime == "application/json" and "/wp-json/" in url:
                continue
            title = _clean_text(element.get("title"))
            tier = 0
        else:
            url = _resolve(element.get("href"), base)
            if not url or not _anchor_looks_like_feed(url):
                continue
            title = _clean_text(element.get("title")) or _clean_text(
                etree.tostring(element, method="text", encoding="unicode", with_tail=False)
            )
            mime = _guess_type(url)
            tier = 1
        if _is_comments(url, title):
            tier += 2
        candidates.append((tier, position, FeedLink(url=url, title=title, type=mime)))

    candidates.sort(key=lambda item: (item[0], item[1]))
    seen: set[str] = set()
    result: list[FeedLink] = []
    for _tier, _position, link in candidates:
        if link.url not in seen:
            seen.add(link.url)
            result.append(link)
    return result


def fallback_urls(page_url: str) -> list[str]:
    """Conventional feed locations to try when a page advertises none.

    When the page is below the site root, `<page path>/feed` comes first (a
    blog in a sub-directory), then the site root plus each of
    `FALLBACK_PATHS`.
    """
    candidate = page_url.strip()
    if "://" not in candidate:
        if _OTHER_SCHEME.match(candidate):
            return []  # mailto:, javascript:, ...
        candidate = "https://" + candidate.lstrip("/")
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return []
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.netloc:
        return []
    root = f"{scheme}://{parts.netloc}"

    urls: list[str] = []
    path = parts.path
    if "." in path.rsplit("/", 1)[-1]:
        path = path.rsplit("/", 1)[0]  # /blog/index.html -> /blog
    path = path.rstrip("/")
    if path:
        urls.append(f"{root}{path}/feed")
    for fallback in FALLBACK_PATHS:
        url = root + fallback
        if url not in urls:
            urls.append(url)
    return urls
