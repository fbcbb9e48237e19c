"""HiDPI: a 2x screen gets icons drawn at 2x, never a 1x image blown up."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QImage

from newsreader.core.resources import resource_path
from newsreader.qt.icons import (
    _icon,
    dark_svg,
    icon,
    pixmap_icon,
    png_files,
    svg_engine_available,
)

NAMES = sorted(p.stem for p in resource_path("icons").glob("*.svg"))


def image(i: QIcon, logical: int, ratio: float) -> QImage:
    pixmap = i.pixmap(QSize(logical, logical), ratio)
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)


def check_sharp_at_2x(i: QIcon, logical: int = 16) -> None:
    at_2x = i.pixmap(QSize(logical, logical), 2.0)
    assert at_2x.devicePixelRatio() == 2.0
    assert at_2x.size() == QSize(2 * logical, 2 * logical)  # real device pixels
    # The same pixels as the icon drawn for 2*logical on a 1x screen...
    assert image(i, logical, 2.0) == image(i, 2 * logical, 1.0)
    # ...and more detail than the 1x image scaled up.
    blown_up = image(i, logical, 1.0).scaled(
        2 * logical, 2 * logical, mode=Qt.TransformationMode.FastTransformation
    )
    assert image(i, logical, 2.0) != blown_up


def test_the_svg_icon_engine_is_used(qapp: QGuiApplication) -> None:
    assert svg_engine_available()
    assert icon("sync").availableSizes() == []  # scalable: drawn for each request


@pytest.mark.parametrize("name", NAMES)
def test_every_icon_is_sharp_at_2x(qapp: QGuiApplication, name: str) -> None:
    check_sharp_at_2x(icon(name))
    check_sharp_at_2x(icon(name), 24)


@pytest.mark.parametrize("name", ["newsreader", "sync", "starred"])
def test_the_pixmap_fallback_is_sharp_at_2x(qapp: QGuiApplication, name: str) -> None:
    """Without the SVG engine plugin (trimmed bundles) the icon holds every size."""
    fallback = pixmap_icon(name)
    sizes = {s.width() for s in fallback.availableSizes()}
    assert {16, 24, 32, 48, 64, 128} <= sizes
    check_sharp_at_2x(fallback)
    check_sharp_at_2x(fallback, 24)


def test_the_app_icon_ships_every_png_size() -> None:
    sizes = [int(p.parts[-3].split("x")[0]) for p in png_files("newsreader")]
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
    assert png_files("sync") == []


def test_only_grey_glyphs_have_a_dark_variant() -> None:
    greys = [n for n in NAMES if dark_svg(resource_path("icons", f"{n}.svg")) is not None]
    assert {"sync", "add", "search", "mark-read", "open-browser", "all"} <= set(greys)
    assert not {"newsreader", "feed", "starred", "hot", "unread"} & set(greys)


@pytest.mark.parametrize("name", ["sync", "all", "star-outline"])
def test_dark_variants_are_sharp_at_2x(qapp: QGuiApplication, name: str) -> None:
    check_sharp_at_2x(_icon(name, True))
    check_sharp_at_2x(_icon(name, True), 24)
