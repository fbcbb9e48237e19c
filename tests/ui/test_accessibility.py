"""Panes and controls carry accessible names; the article follows dark mode."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from test_main_window import open_window

from newsreader.qt.render import DARK, LIGHT


def test_panes_and_controls_have_accessible_names(
    qtbot: QtBot, data_dir: Path, filled_cache: list[int]
) -> None:
    window = open_window(qtbot, data_dir)
    names = {
        window.headlines: "Headlines",
        window.subs_view: "Subscriptions",
        window.article_view: "Article",
        window.search: "Search articles",
        window.status_label: "Status",
        window.progress: "Sync progress",
        window.cancel_button: "Cancel sync",
        window.toolbar: "Main toolbar",
        window.toast: "Notification",
        window.toast.button: "Undo",
    }
    for widget, name in names.items():
        assert widget.accessibleName() == name
    buttons = window.empty_state.buttons
    assert buttons["feed.add"].accessibleName() == "Add feed"
    assert buttons["feed.import"].accessibleName() == "Import OPML"
    assert all(b.accessibleName() for b in buttons.values())
    window.toast.show_message("Deleted “x”")
    assert window.toast.label.accessibleName() == "Deleted “x”"
    window.close()


def test_article_is_rendered_again_when_the_colour_scheme_changes(
    qtbot: QtBot, data_dir: Path, filled_cache: list[int]
) -> None:
    window = open_window(qtbot, data_dir)
    window.headlines.setCurrentIndex(window.headline_model.index(0, 0))
    qtbot.waitUntil(lambda: window.article_view.article is not None)
    shown = window.article_view.article
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # the desktop
    assert window.article_view.dark
    assert window.article_view.article == shown
    assert DARK["text"] in window.article_view.toHtml()
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not window.article_view.dark
    assert LIGHT["text"] in window.article_view.toHtml()
    window.close()
