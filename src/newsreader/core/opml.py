"""OPML import and export of subscription lists.

Import is deliberately tolerant: other readers' exports differ in attribute
case, in `text` vs `title`, in how folders are marked, in encoding and in
well-formedness. Anything that still carries `<outline xmlUrl=…>` elements is
imported; a document that has none and is not `<opml>` is rejected with an
`OpmlError` whose message can be shown to the user as is.
"""

from __future__ import annotations

import codecs
import html.entities
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from newsreader.core.errors import NewsreaderError

__all__ = ["OpmlError", "OpmlFeed", "parse_opml", "write_opml"]


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription of an OPML file."""

    url: str
    """The feed URL (`xmlUrl`)."""
    title: str
    """`title`, else `text`, else ""."""
    html_url: str = ""
    """The site URL (`htmlUrl`), "" if none."""
    folder: tuple[str, ...] = ()
    """Folder path, outermost first; () is the top level."""


class OpmlError(NewsreaderError):
    """The data is not a usable OPML subscription list."""


Folder = tuple[str, ...]

# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

_DECLARED_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:\-]+)\s*["']""",
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# OPML needs no DTD; dropping it means no entity can be defined or expanded.
_DOCTYPE = re.compile(r"<!DOCTYPE(?:[^\[>]*\[.*?\]\s*>|[^>]*>)", re.DOTALL | re.I)
# Any '&', with the reference that follows it if it looks like one.
_AMPERSAND = re.compile(r"&(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]*;)?")
_XML_ENTITIES = frozenset({"amp;", "lt;", "gt;", "quot;", "apos;"})
# Characters XML 1.0 does not allow, even as character references.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# GB2312 and GBK declarations are routinely used for text that needs the
# superset; gb18030 decodes all three.
_ENCODING_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
}


def _normalise_codec(name: str) -> str | None:
    """A Python codec name for a declared encoding, or None if unknown."""
    name = name.strip().lower()
    name = _ENCODING_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode(data: bytes) -> str:
    """Decode an XML document the way its bytes and declaration say."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    # UTF-16 without a BOM: "<" followed or preceded by a NUL byte.
    if data[:2] == b"<\x00":
        return data.decode("utf-16-le", errors="replace")
    if data[:2] == b"\x00<":
        return data.decode("utf-16-be", errors="replace")

    declared: str | None = None
    match = _DECLARED_ENCODING.match(data[:512])
    if match is not None:
        declared = _normalise_codec(match.group(1).decode("ascii"))
        # The declaration was readable as ASCII, so the bytes are not UTF-16
        # or UTF-32 whatever it says.
        if declared is not None and declared.startswith(("utf-16", "utf-32")):
            declared = "utf-8"
    if declared is not None:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared is not None:
        return data.decode(declared, errors="replace")
    return _guess_decode(data)


def _guess_decode(data: bytes) -> str:
    """Decode undeclared, non-UTF-8 bytes with a detected charset."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return data.decode("utf-8", errors="replace")
    best = from_bytes(data).best()
    if best is None:
        return data.decode("utf-8", errors="replace")
    codec = _normalise_codec(best.encoding) or "utf-8"
    return data.decode(codec, errors="replace")


def _fix_ampersand(match: re.Match[str]) -> str:
    reference = match.group(1)
    if reference is None:
        return "&amp;"  # a bare '&', as in unescaped query strings
    if reference.startswith("#") or reference in _XML_ENTITIES:
        return match.group(0)
    expansion = html.entities.html5.get(reference)
    if expansion is not None:  # an HTML entity such as &nbsp; or &eacute;
        return "".join(f"&#{ord(char)};" for char in expansion)
    return "&amp;" + reference  # unknown: keep the text as written


def _parse_tree(data: bytes) -> etree._Element:
    if not data.strip():
        raise OpmlError("Not an OPML file: the file is empty.")
    text = _XML_DECLARATION.sub("", _decode(data), count=1)
    text = _XML_ILLEGAL.sub("", text)
    text = _DOCTYPE.sub("", text, count=1)
    # libxml2's recovery silently drops '&y' from "?x=1&y=2"; escape first.
    text = _AMPERSAND.sub(_fix_ampersand, text)
    if not text.strip():
        raise OpmlError("Not an OPML file: the file is empty.")
    parser = etree.XMLParser(
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        encoding="utf-8",
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"Not an OPML file: it could not be read as XML ({exc}).") from exc
    if root is None:
        if data[:2] == b"\x1f\x8b":
            raise OpmlError("Not an OPML file: it is gzip-compressed data.")
        raise OpmlError("Not an OPML file: it is not XML (no elements found).")
    return root


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------

_FOLDER_TYPES = frozenset({"", "category", "folder"})
_FEED_TYPES = frozenset({"rss", "atom", "feed", "rdf", "json", "jsonfeed"})


def _local(element: etree._Element) -> str:
    tag: object = element.tag
    if not isinstance(tag, str):  # entity references and the like
        return ""
    return etree.QName(tag).localname.lower()


def _attributes(element: etree._Element) -> dict[str, str]:
    """Attributes with lower-cased, namespace-free names; first one wins."""
    result: dict[str, str] = {}
    for raw_name, raw_value in element.attrib.items():
        name = etree.QName(raw_name).localname.lower()
        result.setdefault(name, str(raw_value).strip())
    return result


def _has_outline_child(element: etree._Element) -> bool:
    return any(_local(child) == "outline" for child in element)


def _category_folder(category: str) -> Folder:
    """The folder path of a Newsboat-style `category` attribute.

    `/Tech/Linux` is a nested path; `a,b,c` is a tag list of which the first
    one is used.
    """
    first = category.split(",", 1)[0].strip()
    if not first:
        return ()
    if first.startswith("/"):
        return tuple(part.strip() for part in first.split("/") if part.strip())
    return (first,)


class _Collector:
    def __init__(self) -> None:
        self.feeds: list[OpmlFeed] = []
        self.folders: list[Folder] = []
        self._seen_urls: set[str] = set()
        self._seen_folders: set[Folder] = set()

    def add_folder(self, path: Folder) -> None:
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in self._seen_folders:
                self._seen_folders.add(prefix)
                self.folders.append(prefix)

    def add_feed(self, feed: OpmlFeed) -> None:
        if feed.url in self._seen_urls:
            return
        self._seen_urls.add(feed.url)
        self.add_folder(feed.folder)
        self.feeds.append(feed)

    def walk(self, element: etree._Element, folder: Folder) -> None:
        for child in element:
            name = _local(child)
            if name == "head":
                continue
            if name == "outline":
                self.outline(child, folder)
            else:
                self.walk(child, folder)

    def outline(self, element: etree._Element, folder: Folder) -> None:
        attrs = _attributes(element)
        kind = attrs.get("type", "").lower()
        url = attrs.get("xmlurl", "")
        if not url and kind in _FEED_TYPES:
            url = attrs.get("url", "")
        if url:
            title = attrs.get("title") or attrs.get("text") or ""
            feed_folder = folder
            if not feed_folder and attrs.get("category"):
                feed_folder = _category_folder(attrs["category"])
            self.add_feed(
                OpmlFeed(
                    url=url,
                    title=title,
                    html_url=attrs.get("htmlurl", ""),
                    folder=feed_folder,
                )
            )
            # Some readers nest items under a feed; keep them in its folder.
            self.walk(element, folder)
            return
        has_children = _has_outline_child(element)
        if not has_children and kind not in _FOLDER_TYPES:
            return  # a link, an include or some other non-feed outline
        name = attrs.get("text") or attrs.get("title") or ""
        if not name:
            # A nameless grouping outline adds no level of its own.
            self.walk(element, folder)
            return
        path = (*folder, name)
        self.add_folder(path)
        self.walk(element, path)


def _describe_non_opml(root: etree._Element) -> str:
    name = _local(root) or "unknown"
    if name in {"rss", "feed", "rdf", "channel"}:
        return (
            f"Not an OPML file: this is a news feed (<{name}>), not a "
            "subscription list; add it as a feed instead."
        )
    if name in {"html", "body", "head"}:
        return "Not an OPML file: this is a web page (HTML), not a subscription list."
    return f"Not an OPML file: the document is <{name}> and contains no subscriptions."


def parse_opml(data: bytes) -> tuple[list[OpmlFeed], list[Folder]]:
    """Read an OPML subscription list.

    Returns the feeds in document order (duplicate URLs keep the first one)
    and every folder path in order of first appearance, empty folders
    included. Raises `OpmlError` when the data is not an OPML list.
    """
    root = _parse_tree(data)
    collector = _Collector()
    if _local(root) == "outline":
        collector.outline(root, ())
    else:
        collector.walk(root, ())
    if _local(root) != "opml" and not collector.feeds:
        raise OpmlError(_describe_non_opml(root))
    if not collector.feeds and not collector.folders:
        has_body = any(_local(child) == "body" for child in root)
        if not has_body:
            raise OpmlError("Not a usable OPML file: it has no <body> and lists no subscriptions.")
    return collector.feeds, collector.folders


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def _clean(value: str) -> str:
    return _XML_ILLEGAL.sub("", value)


class _Node:
    __slots__ = ("children", "element")

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.children: dict[str, _Node] = {}


def _ordered_folders(
    feeds: list[OpmlFeed], folders: list[Folder]
) -> Iterator[tuple[Folder, OpmlFeed | None]]:
    """Interleave folder creation with feeds so import order is kept.

    A folder is created just before the first feed that needs it, together
    with every folder listed before it; leftover (empty) folders come last.
    """
    position = {path: index for index, path in enumerate(folders)}
    created = 0
    for feed in feeds:
        if feed.folder:
            target = position.get(feed.folder)
            if target is not None:
                while created <= target:
                    yield folders[created], None
                    created += 1
        yield feed.folder, feed
    while created < len(folders):
        yield folders[created], None
        created += 1


def write_opml(
    feeds: Iterable[OpmlFeed],
    folders: Iterable[Folder] = (),
    title: str = "Newsreader subscriptions",
) -> bytes:
    """Serialise subscriptions as an OPML 2.0 document in UTF-8.

    Folders become nested outlines; `folders` may list empty folders (and
    fixes the order of folders). `parse_opml(write_opml(*parse_opml(x)))`
    gives back the same feeds and folders.
    """
    feed_list = list(feeds)
    folder_list: list[Folder] = []
    seen: set[Folder] = set()
    for path in folders:
        cleaned = tuple(part for part in path if part)
        if cleaned and cleaned not in seen:
            seen.add(cleaned)
            folder_list.append(cleaned)

    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = _clean(title)
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = etree.SubElement(root, "body")
    top = _Node(body)

    def folder_node(path: Folder) -> _Node:
        node = top
        for part in path:
            child = node.children.get(part)
            if child is None:
                name = _clean(part)
                element = etree.SubElement(node.element, "outline")
                element.set("text", name)
                element.set("title", name)
                child = _Node(element)
                node.children[part] = child
            node = child
        return node

    for path, feed in _ordered_folders(feed_list, folder_list):
        node = folder_node(path)
        if feed is None:
            continue
        element = etree.SubElement(node.element, "outline")
        feed_title = _clean(feed.title)
        element.set("type", "rss")
        element.set("text", feed_title)
        element.set("title", feed_title)
        element.set("xmlUrl", _clean(feed.url))
        if feed.html_url:
            element.set("htmlUrl", _clean(feed.html_url))

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
