"""The article view reads full text and images from the cache, never the network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument
from pytestqt.qtbot import QtBot

from feedserver import FeedServer
from mediagen import EN_PARAS, ZH_PARAS, Item, article_page, png, summary_rss
from newsreader.app import build_window
from newsreader.core.fetch import FetchLimits
from newsreader.core.paths import AppPaths
from newsreader.core.storage import ArticleQuery, Store
from newsreader.core.sync import SyncService
from newsreader.qt.article_media import ArticleMedia
from newsreader.qt.render import SHOW_FEED_VERSION, SHOW_FULL_TEXT
from newsreader.ui.article_view import ArticleView

IMAGE = QTextDocument.ResourceType.ImageResource.value


@pytest.fixture
def synced(feed_server: FeedServer, data_dir: Path) -> Iterator[tuple[FeedServer, dict[str, int]]]:
    """Sync a summary-only feed with full text and images, then go offline."""
    srv = feed_server
    srv.add("/img/tram.png", png(64, 48), content_type="image/png")
    srv.add("/img/zh.png", png(30, 20), content_type="image/png")
    srv.add("/en.html", article_page("Tram", EN_PARAS, ["/img/tram.png"]),
            content_type="text/html; charset=utf-8")  # fmt: skip
    srv.add("/zh.html", article_page("工业", ZH_PARAS, ["/img/zh.png"], chinese=True,
            charset_meta="").encode("gbk"), content_type="text/html; charset=gbk")  # fmt: skip
    srv.status("/gone.html", 404)
    srv.add("/feed.xml", summary_rss("S", [
        Item("Tram", srv.url("/en.html"), "The council voted."),
        Item("工业", srv.url("/zh.html"), "工业增加值增长。"),
        Item("Gone", srv.url("/gone.html"), "Only a summary."),
    ]))  # fmt: skip
    paths = AppPaths.resolve(data_dir)
    with Store(paths.database) as store:
        store.add_feed(srv.url("/feed.xml"))
    with SyncService(paths.database, limits=FetchLimits(deadline=2), parse_processes=0,
                     cache_dir=paths.cache_dir) as service:  # fmt: skip
        assert not service.sync().failed
    with Store(paths.database) as store:
        ids = {a.title: a.id for a in store.articles(ArticleQuery())}
    srv.stop()
    srv.clear_log()
    yield srv, ids
    assert srv.requests == [], "the article view reached the network"


def make_view(qtbot: QtBot, data_dir: Path) -> tuple[ArticleView, Store]:
    paths = AppPaths.resolve(data_dir)
    store = Store(paths.database)
    view = ArticleView(media=ArticleMedia(store, paths.cache_dir))
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    return view, store


def test_full_text_and_images_come_from_the_cache(
    qtbot: QtBot, data_dir: Path, synced: tuple[FeedServer, dict[str, int]]
) -> None:
    srv, ids = synced
    view, store = make_view(qtbot, data_dir)
    article = store.article(ids["Tram"])
    assert article is not None
    view.show_article(article)
    text = view.document().toPlainText()
    assert all(p in text for p in EN_PARAS)
    assert "Full text from 127.0.0.1" in text
    tram = srv.url("/img/tram.png")
    # Qt asked for the image and got the cached bytes.
    assert tram in view.served_images
    served = view.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(tram))
    assert isinstance(served, QImage) and (served.width(), served.height()) == (64, 48)
    assert served.pixelColor(5, 5).red() == 200
    assert view.remote_requests == []

    # The note's link switches to the feed's version and back.
    view._on_anchor(QUrl(SHOW_FEED_VERSION))
    text = view.document().toPlainText()
    assert "The council voted." in text and EN_PARAS[-1] not in text
    assert "Show the full text from 127.0.0.1" in text
    view._on_anchor(QUrl(SHOW_FULL_TEXT))
    assert EN_PARAS[-1] in view.document().toPlainText()
    store.close()


def test_gbk_page_and_failed_page(
    qtbot: QtBot, data_dir: Path, synced: tuple[FeedServer, dict[str, int]]
) -> None:
    srv, ids = synced
    view, store = make_view(qtbot, data_dir)
    zh = store.article(ids["工业"])
    assert zh is not None
    view.show_article(zh)
    assert all(p in view.document().toPlainText() for p in ZH_PARAS)
    assert srv.url("/img/zh.png") in view.served_images

    gone = store.article(ids["Gone"])
    assert gone is not None
    view.show_article(gone)
    text = view.document().toPlainText()
    assert "Only a summary." in text
    assert "Full text failed: HTTP 404" in text
    store.close()


def test_missing_image_gets_a_placeholder_not_a_fetch(
    qtbot: QtBot, data_dir: Path, synced: tuple[FeedServer, dict[str, int]]
) -> None:
    srv, _ids = synced
    view, store = make_view(qtbot, data_dir)
    url = srv.url("/img/never-cached.png")
    image = view.loadResource(IMAGE, QUrl(url))
    assert isinstance(image, QImage) and image.width() <= 24
    assert view.remote_requests == [url]
    store.close()


def test_the_window_reads_the_cache(
    qtbot: QtBot, data_dir: Path, synced: tuple[FeedServer, dict[str, int]]
) -> None:
    srv, ids = synced
    window = build_window(AppPaths.resolve(data_dir), start_sync=False)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    article = window.store.article(ids["Tram"])
    assert article is not None
    window.article_view.show_article(article)
    assert EN_PARAS[-1] in window.article_view.document().toPlainText()
    qtbot.waitUntil(lambda: srv.url("/img/tram.png") in window.article_view.served_images)
    window.close()


def test_the_app_sync_fills_the_cache_and_the_view_catches_up(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path
) -> None:
    """The window's background sync (a child process) fetches full text and
    images; the article on screen is shown again with them when it ends."""
    srv = feed_server
    srv.add("/img/tram.png", png(64, 48), content_type="image/png")
    srv.add("/en.html", article_page("Tram", EN_PARAS, ["/img/tram.png"]),
            content_type="text/html; charset=utf-8")  # fmt: skip
    srv.add("/feed.xml", summary_rss("S", [Item("Tram", srv.url("/en.html"), "Voted.")]))
    paths = AppPaths.resolve(data_dir)
    with Store(paths.database) as store:
        store.add_feed(srv.url("/feed.xml"))
    with SyncService(paths.database, parse_processes=0, cache_dir=paths.cache_dir,
                     media=False) as service:  # fmt: skip
        service.sync()  # the articles only: the app's sync fetches their media
    window = build_window(paths, start_sync=False)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(lambda: window.sync is not None)
    assert window.sync is not None
    article = window.store.articles(ArticleQuery())[0]
    window.article_view.show_article(window.store.article(article.id) or article)
    assert "Voted." in window.article_view.document().toPlainText()
    with qtbot.waitSignal(window.sync.finished, timeout=60_000):
        window.sync_now()
    # The article on screen was shown again, now with its full text and image.
    qtbot.waitUntil(lambda: EN_PARAS[-1] in window.article_view.document().toPlainText())
    qtbot.waitUntil(lambda: srv.url("/img/tram.png") in window.article_view.served_images)
    assert (paths.cache_dir / "images").is_dir()
    assert paths.cache_dir.is_relative_to(data_dir)
    window.close()
