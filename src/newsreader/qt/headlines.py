"""The headline list: a lazy, paged list model over the cache.

A view with 100,000 articles opens with one page (`PAGE_SIZE` rows); the
view asks for more through `canFetchMore`/`fetchMore` as the user scrolls.
After a sync, `add_articles` slots new rows in at their place (usually the
top) with `beginInsertRows`, so the current selection and the article being
read stay where they are.

The model shows one of three lists (`HeadlineMode`):

* LIST: a view's articles newest first, paged by keyset (`ArticleQuery`);
* HOT: one row per story (cluster) in hot order (`Store.hot`), paged by
  offset; a story can be expanded, which inserts its other articles as
  indented rows right under it;
* SEARCH: the ids `Store.search_ids` ranked best first, loaded a page at
  a time.  A search result list stays as it is while a sync runs.
"""

from __future__ import annotations

import bisect
import enum
import re
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
from newsreader.qt.timefmt import format_datetime

PAGE_SIZE = 80  # two screenfuls: the first page is on the path to the first paint
SEARCH_LIMIT = 1000  # ranked hits kept for one search

Index = QModelIndex | QPersistentModelIndex


class HeadlineMode(enum.Enum):
    LIST = "list"
    HOT = "hot"
    SEARCH = "search"


class HeadlineRole(enum.IntEnum):
    ARTICLE = Qt.ItemDataRole.UserRole + 1  # the Article value
    ARTICLE_ID = enum.auto()
    FEED_TITLE = enum.auto()
    SNIPPET = enum.auto()
    DATE = enum.auto()  # aware datetime
    READ = enum.auto()
    STARRED = enum.auto()
    SOURCES = enum.auto()  # distinct feeds in the article's story (hot view)
    DEPTH = enum.auto()  # 0: a story or article row; 1: an expanded story's member
    EXPANDED = enum.auto()  # True on a story row whose members are shown
    SEARCH_TERMS = enum.auto()  # SEARCH: what to mark in the rows (`highlight_terms`)


def accessible_text(article: Article, sources: int = 1) -> str:
    """What a screen reader says for a row: state, title, source and date."""
    state = [
        QCoreApplication.translate("Headlines", "unread")
        if not article.read
        else QCoreApplication.translate("Headlines", "read")
    ]
    if article.starred:
        state.append(QCoreApplication.translate("Headlines", "starred"))
    when = format_datetime(article.story_date if sources > 1 else article.date)  # as the row
    told_by = ""
    if sources > 1:
        told_by = ", " + QCoreApplication.translate("Headlines", "%1 sources").replace(
            "%1", str(sources)
        )
    return f"{', '.join(state)}: {article.title} — {article.feed_title}, {when}{told_by}"


def match_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where `terms` occur in `text`: (start, end) pairs in order, ignoring
    case, never overlapping; earlier terms win (`highlight_terms` puts the
    longest first, as the article view marks them)."""
    taken: list[tuple[int, int]] = []
    for term in terms:
        if not term:
            continue
        for match in re.finditer(re.escape(term), text, re.IGNORECASE):
            start, end = match.span()
            if all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
    return sorted(taken)


def _key(article: Article) -> tuple[float, int]:
    """Sort key, newest first: negate so `bisect` works on an ascending list."""
    return (-article.sort_date, -article.id)


class HeadlineModel(QAbstractListModel):
    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._query = ArticleQuery(limit=PAGE_SIZE)
        self._mode = HeadlineMode.LIST
        self._rows: list[Article] = []
        self._keys: list[tuple[float, int]] = []
        self._depth: list[int] = []  # 1 for the members of an expanded story
        self._expanded: set[int] = set()  # cluster ids shown expanded
        self._ranked: list[int] = []  # SEARCH: every hit, best first
        self._terms: list[str] = []  # SEARCH: what to mark in the titles
        self._stories = 0  # HOT: story rows loaded (the offset of the next page)
        self._exhausted = True

    # -- the query ----------------------------------------------------------

    @property
    def query(self) -> ArticleQuery:
        return self._query

    @property
    def mode(self) -> HeadlineMode:
        return self._mode

    def set_query(self, query: ArticleQuery) -> None:
        """Show another view (feed, folder, unread), newest first: a reset."""
        self.beginResetModel()
        self._mode = HeadlineMode.LIST
        self._query = replace(query, limit=PAGE_SIZE, before=None, ids=())
        self._set_rows(self._store.articles(self._query))
        self._exhausted = len(self._rows) < PAGE_SIZE
        self.endResetModel()

    def set_hot(self) -> None:
        """Show the hot stories, one row per story: a reset."""
        self.beginResetModel()
        self._mode = HeadlineMode.HOT
        self._query = ArticleQuery(limit=PAGE_SIZE)
        self._expanded.clear()
        page = self._store.hot(limit=PAGE_SIZE)
        self._set_rows(page)
        self._stories = len(page)
        self._exhausted = len(page) < PAGE_SIZE
        self.endResetModel()

    def set_search(
        self, text: str, scope: ArticleQuery | None = None, ids: Sequence[int] | None = None
    ) -> None:
        """Show the articles matching `text`, best match first: a reset.

        `ids` are the ranked hits when they were found elsewhere (the window
        searches off the GUI thread); without them the store is asked here.
        """
        self.beginResetModel()
        self._mode = HeadlineMode.SEARCH
        self._query = replace(scope or ArticleQuery(), search=text, before=None, ids=())
        from newsreader.core.textindex import highlight_terms

        self._terms = highlight_terms(text)
        if ids is None:
            ids = self._store.search_ids(text, scope, limit=SEARCH_LIMIT)
        self._ranked = list(ids)
        self._set_rows(self._load_ranked(self._ranked[:PAGE_SIZE]))
        self._exhausted = len(self._ranked) <= PAGE_SIZE
        self.endResetModel()

    def reload(self) -> None:
        if self._mode is HeadlineMode.HOT:
            self.set_hot()
        elif self._mode is HeadlineMode.SEARCH:  # the same hits, their rows read again
            self.set_search(self._query.search, replace(self._query, search=""), self._ranked)
        else:
            self.set_query(self._query)

    def _set_rows(self, rows: list[Article]) -> None:
        self._rows = rows
        self._keys = [_key(a) for a in rows]
        self._depth = [0] * len(rows)

    def _load_ranked(self, ids: Sequence[int]) -> list[Article]:
        found = {a.id: a for a in self._store.articles_by_id(list(ids))}
        return [found[i] for i in ids if i in found]

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
            return accessible_text(article, self._story_sources(index.row()))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{article.title}\n{article.feed_title} · {format_datetime(article.date)}"
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
        if role == HeadlineRole.SOURCES:
            return self._story_sources(index.row())
        if role == HeadlineRole.DEPTH:
            return self._depth[index.row()]
        if role == HeadlineRole.EXPANDED:
            return self._depth[index.row()] == 0 and article.cluster_id in self._expanded
        if role == HeadlineRole.SEARCH_TERMS:
            return self._terms if self._mode is HeadlineMode.SEARCH else []
        return None

    def _story_sources(self, row: int) -> int:
        """Distinct feeds of a story row in the hot view; 1 elsewhere (a
        member of an expanded story is one source of it)."""
        if self._mode is not HeadlineMode.HOT or self._depth[row]:
            return 1
        return self._rows[row].sources

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or not self._rows:
            return
        if self._mode is HeadlineMode.HOT:
            known = {a.cluster_id for a, d in zip(self._rows, self._depth, strict=True) if not d}
            page = self._store.hot(limit=PAGE_SIZE, offset=self._stories)
            self._stories += len(page)
            self._exhausted = len(page) < PAGE_SIZE
            page = [a for a in page if a.cluster_id not in known]  # moved since
        elif self._mode is HeadlineMode.SEARCH:
            loaded = len(self._rows)
            ids = self._ranked[loaded : loaded + PAGE_SIZE]
            self._exhausted = loaded + PAGE_SIZE >= len(self._ranked)
            page = self._load_ranked(ids)
        else:
            last = self._rows[-1]
            page = self._store.articles(replace(self._query, before=(last.sort_date, last.id)))
            self._exhausted = len(page) < PAGE_SIZE
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self._keys.extend(_key(a) for a in page)
        self._depth.extend([0] * len(page))
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

    def depth_at(self, row: int) -> int:
        return self._depth[row] if 0 <= row < len(self._depth) else 0

    def story_row(self, row: int) -> int:
        """The row of the story an expanded member belongs to (or `row`)."""
        while 0 < row < len(self._depth) and self._depth[row]:
            row -= 1
        return row

    # -- stories (hot view) -------------------------------------------------

    def can_expand(self, row: int) -> bool:
        article = self.article_at(row)
        return (
            self._mode is HeadlineMode.HOT
            and article is not None
            and self._depth[row] == 0
            and article.cluster_id not in self._expanded
            and article.sources > 1
        )

    def expand(self, row: int) -> int:
        """Show the other articles of the story at `row` under it; how many."""
        if not self.can_expand(row):
            return 0
        story = self._rows[row]
        members = [a for a in self._store.cluster_members(story.cluster_id) if a.id != story.id]
        self._expanded.add(story.cluster_id)
        if members:
            self.beginInsertRows(QModelIndex(), row + 1, row + len(members))
            self._rows[row + 1 : row + 1] = members
            self._keys[row + 1 : row + 1] = [_key(a) for a in members]
            self._depth[row + 1 : row + 1] = [1] * len(members)
            self.endInsertRows()
        index = self.index(row)
        self.dataChanged.emit(index, index)
        return len(members)

    def collapse(self, row: int) -> int:
        """Hide the members of the story at (or around) `row`; its row."""
        row = self.story_row(row)
        article = self.article_at(row)
        if article is None or article.cluster_id not in self._expanded:
            return row
        self._expanded.discard(article.cluster_id)
        end = row + 1
        while end < len(self._depth) and self._depth[end]:
            end += 1
        if end > row + 1:
            self.beginRemoveRows(QModelIndex(), row + 1, end - 1)
            del self._rows[row + 1 : end], self._keys[row + 1 : end], self._depth[row + 1 : end]
            self.endRemoveRows()
        index = self.index(row)
        self.dataChanged.emit(index, index)
        return row

    # -- incremental updates (GUI thread, after a commit) -------------------

    def add_articles(self, ids: Sequence[int]) -> int:
        """Insert the new articles that belong to this view; returns how many.

        Articles that land next to each other go in as one block (one
        beginInsertRows per block, usually a single block at the top), so
        a sync of thousands of articles costs the view one layout, not one
        per row.
        """
        if not ids or self._mode is HeadlineMode.SEARCH:
            return 0
        if self._mode is HeadlineMode.HOT:
            return self._add_stories(ids)
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
            self._depth[row:row] = [0] * len(block)
            self.endInsertRows()
        return sum(len(b) for b in blocks.values())

    def _add_stories(self, ids: Sequence[int]) -> int:
        """New articles in the hot view: new stories go on top, newest first;
        an article joining a story already listed refreshes that row (its
        source count), which stays where it is so nothing moves under the
        reader.  The full hot order comes back with the next `set_hot`."""
        fresh = self._store.articles_by_id(list(ids))
        rows = {a.cluster_id: r for r, a in enumerate(self._rows) if not self._depth[r]}
        stories: dict[int, Article] = {}
        touched: set[int] = set()
        for article in sorted(fresh, key=_key):
            if article.cluster_id in rows:
                touched.add(article.cluster_id)
            elif article.cluster_id not in stories:
                stories[article.cluster_id] = article
        for cluster_id in touched:
            self._refresh_story(rows[cluster_id])
        block = list(stories.values())
        if block:
            self.beginInsertRows(QModelIndex(), 0, len(block) - 1)
            self._rows[0:0] = block
            self._keys[0:0] = [_key(a) for a in block]
            self._depth[0:0] = [0] * len(block)
            self._stories += len(block)
            self.endInsertRows()
        return len(block)

    def _refresh_story(self, row: int) -> None:
        story = self._rows[row]
        members = self._store.cluster_members(story.cluster_id)
        current = next((a for a in members if a.id == story.id), None)
        sources = len({a.feed_id for a in members}) or story.sources
        base = current or story
        self._rows[row] = replace(
            base, sources=sources, read=all(a.read for a in members) if members else base.read
        )
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def refresh_articles(self, ids: Iterable[int]) -> None:
        """Re-read these rows (state or content changed) and emit dataChanged."""
        wanted = set(ids)
        rows = [r for r, a in enumerate(self._rows) if a.id in wanted]
        if not rows:
            return
        fresh = {a.id: a for a in self._store.articles_by_id([self._rows[r].id for r in rows])}
        for row in rows:
            if self._mode is HeadlineMode.HOT and not self._depth[row]:
                self._refresh_story(row)  # the story's read state and sources
                continue
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
