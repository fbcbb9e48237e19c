"""The subscriptions tree: special views, then folders and feeds.

A `QStandardItemModel` kept in step with the cache: `refresh()` updates
titles, unread counts and error marks in place (so the selection and the
expanded folders stay put) and rebuilds only when feeds or folders were added,
removed or moved.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon, QStandardItem, QStandardItemModel

from newsreader.core.model import Feed, FeedStatus, Folder
from newsreader.core.storage import ArticleQuery, Store
from newsreader.qt.icons import icon

Index = QModelIndex | QPersistentModelIndex


class NodeKind(enum.StrEnum):
    VIEW = "view"
    FOLDER = "folder"
    FEED = "feed"


class SpecialView(enum.StrEnum):
    HOT = "hot"
    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"


class NodeRole(enum.IntEnum):
    KIND = Qt.ItemDataRole.UserRole + 20
    KEY = enum.auto()  # SpecialView value, folder id or feed id
    UNREAD = enum.auto()
    ERROR = enum.auto()  # the feed's error message ("" when fine)
    ICON_NAME = enum.auto()


@dataclass(frozen=True, slots=True)
class Node:
    """What a row of the tree stands for; hashable, so selections can be restored."""

    kind: NodeKind
    key: str | int

    def query(self, store: Store) -> ArticleQuery:
        if self.kind is NodeKind.FEED:
            return ArticleQuery(feed_ids=(int(self.key),))
        if self.kind is NodeKind.FOLDER:
            return ArticleQuery(folder_id=int(self.key))
        if self.key == SpecialView.UNREAD:
            return ArticleQuery(unread=True)
        if self.key == SpecialView.STARRED:
            return ArticleQuery(starred=True)
        return ArticleQuery()


def _tr(text: str) -> str:
    return QCoreApplication.translate("Subscriptions", text)


def view_title(view: SpecialView) -> str:
    return {
        SpecialView.HOT: _tr("Hot news"),
        SpecialView.ALL: _tr("All articles"),
        SpecialView.UNREAD: _tr("Unread"),
        SpecialView.STARRED: _tr("Starred"),
    }[view]


_VIEW_ICONS = {
    SpecialView.HOT: "hot",
    SpecialView.ALL: "all",
    SpecialView.UNREAD: "unread",
    SpecialView.STARRED: "starred",
}


class SubscriptionsModel(QStandardItemModel):
    """Signals:
    about_to_rebuild(): the tree is about to be cleared and rebuilt.
    rebuilt(): it was; views restore their selection.
    """

    about_to_rebuild = Signal()
    rebuilt = Signal()

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._items: dict[Node, QStandardItem] = {}
        self._icons: dict[str, QIcon] = {}
        self._signature: tuple[frozenset[object], ...] = ()
        self._feed_counts: dict[int, int] = {}
        self._feed_folder: dict[int, int | None] = {}
        self._folder_parent: dict[int, int | None] = {}
        self._starred = 0
        self.refresh()

    # -- lookups ------------------------------------------------------------

    @staticmethod
    def node(index: Index) -> Node | None:
        if not index.isValid():
            return None
        kind = index.data(NodeRole.KIND)
        key = index.data(NodeRole.KEY)
        return None if kind is None else Node(NodeKind(kind), key)

    def index_of(self, node: Node) -> QModelIndex:
        item = self._items.get(node)
        return item.index() if item is not None else QModelIndex()

    def feeds(self) -> list[Feed]:
        return self._store.feeds(counts=False)

    # -- refresh ------------------------------------------------------------

    def refresh(self) -> None:
        folders = self._store.folders()
        feeds = self._store.feeds()
        # Structure only: a renamed feed updates in place, it does not rebuild.
        signature = (
            frozenset((f.id, f.parent_id, f.name) for f in folders),
            frozenset((f.id, f.folder_id) for f in feeds),
        )
        if signature != self._signature:
            self.about_to_rebuild.emit()
            self._rebuild(folders, feeds)  # feed rows are filled in as they are made
            self._signature = signature
            self._update(folders, feeds, feed_rows=False)
            self.rebuilt.emit()
        else:
            self._update(folders, feeds)

    def _item(self, node: Node, text: str, icon_name: str) -> QStandardItem:
        if icon_name not in self._icons:  # one lookup per name and rebuild
            self._icons[icon_name] = icon(icon_name)
        item = QStandardItem(self._icons[icon_name], text)
        item.setEditable(False)
        item.setData(node.kind.value, NodeRole.KIND)
        item.setData(node.key, NodeRole.KEY)
        item.setData(0, NodeRole.UNREAD)
        item.setData("", NodeRole.ERROR)
        item.setData(icon_name, NodeRole.ICON_NAME)
        self._items[node] = item
        return item

    def _rebuild(self, folders: list[Folder], feeds: list[Feed]) -> None:
        self.clear()
        self._items = {}
        self._icons = {}
        root = self.invisibleRootItem()
        for view in SpecialView:
            root.appendRow(self._item(Node(NodeKind.VIEW, view.value), view_title(view),
                                      _VIEW_ICONS[view]))  # fmt: skip
        folder_items: dict[int, QStandardItem] = {}
        pending = list(folders)
        while pending:  # parents before children, whatever the order
            progressed = False
            for folder in list(pending):
                if folder.parent_id is None or folder.parent_id in folder_items:
                    parent = folder_items.get(folder.parent_id or -1, root)
                    item = self._item(Node(NodeKind.FOLDER, folder.id), folder.name, "folder")
                    parent.appendRow(item)
                    folder_items[folder.id] = item
                    pending.remove(folder)
                    progressed = True
            if not progressed:  # an orphan cycle: show them at the top level
                for folder in pending:
                    item = self._item(Node(NodeKind.FOLDER, folder.id), folder.name, "folder")
                    root.appendRow(item)
                    folder_items[folder.id] = item
                break
        for feed in feeds:
            parent = folder_items.get(feed.folder_id or -1, root)
            item = self._item(Node(NodeKind.FEED, feed.id), feed.title, "feed")
            # Filled in before it joins the model: setData on a row in the
            # model costs a change signal, and the start builds 200 of them.
            self._show_feed(item, feed)
            parent.appendRow(item)

    def _set(self, item: QStandardItem, role: int, value: object) -> None:
        if item.data(role) != value:
            item.setData(value, role)

    def _update(self, folders: list[Folder], feeds: list[Feed], *, feed_rows: bool = True) -> None:
        self._feed_counts = {f.id: f.unread for f in feeds}
        self._feed_folder = {f.id: f.folder_id for f in feeds}
        self._folder_parent = {f.id: f.parent_id for f in folders}
        if feed_rows:
            for feed in feeds:
                item = self._items.get(Node(NodeKind.FEED, feed.id))
                if item is not None:
                    self._show_feed(item, feed)
        self._update_aggregates()

    def _show_feed(self, item: QStandardItem, feed: Feed) -> None:
        """Title, count, error mark, tooltip and icon of a feed's row."""
        title = feed.title or feed.url
        self._set(item, Qt.ItemDataRole.DisplayRole, title)
        self._set(item, NodeRole.UNREAD, feed.unread)
        failing = feed.status in (FeedStatus.ERROR, FeedStatus.GONE)
        self._set(item, NodeRole.ERROR, feed.error if failing else "")
        tooltip = f"{title}\n{feed.url}"
        if failing:
            tooltip += "\n⚠ " + feed.error
        self._set(item, Qt.ItemDataRole.ToolTipRole, tooltip)
        icon_name = "feed-error" if failing else "feed"
        if item.data(NodeRole.ICON_NAME) != icon_name:
            item.setIcon(icon(icon_name))
            item.setData(icon_name, NodeRole.ICON_NAME)

    def _update_aggregates(self) -> None:
        """Folder and special-view counts from the per-feed counts."""
        folder_unread: dict[int, int] = {}
        for feed_id, unread in self._feed_counts.items():
            folder_id = self._feed_folder.get(feed_id)
            while folder_id is not None:
                folder_unread[folder_id] = folder_unread.get(folder_id, 0) + unread
                folder_id = self._folder_parent.get(folder_id)
        for folder_id in self._folder_parent:
            item = self._items.get(Node(NodeKind.FOLDER, folder_id))
            if item is not None:
                self._set(item, NodeRole.UNREAD, folder_unread.get(folder_id, 0))
        total_unread = sum(self._feed_counts.values())
        self._starred = self._store.starred_count()
        for view, count in (
            (SpecialView.HOT, total_unread),
            (SpecialView.ALL, total_unread),
            (SpecialView.UNREAD, total_unread),
            (SpecialView.STARRED, self._starred),
        ):
            item = self._items.get(Node(NodeKind.VIEW, view.value))
            if item is not None:
                self._set(item, NodeRole.UNREAD, count)

    def refresh_counts(self) -> None:
        """Only the unread/starred counts (after the user marks articles).

        One query of (feed id, count) pairs: cheap enough for every key press.
        """
        counts = self._store.unread_counts()
        if counts.keys() != self._feed_counts.keys():
            self.refresh()
            return
        changed = {fid: n for fid, n in counts.items() if self._feed_counts.get(fid) != n}
        if not changed and self._starred == self._store.starred_count():
            return
        self._feed_counts = counts
        for fid, n in changed.items():
            item = self._items.get(Node(NodeKind.FEED, fid))
            if item is not None:
                self._set(item, NodeRole.UNREAD, n)
        self._update_aggregates()

    def has_feeds(self) -> bool:
        return bool(self._feed_counts)

    def total_unread(self) -> int:
        item = self._items.get(Node(NodeKind.VIEW, SpecialView.UNREAD.value))
        return int(item.data(NodeRole.UNREAD)) if item is not None else 0
