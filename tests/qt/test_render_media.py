"""The full-text note and cached-image choice in the rendered article."""

from __future__ import annotations

from datetime import UTC, datetime

from newsreader.core.media import FullTextInfo
from newsreader.core.model import Article
from newsreader.qt.render import SHOW_FEED_VERSION, SHOW_FULL_TEXT, render_article


def article(content: str = "<p>Feed summary.</p>") -> Article:
    return Article(
        id=1, feed_id=1, feed_title="F", title="T", link="https://news.test/a", author="",
        published=None, updated=None, snippet="", read=False, starred=False,
        first_seen=datetime(2026, 1, 2, tzinfo=UTC), content_html=content,
    )  # fmt: skip


def test_full_text_replaces_the_summary_with_a_way_back() -> None:
    info = FullTextInfo("ok", "<p>The whole <b>story</b>.</p>", "https://www.news.test/a")
    page = render_article(article(), full_text=info)
    assert "The whole <b>story</b>" in page and "Feed summary." not in page
    assert "Full text from news.test" in page and f'href="{SHOW_FEED_VERSION}"' in page
    feed = render_article(article(), full_text=info, show_full_text=False)
    assert "Feed summary." in feed and "The whole" not in feed
    assert f'href="{SHOW_FULL_TEXT}"' in feed and "Show the full text from news.test" in feed


def test_failure_reason_is_shown_and_escaped() -> None:
    info = FullTextInfo("failed", error="HTTP 404 <Not Found>")
    page = render_article(article(), full_text=info)
    assert "Feed summary." in page
    assert "Full text failed: HTTP 404 &lt;Not Found&gt;" in page
    pending = render_article(article(), full_text=FullTextInfo("pending", error="Timed out"))
    assert "will try again later" in pending
    assert "Full text" not in render_article(article(), full_text=FullTextInfo("not_needed"))


def test_srcset_image_shows_the_cached_candidate_and_pixels_vanish() -> None:
    body = (
        '<img src="https://i.test/s.jpg" srcset="https://i.test/s.jpg 1x, https://i.test/l.jpg 2x"'
        ' alt="Big">'
        '<img src="https://stats.wp.com/b.gif" width="1" height="1">'
        '<img src="https://i.test/other.jpg">'
    )
    page = render_article(article(body), cached_image=lambda url: url.endswith("l.jpg"))
    assert '<img src="https://i.test/l.jpg" alt="Big">' in page
    assert "stats.wp.com" not in page
    assert "[image]" in page  # the uncached picture's placeholder
