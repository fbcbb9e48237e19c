"""The article view: a QTextBrowser that never touches the network.

* `loadResource` serves images only from the local cache (`ArticleMedia`:
  one file per image URL); anything else gets a small placeholder (the
  renderer already swapped uncached images for their alt text).
* When the sync stored the full text of an article, it is shown, with a
  note "Full text from <site>" and a link back to the feed's version (or
  the reason it failed).
* Clicked http(s)/mailto links open in the system browser; `file:`,
  `javascript:` and every other scheme are never followed.
* `newsreader:article/ID` links (the related-articles box) ask the window
  to show that article (`article_requested`).
* Search terms are highlighted in the shown text (`show_article(highlight=)`),
  on the document, never by editing the article's HTML.
* The text column is capped (~70 Latin / ~40 CJK characters) by viewport
  margins, so lines never run 1,100 px wide on a big window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget

from newsreader.core.model import Article

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from newsreader.qt.article_media import ArticleMedia

ARTICLE_SCHEME = "newsreader"  # as in qt/render.py, which loads after the first paint

MAX_HIGHLIGHTS = 400  # per article; a one-letter query must not paint the page
MAX_TEXT_WIDTH_EM = 42  # ~70 Latin characters or ~40 CJK characters per line
BASE_PX = 16
ZOOM_STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5, 1.7, 2.0)


class ArticleView(QTextBrowser):
    link_opened = Signal(QUrl)
    article_requested = Signal(int)  # a related article was clicked

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        image_path: Callable[[str], Path | None] = lambda url: None,
        media: ArticleMedia | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("article")
        self.setAccessibleName(self.tr("Article"))
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # The side margins of the reading column are part of the page, not
        # the window behind it (grey bands otherwise, black ones in dark mode).
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.anchorClicked.connect(self._on_anchor)
        self._image_path = image_path
        self._media = media
        self._media_factory: Callable[[], ArticleMedia] | None = None
        self._show_full_text = True  # per article; reset when another is shown
        self.served_images: list[str] = []  # image URLs served from the cache
        self._zoom = 1.0
        self._article: Article | None = None
        self._related: list[Article] = []
        self._highlight: list[str] = []
        self.highlights = 0  # matches painted in the shown article
        self._dark = False
        self._placeholder = ""
        self.remote_requests: list[str] = []  # what a page asked for and did not get
        self.document().setDocumentMargin(24)
        self.show_placeholder("")

    # -- content ------------------------------------------------------------

    @property
    def article(self) -> Article | None:
        return self._article

    def set_media(self, media: ArticleMedia | None) -> None:
        """Where full texts and cached images come from."""
        self._media = media

    def set_media_factory(self, factory: Callable[[], ArticleMedia]) -> None:
        """Where full texts and images come from, made when first needed
        (the media modules load after the first paint)."""
        self._media_factory = factory

    def _current_media(self) -> ArticleMedia | None:
        if self._media is None and self._media_factory is not None:
            self._media = self._media_factory()
        return self._media

    def _cached_path(self, url: str) -> Path | None:
        media = self._current_media()
        if media is not None:
            return media.image_path(url)
        return self._image_path(url)

    def show_article(self, article: Article, *, highlight: Sequence[str] = ()) -> None:
        """Show `article` from the top; its related articles come later
        (`set_related`), so moving through headlines stays quick."""
        if self._article is None or self._article.id != article.id:
            self._show_full_text = True
        self._article = article
        self._related = []
        self._highlight = list(highlight)
        self._render()
        self.verticalScrollBar().setValue(0)

    @property
    def related(self) -> list[Article]:
        return list(self._related)

    def set_related(self, related: Sequence[Article]) -> None:
        """Add the related-articles box under the body; the reading position stays."""
        if self._article is None or list(related) == self._related:
            return
        self._related = list(related)
        pos = self.verticalScrollBar().value()
        self._render()
        self.verticalScrollBar().setValue(pos)

    def _render(self) -> None:
        from newsreader.qt.render import render_article  # not needed for the first paint

        media = self._current_media()
        from newsreader.qt.timefmt import ui_is_chinese

        assert self._article is not None
        html = render_article(
            self._article,
            base_px=round(BASE_PX * self._zoom),
            cached_image=lambda url: self._cached_path(url) is not None,
            dark=self._dark,
            related=self._related,
            chinese=ui_is_chinese(),
            full_text=media.full_text(self._article.id) if media is not None else None,
            show_full_text=self._show_full_text,
        )
        self.setHtml(html)
        self.highlights = self._paint_highlights(self._highlight)

    def _paint_highlights(self, terms: Sequence[str]) -> int:
        """Give every match of the search terms a marker background."""
        if not terms:
            return 0
        from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
        from PySide6.QtWidgets import QTextEdit

        from newsreader.qt.theme import search_marker

        doc = self.document()
        marker = QTextCharFormat()
        marker.setBackground(QColor(search_marker(self._dark)))
        selections: list[QTextEdit.ExtraSelection] = []
        for term in sorted({t for t in terms if t}, key=len, reverse=True):
            cursor = QTextCursor(doc)
            while len(selections) < MAX_HIGHLIGHTS:
                cursor = doc.find(term, cursor)
                if cursor.isNull():
                    break
                selection = QTextEdit.ExtraSelection()
                selection.cursor = QTextCursor(cursor)
                selection.format = marker
                selections.append(selection)
        self.setExtraSelections(selections)
        return len(selections)

    def focus_related(self) -> bool:
        """Put the keyboard on the first related article (Enter opens it)."""
        if not self._related:
            return False
        from PySide6.QtGui import QTextCursor

        self.setFocus()
        doc = self.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.charFormat().anchorHref().startswith(f"{ARTICLE_SCHEME}:"):
                    cursor = QTextCursor(doc)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(
                        fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                    )
                    self.setTextCursor(cursor)
                    self.ensureCursorVisible()
                    return True
                it += 1
            block = block.next()
        return False

    def show_placeholder(self, text: str) -> None:
        self._article = None
        self._related = []
        self._highlight = []
        self.setExtraSelections([])
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
            self._render()
            self.verticalScrollBar().setValue(pos)
        else:
            self.show_placeholder(self._placeholder)

    def refresh(self) -> None:
        """Render the current article again (its full text or images arrived)."""
        if self._article is not None:
            pos = self.verticalScrollBar().value()
            self._render()
            self.verticalScrollBar().setValue(pos)

    def show_full_text(self, full: bool) -> None:
        """Switch the current article between its full text and the feed's version."""
        self._show_full_text = full
        if self._article is not None:
            self._render()
            self.verticalScrollBar().setValue(0)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        """Images from the local cache only; never the network, never files."""
        from PySide6.QtGui import QImage, QTextDocument  # not before the first paint

        name = url.toString() if isinstance(url, QUrl) else str(url)
        if kind == QTextDocument.ResourceType.ImageResource.value:
            path = self._cached_path(name)
            if path is not None:
                image = QImage(str(path))
                if not image.isNull():
                    self.served_images.append(name)
                    return self._fit(image)
            self.remote_requests.append(name)
            return _placeholder()
        self.remote_requests.append(name)
        return None

    def _fit(self, image: QImage) -> QImage:
        """Scale a picture wider than the text column down to it."""
        column = self.viewport().width() - 2 * int(self.document().documentMargin())
        if column > 50 and image.width() > column:
            return image.scaledToWidth(column, Qt.TransformationMode.SmoothTransformation)
        return image

    def _on_anchor(self, url: QUrl) -> None:
        from newsreader.qt.render import SHOW_FEED_VERSION, SHOW_FULL_TEXT

        if url.scheme() == ARTICLE_SCHEME and url.toString() in (SHOW_FEED_VERSION, SHOW_FULL_TEXT):
            self.show_full_text(url.toString() == SHOW_FULL_TEXT)
            return
        if url.scheme() == ARTICLE_SCHEME:
            _, _, tail = url.path().partition("article/")
            if tail.isdigit():
                self.article_requested.emit(int(tail))
            return
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
            self._render()
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
        # Margins first: the text is laid out for the viewport's width when
        # the base class handles the resize (after it, a window that opens
        # wide kept lines as wide as the whole pane, cut off on the right).
        self._update_margins()
        super().resizeEvent(event)

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


def _placeholder() -> QImage:
    """A small grey box for an image the cache does not have."""
    from PySide6.QtGui import QColor, QImage

    image = QImage(24, 16, QImage.Format.Format_RGB32)
    image.fill(QColor("#d1d5db"))
    return image
