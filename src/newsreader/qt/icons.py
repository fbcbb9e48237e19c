"""Bundled SVG icons: the app never depends on a desktop icon theme.

Icons stay sharp on HiDPI screens: with Qt's SVG icon engine an icon is the
vector file itself, drawn at whatever size and device pixel ratio a widget
asks for.  Where that engine plugin is missing (a trimmed bundle), the icon
is assembled from pixmaps instead: the shipped PNG sizes
(resources/icons/hicolor) plus the SVG rendered at every `SIZES` entry for
1× and 2× screens, so a 2× screen never gets an upscaled 1× image.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap

from newsreader.core.resources import resource_path

SIZES = (16, 20, 22, 24, 32, 48, 64)  # logical sizes of menus, toolbars, trees
RATIOS = (1, 2)


@cache
def icon(name: str) -> QIcon:
    svg = resource_path("icons", f"{name}.svg")
    if svg.exists() and svg_engine_available():
        return QIcon(str(svg))
    return pixmap_icon(name)


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


def pixmap_icon(name: str) -> QIcon:
    """An icon of pixmaps only: PNG sizes plus SVG renders at 1× and 2×."""
    result = QIcon()
    for png in png_files(name):
        result.addFile(str(png))
    svg = resource_path("icons", f"{name}.svg")
    if not svg.exists():
        return result
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
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
