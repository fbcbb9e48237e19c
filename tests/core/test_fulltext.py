"""Full article text: the summary heuristic, decoding and extraction of real pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from feedserver import FeedServer
from mediagen import EN_BOILER, EN_PARAS, ZH_BOILER, ZH_PARAS, article_page, png
from newsreader.core.errors import FetchError
from newsreader.core.fetch import Fetcher, FetchLimits
from newsreader.core.fulltext import (
    FullTextError,
    adds_to_feed,
    fetch_full_text,
    looks_like_summary,
    site_name,
)
from newsreader.core.sanitize import html_to_text


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchLimits(deadline=1.5, read_timeout=1.5, max_bytes=4 << 20)) as f:
        yield f


def test_short_feed_text_is_a_summary() -> None:
    assert looks_like_summary("<p>The council voted to extend the tram line.</p>")
    assert looks_like_summary("<p>十月份全国规模以上工业增加值同比增长。</p>")
    long_text = "<p>" + " ".join(EN_PARAS * 3) + "</p>"
    assert not looks_like_summary(long_text)
    assert looks_like_summary(long_text[:-4] + " Read more…</p>")
    # A CJK character weighs about a word: 250 of them are no summary.
    assert not looks_like_summary("<p>" + "".join(ZH_PARAS * 3) + "</p>")


def test_page_must_add_to_the_feed() -> None:
    page = " ".join(EN_PARAS)
    assert adds_to_feed(EN_PARAS[0][:60] + "…", page)  # the feed's text is its prefix
    assert adds_to_feed("Trams for the north.", page)  # much longer
    assert not adds_to_feed(page, page)
    assert not adds_to_feed(page, page + " Share this.")


def test_extracts_the_article_not_the_boilerplate(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    page = article_page("Tram line", EN_PARAS, ["/img/tram.png"])
    feed_server.add("/news/tram.html", page, content_type="text/html; charset=utf-8")
    got = fetch_full_text(fetcher, feed_server.url("/news/tram.html"), "<p>Tram line.</p>")
    assert got is not None
    text = html_to_text(got.html)
    assert all(p in text for p in EN_PARAS)
    assert EN_BOILER not in text
    assert "great article" not in text
    assert "tracker" not in got.html and "<script" not in got.html
    # Relative image URLs are made absolute against the page.
    assert f'src="{feed_server.url("/img/tram.png")}"' in got.html
    assert got.site == "127.0.0.1"


@pytest.mark.parametrize(
    ("content_type", "meta"),
    [
        ("text/html; charset=gbk", ""),  # the HTTP header says so
        ("text/html", "gb2312"),  # only <meta charset>, and GB2312 for GBK text
        ("text/html", ""),  # nothing declared: detection
    ],
)
def test_gbk_pages_decode(
    feed_server: FeedServer, fetcher: Fetcher, content_type: str, meta: str
) -> None:
    page = article_page("工业数据", ZH_PARAS, chinese=True, charset_meta=meta)
    feed_server.add("/zh.html", page.encode("gbk"), content_type=content_type)
    got = fetch_full_text(fetcher, feed_server.url("/zh.html"), "<p>工业增加值增长。</p>")
    assert got is not None
    text = html_to_text(got.html)
    assert all(p in text for p in ZH_PARAS), text
    assert ZH_BOILER not in text


def test_big5_page_decodes(feed_server: FeedServer, fetcher: Fetcher) -> None:
    paras = [
        "臺灣的經濟數據顯示，出口連續三個月成長，電子零組件的需求尤其強勁。",
        "專家認為，全球供應鏈調整帶來新的機會，但也必須注意匯率波動的風險。",
        "主計總處表示，民間消費持續回溫，餐飲與旅遊相關產業的營收明顯增加。",
        "央行總裁在記者會上指出，物價漲幅逐漸趨緩，貨幣政策將維持穩定方向。",
    ]
    page = article_page("經濟", paras, charset_meta="big5")
    feed_server.add("/tw.html", page.encode("big5"), content_type="text/html")
    got = fetch_full_text(fetcher, feed_server.url("/tw.html"), "<p>出口成長。</p>")
    assert got is not None
    assert paras[-1] in html_to_text(got.html)


def test_failures_have_readable_reasons(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.status("/missing.html", 404)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_full_text(fetcher, feed_server.url("/missing.html"))

    feed_server.huge("/huge.html", 10 << 20, content_type="text/html")
    with pytest.raises(FetchError, match="larger than"):
        fetch_full_text(fetcher, feed_server.url("/huge.html"))

    feed_server.add("/photo", png(20, 20), content_type="image/png")
    with pytest.raises(FullTextError, match="not a web page"):
        fetch_full_text(fetcher, feed_server.url("/photo"))

    feed_server.add("/slow.html", article_page("t", EN_PARAS), content_type="text/html", delay=30)
    with pytest.raises(FetchError, match="Timed out"):
        fetch_full_text(fetcher, feed_server.url("/slow.html"))

    feed_server.add("/empty.html", "<html><body><nav>Home</nav></body></html>",
                    content_type="text/html")  # fmt: skip
    with pytest.raises(FullTextError, match="No article text"):
        fetch_full_text(fetcher, feed_server.url("/empty.html"))

    with pytest.raises(FullTextError, match="no link"):
        fetch_full_text(fetcher, "")


def test_page_with_nothing_more_than_the_feed(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.add("/same.html", article_page("t", EN_PARAS), content_type="text/html")
    feed_html = "".join(f"<p>{p}</p>" for p in EN_PARAS)
    assert fetch_full_text(fetcher, feed_server.url("/same.html"), feed_html) is None


def test_site_name() -> None:
    assert site_name("https://www.Example.org/a/b") == "example.org"
