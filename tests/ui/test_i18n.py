"""The Chinese UI: no English left in menus, toolbar, status bar and dialogs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from test_main_window import open_window

from feedserver import FeedServer
from newsreader.app import install_translations
from newsreader.core.sync_types import SyncReport
from newsreader.qt.actions import TEXTS
from newsreader.qt.timefmt import set_ui_chinese, ui_is_chinese
from newsreader.ui.dialogs import (
    RESTART_NOTES,
    AddFeedDialog,
    FeedHealthDialog,
    FeedPropertiesDialog,
    PreferencesDialog,
    ShortcutsDialog,
)
from newsreader.ui.main_window import MainWindow

# Words that stay as they are in a Chinese UI: formats, protocols, units, keys.
ALLOWED = re.compile(
    r"OPML|URL|HTTP|https?://\S+|example\.com|\bms\b|\*\.\w+|\((?:&)?[A-Z]\)|\bEnglish\b"
    r"|\b(?:Ctrl|Shift|Alt|Space|Return|Enter|Del|F\d+)\b|\b[KMG]B\b"
)


def untranslated(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]", ALLOWED.sub("", text.replace("&", ""))))


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    before = QLocale()
    translators = install_translations(qapp, "zh_CN")
    assert translators, "newsreader_zh_CN.qm did not load"
    yield
    for translator in translators:
        QCoreApplication.removeTranslator(translator)
    QLocale.setDefault(before)
    set_ui_chinese(None)


def widget_texts(root: QWidget) -> list[str]:
    texts: list[str] = []
    for label in root.findChildren(QLabel):
        texts.append(label.text())
    for button in root.findChildren(QPushButton):
        texts.append(button.text())
    for box in root.findChildren(QCheckBox):
        texts.append(box.text())
    for tabs in root.findChildren(QTabWidget):
        texts.extend(tabs.tabText(i) for i in range(tabs.count()))
    for combo in root.findChildren(QComboBox):
        if not combo.isEditable():  # editable ones hold the user's own words
            texts.extend(combo.itemText(i) for i in range(combo.count()))
            texts.append(combo.accessibleName())
    for spin in root.findChildren(QSpinBox):
        texts.extend((spin.suffix(), spin.specialValueText()))
    for table in root.findChildren(QTableWidget):
        for col in range(table.columnCount()):
            item = table.horizontalHeaderItem(col)
            if item is not None:
                texts.append(item.text())
    return [t for t in texts if t]


def window_texts(window: MainWindow) -> list[str]:
    texts = [menu.title() for menu in window.menus.values()]
    for menu in window.menus.values():
        texts.extend(a.text() for a in menu.actions() if not a.isSeparator())
    texts.extend(a.text() for a in window.toolbar.actions() if not a.isSeparator())
    texts.extend(b.text() for b in window.empty_state.buttons.values())
    texts.extend(widget_texts(window.statusBar()))
    texts.append(window.cancel_button.text())
    texts.append(window.search.placeholderText())
    texts.extend(
        w.accessibleName()
        for w in (window.headlines, window.subs_view, window.article_view, window.search)
    )
    return [t for t in texts if t]


def dialog_texts(window: MainWindow) -> dict[str, list[str]]:
    dialogs: dict[str, QDialog] = {
        "preferences": PreferencesDialog(
            window.settings,
            window.registry,
            window,
            store=window.store,
            cache_dir=window.paths.cache_dir,
        ),
        "add feed": AddFeedDialog(window.store, window),
        "feed health": FeedHealthDialog(window.store, window),
        "shortcuts": ShortcutsDialog(window.registry, window),
    }
    feeds = window.store.feeds(counts=False)
    if feeds:
        dialogs["feed properties"] = FeedPropertiesDialog(window.store, feeds[0].id, window)
    texts = {name: [d.windowTitle(), *widget_texts(d)] for name, d in dialogs.items()}
    for dialog in dialogs.values():
        dialog.deleteLater()
    return texts


def assert_all_translated(texts: list[str]) -> None:
    left = [t for t in texts if untranslated(t)]
    assert left == [], f"untranslated: {left}"


def test_every_action_text_has_a_translation(chinese: None) -> None:
    for text in TEXTS.values():
        assert QCoreApplication.translate("Actions", text) != text, text


def test_empty_window_is_chinese(qtbot: QtBot, data_dir: Path, chinese: None) -> None:
    window = open_window(qtbot, data_dir)
    assert ui_is_chinese()
    assert window.middle_stack.currentWidget() is window.empty_state
    assert window.menus["file"].title() == "文件(&F)"
    assert_all_translated(window_texts(window))
    assert_all_translated(widget_texts(window.empty_state))
    for name, texts in dialog_texts(window).items():
        assert len(texts) > 3, name
        assert_all_translated(texts)
    window.close()


def test_filled_window_is_chinese(
    qtbot: QtBot, data_dir: Path, filled_cache: list[int], chinese: None
) -> None:
    window = open_window(qtbot, data_dir)
    assert window.middle_stack.currentWidget() is window.headlines
    assert "未读" in window.status_label.text()
    assert_all_translated(window_texts(window))
    assert_all_translated([window.subs_model.index(0, 0).data()])  # "Hot news"
    row = window.headline_model.index(0, 0)
    assert row.data(Qt.ItemDataRole.AccessibleTextRole).startswith("未读")
    assert window.headlines.itemDelegate().chinese  # relative ages in Chinese
    health = FeedHealthDialog(window.store, window)
    statuses = [health.table.item(r, 1).text() for r in range(health.table.rowCount())]
    assert statuses and set(statuses) == {"正常"}
    health.deleteLater()
    for texts in dialog_texts(window).values():
        assert_all_translated(texts)
    window.close()


def test_english_is_restored_after_the_chinese_tests() -> None:
    assert QCoreApplication.translate("Actions", "Quit") == "Quit"
    assert not ui_is_chinese()
    assert not untranslated("文件(&F)") and untranslated("Quit")


def test_english_setting_loads_no_newsreader_translation(qapp: QApplication) -> None:
    before = QLocale()
    translators = install_translations(qapp, "en_US")
    try:
        assert QCoreApplication.translate("Actions", "Quit") == "Quit"
        assert not ui_is_chinese()
        assert QLocale().name() == "en_US"
    finally:
        for translator in translators:
            QCoreApplication.removeTranslator(translator)
        QLocale.setDefault(before)
        set_ui_chinese(None)


def sync_with_one_failure(feed_server: FeedServer, data_dir: Path) -> SyncReport:
    """Two more feeds, one of them broken, synced for real; returns the report."""
    from feedgen import make_entries, rss
    from newsreader.core.storage import Store
    from newsreader.core.sync import SyncService

    db = data_dir / "newsreader.sqlite3"
    feed_server.add("/more.xml", rss("More News", make_entries(7, 12)))
    feed_server.status("/broken.xml", 500)
    with Store(db) as store:
        ids = [store.add_feed(feed_server.url(p)) for p in ("/more.xml", "/broken.xml")]
    with SyncService(db, parse_processes=0) as service:
        report = service.sync(ids)
    assert report.new_count == 12 and len(report.failed) == 1
    return report


def show_sync(window: MainWindow, report: SyncReport) -> list[str]:
    """Drive the status bar through a sync as the controller's signals do."""
    seen = []
    window._on_sync_started(len(report.results))
    seen.append(window.status_label.text())
    for done, result in enumerate(report.results, 1):
        window._on_feed_done(done, len(report.results), result)
        seen.append(window.status_label.text())
    window._on_sync_finished(report)
    seen.append(window.status_label.text())
    return seen


def test_status_bar_dates_and_restart_note_are_chinese(
    qtbot: QtBot,
    data_dir: Path,
    feed_server: FeedServer,
    filled_cache: list[int],
    chinese: None,
) -> None:
    report = sync_with_one_failure(feed_server, data_dir)
    window = open_window(qtbot, data_dir)
    statuses = show_sync(window, report)
    assert statuses[0] == "正在同步 2 个订阅源中的第 0 个…"
    assert statuses[-1].startswith("12 篇新文章 · 1 个订阅源失败")
    assert_all_translated([re.sub(r"·.*", "", t) for t in statuses[1:-1]])  # minus feed titles
    assert_all_translated(statuses[-1:])
    full_date = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d")
    window.headlines.setCurrentIndex(window.headline_model.index(0, 0))
    qtbot.waitUntil(lambda: window.article_view.article is not None)
    assert full_date.search(window.article_view.toPlainText())
    row = window.headline_model.index(0, 0)
    assert full_date.search(row.data(Qt.ItemDataRole.ToolTipRole))
    assert full_date.search(row.data(Qt.ItemDataRole.AccessibleTextRole))
    health = FeedHealthDialog(window.store, window)
    qtbot.addWidget(health)
    last_success = [health.table.item(r, 3).text() for r in range(health.table.rowCount())]
    assert sum(bool(full_date.fullmatch(t)) for t in last_success) == 4  # one never succeeded
    prefs = PreferencesDialog(window.settings, window.registry, window)
    qtbot.addWidget(prefs)
    prefs.language.setCurrentIndex(prefs.language.findData("en"))
    assert prefs.language_note.text().split("\n") == [RESTART_NOTES[True], RESTART_NOTES[False]]
    window.close()


def test_english_status_bar_has_right_plurals(
    qtbot: QtBot, data_dir: Path, feed_server: FeedServer, filled_cache: list[int]
) -> None:
    report = sync_with_one_failure(feed_server, data_dir)
    window = open_window(qtbot, data_dir)
    statuses = show_sync(window, report)
    assert statuses[0] == "Syncing 0 of 2 feeds…"
    assert statuses[1].startswith("Syncing 1 of 2 feeds · ")
    assert statuses[-1].startswith("12 new · 1 feed failed  (")
    window._on_sync_started(1)
    assert window.status_label.text() == "Syncing 0 of 1 feed…"
    window.headlines.setCurrentIndex(window.headline_model.index(0, 0))
    qtbot.waitUntil(lambda: window.article_view.article is not None)
    assert re.search(r"[A-Z][a-z]{2} \d{1,2}, \d{4} \d\d:\d\d", window.article_view.toPlainText())
    window.close()
