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
    QDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from test_main_window import open_window

from newsreader.app import install_translations
from newsreader.qt.actions import TEXTS
from newsreader.qt.timefmt import set_ui_chinese, ui_is_chinese
from newsreader.ui.dialogs import AddFeedDialog, FeedHealthDialog, PreferencesDialog
from newsreader.ui.main_window import MainWindow

# Words that stay as they are in a Chinese UI: formats, protocols, units, keys.
ALLOWED = re.compile(
    r"OPML|URL|HTTP|https?://\S+|example\.com|\bms\b|\*\.\w+|\((?:&)?[A-Z]\)"
    r"|\b(?:Ctrl|Shift|Alt|Space|Return|Enter|Del|F\d+)\b"
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
        "preferences": PreferencesDialog(window.settings, window.registry, window),
        "add feed": AddFeedDialog(window.store, window),
        "feed health": FeedHealthDialog(window.store, window),
    }
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
