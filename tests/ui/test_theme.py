"""Theme: follow the desktop live, or force light/dark with a full palette."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot
from test_main_window import open_window

from newsreader.core.settings import load_settings
from newsreader.qt.render import DARK, LIGHT
from newsreader.qt.subscriptions import Node, NodeKind, SpecialView
from newsreader.qt.theme import ThemeManager, make_palette, palette_is_dark, theme_manager
from newsreader.ui.dialogs import PreferencesDialog
from newsreader.ui.main_window import MainWindow

Window = QPalette.ColorRole.Window


@pytest.fixture
def themes(qapp: QApplication) -> Iterator[ThemeManager]:
    manager = theme_manager()
    manager.set_theme("system")
    yield manager
    manager.set_theme("system")
    QApplication.setStyle("Fusion")


@pytest.fixture
def reading(
    qtbot: QtBot, data_dir: Path, filled_cache: list[int], themes: ThemeManager
) -> Iterator[MainWindow]:
    window = open_window(qtbot, data_dir)
    window.headlines.setCurrentIndex(window.headline_model.index(0, 0))
    qtbot.waitUntil(lambda: window.article_view.article is not None)
    yield window
    window.close()


def window_color(window: MainWindow) -> str:
    return str(window.article_view.palette().color(QPalette.ColorRole.Base).name())


def test_palettes_are_what_they_say() -> None:
    assert palette_is_dark(make_palette(True))
    assert not palette_is_dark(make_palette(False))
    dark = make_palette(True)
    assert dark.color(QPalette.ColorRole.Text).lightness() > 200
    disabled = dark.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert disabled != dark.color(QPalette.ColorRole.Text)


def test_forced_dark_where_the_platform_does_not_follow(
    qtbot: QtBot, reading: MainWindow, themes: ThemeManager
) -> None:
    system_window = QGuiApplication.palette().color(Window)
    assert not themes.dark  # the offscreen platform is light and has no scheme
    with qtbot.waitSignal(themes.dark_changed) as flipped:
        themes.set_theme("dark")
    assert flipped.args == [True]
    assert themes.overridden  # offscreen ignores setColorScheme: our palette is in
    assert palette_is_dark(QGuiApplication.palette())
    assert QApplication.style().name().lower() == "fusion"
    qtbot.waitUntil(lambda: palette_is_dark(reading.palette()))
    assert reading.article_view.palette().color(QPalette.ColorRole.Base).lightness() < 64
    assert reading.article_view.dark
    assert DARK["text"] in reading.article_view.toHtml()

    themes.set_theme("light")
    assert not themes.dark and themes.overridden
    qtbot.waitUntil(lambda: not palette_is_dark(reading.palette()))
    assert LIGHT["text"] in reading.article_view.toHtml()

    themes.set_theme("system")
    assert not themes.overridden
    assert QGuiApplication.palette().color(Window) == system_window
    assert LIGHT["text"] in reading.article_view.toHtml()


def test_a_style_that_ignores_palettes_is_replaced_and_restored(themes: ThemeManager) -> None:
    QApplication.setStyle("Windows")
    themes.set_theme("dark")
    assert QApplication.style().name().lower() == "fusion"
    themes.set_theme("system")
    assert QApplication.style().name().lower() == "windows"


def test_system_theme_follows_the_desktop_live(
    qtbot: QtBot, reading: MainWindow, themes: ThemeManager
) -> None:
    hints = QGuiApplication.styleHints()
    shown = reading.article_view.article
    with qtbot.waitSignal(themes.dark_changed):
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # as the desktop does
    assert reading.article_view.dark and reading.article_view.article == shown
    assert DARK["text"] in reading.article_view.toHtml()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not reading.article_view.dark
    # A forced theme ignores the desktop.
    themes.set_theme("light")
    with qtbot.assertNotEmitted(themes.dark_changed):
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not reading.article_view.dark


def test_preferences_apply_the_theme_live_and_save_both_choices(
    qtbot: QtBot, reading: MainWindow, themes: ThemeManager
) -> None:
    seen: list[PreferencesDialog] = []

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PreferencesDialog)
        seen.append(dialog)
        assert dialog.theme.currentData() == "system"
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
        assert "重新启动" in dialog.language_note.text()
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        ok.click()

    QTimer.singleShot(0, fill_in)
    reading.show_preferences()
    assert seen
    assert reading.article_view.dark and themes.theme == "dark"
    assert DARK["text"] in reading.article_view.toHtml()
    saved = load_settings(reading.paths.settings_file)
    assert (saved.theme, saved.language) == ("dark", "zh_CN")
    # Reopened, the dialog shows what was saved; Cancel changes nothing.
    dialog = PreferencesDialog(reading.settings, reading.registry, reading)
    qtbot.addWidget(dialog)
    assert dialog.theme.currentData() == "dark"
    assert dialog.language.currentText() == "简体中文"
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    dialog.reject()
    assert themes.theme == "dark"


def test_language_note_speaks_the_old_and_the_new_language(
    qtbot: QtBot, reading: MainWindow
) -> None:
    dialog = PreferencesDialog(reading.settings, reading.registry, reading)
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == ""
    assert [dialog.language.itemText(i) for i in (1, 2)] == ["English", "简体中文"]
    assert dialog.language_note.text() == ""
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    english, chinese = dialog.language_note.text().split("\n")
    assert "restart" in english.lower() and "重新启动" in chinese
    dialog.language.setCurrentIndex(0)
    assert dialog.language_note.text() == ""


def test_dark_page_styles_links_code_quotes_and_tables(qtbot: QtBot, themes: ThemeManager) -> None:
    from datetime import UTC, datetime

    from newsreader.core.model import Article
    from newsreader.ui.article_view import ArticleView

    body = ('<p><a href="https://example.test/">link</a> <code>x = 1</code></p>'
            "<blockquote>quoted</blockquote><table><tr><td>cell</td></tr></table>")  # fmt: skip
    article = Article(id=1, feed_id=1, feed_title="Feed", title="T", link="", author="",
                      published=None, updated=None, snippet="", read=False, starred=False,
                      first_seen=datetime(2026, 11, 29, tzinfo=UTC),
                      content_html=body)  # fmt: skip
    view = ArticleView()
    qtbot.addWidget(view)
    view.show_article(article)
    themes.set_theme("dark")
    view.set_dark(themes.dark)
    page = view.toHtml().lower()
    for key in ("text", "link", "code_bg", "quote"):
        assert DARK[key] in page, key
        assert LIGHT[key] not in page, key


def glyph_lightness(icon: QIcon) -> float:
    """Mean lightness of the opaque pixels of a 24 px render."""
    image = icon.pixmap(24, 24).toImage()
    values = [
        image.pixelColor(x, y).lightness()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() > 200
    ]
    assert values, "an empty icon"
    return sum(values) / len(values)


def test_grey_glyphs_turn_light_on_a_dark_palette(
    qtbot: QtBot, reading: MainWindow, themes: ThemeManager
) -> None:
    sync = reading.registry["sync.now"]
    all_item = reading.subs_model.itemFromIndex(
        reading.subs_model.index_of(Node(NodeKind.VIEW, SpecialView.ALL.value))
    )
    assert glyph_lightness(sync.icon()) < 110
    themes.set_theme("dark")
    assert glyph_lightness(sync.icon()) > 170
    assert glyph_lightness(all_item.icon()) > 150
    search = [a for a in reading.search.actions() if not a.icon().isNull()]
    assert search and glyph_lightness(search[0].icon()) > 170
    at_2x = sync.icon().pixmap(QSize(24, 24), 2.0)  # the dark variant is sharp at 2x too
    assert at_2x.size() == QSize(48, 48)
    assert at_2x.toImage() == sync.icon().pixmap(QSize(48, 48), 1.0).toImage()
    themes.set_theme("light")
    assert glyph_lightness(sync.icon()) < 110
    assert glyph_lightness(all_item.icon()) < 130
