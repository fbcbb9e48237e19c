"""Offline reading settings: per feed, in Preferences, and how they reach the sync."""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from feedserver import FeedServer
from mediagen import EN_PARAS, Item, article_page, summary_rss
from newsreader.app import build_window
from newsreader.core import media
from newsreader.core.images import images_dir
from newsreader.core.paths import AppPaths
from newsreader.core.settings import Settings, load_settings, save_settings, sync_media_options
from newsreader.core.storage import ArticleQuery, Store
from newsreader.qt.actions import ActionRegistry
from newsreader.qt.sync_bridge import SyncController
from newsreader.ui.dialogs import FeedPropertiesDialog, PreferencesDialog, format_size
from newsreader.ui.main_window import MainWindow

PAGES = 3
IMAGE_SIDE = 420  # a noisy RGB PNG of 420×420 is about 530 KB: three are over 1 MB


def noisy_png(side: int, seed: int) -> bytes:
    """A valid PNG that does not compress: its size is about side² × 3 bytes."""
    rng = random.Random(seed)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    raw = b"".join(b"\x00" + rng.randbytes(side * 3) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 1))
        + chunk(b"IEND", b"")
    )


def serve_site(srv: FeedServer) -> None:
    """A summary-only feed whose entries link to pages, each with one big image."""
    items = []
    for n in range(PAGES):
        srv.add(f"/img/{n}.png", noisy_png(IMAGE_SIDE, n), content_type="image/png")
        srv.add(f"/page/{n}.html", article_page(f"Story {n}", EN_PARAS, [f"/img/{n}.png"]),
                content_type="text/html; charset=utf-8")  # fmt: skip
        items.append(Item(f"Story {n}", srv.url(f"/page/{n}.html"), f"Summary {n}."))
    srv.add("/feed.xml", summary_rss("Summaries", items))


def page_requests(srv: FeedServer) -> int:
    return sum(srv.count(f"/page/{n}.html") for n in range(PAGES))


def subscribe(db_path: Path, srv: FeedServer) -> int:
    with Store(db_path) as store:
        return store.add_feed(srv.url("/feed.xml"))


def sync_with(qtbot: QtBot, db_path: Path, options: dict[str, object]) -> SyncController:
    controller = SyncController(db_path, options)
    with qtbot.waitSignal(controller.finished, timeout=60_000):
        controller.sync()
    return controller


@pytest.fixture
def registry(qtbot: QtBot) -> Iterator[ActionRegistry]:
    owner = QWidget()  # owns the actions: kept alive for the test
    yield ActionRegistry(owner)
    owner.deleteLater()


def test_feed_properties_round_trip_the_media_settings(
    qtbot: QtBot, feed_server: FeedServer, db_path: Path
) -> None:
    serve_site(feed_server)
    feed_id = subscribe(db_path, feed_server)
    with Store(db_path) as store:
        dialog = FeedPropertiesDialog(store, feed_id)
        qtbot.addWidget(dialog)
        assert dialog.full_text.currentData() == "auto"  # the defaults
        assert dialog.images.isChecked()
        dialog.full_text.setCurrentIndex(dialog.full_text.findData("never"))
        dialog.images.setChecked(False)
        dialog.save()
        assert dialog.result() == FeedPropertiesDialog.DialogCode.Accepted
    with Store(db_path) as store:  # persisted in the cache file
        assert media.feed_settings(store, feed_id) == media.FeedMediaSettings("never", False)
        again = FeedPropertiesDialog(store, feed_id)  # shows what was saved
        qtbot.addWidget(again)
        assert again.full_text.currentData() == "never"
        assert not again.images.isChecked()
        again.full_text.setCurrentIndex(again.full_text.findData("always"))
        again.save()
        assert media.feed_settings(store, feed_id) == media.FeedMediaSettings("always", False)


def test_preferences_show_the_cache_size_and_clear_it(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path, db_path: Path, registry: ActionRegistry
) -> None:
    serve_site(feed_server)
    subscribe(db_path, feed_server)
    cache = data_dir / "cache"
    sync_with(qtbot, db_path, {"cache_dir": str(cache), "parse_processes": 0}).shutdown()
    with Store(db_path) as store:
        size = media.cache_size_bytes(store)
    assert size > PAGES * IMAGE_SIDE**2 * 3  # three images and three full texts
    assert sum(1 for p in images_dir(cache).rglob("*") if p.is_file()) == PAGES

    with Store(db_path) as store:
        dialog = PreferencesDialog(Settings(), registry, store=store, cache_dir=cache)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.cache_size_bytes is not None, timeout=10_000)
        assert dialog.cache_size_bytes == size
        assert dialog.cache_size.text() == format_size(size) and "MB" in format_size(size)
        assert dialog.clear_button.isEnabled()

        # The confirmation stays in the dialog; "Keep it" deletes nothing.
        dialog.findChild(QTabWidget).setCurrentWidget(dialog.offline_media.parentWidget())
        dialog.show()
        dialog.clear_button.click()
        assert dialog.clear_confirm.isVisible() and not dialog.clear_button.isVisible()
        assert format_size(size) in dialog.clear_question.text()
        dialog.clear_no.click()
        assert not dialog.clear_confirm.isVisible()
        assert media.cache_size_bytes(store) == size

        dialog.clear_button.click()
        dialog.clear_yes.click()
        qtbot.waitUntil(lambda: dialog.cache_size_bytes == 0, timeout=10_000)
        assert dialog.cache_cleared
        assert format_size(size) in dialog.cache_message.text()  # the bytes freed
        assert dialog.cache_size.text() == format_size(0)
        assert not dialog.clear_button.isEnabled()
        assert media.cache_size_bytes(store) == 0
        assert not any(p.is_file() for p in images_dir(cache).rglob("*"))
        # The articles keep what their feed sent.
        articles = store.articles(ArticleQuery())
        assert len(articles) == PAGES
        for article in articles:
            full = store.article(article.id)
            assert full is not None and full.summary_html.startswith("Summary")


def test_preferences_save_the_offline_settings(
    qtbot: QtBot, registry: ActionRegistry, data_dir: Path
) -> None:
    dialog = PreferencesDialog(Settings(), registry)  # no cache: no size, no clearing
    qtbot.addWidget(dialog)
    assert dialog.offline_media.isChecked()
    assert (dialog.cache_limit.value(), dialog.cache_limit_unit.currentText()) == (1, "GB")
    assert dialog.cache_limit_mb() == 1024 and not dialog.clear_button.isEnabled()
    dialog.cache_limit_unit.setCurrentIndex(dialog.cache_limit_unit.findData(1))  # MB
    assert dialog.cache_limit.value() == 1024  # the same limit in the other unit
    dialog.cache_limit.setValue(300)
    dialog.offline_media.setChecked(False)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert (dialog.settings.offline_media, dialog.settings.cache_limit_mb) == (False, 300)
    path = data_dir / "settings.json"
    save_settings(path, dialog.settings)
    assert load_settings(path).cache_limit_mb == 300
    assert sync_media_options(load_settings(path)) == {
        "media": False,
        "cache_cap_bytes": 300 << 20,
    }
    reopened = PreferencesDialog(load_settings(path), registry)
    qtbot.addWidget(reopened)
    assert (reopened.cache_limit.value(), reopened.cache_limit_unit.currentText()) == (300, "MB")
    assert not reopened.offline_media.isChecked()


def test_the_cache_limit_reaches_the_sync(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path, db_path: Path
) -> None:
    serve_site(feed_server)
    subscribe(db_path, feed_server)
    cache = data_dir / "cache"
    options: dict[str, object] = {"cache_dir": str(cache), "parse_processes": 0}
    controller = sync_with(qtbot, db_path, {**options, **sync_media_options(Settings())})
    with Store(db_path) as store:
        assert media.cache_size_bytes(store) > 1 << 20  # the default limit keeps it all
    # Preferences lower the limit to 1 MB: the next sync of the same process evicts.
    controller.set_options(sync_media_options(Settings(cache_limit_mb=1)))
    with qtbot.waitSignal(controller.finished, timeout=60_000):
        controller.sync()
    controller.shutdown()
    with Store(db_path) as store:
        assert 0 < media.cache_size_bytes(store) <= 1 << 20
        evicted = store.conn.execute(
            "SELECT count(*) FROM media_files WHERE status = 'evicted'"
        ).fetchone()[0]
    assert evicted >= 1
    files = [p for p in images_dir(cache).rglob("*") if p.is_file()]
    assert len(files) == PAGES - evicted
    with pytest.raises(ValueError):
        controller.set_options({"per_host": 4})  # fixed when the sync process starts


def test_a_new_sync_process_starts_with_the_limit_of_the_settings(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path, db_path: Path
) -> None:
    serve_site(feed_server)
    subscribe(db_path, feed_server)
    cache = data_dir / "cache"
    options = {"cache_dir": str(cache), "parse_processes": 0}
    sync_with(
        qtbot, db_path, {**options, **sync_media_options(Settings(cache_limit_mb=1))}
    ).shutdown()
    with Store(db_path) as store:
        assert 0 < media.cache_size_bytes(store) <= 1 << 20
    assert page_requests(feed_server) == PAGES  # everything was fetched, then evicted


def open_app(qtbot: QtBot, data_dir: Path, settings: Settings) -> MainWindow:
    paths = AppPaths.resolve(data_dir)
    save_settings(paths.settings_file, settings)
    window = build_window(paths, start_sync=False, sync_options={"parse_processes": 0})
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    qtbot.waitUntil(lambda: window.sync is not None)
    return window


def test_offline_switch_off_fetches_no_article_pages_until_turned_on(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path
) -> None:
    serve_site(feed_server)
    subscribe(data_dir / "newsreader.sqlite3", feed_server)
    window = open_app(qtbot, data_dir, Settings(offline_media=False, sync_on_startup=False))
    assert window.sync is not None
    with qtbot.waitSignal(window.sync.finished, timeout=60_000):
        window.sync.sync()
    assert feed_server.count("/feed.xml") == 1
    assert page_requests(feed_server) == 0
    assert window.headline_model.rowCount() == PAGES  # the articles are there

    def switch_on() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PreferencesDialog)
        assert not dialog.offline_media.isChecked()
        dialog.offline_media.setChecked(True)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, switch_on)
    window.show_preferences()
    assert load_settings(window.paths.settings_file).offline_media
    with qtbot.waitSignal(window.sync.finished, timeout=60_000):
        window.sync.sync()
    assert page_requests(feed_server) == PAGES  # the queued articles get their pages now
    window.close()
