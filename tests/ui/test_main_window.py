"""The main window on a real cache, driven by keys as a user would."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from conftest import fill_cache
from feedgen import make_entries, rss
from feedserver import FeedServer
from newsreader.app import build_window
from newsreader.core.paths import AppPaths
from newsreader.core.storage import ArticleQuery, Store
from newsreader.qt.subscriptions import Node, NodeKind
from newsreader.ui.main_window import MainWindow


def open_window(qtbot: QtBot, data_dir: Path, **options: object) -> MainWindow:
    options.setdefault("media", False)  # the generated articles link to example.test
    window = build_window(AppPaths.resolve(data_dir), start_sync=False, sync_options=options)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.waitUntil(lambda: window.sync is not None)
    return window


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path, filled_cache: list[int]) -> Iterator[MainWindow]:
    win = open_window(qtbot, data_dir)
    yield win
    win.close()


def key(
    qtbot: QtBot,
    window: MainWindow,
    k: Qt.Key,
    mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(window.focusWidget() or window, k, mod)


def read_state(data_dir: Path, article_id: int) -> tuple[bool, bool]:
    with Store(data_dir / "newsreader.sqlite3") as store:
        art = store.article(article_id)
        assert art is not None
        return art.read, art.starred


def test_opens_on_hot_view_with_headlines_focused(window: MainWindow) -> None:
    assert window.windowTitle() == "Newsreader"
    assert window.headlines.hasFocus()
    node = window.current_node()
    assert node.kind is NodeKind.VIEW and node.key == "hot"
    assert window.headline_model.rowCount() == 30
    titles = {window.headline_model.article_at(r).feed_title for r in range(30)}  # type: ignore[union-attr]
    assert {"World News 0", "中文新闻 1", "World News 2"} <= titles
    assert window.middle_stack.currentWidget() is window.headlines
    assert window.menuBar().isVisible()


def test_j_k_n_p_space_m_s(qtbot: QtBot, window: MainWindow, data_dir: Path) -> None:
    model = window.headline_model
    key(qtbot, window, Qt.Key.Key_J)
    first = model.article_at(0)
    assert first is not None
    assert window.headlines.currentIndex().row() == 0
    assert window.windowTitle() == f"{first.title} — Newsreader"
    assert read_state(data_dir, first.id) == (True, False)
    key(qtbot, window, Qt.Key.Key_J)
    key(qtbot, window, Qt.Key.Key_J)
    assert window.headlines.currentIndex().row() == 2
    key(qtbot, window, Qt.Key.Key_K)
    assert window.headlines.currentIndex().row() == 1
    second = model.article_at(1)
    assert second is not None
    # m toggles read, s stars.
    key(qtbot, window, Qt.Key.Key_M)
    assert read_state(data_dir, second.id) == (False, False)
    key(qtbot, window, Qt.Key.Key_S)
    assert read_state(data_dir, second.id) == (False, True)
    # n skips read rows: rows 0 and 2 are read now.
    window.select_row(0)
    key(qtbot, window, Qt.Key.Key_N)
    assert window.headlines.currentIndex().row() == 1
    key(qtbot, window, Qt.Key.Key_N)
    assert window.headlines.currentIndex().row() == 3
    key(qtbot, window, Qt.Key.Key_P)  # rows 0-2 are all read now
    assert window.headlines.currentIndex().row() == 3
    window.store.set_read([second.id], False)
    model.set_local_state([second.id], read=False)
    key(qtbot, window, Qt.Key.Key_P)
    assert window.headlines.currentIndex().row() == 1
    # Space scrolls a long article, and at its end goes to the next unread.
    window.select_row(5)
    bar = window.article_view.verticalScrollBar()
    window.article_view.resize(window.article_view.width(), 200)
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    presses = 0
    while window.headlines.currentIndex().row() == 5 and presses < 100:
        key(qtbot, window, Qt.Key.Key_Space)
        presses += 1
    assert presses > 1, "Space scrolled the article before moving on"
    assert window.headlines.currentIndex().row() == 6


def test_mark_all_read_and_undo(qtbot: QtBot, window: MainWindow, data_dir: Path) -> None:
    key(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    with Store(data_dir / "newsreader.sqlite3") as store:
        assert store.count_articles(ArticleQuery(unread=True)) == 0
    assert window.toast.isVisible()
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with Store(data_dir / "newsreader.sqlite3") as store:
        assert store.count_articles(ArticleQuery(unread=True)) == 30


def test_go_to_views_and_focus_keys(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window, Qt.Key.Key_G)
    key(qtbot, window, Qt.Key.Key_S)
    assert window.current_node() == Node(NodeKind.VIEW, "starred")
    assert window.headline_model.rowCount() == 0
    key(qtbot, window, Qt.Key.Key_G)
    key(qtbot, window, Qt.Key.Key_U)
    assert window.current_node() == Node(NodeKind.VIEW, "unread")
    key(qtbot, window, Qt.Key.Key_1)
    assert window.subs_view.hasFocus()
    key(qtbot, window, Qt.Key.Key_3)
    assert window.article_view.hasFocus()
    key(qtbot, window, Qt.Key.Key_2)
    assert window.headlines.hasFocus()


def test_search_field_filters_and_keeps_letters(qtbot: QtBot, window: MainWindow) -> None:
    key(qtbot, window, Qt.Key.Key_Slash)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "jk")  # letters type, they do not navigate
    assert window.search.text() == "jk"
    assert window.headlines.currentIndex().row() == -1
    window.search.setText("网络")
    qtbot.waitUntil(lambda: 0 < window.headline_model.rowCount() < 30)
    key(qtbot, window, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    assert window.headlines.hasFocus()
    qtbot.waitUntil(lambda: window.headline_model.rowCount() == 30)


def test_sync_adds_rows_while_an_article_stays_selected(
    qtbot: QtBot, window: MainWindow, feed_server: FeedServer
) -> None:
    checker = QAbstractItemModelTester(
        window.headline_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    checker.setUseFetchMore(False)
    subs_checker = QAbstractItemModelTester(
        window.subs_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    window.select_row(4)
    reading = window.headline_model.article_at(4)
    assert reading is not None
    # Newer entries appear on the server.
    for n in range(3):
        entries = make_entries(n, 10) + make_entries(n + 100, 2)
        entries = sorted(entries, key=lambda e: e.published, reverse=True)
        feed_server.add(f"/feeds/{n}.xml", rss(f"World News {n}", entries))
    gaps = heartbeat(qtbot, window)
    assert window.sync is not None
    with qtbot.waitSignal(window.sync.finished, timeout=30_000):
        window.sync_now()
    assert window.headline_model.rowCount() == 36
    assert window.current_article_id() == reading.id
    assert window.article_view.article is not None
    assert window.article_view.article.id == reading.id
    assert "6 new" in window.status_label.text()
    stall = max(gaps) if gaps else 0
    assert stall < 250, f"event loop stalled {stall} ms"
    del checker, subs_checker


def heartbeat(qtbot: QtBot, window: MainWindow) -> list[int]:
    """Record gaps between 5 ms timer ticks (the longest is the worst stall)."""
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    timer = QTimer(window)
    timer.setInterval(5)

    def tick() -> None:
        gaps.append(clock.restart())

    timer.timeout.connect(tick)
    timer.start()
    return gaps


def test_failing_feed_is_marked_not_a_dialog(
    qtbot: QtBot, window: MainWindow, feed_server: FeedServer, filled_cache: list[int]
) -> None:
    feed_server.status("/feeds/2.xml", 500)
    assert window.sync is not None
    with qtbot.waitSignal(window.sync.finished, timeout=30_000):
        window.sync_now()
    index = window.subs_model.index_of(Node(NodeKind.FEED, filled_cache[2]))
    assert "HTTP 500" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "1 feed failed" in window.status_label.text()
    assert window.isActiveWindow()  # no modal dialog took over


def test_offline_start_shows_cached_articles(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path
) -> None:
    fill_cache(feed_server, data_dir)
    feed_server.stop()
    win = open_window(qtbot, data_dir)
    assert win.headline_model.rowCount() == 30
    assert win.sync is not None
    with qtbot.waitSignal(win.sync.finished, timeout=30_000):
        win.sync_now()
    win.select_row(0)
    assert win.article_view.article is not None
    assert (
        "World News" in win.article_view.toPlainText() or "中文" in win.article_view.toPlainText()
    )
    assert win.headline_model.rowCount() == 30
    win.close()


def test_empty_cache_shows_empty_state(qtbot: QtBot, data_dir: Path) -> None:
    win = open_window(qtbot, data_dir)
    assert win.middle_stack.currentWidget() is win.empty_state
    assert set(win.empty_state.buttons) == {"feed.add", "feed.import", "feed.suggested"}
    win.close()


def test_state_is_restored_after_restart(
    qtbot: QtBot, data_dir: Path, filled_cache: list[int]
) -> None:
    win = open_window(qtbot, data_dir)
    win.select_node(Node(NodeKind.FEED, filled_cache[1]))
    win.select_row(3)
    chosen = win.current_article_id()
    win.article_view.set_zoom(1.2)
    win.close()
    again = open_window(qtbot, data_dir)
    assert again.current_node() == Node(NodeKind.FEED, filled_cache[1])
    assert again.current_article_id() == chosen
    assert abs(again.article_view.zoom - 1.2) < 0.01
    again.close()


def test_quit_during_sync_is_prompt(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path, filled_cache: list[int]
) -> None:
    for n in range(3):
        feed_server.slow(f"/feeds/{n}.xml", rss("Slow", make_entries(n, 5)), bytes_per_second=50)
    win = open_window(qtbot, data_dir)
    assert win.sync is not None
    win.sync_now()
    qtbot.waitUntil(lambda: win.sync is not None and win.sync.running)
    qtbot.wait(300)
    started = time.monotonic()
    win.close()
    assert time.monotonic() - started < 2.5
    with Store(data_dir / "newsreader.sqlite3") as store:
        assert store.integrity_ok()
        assert store.count_articles() == 30


def test_scrolling_a_big_view_pages_in_without_moving_the_reader(
    qtbot: QtBot, data_dir: Path, feed_server: FeedServer
) -> None:
    fill_cache(feed_server, data_dir, feeds=3, entries=300)
    win = open_window(qtbot, data_dir)
    model = win.headline_model
    assert model.rowCount() < 900  # lazily paged
    bar = win.headlines.verticalScrollBar()
    for _ in range(20):  # drag to the bottom repeatedly: fetchMore appends
        bar.setValue(bar.maximum())
        qtbot.wait(10)
    assert model.rowCount() == 900
    win.select_row(450)
    win.headlines.scrollTo(model.index(450))
    top_before = win.headlines.indexAt(win.headlines.viewport().rect().topLeft()).row()
    # A feed added mid-session (structure change) plus new articles on top.
    with Store(data_dir / "newsreader.sqlite3") as store:
        extra = store.add_feed(feed_server.url("/extra.xml"))
    feed_server.add("/extra.xml", rss("Extra", make_entries(50, 5)))
    assert win.sync is not None
    win.subs_model.refresh()
    with qtbot.waitSignal(win.sync.finished, timeout=30_000):
        win.sync.sync([extra])
    assert win.headline_model.rowCount() == 905
    assert win.current_article_id() == model.article_at(455).id  # type: ignore[union-attr]
    top_after = win.headlines.indexAt(win.headlines.viewport().rect().topLeft()).row()
    assert top_after == top_before + 5  # the same rows stay in view
    win.close()
