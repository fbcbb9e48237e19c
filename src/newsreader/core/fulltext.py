"""Full article text for feeds that carry only a summary.

Steps, each testable alone:

* `looks_like_summary` decides from the feed's own text whether the page is
  worth fetching (short text, or text that ends in a "read more" marker);
* `fetch_full_text` fetches the linked page through the shared polite
  `Fetcher`, decodes it (HTTP charset, then ``<meta charset>``, then
  detection: core/encoding.py), extracts the main text with trafilatura and
  sanitizes the result like any feed content;
* `adds_to_feed` then checks that the page really says more than the feed
  (the feed's text is a prefix of it, or it is much longer); otherwise the
  feed's version is kept and nothing is stored.

Failures raise `FullTextError` (or FetchError) with a message for the
article view's note.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsreader.core.errors import NewsreaderError
from newsreader.core.fetch import PAGE_ACCEPT, Fetcher, NotModified
from newsreader.core.sanitize import html_to_text

__all__ = [
    "FULL_TEXT_MODES",
    "FullText",
    "FullTextError",
    "adds_to_feed",
    "extract_main",
    "fetch_full_text",
    "looks_like_summary",
    "site_name",
    "text_weight",
]

FULL_TEXT_MODES = ("auto", "always", "never")
# Feed text lighter than this (CJK characters weigh 3, about a word each) is a summary.
SUMMARY_WEIGHT = 600
MAX_PAGE_BYTES = 4 * 1024 * 1024
# Less extracted text than this is a menu or a cookie banner, not an article.
MIN_ARTICLE_WEIGHT = 100
_HTML_TYPES = ("text/html", "application/xhtml+xml", "")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_TRUNCATED_RE = re.compile(
    r"(\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading|more »|阅读全文|查看全文|"
    r"全文|更多|详情|點擊|点击)\W{0,3}$",
    re.IGNORECASE,
)
_EXTRACT_LOCK = threading.Lock()


class FullTextError(NewsreaderError):
    """The page could not be turned into article text."""


@dataclass(frozen=True, slots=True)
class FullText:
    html: str  # sanitized, relative URLs resolved against `url`
    url: str  # the page it came from (after redirects)
    site: str  # its host, for the "Full text from <site>" note


def text_weight(text: str) -> int:
    """Length that treats a CJK character like a short word."""
    return len(text) + 2 * len(_CJK_RE.findall(text))


def looks_like_summary(feed_html: str) -> bool:
    text = html_to_text(feed_html)
    if text_weight(text) < SUMMARY_WEIGHT:
        return True
    return bool(_TRUNCATED_RE.search(text[-40:]))


def _core(text: str) -> str:
    text = " ".join(text.split())
    return _TRUNCATED_RE.sub("", text).strip()


def adds_to_feed(feed_text: str, page_text: str) -> bool:
    """True when the page's article says clearly more than the feed did."""
    feed, page = _core(feed_text), " ".join(page_text.split())
    if not page:
        return False
    prefix = feed[: min(len(feed), 120)]
    if prefix and prefix in page[: len(prefix) + 400] and len(page) > len(feed) + 40:
        return True
    return text_weight(page) >= 1.5 * text_weight(feed) + 40


def site_name(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def extract_main(page_html: str, url: str) -> str:
    """The page's main article as HTML (unsanitized), "" when none is found."""
    import trafilatura

    # trafilatura keeps module-level caches; one extraction at a time is
    # safe and costs little next to the network.
    with _EXTRACT_LOCK:
        result = trafilatura.extract(
            page_html,
            url=url,
            output_format="html",
            include_images=True,
            include_links=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
        )
    return result or ""


def fetch_full_text(fetcher: Fetcher, url: str, feed_html: str = "") -> FullText | None:
    """Fetch, decode, extract and sanitize the article at `url`.

    Returns None when the page adds nothing to `feed_html`.  Raises
    FetchError or FullTextError with a readable reason.
    """
    from newsreader.core.encoding import decode_feed_bytes
    from newsreader.core.sanitize import sanitize_html

    if not url:
        raise FullTextError("The article has no link")
    got = fetcher.fetch(url, accept=PAGE_ACCEPT)
    if isinstance(got, NotModified):
        raise FullTextError("The server answered 304 to a plain request")
    content_type = got.headers.get("content-type", "")
    kind = content_type.split(";")[0].strip().lower()
    if kind not in _HTML_TYPES:
        raise FullTextError(f"The link is not a web page ({kind})")
    charset = ""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    if match:
        charset = match.group(1)
    text, _encoding = decode_feed_bytes(got.content, charset)
    if "<" not in text[:4096]:
        raise FullTextError("The link is not a web page")
    extracted = extract_main(text, got.url)
    clean = sanitize_html(_strip_document(extracted), got.url)
    page_text = html_to_text(clean)
    if text_weight(page_text) < MIN_ARTICLE_WEIGHT:
        raise FullTextError("No article text was found on the page")
    if feed_html and not adds_to_feed(html_to_text(feed_html), page_text):
        return None
    return FullText(html=clean, url=got.url, site=site_name(got.url))


_DOC_TAGS_RE = re.compile(r"</?(html|body)\b[^>]*>", re.IGNORECASE)


def _strip_document(fragment: str) -> str:
    return _DOC_TAGS_RE.sub("", fragment).strip()
