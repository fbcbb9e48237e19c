"""The local SQLite cache.

Threading and transactions:

* WAL mode with ``synchronous=NORMAL``; ``foreign_keys`` on every connection.
* Every thread opens its own `Store` (its own connection); connections are
  never shared.  Readers never block the writer and always see the last
  committed snapshot.
* The sync service is the one writer of content.  Each feed is applied in one
  short ``BEGIN IMMEDIATE`` transaction, so a crash or kill mid-sync leaves
  every feed either fully old or fully new.
* User state (read, starred) is written by whoever acts (the GUI thread, the
  CLI) in its own short ``BEGIN IMMEDIATE`` transaction.  That is safe because
  state lives in `article_state`, which a sync only ever inserts into (a new
  article gets a fresh row) and never updates.

Times are stored as UNIX seconds (UTC) and returned as aware datetimes.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.core.errors import StorageError, SubscriptionError
from newsreader.core.model import Article, Enclosure, Feed, FeedStatus, Folder
from newsreader.core.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:  # the sync's types: the window does not load them to start
    from newsreader.core.sync_types import (
        ApplyResult,
        ParsedEntry,
        ParsedFeed,
        StoriesUpdate,
    )

BUSY_TIMEOUT_S = 10.0
INDEX_BATCH = 1000  # new articles written to the search index at a time
SEARCH_WINDOW = 2000  # newest matches `search_ids` ranks
SEARCH_BATCH = 1000  # index matches a date-ordered search reads at a time
SEARCH_WALK = 1  # batches it walks before it checks the older articles the other way
SEARCH_CANDIDATES = 20_000  # older articles it checks that way at most


def to_ts(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def from_ts(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _now() -> float:
    return time.time()


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """Which articles a view shows, newest first, one keyset page at a time.

    `before` is the (sort_date, id) of the last row of the previous page.
    """

    feed_ids: tuple[int, ...] = ()
    ids: tuple[int, ...] = ()  # restrict to these articles (e.g. a sync's new ones)
    folder_id: int | None = None
    unread: bool = False
    starred: bool = False
    search: str = ""
    limit: int = 100
    before: tuple[float, int] | None = None


_ARTICLE_COLUMNS = """
    a.id, a.feed_id, CASE WHEN f.user_title != '' THEN f.user_title ELSE f.title END,
    a.title, a.link, a.author, a.published, a.updated, a.snippet,
    s.read, s.starred, s.first_seen, a.sort_date,
    ifnull(ac.cluster_id, a.id), ifnull(k.sources, 1)
"""
_ARTICLE_COLUMN_COUNT = 15
# The tables `_ARTICLE_COLUMNS` reads, after `FROM articles a`.
_ARTICLE_JOINS = """
    JOIN article_state s ON s.article_id = a.id
    JOIN feeds f ON f.id = a.feed_id
    LEFT JOIN article_cluster ac ON ac.article_id = a.id
    LEFT JOIN clusters k ON k.cluster_id = ac.cluster_id
"""

_FEED_COLUMNS = """
    f.id, f.url, f.title, f.user_title, f.site_url, f.folder_id,
    ifnull(d.name, ''), f.etag, f.last_modified, f.status, f.error, f.http_status,
    f.last_sync, f.last_success, f.next_check, f.error_count, f.interval_minutes,
    f.encoding_override, f.body_hash
"""


class Store:
    """One connection to the cache; use one `Store` per thread."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = Path(path)
        # Index text of new articles, prepared by the parse workers, written
        # to the index in batches (`flush_index`): the index costs about 5
        # times more written 50 articles at a time (one feed) than 1,000.
        self._index_buffer: dict[int, tuple[str, str]] = {}
        if not create and not self.path.exists():
            raise StorageError(f"No cache at {self.path}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"Cannot open the cache {self.path}: {exc}") from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction: BEGIN IMMEDIATE … COMMIT (rollback on error).

        Nested use joins the transaction already open.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StorageError(f"The cache was written by a newer Newsreader (schema {version})")
        if version == SCHEMA_VERSION:
            return
        with self.write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    # -- folders ------------------------------------------------------------

    def folders(self) -> list[Folder]:
        rows = self.conn.execute(
            "SELECT id, name, parent_id FROM folders ORDER BY position, name"
        ).fetchall()
        return [Folder(*row) for row in rows]

    def folder_path(self, folder_id: int | None) -> tuple[str, ...]:
        path: list[str] = []
        while folder_id is not None:
            row = self.conn.execute(
                "SELECT name, parent_id FROM folders WHERE id = ?", (folder_id,)
            ).fetchone()
            if row is None:
                break
            path.insert(0, row[0])
            folder_id = row[1]
        return tuple(path)

    def ensure_folder(self, path: Sequence[str]) -> int | None:
        """The id of the folder at `path`, creating missing levels; None for ()."""
        parent: int | None = None
        for name in path:
            name = name.strip()
            if not name:
                continue
            row = self.conn.execute(
                "SELECT id FROM folders WHERE ifnull(parent_id, 0) = ? AND name = ?",
                (parent or 0, name),
            ).fetchone()
            if row is None:
                cur = self.conn.execute(
                    "INSERT INTO folders(name, parent_id) VALUES (?, ?)", (name, parent)
                )
                parent = cur.lastrowid
            else:
                parent = row[0]
        return parent

    def rename_folder(self, folder_id: int, name: str) -> None:
        with self.write() as conn:
            conn.execute("UPDATE folders SET name = ? WHERE id = ?", (name, folder_id))

    def delete_folder(self, folder_id: int) -> None:
        """Delete a folder; its feeds move to the top level."""
        with self.write() as conn:
            conn.execute("DELETE FROM folders WHERE id = ?", (folder_id,))

    # -- feeds --------------------------------------------------------------

    def add_feed(
        self,
        url: str,
        *,
        title: str = "",
        site_url: str = "",
        folder: Sequence[str] = (),
    ) -> int:
        """Subscribe to `url`; SubscriptionError if it is already subscribed."""
        with self.write() as conn:
            existing = conn.execute("SELECT id, title FROM feeds WHERE url = ?", (url,)).fetchone()
            if existing is not None:
                raise SubscriptionError(
                    f"Already subscribed to {url} (feed {existing[0]}"
                    + (f", “{existing[1]}”)" if existing[1] else ")")
                )
            folder_id = self.ensure_folder(folder)
            cur = conn.execute(
                "INSERT INTO feeds(url, title, site_url, folder_id, added) VALUES (?, ?, ?, ?, ?)",
                (url, title, site_url, folder_id, _now()),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def feed_id_for_url(self, url: str) -> int | None:
        row = self.conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        return None if row is None else int(row[0])

    @staticmethod
    def _feed_from_row(row: Any, counts: bool) -> Feed:
        return Feed(
            id=row[0],
            url=row[1],
            title=row[3] or row[2],
            site_url=row[4],
            folder_id=row[5],
            folder=row[6],
            etag=row[7],
            last_modified=row[8],
            status=FeedStatus(row[9]),
            error=row[10],
            http_status=row[11],
            last_sync=from_ts(row[12]),
            last_success=from_ts(row[13]),
            next_check=from_ts(row[14]),
            error_count=row[15],
            interval_minutes=row[16],
            encoding_override=row[17],
            body_hash=row[18],
            unread=(row[19] or 0) if counts else 0,
            total=(row[20] or 0) if counts else 0,
        )

    def feeds(self, ids: Iterable[int] | None = None, *, counts: bool = True) -> list[Feed]:
        sql = f"SELECT {_FEED_COLUMNS}"
        if counts:  # kept by triggers (schema migration 2)
            sql += ", f.unread_count, f.total_count"
        sql += " FROM feeds f LEFT JOIN folders d ON d.id = f.folder_id"
        params: list[object] = []
        if ids is not None:
            id_list = list(ids)
            sql += f" WHERE f.id IN ({','.join('?' * len(id_list))})"
            params.extend(id_list)
        sql += " ORDER BY f.position, lower(CASE WHEN f.user_title != '' THEN f.user_title ELSE f.title END), f.id"
        return [self._feed_from_row(r, counts) for r in self.conn.execute(sql, params)]

    def feed(self, feed_id: int) -> Feed | None:
        found = self.feeds([feed_id])
        return found[0] if found else None

    def rename_feed(self, feed_id: int, title: str) -> None:
        with self.write() as conn:
            conn.execute("UPDATE feeds SET user_title = ? WHERE id = ?", (title, feed_id))

    def move_feed(self, feed_id: int, folder: Sequence[str]) -> None:
        with self.write() as conn:
            folder_id = self.ensure_folder(folder)
            conn.execute("UPDATE feeds SET folder_id = ? WHERE id = ?", (folder_id, feed_id))

    def set_feed_options(
        self,
        feed_id: int,
        *,
        url: str | None = None,
        interval_minutes: int | None = None,
        encoding_override: str | None = None,
    ) -> None:
        with self.write() as conn:
            if url is not None:
                conn.execute(
                    "UPDATE feeds SET url = ?, etag = '', last_modified = '', body_hash = '' WHERE id = ?",
                    (url, feed_id),
                )
            if interval_minutes is not None:
                conn.execute(
                    "UPDATE feeds SET interval_minutes = ? WHERE id = ?",
                    (interval_minutes, feed_id),
                )
            if encoding_override is not None:
                # A new encoding must re-parse the same body: forget its hash.
                conn.execute(
                    "UPDATE feeds SET encoding_override = ?, body_hash = '', etag = '',"
                    " last_modified = '' WHERE id = ?",
                    (encoding_override, feed_id),
                )

    def delete_feed(self, feed_id: int) -> None:
        from newsreader.core import stories  # loaded on first use (start-up)

        with self.write() as conn:
            conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
            stories.refresh_clusters(conn)  # the stories it was part of

    # -- sync bookkeeping (the writer) -------------------------------------

    def record_not_modified(
        self,
        feed_id: int,
        *,
        next_check: float,
        etag: str = "",
        last_modified: str = "",
        new_url: str = "",
        http_status: int = 304,
    ) -> None:
        """A 304 (or a 200 with the same body): nothing to parse, nothing to write."""
        now = _now()
        with self.write() as conn:
            conn.execute(
                """UPDATE feeds SET status = 'ok', error = '', http_status = ?,
                       last_sync = ?, last_success = ?, next_check = ?, retry_after = NULL,
                       error_count = 0,
                       etag = CASE WHEN ? != '' THEN ? ELSE etag END,
                       last_modified = CASE WHEN ? != '' THEN ? ELSE last_modified END
                   WHERE id = ?""",
                (http_status, now, now, next_check, etag, etag, last_modified,
                 last_modified, feed_id),
            )  # fmt: skip
            if new_url:
                self._move_url(conn, feed_id, new_url)

    def record_error(
        self,
        feed_id: int,
        message: str,
        *,
        http_status: int = 0,
        next_check: float,
        retry_after: float | None = None,
        gone: bool = False,
    ) -> None:
        with self.write() as conn:
            conn.execute(
                """UPDATE feeds SET status = ?, error = ?, http_status = ?, last_sync = ?,
                       next_check = ?, retry_after = ?, error_count = error_count + 1
                   WHERE id = ?""",
                ("gone" if gone else "error", message, http_status, _now(),
                 next_check, retry_after, feed_id),
            )  # fmt: skip

    def _move_url(self, conn: sqlite3.Connection, feed_id: int, new_url: str) -> None:
        """Follow a permanent redirect, unless another subscription has that URL."""
        clash = conn.execute(
            "SELECT id FROM feeds WHERE url = ? AND id != ?", (new_url, feed_id)
        ).fetchone()
        if clash is None:
            conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (new_url, feed_id))

    def apply_parsed(
        self,
        feed_id: int,
        parsed: ParsedFeed,
        *,
        body_hash: str,
        next_check: float,
        etag: str = "",
        last_modified: str = "",
        new_url: str = "",
    ) -> ApplyResult:
        """Store one feed's entries in one transaction: insert new, update changed.

        User state is never touched for existing articles; tombstones
        (purged articles) are never revived.
        """
        now = _now()
        new_ids: list[int] = []
        updated_ids: list[int] = []
        with self.write() as conn:
            known = {
                key: (aid, chash, purged)
                for key, aid, chash, purged in conn.execute(
                    "SELECT key, id, content_hash, purged FROM articles WHERE feed_id = ?",
                    (feed_id,),
                )
            }
            seen: set[str] = set()
            # Feeds list newest first; insert oldest first so ids follow age.
            for entry in reversed(parsed.entries):
                if entry.key in seen:
                    continue
                seen.add(entry.key)
                old = known.get(entry.key)
                if old is None:
                    new_ids.append(self._insert_article(conn, feed_id, entry, now))
                elif not old[2] and old[1] != entry.content_hash:
                    self._update_article(conn, old[0], entry)
                    updated_ids.append(old[0])
            conn.execute(
                """UPDATE feeds SET title = CASE WHEN ? != '' THEN ? ELSE title END,
                       site_url = CASE WHEN ? != '' THEN ? ELSE site_url END,
                       status = 'ok', error = '', warning = ?, http_status = 200,
                       last_sync = ?, last_success = ?, next_check = ?, retry_after = NULL,
                       error_count = 0, etag = ?, last_modified = ?, body_hash = ?
                   WHERE id = ?""",
                (parsed.title, parsed.title, parsed.link, parsed.link, parsed.warning,
                 now, now, next_check, etag, last_modified, body_hash, feed_id),
            )  # fmt: skip
            if new_url:
                self._move_url(conn, feed_id, new_url)
        if not self.conn.in_transaction:
            self.flush_index(at_least=INDEX_BATCH)
        from newsreader.core.sync_types import ApplyResult

        return ApplyResult(tuple(new_ids), tuple(updated_ids))

    def flush_index(self, *, at_least: int = 0) -> int:
        """Write the buffered index text of new articles (see `apply_parsed`)
        to the index in one transaction, if at least `at_least` are waiting;
        returns how many it indexed.  Until then they stay queued, so an
        interrupted sync loses nothing: the queue indexes them later."""
        if not self._index_buffer or len(self._index_buffer) < at_least:
            return 0
        from newsreader.core import stories  # loaded on first use (start-up)

        work = stories.IndexWork(
            fresh=tuple((aid, title, body) for aid, (title, body) in self._index_buffer.items())
        )
        self._index_buffer.clear()
        with self.write() as conn:
            return stories.apply_index(conn, work)

    @staticmethod
    def _entry_values(entry: ParsedEntry) -> tuple[object, ...]:
        enclosures = (
            json.dumps([[e.url, e.type, e.length] for e in entry.enclosures])
            if entry.enclosures
            else ""
        )
        return (
            entry.title,
            entry.link,
            entry.author,
            to_ts(entry.published),
            to_ts(entry.updated),
            entry.summary_html,
            entry.content_html,
            entry.snippet,
            enclosures,
            entry.content_hash,
        )

    def _insert_article(
        self, conn: sqlite3.Connection, feed_id: int, entry: ParsedEntry, now: float
    ) -> int:
        sort_date = to_ts(entry.published) or to_ts(entry.updated) or now
        # Never trust a feed's date from the future to pin an article on top.
        sort_date = min(sort_date, now)
        cur = conn.execute(
            """INSERT INTO articles(feed_id, key, title, link, author, published, updated,
                   summary_html, content_html, snippet, enclosures, content_hash, sort_date)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (feed_id, entry.key, *self._entry_values(entry), sort_date),
        )
        article_id = cur.lastrowid
        assert article_id is not None
        conn.execute(
            "INSERT INTO article_state(article_id, first_seen) VALUES (?, ?)",
            (article_id, now),
        )
        if entry.index_text is not None:  # prepared by the parse worker
            self._index_buffer[article_id] = entry.index_text
        if entry.cluster_features:
            conn.execute(
                "UPDATE cluster_pending SET features = ? WHERE article_id = ?",
                (entry.cluster_features, article_id),
            )
        return article_id

    def _update_article(
        self, conn: sqlite3.Connection, article_id: int, entry: ParsedEntry
    ) -> None:
        self._index_buffer.pop(article_id, None)  # its buffered text is out of date
        conn.execute(
            """UPDATE articles SET title = ?, link = ?, author = ?, published = ?,
                   updated = ?, summary_html = ?, content_html = ?, snippet = ?,
                   enclosures = ?, content_hash = ?
               WHERE id = ?""",
            (*self._entry_values(entry), article_id),
        )

    # -- articles -----------------------------------------------------------

    def _article_filter(self, query: ArticleQuery) -> tuple[str, list[object]]:
        where = ["a.purged = 0"]
        params: list[object] = []
        if query.feed_ids:
            where.append(f"a.feed_id IN ({','.join('?' * len(query.feed_ids))})")
            params.extend(query.feed_ids)
        if query.ids:
            where.append(f"a.id IN ({','.join('?' * len(query.ids))})")
            params.extend(query.ids)
        if query.folder_id is not None:
            where.append(
                """a.feed_id IN (SELECT id FROM feeds WHERE folder_id IN (
                    WITH RECURSIVE sub(id) AS (
                        SELECT ? UNION ALL
                        SELECT folders.id FROM folders JOIN sub ON folders.parent_id = sub.id)
                    SELECT id FROM sub))"""
            )
            params.append(query.folder_id)
        if query.unread:
            where.append("s.read = 0")
        if query.starred:
            where.append("s.starred = 1")
        if query.search.strip():  # a blank search filters nothing out
            clause, match = self._search_filter(query.search)
            where.append(clause)
            params.extend(match)
        return " AND ".join(where), params

    @staticmethod
    def _search_filter(text: str) -> tuple[str, list[object]]:
        """A WHERE condition on `a` for the articles matching `text`: the
        full-text index, or for the articles still queued for it a LIKE
        scan of their literal words (`_queued_match`)."""
        from newsreader.core import stories  # loaded on first use (start-up)

        clause, params = stories.match_clause(text)
        if clause == "0":
            return clause, params
        like, like_params = Store._queued_match(text)
        return f"({clause} OR {like})", [*params, *like_params]

    @staticmethod
    def _queued_match(text: str) -> tuple[str, list[object]]:
        """A WHERE condition on `a` for the articles queued for the index
        (after an upgrade, or between a sync's writes and its indexing step)
        that hold every literal term of `text` (`textindex.highlight_terms`)."""
        from newsreader.core import textindex  # loaded on first use (start-up)

        likes: list[str] = []
        params: list[object] = []
        for term in textindex.highlight_terms(text):
            pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            likes.append(
                "(x.title LIKE ? ESCAPE '\\' OR x.content_html LIKE ? ESCAPE '\\'"
                " OR x.summary_html LIKE ? ESCAPE '\\')"
            )
            params.extend([pattern, pattern, pattern])
        if not likes:
            return "0", []
        return (
            # CROSS JOIN: the queue drives (it is nearly always empty),
            # never a scan of every article with LIKE.
            "a.id IN (SELECT p.article_id FROM article_fts_pending p"
            f" CROSS JOIN articles x ON x.id = p.article_id WHERE {' AND '.join(likes)})",
            params,
        )

    def articles(self, query: ArticleQuery = ArticleQuery()) -> list[Article]:
        if query.search.strip():
            return self._searched_articles(query)
        where, params = self._article_filter(query)
        if query.before is not None:
            where += " AND (a.sort_date, a.id) < (?, ?)"
            params.extend(query.before)
        sql = f"""SELECT {_ARTICLE_COLUMNS} FROM articles a {_ARTICLE_JOINS}
                  WHERE {where} ORDER BY a.sort_date DESC, a.id DESC LIMIT ?"""
        params.append(query.limit)
        return [self._article_from_row(r) for r in self.conn.execute(sql, params)]

    def _searched_articles(self, query: ArticleQuery) -> list[Article]:
        """`articles` with a search: the same rows, newest first.

        The index's matches are walked from the highest id down
        (`stories.match_batches`, `SEARCH_BATCH` at a time).  That can stop
        early and exactly, because an article's sort_date is never later
        than its first_seen (`_insert_article`) and first_seen rises with
        the id: once the page's last row is no older than the first_seen of
        the lowest id walked, every article below is older still.  A word
        too common for that after `SEARCH_WALK` batches (a cache filled by
        one cold sync: every first_seen the same) is finished the other way
        round (`_older_matches`).  Articles queued for the index are
        searched with LIKE (`_queued_match`)."""
        from newsreader.core import stories, textindex  # loaded on first use (start-up)

        expression = textindex.build_query(query.search)
        if not expression or query.limit <= 0:
            return []
        limit = query.limit
        where, params = self._article_filter(replace(query, search=""))
        if query.before is not None:
            where += " AND (a.sort_date, a.id) < (?, ?)"
            params.extend(query.before)
        like, like_params = self._queued_match(query.search)
        best: list[tuple[float, int]] = [  # (sort_date, id) of the page so far
            (float(d), int(i))
            for i, d in self.conn.execute(
                f"""SELECT a.id, a.sort_date FROM articles a
                    JOIN article_state s ON s.article_id = a.id
                    WHERE {where} AND {like} ORDER BY a.sort_date DESC, a.id DESC LIMIT ?""",
                [*params, *like_params, limit],
            )
        ]
        batches = stories.match_batches(self.conn, expression, max(SEARCH_BATCH, limit))
        for number, batch in enumerate(batches):
            lowest = batch[-1][0]
            ids = [aid for aid, _ in batch]
            best += [
                (float(d), int(i))
                for i, d in self.conn.execute(
                    f"""SELECT a.id, a.sort_date FROM articles a
                        JOIN article_state s ON s.article_id = a.id
                        WHERE {where} AND a.id IN ({",".join("?" * len(ids))})""",
                    [*params, *ids],
                )
            ]
            best = sorted(set(best), reverse=True)[:limit]
            full = len(best) >= limit
            if full:
                row = self.conn.execute(
                    "SELECT first_seen FROM article_state WHERE article_id = ?", (lowest,)
                ).fetchone()
                if row is not None and best[-1][0] >= float(row[0]):
                    break
            if number + 1 >= SEARCH_WALK:  # a common word
                batches.close()
                rest = (
                    self._older_matches(where, params, expression, best[-1], lowest, limit)
                    if full
                    else None
                )
                if rest is not None:
                    best = sorted([*best, *rest], reverse=True)[:limit]
                else:  # let SQLite sort every match
                    best = sorted([*best, *self._all_matches(where, params, expression, limit)])
                    best = sorted(set(best), reverse=True)[:limit]
                break
        return self.articles_by_id([i for _, i in best])

    def _older_matches(
        self,
        where: str,
        params: list[object],
        expression: str,
        last: tuple[float, int],
        lowest: int,
        limit: int,
    ) -> list[tuple[float, int]] | None:
        """The best `limit` (sort_date, id) of the articles below id `lowest`
        that match and come before `last`: the articles newer than `last`,
        along the date index, checked against the set of the index's matches
        in their id range (one index query; a rowid IN (...) list would
        expand a prefix once per id).  None if more than `SEARCH_CANDIDATES`
        articles are newer than `last`."""
        rows = self.conn.execute(
            f"""SELECT a.id, a.sort_date FROM articles a
                JOIN article_state s ON s.article_id = a.id
                WHERE {where} AND +a.id < ? AND (a.sort_date, a.id) > (?, ?)
                ORDER BY a.sort_date DESC, a.id DESC LIMIT ?""",
            [*params, lowest, last[0], last[1], SEARCH_CANDIDATES + 1],
        ).fetchall()
        if len(rows) > SEARCH_CANDIDATES:
            return None
        if not rows:
            return []
        matching = {
            int(r[0])
            for r in self.conn.execute(
                "SELECT rowid FROM article_fts WHERE article_fts MATCH ? AND rowid BETWEEN ? AND ?",
                (expression, min(int(r[0]) for r in rows), lowest - 1),
            )
        }
        return [(float(d), int(i)) for i, d in rows if int(i) in matching][:limit]

    def _all_matches(
        self, where: str, params: list[object], expression: str, limit: int
    ) -> list[tuple[float, int]]:
        """The best `limit` (sort_date, id) of every match of the index, in
        SQL (for a word held by a quarter of 100,000 articles: about 0.1 s)."""
        return [
            (float(d), int(i))
            for i, d in self.conn.execute(
                f"""SELECT a.id, a.sort_date FROM articles a
                    JOIN article_state s ON s.article_id = a.id
                    WHERE {where}
                      AND a.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)
                    ORDER BY a.sort_date DESC, a.id DESC LIMIT ?""",
                [*params, expression, limit],
            )
        ]

    def count_articles(self, query: ArticleQuery = ArticleQuery()) -> int:
        where, params = self._article_filter(query)
        sql = f"""SELECT count(*) FROM articles a JOIN article_state s ON s.article_id = a.id
                  WHERE {where}"""
        return int(self.conn.execute(sql, params).fetchone()[0])

    @staticmethod
    def _article_from_row(
        row: Sequence[object],
        extra: Sequence[object] = (),
        *,
        read_column: int = 9,
        newest_column: int | None = None,
    ) -> Article:
        """An Article from `_ARTICLE_COLUMNS` (+ body columns in `extra`).

        A Hot view row says where its story's read state and newest report
        are (`read_column`, `newest_column`).
        """
        (aid, feed_id, feed_title, title, link, author, published, updated, snippet,
         _read, starred, first_seen, sort_date, cluster_id, sources) = row[:15]  # fmt: skip
        read = row[read_column]
        content_html, summary_html, enclosures = (
            (str(extra[0]), str(extra[1]), str(extra[2])) if extra else ("", "", "")
        )
        first = from_ts(first_seen)  # type: ignore[arg-type]
        assert first is not None
        return Article(
            id=int(aid),  # type: ignore[call-overload]
            feed_id=int(feed_id),  # type: ignore[call-overload]
            feed_title=str(feed_title),
            title=str(title),
            link=str(link),
            author=str(author),
            published=from_ts(published),  # type: ignore[arg-type]
            updated=from_ts(updated),  # type: ignore[arg-type]
            snippet=str(snippet),
            read=bool(read),
            starred=bool(starred),
            first_seen=first,
            content_html=content_html,
            summary_html=summary_html,
            enclosures=tuple(Enclosure(*e) for e in json.loads(enclosures)) if enclosures else (),
            sort_date=float(sort_date),  # type: ignore[arg-type]
            cluster_id=int(cluster_id),  # type: ignore[call-overload]
            sources=int(sources),  # type: ignore[call-overload]
            story_newest=0.0 if newest_column is None else float(row[newest_column]),  # type: ignore[arg-type]
        )

    def article(self, article_id: int) -> Article | None:
        row = self.conn.execute(
            f"""SELECT {_ARTICLE_COLUMNS}, a.content_html, a.summary_html, a.enclosures
                FROM articles a {_ARTICLE_JOINS}
                WHERE a.id = ? AND a.purged = 0""",
            (article_id,),
        ).fetchone()
        n = _ARTICLE_COLUMN_COUNT
        return None if row is None else self._article_from_row(row[:n], row[n:])

    def articles_by_id(self, ids: Sequence[int]) -> list[Article]:
        """Headline rows for `ids` (no bodies), newest first."""
        if not ids:
            return []
        found: list[Article] = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            sql = f"""SELECT {_ARTICLE_COLUMNS} FROM articles a {_ARTICLE_JOINS}
                      WHERE a.purged = 0 AND a.id IN ({",".join("?" * len(chunk))})"""
            found += [self._article_from_row(r) for r in self.conn.execute(sql, chunk)]
        found.sort(key=lambda a: (a.sort_date, a.id), reverse=True)
        return found

    def _articles_in_order(self, ids: Sequence[int]) -> list[Article]:
        by_id = {a.id: a for a in self.articles_by_id(ids)}
        return [by_id[i] for i in ids if i in by_id]

    # -- search, stories, hot ------------------------------------------------

    def search_ids(
        self, query: str, scope: ArticleQuery | None = None, limit: int = 500
    ) -> list[int]:
        """Ids of the articles matching `query`, best first: bm25 over the
        index (title words count double), newer first on a tie, among the
        `SEARCH_WINDOW` newest matches in scope (a news reader searches for
        recent news; ranking all 24,000 holders of a common word of a
        100,000-article cache would cost a tenth of a second).  Articles
        still queued for the index come first (newest first; see
        `_search_filter`).  `scope` restricts to its feed_ids, folder_id,
        unread and starred (its search, ids, limit and before are ignored).
        An empty or blank query, or one without a letter or digit, finds
        nothing; no input makes it raise."""
        from newsreader.core import stories, textindex  # loaded on first use (start-up)

        expression = textindex.build_query(query)
        if not expression or limit <= 0:
            return []
        scope = replace(scope or ArticleQuery(), search="", ids=(), before=None)
        where, params = self._article_filter(scope)
        like, like_params = self._queued_match(query)
        found = [
            int(r[0])
            for r in self.conn.execute(
                f"""SELECT a.id FROM articles a JOIN article_state s ON s.article_id = a.id
                    WHERE {where} AND {like}
                    ORDER BY a.sort_date DESC, a.id DESC LIMIT ?""",
                [*params, *like_params, limit],
            )
        ]
        seen = set(found)
        ranked: list[tuple[float, float, int]] = []
        window = max(SEARCH_WINDOW, limit)
        # One index query in the common case: each one re-expands a prefix
        # ("app*": every word starting with it), which costs more than the rest.
        for batch in stories.match_batches(self.conn, expression, window):
            scores = {aid: score for aid, score in batch if aid not in seen}
            if not scores:
                continue
            ranked += [
                (round(scores[int(aid)], 9), -float(date), -int(aid))
                for aid, date in self.conn.execute(
                    f"""SELECT a.id, a.sort_date FROM articles a
                        JOIN article_state s ON s.article_id = a.id
                        WHERE {where} AND a.id IN ({",".join("?" * len(scores))})""",
                    [*params, *scores],
                )
            ]
            if len(ranked) >= window:
                break
        ranked.sort()
        found += [-aid for _, _, aid in ranked]
        return found[:limit]

    def hot(self, limit: int = 100, offset: int = 0) -> list[Article]:
        """One Article per story, hottest first (`cluster.hotness`: distinct
        sources × feed weight, halving every half-life after the story's
        newest article; see `stories.hot_key`).

        Each is the story's head, its best-sourced headline (the article
        from the feed with the highest weight, the earliest on a tie), with
        the story's `cluster_id` and `sources`; its `read` is True only when
        every article of the story is read.

        The sync clusters new articles right after storing them; an article
        still waiting for that (after a sync cut short, or all of them just
        after the upgrade that brought clusters) is listed as a story of its
        own, ranked as one source of weight 1, so the view is never empty.
        """
        stories = f"""SELECT {_ARTICLE_COLUMNS},
                      NOT EXISTS (SELECT 1 FROM article_cluster m
                                  JOIN article_state ms ON ms.article_id = m.article_id
                                  WHERE m.cluster_id = k.cluster_id AND ms.read = 0),
                      k.newest, k.hot_key AS hot_key, k.cluster_id AS tiebreak
                  FROM clusters k
                  JOIN articles a ON a.id = k.head
                  JOIN article_state s ON s.article_id = a.id
                  JOIN feeds f ON f.id = a.feed_id
                  JOIN article_cluster ac ON ac.article_id = a.id
                  WHERE a.purged = 0"""
        limit, offset = max(0, limit), max(0, offset)
        sql = f"{stories} ORDER BY hot_key DESC, tiebreak DESC LIMIT ? OFFSET ?"
        pending = self.conn.execute("SELECT 1 FROM cluster_pending LIMIT 1").fetchone()
        if pending is None:
            rows = self.conn.execute(sql, (limit, offset)).fetchall()
        else:
            # The top `offset + limit` of each list, merged by key.  A waiting
            # article's key grows with its date, so its list comes straight
            # off the date index, however many wait.
            rate = math.log(2) / (self.hot_half_life_hours() * 3600)
            wanted = offset + limit
            rows = self.conn.execute(sql, (wanted, 0)).fetchall()
            waiting = [
                int(r[0])
                for r in self.conn.execute(
                    """SELECT a.id FROM articles a INDEXED BY articles_by_date
                       WHERE a.purged = 0
                         AND EXISTS (SELECT 1 FROM cluster_pending p WHERE p.article_id = a.id)
                         AND NOT EXISTS (SELECT 1 FROM article_cluster c
                                         WHERE c.article_id = a.id)
                       ORDER BY a.sort_date DESC, a.id DESC LIMIT ?""",
                    (wanted,),
                )
            ]
            for chunk in (waiting[i : i + 500] for i in range(0, len(waiting), 500)):
                rows += self.conn.execute(
                    f"""SELECT {_ARTICLE_COLUMNS}, s.read, a.sort_date, a.sort_date * ?, a.id
                        FROM articles a {_ARTICLE_JOINS}
                        WHERE a.id IN ({",".join("?" * len(chunk))})""",
                    (rate, *chunk),
                ).fetchall()
            rows.sort(key=lambda r: (r[-2], r[-1]), reverse=True)
            rows = rows[offset:wanted]
        n = _ARTICLE_COLUMN_COUNT  # then: the story's read state and newest report
        return [self._article_from_row(row, read_column=n, newest_column=n + 1) for row in rows]

    def cluster_members(self, cluster_id: int) -> list[Article]:
        """The articles of a story, newest first (an article not clustered
        yet is a story of its own, whose id is the article's)."""
        ids = self._cluster_ids(cluster_id)
        return self.articles_by_id(ids)

    def _cluster_ids(self, cluster_id: int) -> list[int]:
        ids = [
            int(r[0])
            for r in self.conn.execute(
                "SELECT c.article_id FROM article_cluster c JOIN articles a ON a.id = c.article_id"
                " WHERE c.cluster_id = ? AND a.purged = 0",
                (cluster_id,),
            )
        ]
        if (
            not ids
            and self.conn.execute(
                "SELECT 1 FROM articles a LEFT JOIN article_cluster c ON c.article_id = a.id"
                " WHERE a.id = ? AND c.article_id IS NULL AND a.purged = 0",
                (cluster_id,),
            ).fetchone()
        ):
            ids = [cluster_id]
        return ids

    def related(self, article_id: int, limit: int = 5) -> list[Article]:
        """Up to `limit` articles on the same subject from other stories,
        best first (`stories.related`); never the article nor its story."""
        from newsreader.core import stories  # loaded on first use (start-up)

        return self._articles_in_order(stories.related(self.conn, article_id, limit))

    def mark_cluster_read(self, cluster_id: int, read: bool = True) -> list[int]:
        """Mark every article of a story read (or unread); returns the ids
        that changed."""
        with self.write() as conn:
            ids = self._cluster_ids(cluster_id)
            changed = [
                int(r[0])
                for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500))
                for r in conn.execute(
                    f"""SELECT article_id FROM article_state
                        WHERE read != ? AND article_id IN ({",".join("?" * len(chunk))})""",
                    [int(read), *chunk],
                )
            ]
            conn.executemany(
                "UPDATE article_state SET read = ?, read_at = ? WHERE article_id = ?",
                [(int(read), _now() if read else None, i) for i in changed],
            )
        return changed

    def set_feed_weight(self, feed_id: int, weight: float) -> None:
        """How much a feed counts in the hotness of its stories (default 1)."""
        from newsreader.core import stories  # loaded on first use (start-up)

        if weight <= 0:
            raise ValueError("a feed's weight must be positive")
        with self.write() as conn:
            conn.execute("UPDATE feeds SET hot_weight = ? WHERE id = ?", (weight, feed_id))
            conn.execute(
                """INSERT OR IGNORE INTO cluster_dirty(cluster_id)
                   SELECT DISTINCT c.cluster_id FROM articles a
                   JOIN article_cluster c ON c.article_id = a.id WHERE a.feed_id = ?""",
                (feed_id,),
            )
            stories.refresh_clusters(conn)

    def hot_half_life_hours(self) -> float:
        from newsreader.core.stories_schema import DEFAULT_HALF_LIFE_HOURS

        row = self.conn.execute(
            "SELECT value FROM story_settings WHERE name = 'half_life_hours'"
        ).fetchone()
        return DEFAULT_HALF_LIFE_HOURS if row is None else float(row[0])

    def set_hot_half_life(self, hours: float) -> None:
        """Change the half-life of hotness (default 12 h); recomputes every
        story's hot key (a few hundred ms for 100,000 stories)."""
        from newsreader.core import stories  # loaded on first use (start-up)

        with self.write() as conn:
            stories.set_half_life(conn, hours)

    def update_stories(
        self,
        should_stop: Callable[[], bool] | None = None,
        *,
        window_hours: float | None = None,
    ) -> StoriesUpdate:
        """Cluster, then index, every article queued for it, in short write
        transactions (the CPU work is done before each one, outside it), so
        the GUI's own writes never wait long.  Stops between steps when
        `should_stop()` says so; what is left stays queued for next time.
        The sync calls this after storing its feeds; a cache upgraded to
        schema 3 catches up on its first sync."""
        from newsreader.core import cluster, stories  # loaded on first use (start-up)

        window_hours = cluster.WINDOW_HOURS if window_hours is None else window_hours
        stop = should_stop or (lambda: False)
        clustered = 0
        indexed = self.flush_index()
        if self.conn.execute("SELECT 1 FROM cluster_dirty LIMIT 1").fetchone():
            with self.write() as conn:
                stories.refresh_clusters(conn)  # purged or deleted members
        while not stop():
            work = stories.prepare_clusters(self.conn, window_hours=window_hours)
            if not work:
                break
            with self.write() as conn:
                clustered += len(stories.apply_clusters(conn, work))
            if not work.more:
                break
        while not stop():
            text = stories.prepare_index(self.conn)
            if not text:
                break
            with self.write() as conn:
                indexed += stories.apply_index(conn, text)
        from newsreader.core.sync_types import StoriesUpdate

        return StoriesUpdate(clustered=clustered, indexed=indexed)

    def sort_key(self, article_id: int) -> tuple[float, int] | None:
        row = self.conn.execute(
            "SELECT sort_date, id FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else (float(row[0]), int(row[1]))

    # -- user state ---------------------------------------------------------

    def set_read(self, ids: Iterable[int], read: bool = True) -> int:
        id_list = list(ids)
        if not id_list:
            return 0
        with self.write() as conn:
            cur = conn.executemany(
                "UPDATE article_state SET read = ?, read_at = ? WHERE article_id = ? AND read != ?",
                [(int(read), _now() if read else None, i, int(read)) for i in id_list],
            )
            return cur.rowcount

    def set_starred(self, ids: Iterable[int], starred: bool = True) -> int:
        id_list = list(ids)
        if not id_list:
            return 0
        with self.write() as conn:
            cur = conn.executemany(
                "UPDATE article_state SET starred = ? WHERE article_id = ? AND starred != ?",
                [(int(starred), i, int(starred)) for i in id_list],
            )
            return cur.rowcount

    def mark_all_read(self, query: ArticleQuery) -> list[int]:
        """Mark every unread article the query matches read; returns their ids (for undo)."""
        where, params = self._article_filter(query)
        with self.write() as conn:
            ids = [
                int(r[0])
                for r in conn.execute(
                    f"""SELECT a.id FROM articles a JOIN article_state s
                        ON s.article_id = a.id WHERE {where} AND s.read = 0""",
                    params,
                )
            ]
            conn.executemany(
                "UPDATE article_state SET read = 1, read_at = ? WHERE article_id = ?",
                [(_now(), i) for i in ids],
            )
        return ids

    def unread_counts(self) -> dict[int, int]:
        """Unread articles per feed, every feed included (kept by triggers)."""
        rows = self.conn.execute("SELECT id, unread_count FROM feeds")
        return {int(f): int(n) for f, n in rows}

    def starred_count(self) -> int:
        return int(
            self.conn.execute("SELECT count(*) FROM article_state WHERE starred = 1").fetchone()[0]
        )

    # -- retention ----------------------------------------------------------

    def purge_old(self, days: int, *, now: float | None = None) -> int:
        """Turn read, unstarred articles older than `days` into tombstones.

        The row keeps its identity (feed, key) and its state, so the entry
        is recognised and never comes back as new while the feed still lists it.
        """
        from newsreader.core import stories  # loaded on first use (start-up)

        if days <= 0:
            return 0
        cutoff = (now if now is not None else _now()) - days * 86400
        with self.write() as conn:
            cur = conn.execute(
                """UPDATE articles SET purged = 1, title = '', link = '', author = '',
                       summary_html = '', content_html = '', snippet = '', enclosures = ''
                   WHERE purged = 0 AND sort_date < ? AND id IN (
                       SELECT article_id FROM article_state WHERE read = 1 AND starred = 0)""",
                (cutoff,),
            )
            stories.refresh_clusters(conn)  # the stories of the purged articles
            return cur.rowcount

    def integrity_ok(self) -> bool:
        return bool(self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
