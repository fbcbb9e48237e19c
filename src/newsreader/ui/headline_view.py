"""The hot-news headline pane: a list of two-line rows.

Row: unread dot, title (bold while unread, elided), star; then
"source · age — snippet" in a muted colour.  In the hot view a story told
by several feeds says so ("source · age · 4 sources — snippet") with a
disclosure arrow; the members of an expanded story are indented under it,
on a thread line, without a count or an arrow of their own.  Rows have one
fixed height, so the view lays out 100,000 rows without measuring them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFocusEvent, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from newsreader.qt.headlines import HeadlineRole, match_spans
from newsreader.qt.icons import icon
from newsreader.qt.theme import palette_is_dark, search_marker
from newsreader.qt.timefmt import relative_age, ui_is_chinese

Index = QModelIndex | QPersistentModelIndex


def is_selected(view: object, index: Index) -> bool:
    """Whether `index` is selected in `view` (the delegate's parent)."""
    if not isinstance(view, QAbstractItemView):
        return False
    return view.selectionModel().isSelected(index)


class HeadlineDelegate(QStyledItemDelegate):
    PAD = 8
    INDENT = 22  # an expanded story's members

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chinese = ui_is_chinese()
        self._star = icon("starred")

    def sources_text(self, sources: int) -> str:
        return QCoreApplication.translate("Headlines", "%1 sources").replace("%1", str(sources))

    @staticmethod
    def story_sources(index: Index) -> int:
        """The source count a row shows: a story row's; an expanded story's
        member is one article, so it shows none (and no disclosure arrow)."""
        if int(index.data(HeadlineRole.DEPTH) or 0):
            return 1
        return int(index.data(HeadlineRole.SOURCES) or 1)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        bold = QFont(base)
        bold.setWeight(QFont.Weight.DemiBold)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.88))
        return base, bold, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        _, bold, small = self._fonts(option)
        height = QFontMetrics(bold).height() + QFontMetrics(small).height() + 3 * self.PAD // 2 + 4
        return QSize(200, height)

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.text = ""  # paint() draws the two lines itself

    @staticmethod
    def _mark_matches(
        painter: QPainter,
        fm: QFontMetrics,
        rect: QRect,
        title: str,
        shown: str,
        spans: list[tuple[int, int]],
        palette: QPalette,
        selected: bool,
    ) -> None:
        """A marker behind each search match in the title, as in the article
        view; `shown` is the title as elided to `rect` (its "…" is never marked)."""
        visible = len(shown) if shown == title else len(shown) - 1
        if selected:  # on the selection colour, light enough for its white text
            marker = QColor(255, 224, 102, 110)
        else:
            marker = QColor(search_marker(palette_is_dark(palette)))
        for start, end in spans:
            if start >= visible:
                break
            end = min(end, visible)
            x = rect.left() + fm.horizontalAdvance(shown[:start])
            width = fm.horizontalAdvance(shown[start:end])
            painter.fillRect(QRect(x, rect.top(), width, rect.height()), marker)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        article = index.data(HeadlineRole.ARTICLE)
        if article is None:
            return
        # The style draws background, selection and focus (the base class
        # does, without the text).  QStyle and option.state stay unused here:
        # creating QStyle's Python type costs ~6 ms on the way to the first
        # paint.
        super().paint(painter, option, index)
        painter.save()
        selected = is_selected(self.parent(), index)
        palette = option.palette
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = QColor(text_color)
        muted.setAlphaF(0.62)
        base, bold, small = self._fonts(option)
        depth = int(index.data(HeadlineRole.DEPTH) or 0)
        indent = self.INDENT * depth
        rect = option.rect.adjusted(self.PAD + indent, self.PAD // 2 + 2, -self.PAD, -self.PAD // 2)
        dot_w = 14
        sources = self.story_sources(index)
        if depth:  # a thread line ties an expanded story's members to it
            guide = QColor(muted)
            guide.setAlphaF(0.3)
            x = option.rect.left() + self.PAD + 4
            painter.fillRect(QRect(x, option.rect.top(), 2, option.rect.height()), guide)
        # unread dot
        if not article.read:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#ffffff") if selected else QColor("#1c7ed6"))
            line_h = QFontMetrics(bold).height()
            painter.drawEllipse(rect.left() + 1, rect.top() + line_h // 2 - 4, 8, 8)
        star_w = 18 if article.starred else 0
        if sources > 1:  # a disclosure arrow: the story can be expanded
            expanded = bool(index.data(HeadlineRole.EXPANDED))
            painter.setPen(muted)
            painter.setFont(base)
            arrow_rect = QRect(
                rect.right() - 14 - star_w, rect.top(), 14, QFontMetrics(bold).height()
            )
            painter.drawText(
                arrow_rect, int(Qt.AlignmentFlag.AlignCenter), "▾" if expanded else "▸"
            )
            star_w += 18
        title_font = bold if not article.read else base
        painter.setFont(title_font)
        painter.setPen(text_color)
        fm = QFontMetrics(title_font)
        title_rect = QRect(
            rect.left() + dot_w, rect.top(), rect.width() - dot_w - star_w, fm.height()
        )
        title = article.title or "—"
        shown = fm.elidedText(title, Qt.TextElideMode.ElideRight, title_rect.width())
        terms = index.data(HeadlineRole.SEARCH_TERMS)
        if terms:
            spans = match_spans(title, terms)
            self._mark_matches(painter, fm, title_rect, title, shown, spans, palette, selected)
        painter.drawText(
            title_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown
        )
        if article.starred:
            self._star.paint(painter, QRect(rect.right() - 16, rect.top() + 1, 16, 16))
        # second line: source · age — snippet
        painter.setFont(small)
        sfm = QFontMetrics(small)
        line2 = QRect(
            rect.left() + dot_w,
            title_rect.bottom() + 3,
            rect.width() - dot_w,
            sfm.height(),
        )
        # A story row ages with its newest report, not with the headline it shows.
        age = relative_age(article.story_date, datetime.now(UTC), chinese=self.chinese)
        age_text = f" · {age}"
        name_w = min(sfm.horizontalAdvance(article.feed_title) + 2, int(line2.width() * 0.4))
        source = sfm.elidedText(article.feed_title, Qt.TextElideMode.ElideRight, name_w)
        source += age_text
        if sources > 1:
            source += " · " + self.sources_text(sources)
        source_w = sfm.horizontalAdvance(source)
        painter.setPen(muted)
        source_rect = QRect(line2.left(), line2.top(), source_w + 1, line2.height())
        painter.drawText(
            source_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), source
        )
        if article.snippet:
            snippet_rect = QRect(
                source_rect.right() + 10,
                line2.top(),
                line2.width() - source_w - 10,
                line2.height(),
            )
            snippet = sfm.elidedText(
                article.snippet, Qt.TextElideMode.ElideRight, snippet_rect.width()
            )
            if terms:
                spans = match_spans(article.snippet, terms)
                self._mark_matches(
                    painter, sfm, snippet_rect, article.snippet, snippet, spans, palette, selected
                )
            painter.drawText(
                snippet_rect,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                snippet,
            )
        painter.restore()


class HeadlineView(QListView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("headlines")
        self.setAccessibleName(self.tr("Headlines"))
        self.setItemDelegate(HeadlineDelegate(self))
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setAlternatingRowColors(False)
        self._scroll_before = 0
        self._top_before = -1
        self._cached_row_height = 0

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Focus alone must not open (and mark read) the first article.

        QAbstractItemView makes the first row current on focus-in; undo that,
        so the first `j` opens row 0.
        """
        had_current = self.currentIndex().isValid()
        selection = self.selectionModel()
        if not had_current and selection is not None:
            selection.blockSignals(True)
        super().focusInEvent(event)
        if not had_current and selection is not None:
            selection.clearCurrentIndex()
            selection.blockSignals(False)

    def setModel(self, model: Any) -> None:  # keep the reading position on inserts
        old = self.model()
        if old is not None:
            old.rowsAboutToBeInserted.disconnect(self._remember_anchor)
            old.rowsInserted.disconnect(self._restore_anchor)
        super().setModel(model)
        model.rowsAboutToBeInserted.connect(self._remember_anchor)
        model.rowsInserted.connect(self._restore_anchor)

    def _remember_anchor(self, parent: QModelIndex, first: int, last: int) -> None:
        # Rows have one height, so the top row is arithmetic (indexAt would
        # force a layout of every row on each insert).
        self._scroll_before = self.verticalScrollBar().value()
        row_h = self._row_height()
        self._top_before = self._scroll_before // row_h if row_h else -1

    def _restore_anchor(self, parent: QModelIndex, first: int, last: int) -> None:
        """Rows inserted above the viewport must not move what the user is reading.

        Appends below (fetchMore) and inserts while at the very top (where
        new headlines should show) leave the scroll position alone.
        """
        if self._scroll_before <= 0 or self._top_before < 0 or first > self._top_before:
            return
        self.verticalScrollBar().setValue(
            self._scroll_before + (last - first + 1) * self._row_height()
        )

    def _row_height(self) -> int:
        if self._cached_row_height <= 0 and self.model() is not None and self.model().rowCount():
            self._cached_row_height = self.sizeHintForRow(0)
        return self._cached_row_height
