"""The article view: a QTextBrowser that never touches the network.

* `loadResource` serves images only from the local cache; anything else
  gets nothing (the renderer already swapped uncached images for alt text).
* Clicked http(s)/mailto links open in the system browser; `file:`,
  `javascript:` and every other scheme are never followed.
* The text column is capped (~70 Latin / ~40 CJK characters) by viewport
  margins, so lines never run 1,100 px wide on a big window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget

from newsreader.core.model import Article

MAX_TEXT_WIDTH_EM = 42  # ~70 Latin characters or ~40 CJK characters per line
BASE_PX = 16
ZOOM_STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5, 1.7, 2.0)


class ArticleView(QTextBrowser):
    link_opened = Signal(QUrl)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        image_path: Callable[[str], Path | None] = lambda url: None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("article")
        self.setAccessibleName(self.tr("Article"))
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.anchorClicked.connect(self._on_anchor)
        self._image_path = image_path
        self._zoom = 1.0
        self._article: Article | None = None
        self._dark = False
        self._placeholder = ""
        self.remote_requests: list[str] = []  # what a page asked for and did not get
        self.document().setDocumentMargin(24)
        self.show_placeholder("")

    # -- content ------------------------------------------------------------

    @property
    def article(self) -> Article | None:
        return self._article

    def show_article(self, article: Article) -> None:
        from newsreader.qt.render import render_article  # not needed for the first paint

        self._article = article
        html = render_article(
            article,
            base_px=round(BASE_PX * self._zoom),
            cached_image=lambda url: self._image_path(url) is not None,
            dark=self._dark,
        )
        self.setHtml(html)
        self.verticalScrollBar().setValue(0)

    def show_placeholder(self, text: str) -> None:
        self._article = None
        self._placeholder = text
        px = round(BASE_PX * self._zoom)
        muted = "#9ca3af" if self._dark else "#6b7280"
        self.setHtml(
            f'<html><body style="font-size:{px}px; color:{muted}">'
            f'<p align="center"><br/><br/>{text}</p></body></html>'
        )

    @property
    def dark(self) -> bool:
        return self._dark

    def set_dark(self, dark: bool) -> None:
        """Switch the page colours; the current article is rendered again."""
        if dark == self._dark:
            return
        self._dark = dark
        if self._article is not None:
            pos = self.verticalScrollBar().value()
            self.show_article(self._article)
            self.verticalScrollBar().setValue(pos)
        else:
            self.show_placeholder(self._placeholder)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        """Images from the local cache only; never the network, never files."""
        from PySide6.QtGui import QImage, QTextDocument  # not before the first paint

        name = url.toString() if isinstance(url, QUrl) else str(url)
        if kind == QTextDocument.ResourceType.ImageResource.value:
            path = self._image_path(name)
            if path is not None:
                image = QImage(str(path))
                if not image.isNull():
                    return image
        self.remote_requests.append(name)
        return None

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)
            self.link_opened.emit(url)

    # -- zoom ---------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, factor: float) -> None:
        self._zoom = min(max(factor, ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        self._update_margins()
        if self._article is not None:
            pos = self.verticalScrollBar().value()
            self.show_article(self._article)
            self.verticalScrollBar().setValue(pos)

    def zoom_step(self, direction: int) -> None:
        if direction == 0:
            self.set_zoom(1.0)
            return
        steps = list(ZOOM_STEPS)
        current = min(range(len(steps)), key=lambda i: abs(steps[i] - self._zoom))
        self.set_zoom(steps[max(0, min(len(steps) - 1, current + direction))])

    # -- reading column -----------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_margins()

    def _update_margins(self) -> None:
        max_width = int(MAX_TEXT_WIDTH_EM * BASE_PX * self._zoom)
        spare = self.width() - max_width - 48
        side = max(0, spare // 2)
        self.setViewportMargins(side, 0, side, 0)

    # -- keyboard reading ---------------------------------------------------

    def page(self, direction: int) -> bool:
        """Scroll one screen; False when already at the end (or start)."""
        bar = self.verticalScrollBar()
        if direction > 0 and bar.value() >= bar.maximum():
            return False
        if direction < 0 and bar.value() <= bar.minimum():
            return False
        bar.setValue(bar.value() + direction * max(1, bar.pageStep() - 40))
        return True
