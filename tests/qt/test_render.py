from __future__ import annotations

from datetime import UTC, datetime

from newsreader.core.model import Article
from newsreader.qt.render import render_article


def article(**changes: object) -> Article:
    base = {
        "id": 1, "feed_id": 1, "feed_title": "Feed <b>", "title": "A <script>title</script>",
        "link": "https://example.test/a?x=1&y=2", "author": "Ann & Bob", "published": None,
        "updated": None, "snippet": "", "read": False, "starred": False,
        "first_seen": datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        "content_html": '<p>Body</p><img src="https://cdn.test/x.jpg" alt="A photo"><img src="https://cdn.test/y.jpg">',
    }  # fmt: skip
    base.update(changes)
    return Article(**base)  # type: ignore[arg-type]


def test_metadata_is_escaped() -> None:
    page = render_article(article())
    assert "<script>" not in page
    assert "A &lt;script&gt;title&lt;/script&gt;" in page
    assert "Feed &lt;b&gt;" in page
    assert "Ann &amp; Bob" in page
    assert 'href="https://example.test/a?x=1&amp;y=2"' in page


def test_uncached_images_become_alt_text() -> None:
    page = render_article(article())
    assert "cdn.test" not in page
    assert "[A photo]" in page
    cached = render_article(article(), cached_image=lambda url: url.endswith("x.jpg"))
    assert 'src="https://cdn.test/x.jpg"' in cached
    assert "y.jpg" not in cached


def test_cjk_gets_taller_lines() -> None:
    latin = render_article(article(title="Hello world", snippet="plain english text"))
    cjk = render_article(article(title="国务院常务会议", snippet="部署经济工作网络安全"))
    assert "line-height: 150%" in latin
    assert "line-height: 175%" in cjk


def test_light_and_dark_colours() -> None:
    from newsreader.qt.render import DARK, LIGHT

    light = render_article(article(content_html="<blockquote>q</blockquote><pre>c</pre>"))
    dark = render_article(article(content_html="<blockquote>q</blockquote><pre>c</pre>"), dark=True)
    assert light != dark
    for key in ("text", "muted", "quote", "link", "code_bg", "rule"):
        assert LIGHT[key] != DARK[key]
        assert LIGHT[key] in light and LIGHT[key] not in dark
        assert DARK[key] in dark and DARK[key] not in light
    assert f"a {{ color: {DARK['link']}" in dark
    assert f"hr {{ border: none; background-color: {DARK['rule']}" in dark


def test_related_box_links_articles_of_the_cache_and_escapes_them() -> None:
    others = [
        article(id=7, title="Rocket <b>test</b>", feed_title="Wire & Co"),
        article(id=9, title="Second", feed_title="中文新闻"),
    ]
    page = render_article(article(), related=others)
    assert "Related articles" in page
    assert 'href="newsreader:article/7"' in page and 'href="newsreader:article/9"' in page
    assert "Rocket &lt;b&gt;test&lt;/b&gt;" in page and "Wire &amp; Co" in page
    assert page.index("Body") < page.index("Related articles")  # under the body
    assert "Related articles" not in render_article(article())
