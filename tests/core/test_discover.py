"""Feed autodiscovery from HTML pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.core.discover import (
    FALLBACK_PATHS,
    FeedLink,
    fallback_urls,
    find_feed_links,
)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _page(head: str, body: str = "", charset: str = "utf-8") -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>t</title>"
        f"{head}</head><body>{body}</body></html>"
    ).encode(charset)


def test_rss_atom_and_json_link_tags_in_document_order() -> None:
    html = _page(
        '<link rel="stylesheet" href="/style.css">'
        '<link rel="alternate" type="application/atom+xml" title="Atom" href="https://ex.com/atom.xml">'
        '<link rel="alternate" type="application/rss+xml" title="RSS" href="https://ex.com/rss.xml">'
        '<link rel="alternate" type="application/feed+json" title="JSON" href="https://ex.com/feed.json">'
        '<link rel="alternate" type="application/json" href="https://ex.com/feed2.json">'
        '<link rel="alternate" type="application/rdf+xml" href="https://ex.com/index.rdf">'
        '<link rel="alternate" hreflang="de" href="https://ex.com/de/">'
        '<link rel="icon" type="application/rss+xml" href="https://ex.com/not-a-feed">'
    )
    assert find_feed_links(html, "https://ex.com/") == [
        FeedLink("https://ex.com/atom.xml", "Atom", "application/atom+xml"),
        FeedLink("https://ex.com/rss.xml", "RSS", "application/rss+xml"),
        FeedLink("https://ex.com/feed.json", "JSON", "application/feed+json"),
        FeedLink("https://ex.com/feed2.json", "", "application/json"),
        FeedLink("https://ex.com/index.rdf", "", "application/rdf+xml"),
    ]


def test_case_rel_lists_and_type_parameters() -> None:
    html = _page(
        '<LINK REL="Alternate Feed" TYPE="Application/RSS+XML; charset=utf-8" '
        'HREF="/a.xml" TITLE="  Spaced\n  title ">'
        '<link rel="feed alternate" type="text/xml" href="/b.xml">'
    )
    assert find_feed_links(html, "https://ex.com/x") == [
        FeedLink("https://ex.com/a.xml", "Spaced title", "application/rss+xml"),
        FeedLink("https://ex.com/b.xml", "", "text/xml"),
    ]


def test_relative_hrefs_are_resolved_against_the_page() -> None:
    html = _page(
        '<link rel="alternate" type="application/rss+xml" href="feed.xml">'
        '<link rel="alternate" type="application/atom+xml" href="../atom.xml">'
        '<link rel="alternate" type="application/rss+xml" href="//cdn.ex.com/rss">'
        '<link rel="alternate" type="application/rss+xml" href="feed://ex.com/f">'
    )
    urls = [link.url for link in find_feed_links(html, "https://ex.com/blog/post.html")]
    assert urls == [
        "https://ex.com/blog/feed.xml",
        "https://ex.com/atom.xml",
        "https://cdn.ex.com/rss",
        "http://ex.com/f",
    ]


def test_base_href_wins_over_page_url() -> None:
    html = _page(
        '<base href="/sub/dir/"><link rel="alternate" type="application/rss+xml" href="rss.xml">'
    )
    links = find_feed_links(html, "https://ex.com/other/page")
    assert [link.url for link in links] == ["https://ex.com/sub/dir/rss.xml"]

    absolute = _page(
        '<base href="https://mirror.example/">'
        '<link rel="alternate" type="application/rss+xml" href="rss.xml">'
    )
    links = find_feed_links(absolute, "https://ex.com/")
    assert [link.url for link in links] == ["https://mirror.example/rss.xml"]


def test_duplicates_removed_and_comments_feeds_last() -> None:
    html = _page(
        '<link rel="alternate" type="application/rss+xml" title="Blog » Comments Feed" '
        'href="https://ex.com/comments/feed/">'
        '<link rel="alternate" type="application/rss+xml" title="Blog » Feed" '
        'href="https://ex.com/feed/">'
        '<link rel="alternate" type="application/rss+xml" title="Again" '
        'href="https://ex.com/feed/#dup">'
        '<link rel="alternate" type="application/json" href="https://ex.com/wp-json/wp/v2/pages/2">',
        '<a href="/feed/">RSS</a><a href="/post/1/feed/">Post comments</a>'
        '<a href="/podcast.rss">Podcast</a>',
    )
    assert find_feed_links(html, "https://ex.com/") == [
        FeedLink("https://ex.com/feed/", "Blog » Feed", "application/rss+xml"),
        FeedLink("https://ex.com/podcast.rss", "Podcast", "application/rss+xml"),
        FeedLink(
            "https://ex.com/comments/feed/",
            "Blog » Comments Feed",
            "application/rss+xml",
        ),
        FeedLink("https://ex.com/post/1/feed/", "Post comments", ""),
    ]


def test_anchor_links_are_a_second_tier() -> None:
    html = _page(
        "",
        '<a href="/about">About</a>'
        '<a href="/index.xml">  Subscribe\n via <b>XML</b> </a>'
        '<a href="/sitemap.xml">Sitemap</a>'
        '<a href="https://ex.com/news.atom" title="Atom news">icon</a>'
        '<a href="/rss">RSS</a>'
        '<a href="javascript:void(0)">feed</a>'
        '<a href="mailto:me@ex.com?subject=rss">Mail</a>'
        '<a href="/?feed=rss2">WordPress feed</a>'
        '<link rel="alternate" type="application/rss+xml" href="/main.xml">',
    )
    assert find_feed_links(html, "https://ex.com/") == [
        FeedLink("https://ex.com/main.xml", "", "application/rss+xml"),
        FeedLink("https://ex.com/index.xml", "Subscribe via XML", ""),
        FeedLink("https://ex.com/news.atom", "Atom news", "application/atom+xml"),
        FeedLink("https://ex.com/rss", "RSS", ""),
        FeedLink("https://ex.com/?feed=rss2", "WordPress feed", ""),
    ]


@pytest.mark.parametrize("charset", ["gbk", "gb2312", "GB2312", "gb18030"])
def test_gbk_page_titles_decode(charset: str) -> None:
    # 镕 is GBK-only: a page labelled gb2312 still decodes it.
    title = "朱镕基新闻 - 中文订阅" if charset.lower() != "gb2312" else "新浪新闻 - 中文订阅"
    html = (
        "<html><head><meta http-equiv='Content-Type' "
        f"content='text/html; charset={charset}'>"
        "<link rel='alternate' type='application/rss+xml' "
        f"title='{title}' href='/rss.xml'>"
        f"</head><body><a href='/news.rss'>订阅本站</a></body></html>"
    ).encode("gb18030")
    links = find_feed_links(html, "http://news.example.cn/")
    assert [link.title for link in links] == [title, "订阅本站"]


def test_gb2312_label_with_gbk_only_characters() -> None:
    html = (
        '<html><head><meta charset="gb2312">'
        '<link rel="alternate" type="application/rss+xml" title="朱镕基" href="/f">'
        "</head></html>"
    ).encode("gbk")
    assert find_feed_links(html, "http://ex.cn/")[0].title == "朱镕基"


def test_content_type_header_charset_wins_over_meta() -> None:
    html = (
        '<html><head><meta charset="utf-8">'
        '<link rel="alternate" type="application/rss+xml" title="中文频道" href="/f">'
        "</head></html>"
    ).encode("gbk")
    links = find_feed_links(html, "http://ex.cn/", "text/html; charset=GBK")
    assert links[0].title == "中文频道"


def test_undeclared_page_is_utf8_with_replacement() -> None:
    html = (
        b'<html><head><link rel="alternate" type="application/rss+xml" '
        b'title="caf\xc3\xa9 \xff" href="/f"></head></html>'
    )
    assert find_feed_links(html, "https://ex.com/")[0].title == "café \ufffd"


def test_xhtml_page_with_xml_declaration() -> None:
    html = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        '<link rel="alternate" type="application/atom+xml" title="博客" '
        'href="/atom.xml"/>'
        "</head><body/></html>"
    ).encode()
    assert find_feed_links(html, "https://ex.com/") == [
        FeedLink("https://ex.com/atom.xml", "博客", "application/atom+xml")
    ]


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"   ",
        b"<html><head><title>No feeds</title></head><body><p>hi</p></body></html>",
        b"\x00\x01\x02 binary junk \xff\xfe",
        b"<html><head><link rel='alternate' type='text/html' href='/m'></head></html>",
        b"<html><head><link rel='alternate' type='application/rss+xml'></head></html>",
    ],
)
def test_page_without_feed_links(html: bytes) -> None:
    assert find_feed_links(html, "https://ex.com/") == []


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", ["edge/nfp_notafeed.html", "encoding/zh_hexun_gbk_html_error.html"]
)
def test_corpus_pages_without_feeds(name: str) -> None:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {name} is absent")
    assert find_feed_links(path.read_bytes(), "https://ex.com/") == []


def test_fallback_urls_for_root() -> None:
    expected = [f"https://ex.com{path}" for path in FALLBACK_PATHS]
    assert fallback_urls("https://ex.com") == expected
    assert fallback_urls("https://ex.com/") == expected
    assert fallback_urls("https://ex.com/?utm=1#top") == expected


def test_fallback_urls_for_sub_page() -> None:
    urls = fallback_urls("http://ex.com:8080/blog/?page=2")
    assert urls[0] == "http://ex.com:8080/blog/feed"
    assert urls[1:] == [f"http://ex.com:8080{path}" for path in FALLBACK_PATHS]
    assert fallback_urls("https://ex.com/blog/index.html")[0] == "https://ex.com/blog/feed"
    assert fallback_urls("https://ex.com/index.html") == fallback_urls("https://ex.com/")


def test_fallback_urls_odd_input() -> None:
    assert fallback_urls("ex.com")[0] == "https://ex.com/feed"
    assert fallback_urls("ex.com:8080/blog")[0] == "https://ex.com:8080/blog/feed"
    assert fallback_urls("ftp://ex.com/") == []
    assert fallback_urls("mailto:me@ex.com") == []
