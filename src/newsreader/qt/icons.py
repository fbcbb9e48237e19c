"""Bundled SVG icons: the app never depends on a desktop icon theme.

Icons stay sharp on HiDPI screens: with Qt's SVG icon engine an icon is the
vector file itself, drawn at whatever size and device pixel ratio a widget
asks for.  Where that engine plugin is missing (a trimmed bundle), the icon
is assembled from pixmaps instead: the shipped PNG sizes
(resources/icons/hicolor) plus the SVG rendered at every `SIZES` entry for
1× and 2× screens, so a 2× screen never gets an upscaled 1× image.

The grey monochrome glyphs (sync, add, search…) would vanish on a dark
palette, so they have a light-grey variant: `icon` picks the variant for the
palette in use, and `retheme_icons` swaps the icons of existing actions and
item models when the palette flips.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QIcon,
    QStandardItem,
    QStandardItemModel,
)

from newsreader.core.resources import resource_path
from newsreader.qt.theme import palette_is_dark

SIZES = (16, 20, 22, 24, 32, 48, 64)  # logical sizes of menus, toolbars, trees
RATIOS = (1, 2)

# Glyph greys of the light look -> the same glyphs on a dark palette.
DARK_GREYS = {"#495057": "#ced4da", "#5c677d": "#b4bcc8", "#868e96": "#a3aab2"}

_names: dict[int, str] = {}  # QIcon.cacheKey() -> icon name, for retheme_icons


def icon(name: str) -> QIcon:
    """The bundled icon `name`, in the variant for the current palette."""
    has_palette = isinstance(QGuiApplication.instance(), QGuiApplication)
    dark = has_palette and palette_is_dark(QGuiApplication.palette())
    return _icon(name, dark)


@cache
def _icon(name: str, dark: bool) -> QIcon:
    svg = resource_path("icons", f"{name}.svg")
    data = dark_svg(svg) if dark and svg.exists() else None
    if data is not None:
        result = pixmap_icon(name, data)
    elif svg.exists() and svg_engine_available():
        result = QIcon(str(svg))
    else:
        result = pixmap_icon(name)
    _names[result.cacheKey()] = name
    return result


def dark_svg(svg: Path) -> bytes | None:
    """The SVG with its glyph greys lightened; None when it has none (colour icons)."""
    text = svg.read_text(encoding="utf-8")
    changed = text
    for light, dark in DARK_GREYS.items():
        changed = changed.replace(light, dark)
    return changed.encode() if changed != text else None


def retheme_icons(root: QObject) -> int:
    """Give every action and item under `root` the icon variant for the palette now.

    Returns how many icons were replaced.
    """
    swapped = 0
    for action in root.findChildren(QAction):
        name = _names.get(action.icon().cacheKey())
        if name is not None and icon(name).cacheKey() != action.icon().cacheKey():
            action.setIcon(icon(name))
            swapped += 1
    for model in root.findChildren(QStandardItemModel):
        stack: list[QStandardItem] = [model.invisibleRootItem()]
        while stack:
            item = stack.pop()
            stack.extend(item.child(row) for row in range(item.rowCount()))
            name = _names.get(item.icon().cacheKey())
            if name is not None and icon(name).cacheKey() != item.icon().cacheKey():
                item.setIcon(icon(name))
                swapped += 1
    return swapped


@cache
def svg_engine_available() -> bool:
    """True when QIcon can draw SVG files as vectors (the qsvgicon plugin)."""
    probe = QIcon(str(resource_path("icons", "newsreader.svg")))
    # The SVG engine reports no fixed sizes; the pixmap fallback reports the one it read.
    return not probe.isNull() and not probe.availableSizes()


def png_files(name: str) -> list[Path]:
    """The shipped raster sizes of an icon, smallest first."""
    found = resource_path("icons", "hicolor").glob(f"*x*/apps/{name}.png")
    return sorted(found, key=lambda p: int(p.parts[-3].split("x")[0]))


def pixmap_icon(name: str, svg_data: bytes | None = None) -> QIcon:
    """An icon of pixmaps only: PNG sizes plus SVG renders at 1× and 2×.

    `svg_data` replaces the bundled SVG (and its PNGs): the dark variants.
    """
    # The fallback path only: its Qt types load when it is taken.
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QImage, QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer

    result = QIcon()
    svg = resource_path("icons", f"{name}.svg")
    if svg_data is None:
        for png in png_files(name):
            result.addFile(str(png))
        if not svg.exists():
            return result
        renderer = QSvgRenderer(str(svg))
    else:
        renderer = QSvgRenderer(QByteArray(svg_data))
    if not renderer.isValid():
        return result
    for size in sorted({size * ratio for size in SIZES for ratio in RATIOS}):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        result.addPixmap(QPixmap.fromImage(image))  # device pixels; Qt picks by size × ratio
    return result
