"""The subscriptions pane: special views, folders and feeds with unread counts."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from newsreader.qt.subscriptions import NodeRole
from newsreader.ui.headline_view import is_selected

Index = QModelIndex | QPersistentModelIndex


class CountDelegate(QStyledItemDelegate):
    """Draws the unread count right-aligned; the title elides before it.

    The base class draws through the style; QStyle itself stays unused here
    (creating its Python type costs ~6 ms on the way to the first paint).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._panel_only = False

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if self._panel_only:
            option.text = ""
            option.icon = QIcon()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        count = int(index.data(NodeRole.UNREAD) or 0)
        text = str(count) if count else ""
        font = QFont(option.font)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        width = QFontMetrics(font).horizontalAdvance(text) + 12 if text else 0
        opt = QStyleOptionViewItem(option)
        if count and index.data(NodeRole.KIND) != "view":
            opt.font.setWeight(QFont.Weight.DemiBold)
        opt.rect = option.rect.adjusted(0, 0, -width, 0)
        # Background across the whole row, then the item without the count.
        if width:
            self._panel_only = True
            try:
                super().paint(painter, option, index)
            finally:
                self._panel_only = False
        super().paint(painter, opt, index)
        if text:
            painter.save()
            painter.setFont(font)
            selected = is_selected(self.parent(), index)
            color = option.palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
            color.setAlphaF(0.7)
            painter.setPen(color)
            painter.drawText(
                QRect(
                    option.rect.right() - width,
                    option.rect.top(),
                    width - 6,
                    option.rect.height(),
                ),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
            painter.restore()


class SubscriptionsView(QTreeView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subscriptions")
        self.setAccessibleName(self.tr("Subscriptions"))
        self.setHeaderHidden(True)
        self.setItemDelegate(CountDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformRowHeights(True)
        self.setAnimated(False)
        self.setIndentation(14)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAcceptDrops(True)
