"""The subscriptions pane: special views, folders and feeds with unread counts."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from newsreader.qt.subscriptions import NodeRole

Index = QModelIndex | QPersistentModelIndex


class CountDelegate(QStyledItemDelegate):
    """Draws the unread count right-aligned; the title elides before it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        count = int(index.data(NodeRole.UNREAD) or 0)
        text = str(count) if count else ""
        font = QFont(option.font)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        width = QFontMetrics(font).horizontalAdvance(text) + 12 if text else 0
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        if count and index.data(NodeRole.KIND) != "view":
            opt.font.setWeight(QFont.Weight.DemiBold)
        opt.rect = option.rect.adjusted(0, 0, -width, 0)
        style = QApplication.style()
        # Background across the whole row, then the item without the count.
        full = QStyleOptionViewItem(option)
        full.text = ""
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem,
            full,
            painter,
            option.widget,
        )
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        if text:
            painter.save()
            painter.setFont(font)
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
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
