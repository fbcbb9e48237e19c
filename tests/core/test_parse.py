"""parse_feed on small fixture feeds (tests/data/parse) and generated documents."""

from __future__ import annotations

import gzip
import json
import pickle
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.core.errors import ParseError
from newsreader.core.model import Enclosure
from newsreader.core.parse import looks_like_html_page, parse_date, parse_feed
from newsreader.core.sync_types import ParsedFeed

DATA = Path(__file__).resolve().parents[1] / "data" / "parse"


def load(name: str, url: str = "https://example.com/feed.xml", **kwargs: object) -> ParsedFeed:
    return parse_feed((DATA / name).read_bytes(), url, **kwargs)  # type: ignore[arg-type]


def rss(items: str, channel: str = "<title>T</title>") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"{channel}{items}</channel></rss>"
    ).encode()


# --- RSS ---------------------------------------------------------------------------


def test_rss_feed_fields() -> None:
    feed = load("rss_basic.xml")
    assert feed.kind == "rss20"
    assert feed.title == "Example & Co News"
    assert feed.link == "https://example.com/"
    assert feed.image_url == "https://example.com/logo.png"
    assert feed.encoding == "utf-8"
    assert feed.warning == ""
    assert len(feed.entries) == 3


def test_rss_entry_fields() -> None:
    first = load("rss_basic.xml").entries[0]
    assert first.key == "post-1"
    assert first.title == "First post: AT&T buys things"
    assert first.link == "https://example.com/2024/05/first-post.html"
    assert first.author == "Jane Doe"
    assert first.published == datetime(2024, 5, 6, 9, 52, 38, tzinfo=UTC)
    assert first.summary_html == "A short <em>summary</em> of the first post."
    assert first.snippet == "A short summary of the first post."
    assert first.enclosures == (
        Enclosure("https://example.com/media/episode1.mp3", "audio/mpeg", 12345),
    )
    assert len(first.content_hash) == 40


def test_rss_content_is_sanitized_and_resolved_against_the_entry() -> None:
    content = load("rss_basic.xml").entries[0].content_html
    assert content.startswith("<p>The full text of the first post")
    assert 'href="https://example.com/2024/05/other.html"' in content
    assert 'href="https://example.com/about"' in content
    assert 'src="https://example.com/2024/05/images/photo.jpg"' in content
    assert 'srcset="https://example.com/2024/05/images/photo-2x.jpg 2x"' in content
    for bad in ("<script", "<style", "<iframe", "onclick", "javascript:", "style="):
        assert bad not in content


def test_entry_without_guid_or_link_gets_a_stable_hash_key() -> None:
    third = load("rss_basic.xml").entries[2]
    assert third.link == ""
    assert len(third.key) == 40
    assert third.key == load("rss_basic.xml").entries[2].key


def test_key_falls_back_to_link() -> None:
    second = load("rss_basic.xml").entries[1]
    assert second.key == second.link == "https://example.com/2024/05/second-post.html"


def test_reparsing_gives_identical_results() -> None:
    assert load("rss_basic.xml") == load("rss_basic.xml")


def test_content_hash_tracks_changes_that_matter() -> None:
    def entry(title: str, body: str) -> str:
        return f"<item><title>{title}</title><guid>g</guid><description>{body}</description></item>"

    base = parse_feed(rss(entry("A", "body")), "https://x.example/").entries[0]
    same = parse_feed(rss(entry("A", "body")), "https://x.example/").entries[0]
    edited = parse_feed(rss(entry("A", "body, edited")), "https://x.example/").entries[0]
    retitled = parse_feed(rss(entry("B", "body")), "https://x.example/").entries[0]
    assert base.content_hash == same.content_hash
    assert len({base.content_hash, edited.content_hash, retitled.content_hash}) == 3
    assert base.key == edited.key == retitled.key == "g"


def test_duplicate_guids() -> None:
    items = (
        "<item><title>A</title><guid>same</guid><link>https://x.example/a</link></item>"
        "<item><title>A</title><guid>same</guid><link>https://x.example/a</link></item>"
        "<item><title>B</title><guid>same</guid><link>https://x.example/b</link></item>"
    )
    entries = parse_feed(rss(items), "https://x.example/").entries
    assert [e.title for e in entries] == ["A", "B"]  # exact repeat dropped
    assert [e.key for e in entries] == ["same", "https://x.example/b"]


def test_missing_title_is_taken_from_the_text() -> None:
    items = "<item><guid>1</guid><description>Just a status update, no title.</description></item>"
    entry = parse_feed(rss(items), "https://x.example/").entries[0]
    assert entry.title == "Just a status update, no title."


def test_html_in_rss_titles_is_stripped_but_text_is_not_unescaped_twice() -> None:
    items = (
        "<item><title>&lt;b&gt;Bold&lt;/b&gt; news</title><guid>1</guid></item>"
        "<item><title>?page=1&amp;copy=2 &amp; more</title><guid>2</guid></item>"
        "<item><title><![CDATA[<script>alert(1)</script>Safe]]></title><guid>3</guid></item>"
    )
    titles = [e.title for e in parse_feed(rss(items), "https://x.example/").entries]
    assert titles == ["Bold news", "?page=1&copy=2 & more", "Safe"]


def test_media_embed_is_never_used_as_html() -> None:
    items = (
        '<item xmlns:media="http://search.yahoo.com/mrss/"><title>V</title><guid>1</guid>'
        f"<description>{'Article text. ' * 20}</description>"
        '<media:content url="https://x.example/v.mp4" medium="video">'
        "<media:description>A caption</media:description>"
        '<media:embed><![CDATA[<script src="https://evil.example/p.js"></script>]]></media:embed>'
        "</media:content></item>"
    )
    entry = parse_feed(rss(items), "https://x.example/").entries[0]
    html = entry.content_html + entry.summary_html
    assert "<script" not in html
    assert "evil.example" not in html
    assert "Article text" in entry.content_html  # not the caption


# --- bodies moved past feedparser --------------------------------------------------


@pytest.mark.parametrize("short", [False, True])
def test_offloaded_bodies_match_feedparser_handling(short: bool) -> None:
    text = "x" if short else "Long paragraph. " * 30
    html = f'<p class="c">{text} 5 &lt; 6 &amp; &#8220;quoted&#8221; <a href="/a?b=1&amp;c=2">l</a></p>'
    escaped = html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    as_cdata = rss(
        f"<item><guid>1</guid><content:encoded><![CDATA[{html}]]></content:encoded></item>"
    )
    as_text = rss(f"<item><guid>1</guid><content:encoded>{escaped}</content:encoded></item>")
    first = parse_feed(as_cdata, "https://x.example/feed").entries[0]
    second = parse_feed(as_text, "https://x.example/feed").entries[0]
    assert first.content_html == second.content_html
    assert "5 &lt; 6 &amp; “quoted”" in first.content_html
    assert 'href="https://x.example/a?b=1&amp;c=2"' in first.content_html


def test_token_characters_in_the_document_do_not_confuse_offloading() -> None:
    body = "\ufdd0" + "0\ufdd1 text " * 50
    entry = parse_feed(
        rss(f"<item><guid>1</guid><description><![CDATA[{body}]]></description></item>"),
        "https://x.example/",
    ).entries[0]
    assert entry.summary_html.startswith("\ufdd00\ufdd1 text")


# --- Atom -------------------------------------------------------------------------


def test_atom_feed() -> None:
    feed = load("atom_basic.xml", url="https://blog.example.net/atom.xml")
    assert feed.kind == "atom10"
    assert feed.title == "An Atom feed"
    assert feed.link == "https://blog.example.net/"
    assert feed.image_url == "https://blog.example.net/base/logo.svg"
    one, two = feed.entries
    assert one.title == "Plain <text> title"  # type="text" is literal
    assert one.link == "https://blog.example.net/base/posts/one"
    assert one.author == "Feed Author"  # inherited from the feed
    assert one.published == datetime(2024, 5, 7, 7, 0, tzinfo=UTC)
    assert one.updated == datetime(2024, 5, 8, 7, 0, tzinfo=UTC)
    assert one.enclosures == (
        Enclosure("https://blog.example.net/base/files/one.pdf", "application/pdf", 2048),
    )
    assert two.author == "Entry Author"
    assert two.published == two.updated  # only <updated>: used as the date


def test_atom_xml_base_resolution() -> None:
    one = load("atom_basic.xml", url="https://blog.example.net/atom.xml").entries[0]
    assert 'src="https://blog.example.net/base/img/pic.png"' in one.content_html
    assert 'href="https://blog.example.net/up"' in one.content_html
    assert 'href="https://blog.example.net/base/relative/link"' in one.summary_html
    assert "onerror" not in one.content_html


def test_text_plain_content_is_escaped_not_rendered() -> None:
    two = load("atom_basic.xml").entries[1]
    assert two.content_html == (
        "<p>Plain text body with a literal &lt;script&gt;alert(1)&lt;/script&gt; tag "
        "&amp; an ampersand.</p><p>Second paragraph.</p>"
    )
    assert "<script" not in two.content_html


def test_skipped_elements_leave_a_well_formed_document() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>'
        b'<link rel="self" href="https://x.example/atom"></link>'
        b"<entry><id>1</id><title>E</title>"
        b'<link rel="alternate" href="https://x.example/1"/>'
        b'<link rel="replies" href="https://x.example/1#comments"></link>'
        b'<link rel="edit" href="https://x.example/edit/1"/>'
        b'<category term="a"/><category term="b"></category>'
        b"</entry></feed>"
    )
    feed = parse_feed(body, "https://x.example/atom")
    assert feed.warning == ""
    assert feed.entries[0].link == "https://x.example/1"


def test_item_scoped_xml_base_does_not_leak_to_the_next_item() -> None:
    items = (
        '<item xml:base="https://other.example/first/"><title>1</title><link>a</link></item>'
        "<item><title>2</title><link>b</link></item>"
    )
    entries = parse_feed(rss(items), "https://x.example/feed/rss").entries
    assert [e.link for e in entries] == [
        "https://other.example/first/a",
        "https://x.example/feed/b",
    ]


# --- JSON Feed -------------------------------------------------------------------


def test_json_feed_11() -> None:
    feed = load("feed_11.json", url="https://json.example.com/feed.json")
    assert feed.kind == "json11"
    assert feed.title == "JSON & feed"
    assert feed.link == "https://json.example.com/"
    assert feed.image_url == "https://json.example.com/icon.png"
    first, second = feed.entries
    assert first.key == "1"
    assert first.author == "Item Author, Second Author"
    assert first.published == datetime(2024, 5, 6, 10, 20, 30, 520000, tzinfo=UTC)
    assert first.updated == datetime(2024, 5, 7, 8, 20, 30, tzinfo=UTC)
    assert first.content_html == (
        '<p>Hello <a href="https://json.example.com/about" rel="noopener noreferrer">about</a></p>'
    )
    assert first.summary_html == "<p>A plain &lt;summary&gt; &amp; more</p>"
    assert first.enclosures == (
        Enclosure("https://json.example.com/media/a.mp3", "audio/mpeg", 1000),
    )
    assert second.link == "https://elsewhere.example.org/article"
    assert second.author == "Feed Author"
    assert second.published is None
    assert second.content_html == (
        "<p>Line one &lt;b&gt;not bold&lt;/b&gt;<br>line two</p><p>Second paragraph</p>"
    )


def test_json_feed_10_with_legacy_author() -> None:
    feed = load("feed_10.json", url="https://old.example.com/feed.json")
    assert feed.kind == "json10"
    (entry,) = feed.entries
    assert entry.author == "Legacy Author"
    assert entry.published == datetime(2024, 1, 2, 8, 4, 5, tzinfo=UTC)
    assert entry.content_html == "<p>Text only</p>"


def test_json_by_content_type_with_leading_garbage_is_an_error() -> None:
    with pytest.raises(ParseError, match="Not a feed: invalid JSON"):
        parse_feed(b"callback({})", "https://x.example/", {"Content-Type": "application/json"})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', "invalid JSON"),
        (b'{"name": "app", "icons": []}', "not a JSON Feed"),
        (b'["a", "list"]', "not a JSON Feed"),
    ],
)
def test_json_that_is_not_a_feed(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_feed(body, "https://x.example/feed.json")


def test_gbk_json_feed() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1",
        "title": "中文标题：朱镕基",
        "items": [{"id": "1", "content_text": "正文内容，简体中文。" * 5}],
    }
    body = json.dumps(document, ensure_ascii=False).encode("gbk")
    feed = parse_feed(body, "https://x.example/feed.json")
    assert feed.title == "中文标题：朱镕基"
    assert feed.encoding == "gb18030"


def test_json_lone_surrogates_are_replaced() -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "a\\ud800b", "items": '
        b'[{"id": "1", "title": "t", "content_html": "<p>\\ud83c\\udf4f \\udc00</p>"}]}'
    )
    feed = parse_feed(body, "https://x.example/feed.json")
    assert feed.title == "a\ufffd\ufffd\ufffdb"
    assert feed.entries[0].content_html == "<p>\U0001f34f \ufffd\ufffd\ufffd</p>"
    feed.entries[0].content_html.encode("utf-8")  # storable


def test_rss_in_json() -> None:
    document = {
        "rss": {
            "version": "2.0",
            "channel": {
                "title": "Scripting",
                "link": "https://scripting.example/",
                "item": [
                    {
                        "description": 'Hello <a href="/x">x</a>',
                        "pubDate": "Mon, 26 Jun 2017 12:20:05 GMT",
                        "guid": "https://scripting.example/1",
                        "enclosure": {
                            "url": "https://scripting.example/a.mp3",
                            "type": "audio/mpeg",
                        },
                    }
                ],
            },
        }
    }
    feed = parse_feed(json.dumps(document).encode(), "https://scripting.example/rss.json")
    assert feed.kind == "rss-json"
    (entry,) = feed.entries
    assert entry.key == "https://scripting.example/1"
    assert entry.published == datetime(2017, 6, 26, 12, 20, 5, tzinfo=UTC)
    assert 'href="https://scripting.example/x"' in entry.content_html
    assert entry.enclosures[0].url == "https://scripting.example/a.mp3"


# --- not feeds ------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"   \n\t ", b"\xef\xbb\xbf \n"])
def test_empty_document(body: bytes) -> None:
    with pytest.raises(ParseError, match=r"^The document is empty$"):
        parse_feed(body, "https://x.example/")


def test_html_page() -> None:
    body = (DATA / "not_a_feed.html").read_bytes()
    assert looks_like_html_page(body)
    with pytest.raises(ParseError, match=r"^This is an HTML web page, not a feed$"):
        parse_feed(body, "https://x.example/")


@pytest.mark.parametrize(
    ("body", "is_html"),
    [
        (b"<!doctype html><title>x</title>", True),
        (b"\n\n<!-- comment --><html><body>x</body></html>", True),
        (b"<p>fragment</p>", True),
        ("<title>标题</title><p>中文</p>".encode("utf-16-le"), True),
        (b'<?xml version="1.0"?><rss version="2.0"></rss>', False),
        (b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><rss version="2.0"></rss>', False),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', False),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', False),
        (b"", False),
    ],
)
def test_looks_like_html_page(body: bytes, is_html: bool) -> None:
    assert looks_like_html_page(body) is is_html


def test_well_formed_xml_that_is_not_a_feed() -> None:
    with pytest.raises(ParseError, match=r"^Not a feed: the document is <note>"):
        parse_feed(b"<note><to>Tove</to></note>", "https://x.example/")


def test_gzip_compressed_body() -> None:
    body = gzip.compress((DATA / "rss_basic.xml").read_bytes())
    assert len(parse_feed(body, "https://example.com/feed.xml").entries) == 3


def test_corrupt_gzip_body() -> None:
    with pytest.raises(ParseError, match="Not a feed"):
        parse_feed(b"\x1f\x8b\x08\x00garbage", "https://x.example/")


# --- broken documents ---------------------------------------------------------------


def test_truncated_feed_with_bare_ampersands_is_salvaged() -> None:
    feed = load("broken_salvage.xml", url="https://broken.example.com/rss")
    assert [e.title for e in feed.entries] == [
        "Tom & Jerry return",
        "Second item",
        "Third item, then the document is cut",
    ]
    first = feed.entries[0]
    assert first.link == "https://broken.example.com/a?x=1&y=2"
    assert first.summary_html == "Bare ampersand &amp; an undefined … entity"
    assert feed.warning.startswith("The feed is not well-formed XML")
    assert "3 entries were recovered" in feed.warning


def test_lxml_recovery_salvages_what_feedparser_loses() -> None:
    items = "".join(
        f"<item><title>Item {n}</title><guid>{n}</guid><description>d {n}</description></item>"
        for n in range(5)
    )
    # An unclosed element in the middle makes feedparser's strict parser fail.
    broken = rss(items.replace("<title>Item 2</title>", "<title>Item 2</title><b>unclosed"))
    feed = parse_feed(broken, "https://x.example/")
    assert len(feed.entries) >= 4
    assert feed.warning


def test_control_characters_are_removed() -> None:
    items = "<item><title>Back\x08space\x10 and\x00 nul</title><guid>1</guid></item>"
    feed = parse_feed(rss(items), "https://x.example/")
    assert feed.entries[0].title == "Backspace and nul"
    assert "control characters" in feed.warning


def test_junk_before_the_declaration_and_after_the_root() -> None:
    body = b"\n\n  " + rss("<item><title>A</title><guid>1</guid></item>") + b"\n<!-- end --> junk>"
    feed = parse_feed(body, "https://x.example/")
    assert [e.title for e in feed.entries] == ["A"]


def test_billion_laughs_is_harmless() -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
        "<title>&lol9;</title><item><title>&lol9;</title><guid>1</guid>"
        "<description>&lol9;&lol9;</description></item></channel></rss>"
    ).encode()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        feed = parse_feed(body, "https://x.example/")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 20_000_000
    assert len(feed.entries[0].title) < 100  # not expanded to 10**9 characters


def test_quadratic_blowup_is_harmless() -> None:
    big = "x" * 10_000
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{big}">]><rss version="2.0">'
        f"<channel><title>t</title><item><guid>1</guid><title>{'&a;' * 10_000}</title>"
        "</item></channel></rss>"
    ).encode()
    started = time.perf_counter()
    feed = parse_feed(body, "https://x.example/")
    assert time.perf_counter() - started < 5.0
    assert len(feed.entries[0].title) < 100_000


# --- dates ----------------------------------------------------------------------


def test_chinese_naive_dates_are_china_time() -> None:
    feed = load("zh_naive_dates.xml", url="https://news.example.cn/rss")
    expected = datetime(2020, 1, 10, 6, 33, tzinfo=UTC)
    assert [e.published for e in feed.entries] == [expected] * 3


def test_naive_dates_elsewhere_are_utc() -> None:
    items = "<item><title>A</title><guid>1</guid><pubDate>2020/1/10 14:33:00</pubDate></item>"
    entry = parse_feed(rss(items), "https://x.example/").entries[0]
    assert entry.published == datetime(2020, 1, 10, 14, 33, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-01-10T14:33:00Z", datetime(2020, 1, 10, 14, 33, tzinfo=UTC)),
        ("2020-01-10 14:33:00 +0800", datetime(2020, 1, 10, 6, 33, tzinfo=UTC)),
        ("2020年1月10日 14:33", datetime(2020, 1, 10, 14, 33, tzinfo=UTC)),
        ("2020-02-30", None),
        ("garbage", None),
        ("", None),
    ],
)
def test_parse_date(raw: str, expected: datetime | None) -> None:
    assert parse_date(raw) == expected


# --- the contract with the sync service -------------------------------------------


def test_result_is_picklable() -> None:
    feed = load("rss_basic.xml")
    assert pickle.loads(pickle.dumps(feed)) == feed


def test_headers_are_case_insensitive() -> None:
    body = "<rss version='2.0'><channel><item><title>Привет</title><guid>1</guid></item></channel></rss>"
    feed = parse_feed(
        body.encode("koi8-r"),
        "https://x.example/",
        {"Content-Type": "application/rss+xml; charset=KOI8-R"},
    )
    assert feed.entries[0].title == "Привет"
    assert feed.encoding == "koi8-r"


def test_encoding_override_beats_the_header() -> None:
    body = "<rss version='2.0'><channel><item><title>Привет</title><guid>1</guid></item></channel></rss>"
    feed = parse_feed(
        body.encode("cp1251"),
        "https://x.example/",
        {"content-type": "text/xml; charset=koi8-r"},
        encoding_override="windows-1251",
    )
    assert feed.entries[0].title == "Привет"
    assert feed.encoding == "cp1251"
