"""Parse a fetched body (RSS, Atom or JSON Feed) into a sanitized `ParsedFeed`.

`parse_feed` is a pure function of its arguments, with picklable input and
output, so it can run in a worker process.

RSS and Atom go through feedparser, but prepared first:

* the text is decoded by `decode_feed_bytes` and handed over as UTF-8 with a
  matching declaration, so feedparser's own charset guessing never runs;
* characters illegal in XML 1.0 are removed, the DTD internal subset is
  dropped (no entity expansion, no billion laughs), HTML named entities and
  bare ``&`` outside CDATA are repaired, junk around the root is trimmed;
* large entry bodies are "offloaded": each is replaced by a short token and
  restored afterwards.  feedparser's per-character Python work (joining SAX
  chunks, cp1252 translation) dominated its run time; the bodies are
  sanitized by nh3 anyway, not by feedparser.  Entry-level elements nothing
  here reads (categories, comment links, itunes:duration...) are dropped too:
  feedparser spends ~40 µs on each element.

Entries: `published` falls back to `updated` (Atom feeds often have only
<updated>); entries with nothing in them are dropped, and entries repeating a
key are dropped (same content) or re-keyed (different content).

When feedparser still finds the document ill-formed and gets fewer entries
than the document has, lxml's recovering parser rebuilds a well-formed
document and feedparser runs again; the better result wins and
`ParsedFeed.warning` says what happened.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import hashlib
import io
import re
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from html.entities import html5 as _HTML5_ENTITIES
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

from newsreader.core.encoding import decode_feed_bytes
from newsreader.core.errors import ParseError
from newsreader.core.model import Enclosure
from newsreader.core.sanitize import (
    html_to_text,
    make_snippet,
    plain_text_to_html,
    sanitize_html,
    strip_tags,
)
from newsreader.core.sync_types import ParsedEntry, ParsedFeed

__all__ = ["build_entry", "looks_like_html_page", "parse_date", "parse_feed"]

EMPTY_DOCUMENT = "The document is empty"
HTML_PAGE = "This is an HTML web page, not a feed"

_MAX_GUNZIPPED = 64 * 1024 * 1024
_SNIFF_BYTES = 4096
_JSON_TYPES = frozenset({"application/json", "application/feed+json", "text/json"})
_HTML_FIRST_TAGS = frozenset(
    {
        *("html", "head", "body", "meta", "title", "link", "script", "style"),
        *("div", "p", "br", "a", "table", "center", "span", "img", "iframe"),
        *("form", "noscript", "base", "main", "nav", "section", "article"),
        *("header", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6"),
    }
)
_TITLE_SNIPPET = 80

# --- XML preparation ---------------------------------------------------------
_ILLEGAL_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
# Entry-level leaf elements nothing here reads (each costs feedparser ~40 µs;
# WordPress items carry many categories, podcasts many itunes: elements).
_UNUSED_ELEMENT_RE = re.compile(
    r"<((?:category|comments|dc:subject|slash:comments|wfw:commentRss|wfw:comment"
    r"|feedburner:origLink|georss:point|itunes:(?:duration|explicit|episode|season"
    r"|episodeType|keywords|block|subtitle|image)|media:(?:content|thumbnail|rating"
    r"|credit|keywords|category|player|restriction|license|copyright)))"
    r"(?:\s[^<>]*)?(?:/>|>(?:[^<]*|<!\[CDATA\[(?>.*?\]\]>))</\1\s*>)"
    # and Atom links to things no reader shows (comments, edit, short URLs)
    r"""|<link\s[^<>]*?\brel=["'](?:replies|edit|edit-media|self|shorturl|license)["']"""
    r"[^<>]*?(?:/>|>\s*</link\s*>)",
    re.S,
)
_XML_DECL_RE = re.compile(r"<\?xml\s[^>]*?\?>")
_DOCTYPE_RE = re.compile(r"<!DOCTYPE\s+([^\[>]*)\[.*?\]\s*>", re.S | re.I)
_UNSAFE_SECTIONS_RE = re.compile(r"(<!\[CDATA\[.*?\]\]>|<!--.*?-->)", re.S)
# An '&' that does not start one of XML's own references.
_BAD_AMP_RE = re.compile(
    r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#[xX][0-9a-fA-F]+);)([A-Za-z][A-Za-z0-9]*;)?"
)
_ROOT_END_RE = re.compile(r"</(?:[\w.\-]+:)?(?:rss|feed|RDF)\s*>")
_ELEMENT_START_RE = re.compile(r"<[A-Za-z]")
_ENTRY_START_RE = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?(?:item|entry)[\s/>]")
_FIRST_TAG_RE = re.compile(r"<(!doctype\s+[A-Za-z]+|[A-Za-z][\w:.\-]*)", re.I)
_PROLOG_NOISE_RE = re.compile(r"<!--.*?(?:-->|$)|<\?.*?(?:\?>|$)", re.S)

# --- body offloading -----------------------------------------------------------
_TOKEN_OPEN, _TOKEN_CLOSE = "\ufdd0", "\ufdd1"  # noncharacters: never real text
_TOKEN_RE = re.compile(f"{_TOKEN_OPEN}([0-9]+){_TOKEN_CLOSE}")
_MIN_OFFLOAD = 200
_BODY_START_RE = re.compile(
    r"<((?:[A-Za-z_][\w.\-]*:)?(?:description|summary|content|encoded))(\s[^>]*?)?(?<!/)>"
)
_SPACE_RE = re.compile(r"[ \t\r\n]*")

# --- dates ---------------------------------------------------------------------
_NUMERIC_DATE_RE = re.compile(
    r"\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[T\s]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$",
    re.I,
)
_CHINA_TZ = timezone(timedelta(hours=8))
_ENDS_WITH_TIME_RE = re.compile(r"\d:\d{2}(?::\d{2})?\s*$")  # no zone after the time
_HAN_RE = re.compile("[\u4e00-\u9fff]")
_KANA_RE = re.compile("[\u3040-\u30ff]")


def parse_feed(
    content: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    encoding_override: str = "",
) -> ParsedFeed:
    """Parse a feed body fetched from `url`.

    `headers` are the response headers (any case).  Raises `ParseError` with a
    user-readable message when the body is empty, an HTML page, or no feed.
    """
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    mime, charset = _content_type(lowered.get("content-type", ""))
    content = _maybe_gunzip(content)
    if not content.strip():
        raise ParseError(EMPTY_DOCUMENT)
    text, encoding = decode_feed_bytes(content, charset, encoding_override)
    # Control bytes map 1:1 to control characters in every ASCII-compatible
    # encoding, and bytes.translate is ~8x faster than a regex over the text.
    controls = encoding.startswith(("utf-16", "utf-32")) or len(
        content.translate(None, _CONTROL_BYTES)
    ) != len(content)
    text = text.lstrip(" \t\r\n\ufeff\x00")
    if not text:
        raise ParseError(EMPTY_DOCUMENT)
    if text[0] in "{[" or (mime in _JSON_TYPES and text[0] != "<"):
        # Imported here: jsonfeed builds its entries with this module's helpers.
        from newsreader.core.jsonfeed import parse_json_feed

        return parse_json_feed(text, url, encoding)
    if _is_html_text(text[:_SNIFF_BYTES]):
        raise ParseError(HTML_PAGE)
    return _parse_xml(text, url, encoding, controls=controls)


def looks_like_html_page(content: bytes) -> bool:
    """True when the body is an HTML page (or fragment) rather than a feed."""
    head, _ = decode_feed_bytes(content[:_SNIFF_BYTES])
    return _is_html_text(head.lstrip(" \t\r\n\ufeff\x00"))


def _content_type(value: str) -> tuple[str, str]:
    """Split a Content-Type header into (mime type, charset)."""
    mime, _, params = value.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, arg = param.partition("=")
        if name.strip().lower() == "charset":
            charset = arg.strip().strip("\"'")
    return mime.strip().lower(), charset


def _maybe_gunzip(content: bytes) -> bytes:
    """Bodies saved or served still gzip-compressed are decompressed (capped)."""
    if not content.startswith(b"\x1f\x8b"):
        return content
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(content, _MAX_GUNZIPPED)
    except zlib.error as exc:
        raise ParseError(f"Not a feed: corrupt gzip-compressed data ({exc})") from exc
    if inflater.unconsumed_tail:
        raise ParseError("Not a feed: the compressed document is too large")
    if not data and not inflater.eof:
        raise ParseError("Not a feed: corrupt gzip-compressed data")
    return data  # a truncated stream still gives what it has


def _is_html_text(head: str) -> bool:
    """Is the first element of this text an HTML one (or an HTML doctype)?"""
    if "<" not in head:
        return False
    head = _PROLOG_NOISE_RE.sub("", head)
    doctype_html = False
    for match in _FIRST_TAG_RE.finditer(head):
        name = match.group(1).lower()
        if name.startswith("!doctype"):
            doctype_html = name.split()[-1] == "html"
            continue
        return name in _HTML_FIRST_TAGS
    return doctype_html


# --- XML -------------------------------------------------------------------------


def _parse_xml(text: str, url: str, encoding: str, *, controls: bool = True) -> ParsedFeed:
    bodies: list[str] = []
    document, repairs = _prepare_xml(text, bodies, controls=controls)
    data = document.encode("utf-8", "replace")
    result = _run_feedparser(data, url)
    if result.get("bozo"):
        problem = _describe_bozo(result.get("bozo_exception"))
        if len(result["entries"]) < _count_entries(document):
            recovered = _recover_with_lxml(data)
            if recovered is not None:
                second = _run_feedparser(recovered, url)
                if len(second["entries"]) > len(result["entries"]):
                    result = second
        repairs.append(problem)
    version = str(result.get("version") or "")
    if not version and not result["entries"]:
        raise ParseError(_not_a_feed_reason(document, result))
    parsed = _build_feed(result, url, encoding, version or "xml", bodies)
    if not repairs:
        return parsed
    count = len(parsed.entries)
    warning = (
        f"The feed is not well-formed XML ({'; '.join(repairs)}); "
        f"{count} {'entry was' if count == 1 else 'entries were'} recovered."
    )
    return dataclasses.replace(parsed, warning=warning)


def _prepare_xml(text: str, bodies: list[str], *, controls: bool = True) -> tuple[str, list[str]]:
    """Make the text as parseable as possible, offloading large bodies into
    `bodies`; return the text and the list of repairs made.

    `controls=False` promises the text has no control characters to remove.
    """
    repairs: list[str] = []
    start = text.find("<")
    if start > 0:
        text = text[start:]
        repairs.append("text before the first tag removed")
    if (controls or "\ufffe" in text or "\uffff" in text) and _ILLEGAL_XML_RE.search(text):
        text = _ILLEGAL_XML_RE.sub("", text)
        repairs.append("control characters removed")
    decl = _XML_DECL_RE.search(text, 0, 4096)
    if decl and not _ELEMENT_START_RE.search(text, 0, decl.start()):
        if decl.start():
            repairs.append("misplaced XML declaration removed")
        text = text[: decl.start()] + text[decl.end() :]
    text = '<?xml version="1.0" encoding="utf-8"?>' + text
    head = text[:4096]
    if "<!DOCTYPE" in head.upper() and "[" in head:
        # The internal subset is where entity bombs live; feeds need none of it.
        text = _DOCTYPE_RE.sub(r"<!DOCTYPE \1>", text, count=1)
    # Offloaded bodies are HTML: a stray '&' or '&nbsp;' in them is fine as is,
    # and repairing only the rest is much cheaper.
    text = _offload_bodies(text, bodies)
    first_entry = _ENTRY_START_RE.search(text)
    if first_entry:  # channel-level ones (feed image...) are kept
        cut = first_entry.start()
        text = text[:cut] + _UNUSED_ELEMENT_RE.sub("", text[cut:])
    if "&" in text:
        text, fixed = _repair_entities(text)
        if fixed:
            repairs.append(f"{fixed} unescaped '&' or HTML entities repaired")
    tail = text[-4096:]
    ends = list(_ROOT_END_RE.finditer(tail))
    if ends:
        cut = len(text) - len(tail) + ends[-1].end()
        if _PROLOG_NOISE_RE.sub("", text[cut:]).strip():
            text = text[:cut]
            repairs.append("junk after the end of the document removed")
    return text, repairs


def _repair_entities(text: str) -> tuple[str, int]:
    """Escape bare '&' and turn HTML named entities into character references.

    CDATA sections and comments are left alone: '&' is literal there.
    """
    fixed = 0

    def repl(match: re.Match[str]) -> str:
        nonlocal fixed
        fixed += 1
        name = match.group(1)
        if name and name in _HTML5_ENTITIES:
            return "".join(f"&#{ord(char)};" for char in _HTML5_ENTITIES[name])
        return "&amp;" + (name or "")

    if "<![CDATA[" not in text and "<!--" not in text:
        return _BAD_AMP_RE.sub(repl, text), fixed
    parts = _UNSAFE_SECTIONS_RE.split(text)
    for index in range(0, len(parts), 2):  # odd indexes are CDATA/comments
        if "&" in parts[index]:
            parts[index] = _BAD_AMP_RE.sub(repl, parts[index])
    return "".join(parts), fixed


def _offload_bodies(text: str, bodies: list[str]) -> str:
    """Replace large entry bodies by tokens, appending the bodies to `bodies`.

    Only an element whose whole content is one CDATA section or one run of
    character data is offloaded; anything else is left to feedparser.  Plain
    string searches, not a regex, walk the bodies: this runs over every byte.
    """
    if _TOKEN_OPEN in text:
        return text
    out: list[str] = []
    pos = done = 0
    while True:
        match = _BODY_START_RE.search(text, pos)
        if match is None:
            break
        pos = match.end()
        attrs = match.group(2) or ""
        if "base64" in attrs or "xhtml" in attrs:
            continue
        end_tag = f"</{match.group(1)}>"
        start = _SPACE_RE.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("<![CDATA[", start):
            close = text.find("]]>", start + 9)
            if close < 0:
                continue
            if close - start - 9 < _MIN_OFFLOAD:
                pos = close + 3  # never look for bodies inside a CDATA section
                continue
            after = _SPACE_RE.match(text, close + 3).end()  # type: ignore[union-attr]
            if not text.startswith(end_tag, after):
                pos = close + 3
                continue
            body = text[start + 9 : close]
        else:
            after = text.find("<", pos)
            if after - pos < _MIN_OFFLOAD or not text.startswith(end_tag, after):
                continue
            body = _xml_unescape(text[pos:after])
        bodies.append(_like_feedparser(body))
        out.append(text[done:pos])
        out.append(f"{_TOKEN_OPEN}{len(bodies) - 1}{_TOKEN_CLOSE}")
        done = pos = after
    if not bodies:
        return text
    out.append(text[done:])
    return "".join(out)


def _xml_unescape(text: str) -> str:
    """Decode XML's five entities and character references (nothing else
    remains after `_repair_entities`)."""
    if "&" not in text:
        return text
    if "&#" in text:
        return _single_pass_unescape(text)
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


_NAMED_XML = {"lt": "<", "gt": ">", "quot": '"', "apos": "'", "amp": "&"}
_ANY_XML_REF_RE = re.compile(r"&(lt|gt|quot|apos|amp|#[0-9]+|#[xX][0-9a-fA-F]+);")


def _single_pass_unescape(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref[0] != "#":
            return _NAMED_XML[ref]
        code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
        if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            return "\ufffd"  # not a character XML (or nh3) accepts
        return chr(code)

    return _ANY_XML_REF_RE.sub(repl, text)


def _like_feedparser(value: str) -> str:
    """Apply what feedparser does to element text, for offloaded bodies."""
    value = value.strip()
    if value.isascii():
        return value
    # Undo UTF-8 that was mis-read as Latin-1 and re-encoded.
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    # feedparser also maps C1 controls to cp1252 here; for bodies that is
    # left out: it needs a scan of every character and bodies are HTML,
    # where the decoder already did that mapping for declared Latin-1.
    return value


def _run_feedparser(data: bytes, url: str) -> Any:
    """feedparser on prepared UTF-8 bytes.

    The feed URL goes in as Content-Location only when the document uses
    xml:base.  With a base URI feedparser runs urljoin on every element (a
    quarter of its time), and relative URLs are resolved here anyway
    (`web_url`, `_content_base`, `sanitize_html`); but without one it fails
    to restore the base when an element with xml:base ends.
    """
    headers = {"content-type": "application/xml; charset=utf-8"}
    if url and b"xml:base" in data:
        headers["content-location"] = url
    return feedparser.parse(
        io.BytesIO(data),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )


def _count_entries(document: str) -> int:
    return sum(1 for _ in _ENTRY_START_RE.finditer(document))


def _recover_with_lxml(data: bytes) -> bytes | None:
    """Rebuild a well-formed document from a broken one (None if hopeless)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _describe_bozo(exc: object) -> str:
    if exc is None:
        return "unknown error"
    get_line = getattr(exc, "getLineNumber", None)
    get_message = getattr(exc, "getMessage", None)
    if callable(get_line) and callable(get_message):
        return f"line {get_line()}: {get_message()}"
    return str(exc) or type(exc).__name__


def _not_a_feed_reason(document: str, result: Any) -> str:
    head = _PROLOG_NOISE_RE.sub("", document[:_SNIFF_BYTES])
    match = _FIRST_TAG_RE.search(head)
    if result.get("bozo") and not match:
        return "Not a feed: " + _describe_bozo(result.get("bozo_exception"))
    if match and not match.group(1).startswith("!"):
        return f"Not a feed: the document is <{match.group(1)}>, not RSS or Atom"
    return "Not a feed: no RSS, Atom or JSON Feed content found"


# --- building the result -----------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Context:
    """What every entry of one XML feed needs to know about the feed."""

    url: str
    site: str
    naive_tz: timezone
    atom: bool
    feed_author: str
    bodies: list[str]

    def restore(self, value: object) -> str:
        if not isinstance(value, str):
            return ""
        if self.bodies and _TOKEN_OPEN in value:
            return _TOKEN_RE.sub(lambda m: self.bodies[int(m.group(1))], value)
        return value


def _get(obj: object, key: str) -> Any:
    """obj[key] for feedparser's dicts, bypassing FeedParserDict's slow (and
    occasionally deprecated-alias) lookups; None for anything else."""
    return dict.get(obj, key) if isinstance(obj, dict) else None


def _build_feed(result: Any, url: str, encoding: str, kind: str, bodies: list[str]) -> ParsedFeed:
    feed = result["feed"]
    atom = kind.startswith("atom")
    title = _title(_get(feed, "title_detail"), _get(feed, "title"), atom)
    site = web_url(_text(_get(feed, "link")), url)
    image = _text(_get(_get(feed, "image"), "href"))
    image_url = web_url(
        image or _text(_get(feed, "logo")) or _text(_get(feed, "icon")), site or url
    )
    context = _Context(
        url=url,
        site=site,
        naive_tz=naive_timezone(_text(_get(feed, "language")), title),
        atom=atom,
        feed_author=_author(feed) if atom else "",
        bodies=bodies,
    )
    entries = unique_entries(_build_entry(entry, context) for entry in result["entries"])
    return ParsedFeed(
        title=title,
        link=site,
        entries=entries,
        kind=kind,
        encoding=encoding,
        image_url=image_url,
    )


def _build_entry(entry: Any, ctx: _Context) -> ParsedEntry:
    link = web_url(_text(_get(entry, "link")), ctx.url)
    content, content_base, content_kind = _best_content(entry, ctx)
    summary_detail = _get(entry, "summary_detail")
    summary = ctx.restore(_get(summary_detail, "value") or _get(entry, "summary"))
    if summary and summary == content:
        summary = ""  # feedparser copies a lone <content> into `summary`
    summary_kind = _markup_kind(_text(_get(summary_detail, "type")) or "text/html")
    if (
        not ctx.atom
        and content_kind == "text"
        and summary_kind == "html"
        and len(summary) > 3 * len(content)
    ):
        # feedparser files a <media:description> caption as `content` when an
        # RSS item already has a <description>: the description is the article.
        content, summary = summary, content
        content_kind, summary_kind = summary_kind, content_kind
    detail_base = content_base or _text(_get(summary_detail, "base"))
    base = _content_base(detail_base, link, ctx)
    published_raw = _text(_get(entry, "published"))
    updated_raw = _text(_get(entry, "updated"))
    published = parse_date(published_raw, _get(entry, "published_parsed"), ctx.naive_tz)
    updated = parse_date(updated_raw, _get(entry, "updated_parsed"), ctx.naive_tz)
    links = _get(entry, "links")
    return build_entry(
        guid=_text(_get(entry, "id")),
        title=_title(_get(entry, "title_detail"), ctx.restore(_get(entry, "title")), ctx.atom),
        link=link,
        author=_author(entry) or ctx.feed_author,
        published=published or updated,
        updated=updated,
        date_text=published_raw or updated_raw,
        summary_html=_to_html(summary, summary_kind, base),
        content_html=_to_html(content, content_kind, base),
        enclosures=_enclosures(links if isinstance(links, list) else (), ctx.url or link),
    )


def _best_content(entry: Any, ctx: _Context) -> tuple[str, str, str]:
    """(value, base, "html"|"text") of the richest <content>; HTML beats text."""
    best: tuple[str, str, str] = ("", "", "")
    best_rank = (False, 0)
    contents = _get(entry, "content")
    for detail in contents if isinstance(contents, list) else ():
        value = ctx.restore(_get(detail, "value"))
        kind = _markup_kind(_text(_get(detail, "type")))
        if not value.strip() or not kind:
            continue
        rank = (kind == "html", len(value))
        if rank > best_rank:
            best, best_rank = (value, _text(_get(detail, "base")), kind), rank
    return best


def _markup_kind(mime: str) -> str:
    """Classify a MIME type as "html" (HTML, XHTML), "text" (plain) or "" (other)."""
    mime = mime.lower()
    if "html" in mime:
        return "html"
    if mime in ("", "text", "text/plain") or mime.startswith("text/"):
        return "text"
    return ""


def _to_html(value: str, kind: str, base: str) -> str:
    if not value:
        return ""
    if kind == "text":
        return plain_text_to_html(value)
    return sanitize_html(value, base)


def _content_base(detail_base: str, link: str, ctx: _Context) -> str:
    """The URL relative links in an entry body are resolved against.

    An explicit xml:base wins.  Atom says the document's URL comes next.  RSS
    says nothing; its bodies are written for the entry's own page, so that
    is used as long as it is on the feed's site (a link blog's entries point
    elsewhere), else the site, else the feed URL.
    """
    if detail_base:  # an xml:base, possibly relative to the document
        explicit = web_url(detail_base, ctx.url)
        if explicit:
            return explicit
    if ctx.atom:
        return ctx.url or ctx.site
    home = ctx.site or ctx.url
    if link and _host(link) == _host(home):
        return link
    return home


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _title(detail: Any, value: object, atom: bool) -> str:
    """Plain-text title.

    HTML titles are converted to text.  feedparser calls RSS titles without
    markup or entities "text/plain": tags are still stripped from those (RSS
    titles are routinely HTML whatever they claim) but their text, already
    unescaped once, is not unescaped again.  Atom's explicit type="text" is
    literal.
    """
    text = value if isinstance(value, str) else ""
    if not text:
        return ""
    if _text(_get(detail, "type")) == "text/plain":
        return " ".join(text.split()) if atom else strip_tags(text)
    return html_to_text(text)


def _author(item: Any) -> str:
    name = _text(_get(_get(item, "author_detail"), "name")) or _text(_get(item, "author"))
    return html_to_text(name) if name else ""


def _enclosures(links: Iterable[Any], base: str) -> tuple[Enclosure, ...]:
    """Enclosures from feedparser's links (RSS <enclosure>, Atom rel=enclosure)."""
    result: list[Enclosure] = []
    seen: set[str] = set()
    for item in links:
        if _get(item, "rel") != "enclosure":
            continue
        href = web_url(_text(_get(item, "href")), base)
        if not href or href in seen:
            continue
        seen.add(href)
        mime = _text(_get(item, "type"))
        if mime == "text/html":  # feedparser's default for a link without type
            mime = ""
        length = to_int(_get(item, "length"))
        result.append(Enclosure(url=href, type=mime, length=length))
    return tuple(result)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- helpers shared with jsonfeed -------------------------------------------------


def web_url(value: str, base: str = "") -> str:
    """`value` made absolute against `base`; "" unless it is http(s)."""
    value = value.strip()
    if not value:
        return ""
    if value.startswith(("http://", "https://")) and " " not in value:
        return value
    try:
        absolute = urljoin(base, value) if base else value
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return ""
    return absolute if scheme in ("http", "https") else ""


def to_int(value: object) -> int:
    """A non-negative int from whatever a feed put there (0 if unusable)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        number = int(value)
    elif isinstance(value, str):
        digits = value.strip().split(".")[0]
        number = int(digits) if digits.isdigit() else 0
    else:
        return 0
    return max(number, 0)


def naive_timezone(language: str, title: str) -> timezone:
    """The zone to assume for dates written without one.

    UTC, except for Chinese-language feeds: every place where Chinese is the
    main language (mainland China, Hong Kong, Macau, Taiwan, Singapore) is on
    UTC+8, so a Chinese site's naive "2020/1/10 14:33:00" is local UTC+8
    time.  Without a language tag, Han characters without kana (Japanese uses
    UTC+9) in the feed title count as Chinese.
    """
    language = language.lower()
    if language.startswith("zh"):
        return _CHINA_TZ
    if not language and _HAN_RE.search(title) and not _KANA_RE.search(title):
        return _CHINA_TZ
    return UTC


def parse_date(raw: str, parsed: object = None, naive_tz: timezone = UTC) -> datetime | None:
    """A timezone-aware UTC datetime from a feed date, or None.

    Numeric dates ("2020/1/10 14:33:00", "2020-01-10T14:33:00+08:00") are read
    here (feedparser misreads the slash form); RFC 822 and the rest come from
    feedparser's UTC `*_parsed` struct_time, or email.utils as a last resort.
    """
    raw = raw.strip()
    if raw:
        match = _NUMERIC_DATE_RE.match(raw)
        if match:
            return _numeric_date(match, naive_tz)
        if naive_tz is not UTC and _ENDS_WITH_TIME_RE.search(raw):
            return _rfc822_date(raw, naive_tz)  # no zone: feedparser assumes UTC
    if isinstance(parsed, tuple) and len(parsed) >= 6:
        year, month, day, hour, minute, second = parsed[:6]
        try:
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except (TypeError, ValueError, OverflowError):
            return None
    if raw:
        return _rfc822_date(raw, naive_tz)
    return None


def _numeric_date(match: re.Match[str], naive_tz: timezone) -> datetime | None:
    year, month, day, hour, minute, second, zone = match.groups()
    tz: timezone = naive_tz
    if zone and zone.upper() not in ("Z", "UTC", "GMT"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    elif zone:
        tz = UTC
    try:
        value = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
    return value.astimezone(UTC)


def _rfc822_date(raw: str, naive_tz: timezone) -> datetime | None:
    try:
        fields = email.utils.parsedate_tz(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if fields is None:
        return None
    offset = fields[9]  # 0 (not None) when the zone is missing
    if offset is None or _ENDS_WITH_TIME_RE.search(raw):
        tz = naive_tz
    else:
        tz = timezone(timedelta(seconds=offset))
    try:
        return datetime(*fields[:6], tzinfo=tz).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _sha1(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def build_entry(
    *,
    guid: str,
    title: str,
    link: str,
    author: str,
    published: datetime | None,
    updated: datetime | None,
    date_text: str,
    summary_html: str,
    content_html: str,
    enclosures: tuple[Enclosure, ...],
) -> ParsedEntry:
    """Assemble an entry: identity key, snippet, fallback title, content hash.

    The key is the guid/id, else the link, else a hash of title + date, else a
    hash of the content, so re-parsing the same document gives the same keys.
    An entry without a title gets the start of its text as title.
    """
    body = content_html or summary_html
    if guid:
        key = guid
    elif link:
        key = link
    elif title or date_text:
        key = _sha1(title, date_text)
    else:
        key = _sha1(body)
    # The summary is usually the lead already, and much shorter to convert.
    snippet = make_snippet(summary_html) or make_snippet(content_html)
    if not title:
        title = make_snippet(body, _TITLE_SNIPPET)
    content_hash = _sha1(
        title,
        link,
        content_html,
        summary_html,
        published.isoformat() if published else "",
        updated.isoformat() if updated else "",
        author,
        *(enclosure.url for enclosure in enclosures),
    )
    return ParsedEntry(
        key=key,
        title=title,
        link=link,
        author=author,
        published=published,
        updated=updated,
        summary_html=summary_html,
        content_html=content_html,
        snippet=snippet,
        enclosures=enclosures,
        content_hash=content_hash,
    )


def unique_entries(entries: Iterable[ParsedEntry]) -> tuple[ParsedEntry, ...]:
    """Drop empty entries and exact repeats; re-key distinct entries that
    share a guid (buggy generators reuse ids) by their link or content."""
    seen: set[str] = set()
    result: list[ParsedEntry] = []
    for entry in entries:
        if not (
            entry.title
            or entry.link
            or entry.content_html
            or entry.summary_html
            or entry.enclosures
        ):
            continue
        key = entry.key
        if key in seen:
            if any(kept.content_hash == entry.content_hash for kept in result):
                continue
            key = entry.link if entry.link and entry.link not in seen else ""
            key = key or _sha1(entry.key, entry.content_hash)
            entry = dataclasses.replace(entry, key=key)
        seen.add(key)
        result.append(entry)
    return tuple(result)
