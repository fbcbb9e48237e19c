"""Light and dark looks: follow the desktop, or force one (Preferences → Theme).

"system" follows the platform's colour scheme and switches live when the
desktop does (`QStyleHints.colorSchemeChanged`).  "light" and "dark" first
ask the platform for that scheme (`QStyleHints.setColorScheme`, Qt 6.8+);
when the platform or its style does not follow (older desktops, the
offscreen platform, styles that ignore palettes), the whole UI gets Fusion
and an explicit palette instead.  `ThemeManager.dark_changed` tells the
article view to render its page again with the matching stylesheet.

This module stays free of QtWidgets (the qt/ layer rule): the style is
switched through the running application object, which is a QApplication
whenever there are widgets to restyle.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

SYSTEM, LIGHT, DARK = "system", "light", "dark"

# Styles that redraw in the platform's scheme when it switches (Qt 6.8+).
SCHEME_STYLES = frozenset({"fusion", "windows11", "macos"})
# The style that draws every control from the application palette, so a
# forced palette shows everywhere (the native Windows and macOS styles do not).
PALETTE_STYLE = "fusion"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

_DARK_COLORS = {
    Role.Window: "#2b2d31", Role.WindowText: "#e6e6e6", Role.Base: "#1e1f22",
    Role.AlternateBase: "#26282c", Role.ToolTipBase: "#2b2d31", Role.ToolTipText: "#e6e6e6",
    Role.PlaceholderText: "#8b9099", Role.Text: "#e6e6e6", Role.Button: "#35373c",
    Role.ButtonText: "#e6e6e6", Role.BrightText: "#ff6b6b", Role.Highlight: "#3d7ad6",
    Role.HighlightedText: "#ffffff", Role.Link: "#74b3ff", Role.LinkVisited: "#b69cff",
    Role.Light: "#4a4d53", Role.Midlight: "#3f4247", Role.Mid: "#2f3136",
    Role.Dark: "#1a1b1e", Role.Shadow: "#0e0f10",
}  # fmt: skip
_LIGHT_COLORS = {
    Role.Window: "#efefef", Role.WindowText: "#1f2328", Role.Base: "#ffffff",
    Role.AlternateBase: "#f5f5f5", Role.ToolTipBase: "#ffffdc", Role.ToolTipText: "#1f2328",
    Role.PlaceholderText: "#6b7280", Role.Text: "#1f2328", Role.Button: "#efefef",
    Role.ButtonText: "#1f2328", Role.BrightText: "#ffffff", Role.Highlight: "#2f6fd0",
    Role.HighlightedText: "#ffffff", Role.Link: "#1c64c8", Role.LinkVisited: "#6d3fc0",
    Role.Light: "#ffffff", Role.Midlight: "#cacaca", Role.Mid: "#b8b8b8",
    Role.Dark: "#9f9f9f", Role.Shadow: "#767676",
}  # fmt: skip
_DISABLED_TEXT = {True: "#7a7f87", False: "#9ca3af"}


def make_palette(dark: bool) -> QPalette:
    """A complete palette for one scheme; disabled texts are dimmed."""
    palette = QPalette()
    for role, color in (_DARK_COLORS if dark else _LIGHT_COLORS).items():
        palette.setColor(role, QColor(color))
    for role in (Role.WindowText, Role.Text, Role.ButtonText, Role.HighlightedText):
        palette.setColor(Group.Disabled, role, QColor(_DISABLED_TEXT[dark]))
    return palette


def search_marker(dark: bool) -> str:
    """The background that marks search matches (article view, headline rows)."""
    return "#7a5d00" if dark else "#fff0a8"


def palette_is_dark(palette: QPalette) -> bool:
    return palette.color(Role.Window).lightness() < 128


def _scheme_for(theme: str) -> Qt.ColorScheme:
    return {LIGHT: Qt.ColorScheme.Light, DARK: Qt.ColorScheme.Dark}.get(
        theme, Qt.ColorScheme.Unknown
    )


class ThemeManager(QObject):
    """Applies the theme setting to the whole application.

    Signals:
        dark_changed(bool): the effective scheme flipped (setting or desktop).
    """

    dark_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._theme = SYSTEM
        self._overridden = False  # our palette (and maybe style) is installed
        self._original_style = ""
        hints = QGuiApplication.styleHints()
        self._can_request = hasattr(hints, "setColorScheme")  # Qt 6.8+
        self._dark = self._system_dark(hints.colorScheme())
        hints.colorSchemeChanged.connect(self._on_system_scheme)

    @property
    def theme(self) -> str:
        return self._theme

    @property
    def dark(self) -> bool:
        """True when the UI (and so the article page) is dark now."""
        return self._dark

    @property
    def overridden(self) -> bool:
        """True when the platform did not follow and our palette is in use."""
        return self._overridden

    def set_theme(self, theme: str) -> None:
        """Apply "system", "light" or "dark"; anything else means "system"."""
        self._theme = theme if theme in (LIGHT, DARK) else SYSTEM
        hints = QGuiApplication.styleHints()
        requested = _scheme_for(self._theme)
        if self._can_request:
            hints.setColorScheme(requested)
        if self._theme == SYSTEM:
            self._restore()
            self._set_dark(self._system_dark(hints.colorScheme()))
            return
        want_dark = self._theme == DARK
        followed = hints.colorScheme() == requested and self._style_name() in SCHEME_STYLES
        if followed:
            self._restore()
        else:
            self._override(want_dark)
        self._set_dark(want_dark)

    # -- internals ------------------------------------------------------------

    def _on_system_scheme(self, scheme: Qt.ColorScheme) -> None:
        if self._theme == SYSTEM:
            self._set_dark(self._system_dark(scheme))

    def _system_dark(self, scheme: Qt.ColorScheme) -> bool:
        if scheme == Qt.ColorScheme.Unknown:  # the platform does not say: ask its palette
            return palette_is_dark(QGuiApplication.palette())
        return scheme == Qt.ColorScheme.Dark

    def _set_dark(self, dark: bool) -> None:
        if dark != self._dark:
            self._dark = dark
            self.dark_changed.emit(dark)

    def _override(self, dark: bool) -> None:
        if not self._overridden:
            self._original_style = self._style_name()
        if self._style_name() != PALETTE_STYLE:
            _set_style(PALETTE_STYLE)
        QGuiApplication.setPalette(make_palette(dark))
        self._overridden = True

    def _restore(self) -> None:
        if not self._overridden:
            return
        QGuiApplication.setPalette(QPalette())  # back to the platform's palette
        if self._original_style and self._style_name() != self._original_style:
            _set_style(self._original_style)
        self._overridden = False

    @staticmethod
    def _style_name() -> str:
        style = getattr(QCoreApplication.instance(), "style", None)
        return str(style().name()).lower() if style is not None else ""


def _set_style(name: str) -> None:
    setter = getattr(QCoreApplication.instance(), "setStyle", None)
    if setter is not None:  # a QApplication: there are widgets to restyle
        setter(name)


_manager: ThemeManager | None = None


def theme_manager() -> ThemeManager:
    """The application's one ThemeManager (created on first use)."""
    global _manager
    app = QCoreApplication.instance()
    if _manager is None or _manager.parent() is not app:
        _manager = ThemeManager(app)
    return _manager
