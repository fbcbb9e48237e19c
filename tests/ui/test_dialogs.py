"""Subscription dialogs and actions, driven on a real cache and server."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot
from test_main_window import open_window

from feedgen import make_entries, rss
from feedserver import FeedServer
from newsreader.core.storage import Store
from newsreader.qt.subscriptions import Node, NodeKind
from newsreader.ui.dialogs import AddFeedDialog, FeedHealthDialog, PreferencesDialog
from newsreader.ui.toast import UndoToast


def test_add_feed_dialog_discovers_and_subscribes(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path
) -> None:
    feed_server.add("/zh.xml", rss("中文新闻", make_entries(1, 4, chinese=True)))
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/zh.xml"></head></html>'
    )
    feed_server.add("/site/", page, content_type="text/html")
    win = open_window(qtbot, data_dir)
    dialog = AddFeedDialog(win.store, win)
    qtbot.addWidget(dialog)
    dialog.url_edit.setText(feed_server.url("/site/"))
    dialog.folder.setCurrentText("中文")
    dialog.find_feeds()
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=10_000)
    assert "中文新闻" in dialog.results.item(0).text()
    dialog.subscribe()
    assert dialog.feed_id is not None
    win.subscriptions_changed(dialog.feed_id)
    assert win.current_node() == Node(NodeKind.FEED, dialog.feed_id)
    assert win.headline_model.rowCount() == 4  # stored at once, no second fetch
    assert win.middle_stack.currentWidget() is win.headlines
    # A second subscription to the same feed is refused with a message.
    again = AddFeedDialog(win.store, win)
    qtbot.addWidget(again)
    again.url_edit.setText(feed_server.url("/zh.xml"))
    again.find_feeds()
    qtbot.waitUntil(lambda: again.results.count() == 1, timeout=10_000)
    again.subscribe()
    assert again.feed_id is None
    assert "Already subscribed" in again.message.text()
    win.close()


def test_add_feed_dialog_reports_failures(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path
) -> None:
    feed_server.add("/plain/", "<html><body>No feeds here</body></html>", content_type="text/html")
    win = open_window(qtbot, data_dir)
    dialog = AddFeedDialog(win.store, win)
    qtbot.addWidget(dialog)
    dialog.url_edit.setText(feed_server.url("/plain/"))
    dialog.find_feeds()
    qtbot.waitUntil(lambda: dialog.find_button.isEnabled(), timeout=15_000)
    assert "No feed found" in dialog.message.text()
    win.close()


def test_delete_feed_is_undoable(qtbot: QtBot, data_dir: Path, filled_cache: list[int]) -> None:
    win = open_window(qtbot, data_dir)
    feed = filled_cache[0]
    win.select_node(Node(NodeKind.FEED, feed))
    win.delete_selected()
    assert win.toast.isVisible()
    win.toast.undo()
    with Store(data_dir / "newsreader.sqlite3") as store:
        assert store.feed(feed) is not None
    win.select_node(Node(NodeKind.FEED, feed))
    win.delete_selected()
    win.close()  # pending deletes are carried out on quit
    with Store(data_dir / "newsreader.sqlite3") as store:
        assert store.feed(feed) is None
        assert store.count_articles() == 20


def test_import_opml_from_the_window_then_fetches(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path, tmp_path: Path
) -> None:
    feed_server.add("/a.xml", rss("Alpha", make_entries(1, 3)))
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="News">'
        f'<outline type="rss" text="Alpha" xmlUrl="{feed_server.url("/a.xml")}"/>'
        "</outline></body></opml>",
        encoding="utf-8",
    )
    win = open_window(qtbot, data_dir)
    assert win.sync is not None
    with qtbot.waitSignal(win.sync.finished, timeout=30_000):
        win.import_opml_file(str(opml))
    assert win.middle_stack.currentWidget() is win.headlines
    assert win.headline_model.rowCount() == 3
    assert "Imported 1 feed" in win.toast.label.text()
    win.close()


def test_preferences_refuse_conflicting_shortcuts(qtbot: QtBot, data_dir: Path) -> None:
    win = open_window(qtbot, data_dir)
    dialog = PreferencesDialog(win.settings, win.registry, win)
    qtbot.addWidget(dialog)
    assert "already bound" in dialog.set_binding("entry.next", "K")
    # The message names the action that holds the key.
    assert "“Show the story's other sources”" in dialog.set_binding("entry.next", "L")
    assert win.registry.keys("entry.next") == ("J",)
    assert dialog.set_binding("entry.next", "Y") == ""
    dialog._save()
    assert dialog.settings.shortcuts == {"entry.next": "Y"}
    assert win.registry["entry.next"].shortcuts() == [QKeySequence("Y")]
    win.close()


def test_feed_health_lists_failing_feeds_first(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path, filled_cache: list[int]
) -> None:
    with Store(data_dir / "newsreader.sqlite3") as store:
        store.record_error(
            filled_cache[2], "HTTP 503 Service Unavailable", http_status=503, next_check=0
        )
    win = open_window(qtbot, data_dir)
    dialog = FeedHealthDialog(win.store, win)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3
    assert dialog.table.item(0, 1).text() == "error"
    assert dialog.table.item(0, 2).text() == "503"
    assert "503" in dialog.table.item(0, 5).text()
    win.close()


def test_undo_toast_times_out(qtbot: QtBot) -> None:
    toast = UndoToast()
    qtbot.addWidget(toast)
    toast.TIMEOUT_MS = 50
    done: list[bool] = []
    toast.show_message("x", lambda: done.append(True))
    qtbot.waitUntil(lambda: not toast.isVisible(), timeout=2000)
    assert toast.undo() is True  # Ctrl+Z still works after the bar is gone
    assert done == [True]
    assert toast.undo() is False
