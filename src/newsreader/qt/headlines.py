"""The headline list: a lazy, keyset-paged list model over the cache.

A view with 100,000 articles opens with one page (`PAGE_SIZE` rows); the
view asks for more through `canFetchMore`/`fetchMore` as the user scrolls.
After a sync, `add_articles` slots new rows in at their place (usually the
top) with `beginInsertRows`, so the current selection and the article being
read stay where they are.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from newsreader.core.model import Article
from newsreader.core.storage import ArticleQuery, Store

PAGE_SIZE = 80  # two screenfuls: the first page is on the path to the first paint

Index = QModelIndex | QPersistentModelIndex


class HeadlineRole(enum.IntEnum):
    ARTICLE = Qt.ItemDataRole.UserRole + 1  # the Article value
    ARTICLE_ID = enum.auto()
    FEED_TITLE = enum.auto()
    SNIPPET = enum.auto()
    DATE = enum.auto()  # aware datetime
    READ = enum.auto()
    STARRED = enum.auto()


def accessible_text(article: Article) -> str:
    """What a screen reader says for a row: state, title, source and date."""
    state = [
        QCoreApplication.translate("Headlines", "unread")
        if not article.read
        else QCoreApplication.translate("Headlines", "read")
    ]
    if article.starred:
        state.append(QCoreApplication.translate("Headlines", "starred"))
    when = article.date.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{', '.join(state)}: {article.title} — {article.feed_title}, {when}"


def _key(article: Article) -> tuple[float, int]:
    """Sort key, newest first: negate so `bisect` works on an ascending list."""
    return (-article.sort_date, -article.id)


class HeadlineModel(QAbstractListModel):
    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._query = ArticleQuery(limit=PAGE_SIZE)
        self._rows: list[Article] = []
        self._keys: list[tuple[float, int]] = []
        self._exhausted = True

    # -- the query ----------------------------------------------------------

    @property
    def query(self) -> ArticleQuery:
        return self._query

    def set_query(self, query: ArticleQuery) -> None:
        """Show another view (feed, folder, unread, search): a reset."""
        self.beginResetModel()
        self._query = replace(query, limit=PAGE_SIZE, before=None, ids=())
        self._rows = self._store.articles(self._query)
        self._keys = [_key(a) for a in self._rows]
        self._exhausted = len(self._rows) < PAGE_SIZE
        self.endResetModel()

    def reload(self) -> None:
        self.set_query(self._query)

    # -- Qt model API -------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        article = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return article.title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return accessible_text(article)
        if role == Qt.ItemDataRole.ToolTipRole:
            local = article.date.astimezone()
            return f"{article.title}\n{article.feed_title} · {local:%Y-%m-%d %H:%M}"
        if role == HeadlineRole.ARTICLE:
            return article
        if role == HeadlineRole.ARTICLE_ID:
            return article.id
        if role == HeadlineRole.FEED_TITLE:
            return article.feed_title
        if role == HeadlineRole.SNIPPET:
            return article.snippet
        if role == HeadlineRole.DATE:
            return article.date
        if role == HeadlineRole.READ:
            return article.read
        if role == HeadlineRole.STARRED:
            return article.starred
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or not self._rows:
            return
        last = self._rows[-1]
        page = self._store.articles(replace(self._query, before=(last.sort_date, last.id)))
        self._exhausted = len(page) < PAGE_SIZE
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self._keys.extend(_key(a) for a in page)
        self.endInsertRows()

    # -- lookups ------------------------------------------------------------

    def article_at(self, row: int) -> Article | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, article_id: int) -> int | None:
        for row, article in enumerate(self._rows):
            if article.id == article_id:
                return row
        return None

    def loaded_ids(self) -> list[int]:
        return [a.id for a in self._rows]

    # -- incremental updates (GUI thread, after a commit) -------------------

    def add_articles(self, ids: Sequence[int]) -> int:
        """Insert the new articles that belong to this view; returns how many.

        Articles that land next to each other go in as one block (one
        beginInsertRows per block, usually a single block at the top), so
        a sync of thousands of articles costs the view one layout, not one
        per row.
        """
        if not ids:
            return 0
        fresh = self._store.articles(replace(self._query, ids=tuple(ids), limit=len(ids)))
        known = set(self.loaded_ids())
        blocks: dict[int, list[Article]] = {}
        for article in sorted(fresh, key=_key):
            if article.id in known:
                continue
            row = bisect.bisect_left(self._keys, _key(article))
            if row == len(self._rows) and not self._exhausted:
                continue  # beyond the loaded pages: fetchMore will bring it
            blocks.setdefault(row, []).append(article)
        # Highest position first, so the positions below stay valid.
        for row in sorted(blocks, reverse=True):
            block = blocks[row]
            self.beginInsertRows(QModelIndex(), row, row + len(block) - 1)
            self._rows[row:row] = block
            self._keys[row:row] = [_key(a) for a in block]
            self.endInsertRows()
        return sum(len(b) for b in blocks.values())

    def refresh_articles(self, ids: Iterable[int]) -> None:
        """Re-read these rows (state or content changed) and emit dataChanged."""
        wanted = set(ids)
        rows = [r for r, a in enumerate(self._rows) if a.id in wanted]
        if not rows:
            return
        fresh = {a.id: a for a in self._store.articles_by_id([self._rows[r].id for r in rows])}
        for row in rows:
            article = fresh.get(self._rows[row].id)
            if article is None:
                continue
            self._rows[row] = article
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def set_local_state(
        self,
        ids: Iterable[int],
        *,
        read: bool | None = None,
        starred: bool | None = None,
    ) -> None:
        """Reflect a state change the GUI itself made, without re-querying."""
        wanted = set(ids)
        for row, article in enumerate(self._rows):
            if article.id not in wanted:
                continue
            self._rows[row] = replace(
                article,
                read=article.read if read is None else read,
                starred=article.starred if starred is None else starred,
            )
            index = self.index(row)
            self.dataChanged.emit(index, index)
