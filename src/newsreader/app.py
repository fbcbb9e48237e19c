"""Composition root of the desktop app: paths → store → window → sync.

The first window is painted before anything heavy is imported: requests,
feedparser and the sync machinery load on the next event-loop turn.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication

from newsreader.core.paths import AppPaths
from newsreader.core.resources import resource_path
from newsreader.core.settings import load_settings, sync_media_options
from newsreader.core.storage import Store
from newsreader.qt.icons import icon
from newsreader.qt.theme import theme_manager
from newsreader.qt.timefmt import set_ui_chinese
from newsreader.ui.main_window import MainWindow

if TYPE_CHECKING:
    from newsreader.qt.article_media import ArticleMedia


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="newsreader", add_help=False)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--no-sync", action="store_true", help="do not sync at startup")
    args, _unknown = parser.parse_known_args(list(argv))
    return args


def ui_font() -> QFont:
    """One sans stack for UI and metadata, with CJK fallbacks."""
    font = QGuiApplication.font()
    families = [font.family(), "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC",
                "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC"]  # fmt: skip
    font.setFamilies(families)
    return font


def ui_locale(language: str) -> QLocale:
    """The UI language: the setting ("zh_CN", "en", ...) or, when empty, the system's."""
    return QLocale(language) if language else QLocale.system()


def install_translations(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load Newsreader's and Qt's own translations for `language`.

    Call before any window is built: texts are translated when widgets are
    created.  The locale also becomes the default, so relative ages and
    numbers follow the UI language.  Returns the translators that loaded.
    """
    locale = ui_locale(language)
    QLocale.setDefault(locale)
    loaded: list[QTranslator] = []
    sources = [("newsreader", str(resource_path("translations")))]
    if locale.language() != QLocale.Language.English:  # Qt's own texts are English
        sources.append(("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))
    for name, directory in sources:
        translator = QTranslator(app)
        if translator.load(locale, name, "_", directory):
            app.installTranslator(translator)
            loaded.append(translator)
        else:
            translator.deleteLater()
        if name == "newsreader":  # ages in Chinese only when the UI is Chinese
            chinese = locale.language() == QLocale.Language.Chinese
            set_ui_chinese(chinese and bool(loaded))
    return loaded


def build_window(
    paths: AppPaths,
    *,
    start_sync: bool = True,
    sync_options: dict[str, object] | None = None,
) -> MainWindow:
    """Create the window on `paths`; sync starts after the first paint."""
    settings = load_settings(paths.settings_file)
    store = Store(paths.database)
    window = MainWindow(store, paths, settings)

    def article_media() -> ArticleMedia:
        from newsreader.qt.article_media import ArticleMedia

        return ArticleMedia(store, paths.cache_dir)

    window.article_view.set_media_factory(article_media)

    def start_background() -> None:
        if not window.isVisible():  # closed before its first paint was handled
            return
        from newsreader.qt.sync_bridge import SyncController

        options: dict[str, object] = {
            "per_host": settings.per_host_connections,
            "max_workers": settings.max_connections,
            "interval_min": settings.sync_interval_minutes,
            "retention_days": settings.retention_days,
            "cache_dir": str(paths.cache_dir),  # full text and images (core/media.py)
            **sync_media_options(settings),
        }
        options.update(sync_options or {})
        controller = SyncController(paths.database, options, window)
        app = QCoreApplication.instance()
        if app is not None:  # however the app ends, the sync thread stops first
            app.aboutToQuit.connect(controller.shutdown)
        window.attach_sync(controller)
        # Full text and images arrive after the feeds: show them if on screen.
        controller.finished.connect(lambda _report: window.article_view.refresh())
        controller.schedule(settings.sync_interval_minutes)
        if start_sync and settings.sync_on_startup and window.subs_model.has_feeds():
            controller.sync(force=False)

    window.after_first_paint(start_background)
    return window


def add_tray_icon(window: MainWindow) -> None:
    """The tray icon, when the desktop has a tray (after the first paint)."""
    from PySide6.QtWidgets import QSystemTrayIcon

    if not QSystemTrayIcon.isSystemTrayAvailable():
        return
    tray = QSystemTrayIcon(icon("newsreader"), window)

    def show_window(_reason: object) -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()

    tray.activated.connect(show_window)
    tray.show()
    window.set_tray(tray)


def run_app(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    QCoreApplication.setOrganizationName("Newsreader")
    QCoreApplication.setApplicationName("Newsreader")
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    assert isinstance(app, QApplication)
    app.setFont(ui_font())
    app.setWindowIcon(icon("newsreader"))
    app.setDesktopFileName("newsreader")
    paths = AppPaths.resolve(args.data_dir)
    settings = load_settings(paths.settings_file)
    install_translations(app, settings.language)
    theme_manager().set_theme(settings.theme)  # before the window: no light flash
    window = build_window(paths, start_sync=not args.no_sync)
    window.after_first_paint(lambda: add_tray_icon(window))
    from newsreader.ui import startup_probe

    if startup_probe.wanted():
        startup_probe.FirstPaintProbe(window.headlines)
    window.show()
    code = app.exec()
    window.store.close()
    return int(code)
