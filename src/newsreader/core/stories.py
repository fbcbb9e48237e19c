"""Search, story clusters, hot stories and related articles, over the cache.

Functions here take the `sqlite3.Connection` of a `Store` and never open a
transaction themselves: the caller wraps writes in ``store.write()``.

Search index
    ``article_fts`` is a contentless FTS5 table (rowid = article id) over the
    title and the body's plain text, pre-tokenized by `textindex` (every CJK
    character a token).  Triggers on ``articles`` (plain SQL) only keep
    books: a new or changed article is queued in ``article_fts_pending``; the
    old text of an indexed article that changes, is purged or deleted is
    kept in ``article_fts_stale``, because a contentless index forgets a row
    only when handed the very text it indexed.  `index_articles` does the
    work: it forgets the stale rows, then indexes the pending ones.  So the
    cost of indexing (about 0.4 ms per 5 KB article) stays out of the
    per-feed transactions of a sync, and a sync that is cut short leaves
    its queue for the next call.  Until `index_articles` runs, a new
    article is not found by FTS (`Store` searches the queue with LIKE
    meanwhile), and a changed one is found by its old text.

Clusters
    ``article_cluster`` maps an article to its story (the id of the story's
    first article).  New articles are queued in ``cluster_pending`` (by the
    insert trigger; migration 3 queues every existing article), and
    `cluster_articles` clusters them after a sync; an article not clustered
    yet counts as its own story, so a cluster id is never null.

Hot stories
    ``clusters`` holds one row per story: its head (the headline to show),
    distinct sources, newest article and a time-invariant hot key (see
    `hot_key`), indexed, so the Hot view reads the first 100 rows of an
    index.  Clustering refreshes the rows of the stories it touched;
    triggers mark the stories of purged and deleted articles in
    ``cluster_dirty`` for `refresh_clusters`.

Each step comes in two halves, `prepare_*` (reads and the CPU work, no
write lock) and `apply_*` (a short write), so `Store.update_stories` never
holds the write lock for long: the GUI's own writes (mark read) stay quick.
"""

from __future__ import annotations

import gc
import math
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

from newsreader.core import cluster, textindex
from newsreader.core.stories_schema import DEFAULT_HALF_LIFE_HOURS
from newsreader.core.stories_schema import MIGRATION as MIGRATION  # re-exported
from newsreader.core.sync_types import ParsedEntry, ParsedFeed

_CHUNK = 500  # ids per IN (...) list
TITLE_RANK_WEIGHT = 2.0  # bm25 weight of the title column (the body's is 1)
CLUSTER_BATCH = 10_000  # new articles clustered at a time
# Related articles: how many of the article's rarest terms to search for,
# and how many documents may hold a term for it to count as rare.
RELATED_TERMS = 8
RELATED_CANDIDATES = 100
RELATED_PROBES = 24  # terms of the article whose frequency is looked up, at most


def fts_title(title: str) -> str:
    """What the index holds for a title."""
    return textindex.index_text(title)


def fts_body(content_html: str, summary_html: str) -> str:
    """What the index holds for a body: its plain text, as `textindex` writes it."""
    # Imported here: sanitize loads nh3, which the window does not need at start.
    from newsreader.core.sanitize import html_to_text

    return textindex.index_text(html_to_text(content_html or summary_html))


def prepare_entry(entry: ParsedEntry) -> ParsedEntry:
    """`entry` with its index text and clustering features filled in: the
    sync's parse workers call this (`prepare_entries`), so that CPU work runs
    in parallel with parsing instead of in the cache's one writer."""
    return replace(
        entry,
        index_text=(fts_title(entry.title), fts_body(entry.content_html, entry.summary_html)),
        cluster_features=cluster.encode_features(cluster.features(entry.title, entry.snippet)),
    )


def prepare_entries(feed: ParsedFeed) -> ParsedFeed:
    return replace(feed, entries=tuple(prepare_entry(e) for e in feed.entries))


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _marks(ids: Sequence[int]) -> str:
    return ",".join("?" * len(ids))


# -- index -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndexWork:
    """Index text computed outside a write transaction (`prepare_index`),
    to be written by `apply_index`: the costly part (HTML to text, CJK
    spacing: about 0.3 ms per 5 KB article) never holds the write lock."""

    stale: tuple[tuple[int, int, str, str], ...] = ()  # (stale row, article id, title, body)
    fresh: tuple[tuple[int, str, str], ...] = ()  # (article id, title, body)

    def __bool__(self) -> bool:
        return bool(self.stale or self.fresh)


_PENDING_SELECT = """SELECT a.id, a.title, a.content_html, a.summary_html
                     FROM article_fts_pending p JOIN articles a ON a.id = p.article_id"""


def prepare_index(
    conn: sqlite3.Connection, limit: int | None = None, ids: Sequence[int] | None = None
) -> IndexWork:
    """Read (no write) up to `_CHUNK` stale rows and, once no more stale
    rows wait, `limit` queued articles (lowest ids first, or only those
    among `ids`), and compute their index text."""
    stale = conn.execute(
        "SELECT id, article_id, title, content_html, summary_html FROM article_fts_stale"
        " ORDER BY id LIMIT ?",
        (_CHUNK,),
    ).fetchall()
    limit = _CHUNK if limit is None else limit
    if limit <= 0 or len(stale) == _CHUNK:
        # Old text first, all of it: an article's new text must never go in
        # while its old text is still in the index (a contentless index
        # would then hold the rowid twice, and break).
        rows = []
    elif ids is None:
        rows = conn.execute(_PENDING_SELECT + " ORDER BY p.article_id LIMIT ?", (limit,)).fetchall()
    else:
        rows = []
        for chunk in _chunks(sorted(set(ids))):
            if len(rows) >= limit:
                break
            rows += conn.execute(
                _PENDING_SELECT + f" WHERE p.article_id IN ({_marks(chunk)})", chunk
            ).fetchall()
        rows = rows[:limit]
    return IndexWork(
        tuple((int(sid), int(aid), fts_title(t), fts_body(c, s)) for sid, aid, t, c, s in stale),
        tuple((int(aid), fts_title(t), fts_body(c, s)) for aid, t, c, s in rows),
    )


def _still(conn: sqlite3.Connection, sql: str, ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(list(ids)):
        found.update(int(r[0]) for r in conn.execute(sql.format(_marks(chunk)), chunk))
    return found


def apply_index(conn: sqlite3.Connection, work: IndexWork) -> int:
    """Write `prepare_index`'s work (inside the caller's write transaction);
    returns how many articles it indexed.  What changed in between is left
    out: a stale row already forgotten, an article no longer queued (deleted
    meanwhile).  Only the sync writes article content, so the text of an
    article still queued is the text that was read."""
    if work.stale:
        live = _still(
            conn, "SELECT id FROM article_fts_stale WHERE id IN ({})", [w[0] for w in work.stale]
        )
        stale = [w for w in work.stale if w[0] in live]
        conn.executemany(
            "INSERT INTO article_fts(article_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
            [(aid, title, body) for _, aid, title, body in stale],
        )
        conn.executemany("DELETE FROM article_fts_stale WHERE id = ?", [(w[0],) for w in stale])
    if not work.fresh:
        return 0
    queued = _still(
        conn,
        "SELECT article_id FROM article_fts_pending WHERE article_id IN ({})",
        [w[0] for w in work.fresh],
    )
    fresh = [w for w in work.fresh if w[0] in queued]
    conn.executemany("INSERT INTO article_fts(rowid, title, body) VALUES (?, ?, ?)", fresh)
    conn.executemany(
        "DELETE FROM article_fts_pending WHERE article_id = ?", [(w[0],) for w in fresh]
    )
    return len(fresh)


def index_articles(
    conn: sqlite3.Connection, ids: Sequence[int] | None = None, limit: int | None = None
) -> int:
    """Bring the search index up to date; returns how many articles it indexed.

    First forgets the old text of every changed, purged or deleted article,
    then indexes the queued articles: all of them, or only those among `ids`;
    at most `limit` (lowest ids first).  Safe to call at any time, and again:
    what is done leaves the queue.  Runs inside the caller's transaction;
    `Store.update_stories` does the same in short transactions.
    """
    done = 0
    while True:
        count = _CHUNK if limit is None else min(_CHUNK, limit - done)
        work = prepare_index(conn, count, ids)
        if not work:
            return done
        indexed = apply_index(conn, work)
        done += indexed
        if work.fresh and not indexed:
            return done  # cannot happen inside one transaction; never loop


def pending_count(conn: sqlite3.Connection) -> int:
    """How many articles wait for `index_articles`."""
    return int(conn.execute("SELECT count(*) FROM article_fts_pending").fetchone()[0])


def rebuild_index(conn: sqlite3.Connection) -> int:
    """Index every article again (after a change to `textindex`)."""
    conn.execute("INSERT INTO article_fts(article_fts) VALUES ('delete-all')")
    conn.execute("DELETE FROM article_fts_stale")
    conn.execute(
        "INSERT OR IGNORE INTO article_fts_pending(article_id)"
        " SELECT id FROM articles WHERE purged = 0"
    )
    return index_articles(conn)


# -- search ----------------------------------------------------------------------


def search_ids(
    conn: sqlite3.Connection, query: str, limit: int = 50, before: int | None = None
) -> list[int]:
    """Ids of the articles matching `query`, newest first (highest id first).

    `before` pages on: only ids below it.  Ids follow arrival order, not
    `sort_date`; see `match_clause` to filter a date-ordered query instead.
    """
    expression = textindex.build_query(query)
    if not expression or limit <= 0:
        return []
    sql = """SELECT f.rowid FROM article_fts f JOIN articles a ON a.id = f.rowid
             WHERE article_fts MATCH ? AND a.purged = 0"""
    params: list[object] = [expression]
    if before is not None:
        sql += " AND f.rowid < ?"
        params.append(before)
    sql += " ORDER BY f.rowid DESC LIMIT ?"
    params.append(limit)
    return [int(r[0]) for r in conn.execute(sql, params)]


def match_batches(
    conn: sqlite3.Connection, expression: str, batch: int = 500
) -> Generator[list[tuple[int, float]], None, None]:
    """The index's matches for an FTS5 `expression` (`textindex.build_query`),
    newest first (highest id first) in batches of (id, bm25 score: lower is
    better, title words counting `TITLE_RANK_WEIGHT` times).

    Walking the index by rowid stops as soon as the caller has enough, so a
    word held by half the cache costs no more than a rare one; sorting every
    match by date or by bm25 in SQL would read all of them first."""
    last: int | None = None
    while True:
        sql = (
            f"SELECT rowid, bm25(article_fts, {TITLE_RANK_WEIGHT}, 1.0) FROM article_fts"
            " WHERE article_fts MATCH ?"
        )
        params: list[object] = [expression]
        if last is not None:
            sql += " AND rowid < ?"
            params.append(last)
        rows = conn.execute(sql + " ORDER BY rowid DESC LIMIT ?", [*params, batch]).fetchall()
        if not rows:
            return
        yield [(int(r[0]), float(r[1])) for r in rows]
        last = int(rows[-1][0])


def match_clause(query: str, column: str = "a.id") -> tuple[str, list[object]]:
    """A WHERE condition (and its parameter) restricting `column` to the
    articles matching `query`; it matches nothing when the query has no
    searchable word."""
    expression = textindex.build_query(query)
    if not expression:
        return "0", []
    return f"{column} IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)", [expression]


# -- clusters --------------------------------------------------------------------

_ITEM_COLUMNS = "a.id, a.feed_id, a.sort_date, a.title, a.snippet, a.link"
# The same for a queued article, whose features `features` holds (computed
# by the parse workers): its title and lead are read only when they are
# needed, when `features` is not what `cluster.encode_features` writes.
_QUEUED_COLUMNS = """a.id, a.feed_id, a.sort_date,
    CASE WHEN length({f}) - length(replace({f}, char(9), '')) = 2 THEN '' ELSE a.title END,
    CASE WHEN length({f}) - length(replace({f}, char(9), '')) = 2 THEN '' ELSE a.snippet END,
    a.link, {f}"""


def _item(row: Sequence[object], features: str = "") -> cluster.Item:
    """An article for `cluster.cluster`, with its features: those stored
    (by the parse workers, or when it was clustered), else computed now."""
    aid, feed_id, sort_date, title, snippet, link = row[:6]
    found = cluster.decode_features(features) if features else None
    return cluster.Item(
        id=int(aid),  # type: ignore[call-overload]
        source=int(feed_id),  # type: ignore[call-overload]
        time=float(sort_date),  # type: ignore[arg-type]
        title=str(title),
        lead=str(snippet),
        link=str(link),
        features=found or cluster.features(str(title), str(snippet)),
    )


def _intervals(times: Iterable[float], margin: float) -> list[tuple[float, float]]:
    """The union of [t - margin, t + margin] as sorted, disjoint intervals."""
    merged: list[tuple[float, float]] = []
    for t in sorted(times):
        if merged and t - margin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], t + margin)
        else:
            merged.append((t - margin, t + margin))
    return merged


@dataclass(frozen=True, slots=True)
class ClusterWork:
    """Clusters computed outside a write transaction (`prepare_clusters`),
    for `apply_clusters`: {article id: cluster id}, and the new articles'
    encoded features, kept so the next syncs need not compute them again."""

    assigned: dict[int, int]
    features: dict[int, str]
    more: bool = False  # articles may be left for another batch

    def __bool__(self) -> bool:
        return bool(self.assigned)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector: clustering a window allocates
    hundreds of thousands of small objects, none in a cycle, and the
    collector would walk them over and over (a tenth of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def prepare_clusters(
    conn: sqlite3.Connection,
    ids: Sequence[int] | None = None,
    window_hours: float = cluster.WINDOW_HOURS,
    batch: int | None = None,
) -> ClusterWork:
    """Compute (no write) the clusters of up to `batch` (default
    `CLUSTER_BATCH`) articles not clustered yet: the queued ones, or those
    among `ids`, oldest first.  `apply_clusters` writes the result; the next
    batch must be prepared after that, as it builds on it."""
    with _no_cycle_collection():
        return _prepare_clusters(conn, ids, window_hours, batch)


def _prepare_clusters(
    conn: sqlite3.Connection,
    ids: Sequence[int] | None,
    window_hours: float,
    batch: int | None,
) -> ClusterWork:
    batch = CLUSTER_BATCH if batch is None else batch
    if ids is None:
        rows = conn.execute(
            f"""SELECT {_QUEUED_COLUMNS.format(f="p.features")} FROM cluster_pending p
                JOIN articles a ON a.id = p.article_id
                WHERE a.purged = 0 ORDER BY a.sort_date, a.id LIMIT ?""",
            (batch,),
        ).fetchall()
    else:
        rows = []
        for chunk in _chunks(list(ids)):
            rows += conn.execute(
                f"""SELECT {_QUEUED_COLUMNS.format(f="ifnull(p.features, '')")} FROM articles a
                    LEFT JOIN article_cluster c ON c.article_id = a.id
                    LEFT JOIN cluster_pending p ON p.article_id = a.id
                    WHERE c.article_id IS NULL AND a.purged = 0 AND a.id IN ({_marks(chunk)})""",
                chunk,
            ).fetchall()
    more = len(rows) >= batch if ids is None else len(rows) > batch
    rows.sort(key=lambda r: (r[2], r[0]))
    del rows[batch:]
    new = [_item(r, r[6]) for r in rows]
    if not new:
        return ClusterWork({}, {})
    window_s = window_hours * 3600
    known: list[tuple[cluster.Item, int]] = []
    for low, high in _intervals((i.time for i in new), window_s):
        # Title and lead only when the features were not stored (never, since
        # the features column came with the table; kept for safety).
        for aid, feed_id, sort_date, link, cid, features in conn.execute(
            """SELECT a.id, a.feed_id, a.sort_date, a.link, c.cluster_id, c.features
               FROM articles a JOIN article_cluster c ON c.article_id = a.id
               WHERE a.purged = 0 AND a.sort_date BETWEEN ? AND ?
               ORDER BY a.sort_date, a.id""",
            (low, high),
        ):
            found = cluster.decode_features(features)
            if found is None:
                title, lead = conn.execute(
                    "SELECT title, snippet FROM articles WHERE id = ?", (aid,)
                ).fetchone()
                found = cluster.features(title, lead)
            item = cluster.Item(aid, feed_id, sort_date, "", "", link, found)
            known.append((item, int(cid)))
    assigned = cluster.cluster(new, known, window_s=window_s)
    return ClusterWork(
        assigned,
        {
            i.id: str(r[6]) if r[6] and not r[3] else cluster.encode_features(i.features)
            for i, r in zip(new, rows, strict=True)
            if i.features is not None
        },
        more,
    )


def apply_clusters(conn: sqlite3.Connection, work: ClusterWork) -> dict[int, int]:
    """Write `prepare_clusters`' result (inside the caller's write
    transaction), leaving out articles deleted or clustered meanwhile, and
    bring the touched clusters' hot rows up to date.  Returns what it wrote."""
    assigned = work.assigned
    if not assigned:
        return {}
    live = _still(
        conn,
        "SELECT a.id FROM articles a LEFT JOIN article_cluster c ON c.article_id = a.id"
        " WHERE a.id IN ({}) AND a.purged = 0 AND c.article_id IS NULL",
        list(assigned),
    )
    written = {aid: cid for aid, cid in assigned.items() if aid in live}
    conn.executemany(
        "INSERT INTO article_cluster(article_id, cluster_id, features) VALUES (?, ?, ?)",
        [(aid, cid, work.features.get(aid, "")) for aid, cid in written.items()],
    )
    conn.executemany(
        "DELETE FROM cluster_pending WHERE article_id = ?", [(aid,) for aid in assigned]
    )
    refresh_clusters(conn, set(written.values()))
    return written


def cluster_articles(
    conn: sqlite3.Connection,
    ids: Sequence[int] | None = None,
    window_hours: float = cluster.WINDOW_HOURS,
) -> dict[int, int]:
    """Put the given articles (by default: every article not clustered yet)
    into story clusters, inside the caller's transaction; returns {article
    id: cluster id} for those clustered now.  Articles already clustered are
    left as they are.  `Store.update_stories` does the same in short
    transactions."""
    found: dict[int, int] = {}
    while work := prepare_clusters(conn, ids, window_hours):
        found.update(apply_clusters(conn, work))  # bounded memory for a whole cache
        if not work.more:
            break
    return found


# -- the hot rows of clusters ------------------------------------------------------


def half_life_hours(conn: sqlite3.Connection) -> float:
    """The half-life of hotness the stored hot keys were computed with."""
    row = conn.execute("SELECT value FROM story_settings WHERE name = 'half_life_hours'").fetchone()
    return DEFAULT_HALF_LIFE_HOURS if row is None else float(row[0])


def hot_key(sources: int, weight: float, newest: float, half_life_hours: float) -> float:
    """The time-invariant sort key of `cluster.hotness`: for any `now`,
    ``log(hotness) = hot_key − now·ln2/H``, so ordering by the key is
    ordering by hotness, and the key never needs updating as time passes."""
    return math.log(max(sources, 1) * max(weight, 1e-9)) + newest * math.log(2) / (
        half_life_hours * 3600
    )


def refresh_clusters(conn: sqlite3.Connection, cluster_ids: Iterable[int] = ()) -> int:
    """Recompute the ``clusters`` rows (sources, head, hot key) of
    `cluster_ids` and of every cluster marked dirty (by triggers: a member
    purged or deleted); returns how many rows it rewrote.

    The head, the row the Hot view shows, is the story's best-sourced
    headline: the article from the feed with the highest weight (`Store.
    set_feed_weight`), the earliest one on a tie.  A cluster's weight is the
    mean weight of its distinct feeds.  A cluster left without live articles
    loses its row.
    """
    dirty = [int(r[0]) for r in conn.execute("SELECT cluster_id FROM cluster_dirty")]
    todo = set(cluster_ids)
    todo.update(dirty)
    if not todo:
        return 0
    half_life = half_life_hours(conn)
    rows: list[tuple[int, int, int, int, float, float, float]] = []
    gone: list[tuple[int]] = []
    for chunk in _chunks(sorted(todo)):
        members: dict[int, list[tuple[int, int, float, float]]] = {}
        for cid, aid, feed_id, sort_date, weight in conn.execute(
            f"""SELECT c.cluster_id, a.id, a.feed_id, a.sort_date, f.hot_weight
                FROM article_cluster c JOIN articles a ON a.id = c.article_id
                JOIN feeds f ON f.id = a.feed_id
                WHERE c.cluster_id IN ({_marks(chunk)}) AND a.purged = 0""",
            chunk,
        ):
            members.setdefault(cid, []).append((aid, feed_id, sort_date, weight))
        for cid in chunk:
            found = members.get(cid)
            if not found:
                gone.append((cid,))
                continue
            if len(found) == 1:  # most stories: no grouping to do
                aid, _, newest, weight = found[0]
                key = hot_key(1, weight, newest, half_life)
                rows.append((cid, aid, 1, 1, newest, weight, key))
                continue
            feeds = {feed_id: weight for _, feed_id, _, weight in found}
            head = min(found, key=lambda m: (-m[3], m[2], m[0]))[0]
            newest = max(m[2] for m in found)
            weight = sum(feeds.values()) / len(feeds)
            key = hot_key(len(feeds), weight, newest, half_life)
            rows.append((cid, head, len(feeds), len(found), newest, weight, key))
    conn.executemany("INSERT OR REPLACE INTO clusters VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("DELETE FROM clusters WHERE cluster_id = ?", gone)
    conn.executemany("DELETE FROM cluster_dirty WHERE cluster_id = ?", [(c,) for c in dirty])
    return len(rows)


def set_half_life(conn: sqlite3.Connection, hours: float) -> None:
    """Store a new half-life and recompute every hot key with it."""
    if hours <= 0:
        raise ValueError("the half-life must be positive")
    if hours == half_life_hours(conn):
        return
    conn.execute(
        "INSERT OR REPLACE INTO story_settings(name, value) VALUES ('half_life_hours', ?)",
        (hours,),
    )
    rows = conn.execute("SELECT cluster_id, sources, weight, newest FROM clusters").fetchall()
    conn.executemany(
        "UPDATE clusters SET hot_key = ? WHERE cluster_id = ?",
        [(hot_key(n, w, newest, hours), cid) for cid, n, w, newest in rows],
    )


def cluster_info(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """{article id: (cluster id, number of distinct feeds in that cluster)}.

    An article not clustered yet is its own cluster with one source.
    Unknown ids are left out.
    """
    own: dict[int, int] = {}
    for chunk in _chunks(list(ids)):
        for aid, cid in conn.execute(
            f"""SELECT a.id, ifnull(c.cluster_id, a.id) FROM articles a
                LEFT JOIN article_cluster c ON c.article_id = a.id
                WHERE a.id IN ({_marks(chunk)})""",
            chunk,
        ):
            own[int(aid)] = int(cid)
    sources: dict[int, int] = {}
    for chunk in _chunks(sorted(set(own.values()))):
        for cid, count in conn.execute(
            f"""SELECT c.cluster_id, count(DISTINCT a.feed_id) FROM article_cluster c
                JOIN articles a ON a.id = c.article_id
                WHERE c.cluster_id IN ({_marks(chunk)}) AND a.purged = 0
                GROUP BY c.cluster_id""",
            chunk,
        ):
            sources[int(cid)] = int(count)
    return {aid: (cid, max(1, sources.get(cid, 1))) for aid, cid in own.items()}


# -- hot stories -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HotCluster:
    cluster_id: int
    article_id: int  # the story's first article still in the cache: the row to show
    sources: int  # distinct feeds
    articles: int
    newest: float  # sort_date of its newest article (UNIX seconds)
    score: float  # `cluster.hotness`


def hot_clusters(
    conn: sqlite3.Connection,
    limit: int = 50,
    half_life_hours: float = 12.0,
    *,
    now: float | None = None,
    feed_weights: Mapping[int, float] | None = None,
    horizon_hours: float | None = None,
) -> list[HotCluster]:
    """The hottest stories first (see `cluster.hotness`).

    Only articles of the last `horizon_hours` (default: ten half-lives,
    when a story's heat is down to 1/1024) are looked at.  A feed's weight
    defaults to 1; a story's weight is the mean weight of its feeds.  Ties go
    to the newer story.
    """
    now = time.time() if now is None else now
    horizon = horizon_hours if horizon_hours is not None else 10 * half_life_hours
    weights = feed_weights or {}
    stories: dict[int, tuple[int, set[int], int, float]] = {}
    for cid, aid, feed_id, sort_date in conn.execute(
        """SELECT ifnull(c.cluster_id, a.id), a.id, a.feed_id, a.sort_date FROM articles a
           LEFT JOIN article_cluster c ON c.article_id = a.id
           WHERE a.purged = 0 AND a.sort_date >= ?""",
        (now - horizon * 3600,),
    ):
        first, feeds, count, newest = stories.get(cid, (aid, set(), 0, sort_date))
        feeds.add(feed_id)
        stories[cid] = (min(first, aid), feeds, count + 1, max(newest, sort_date))
    hot = []
    for cid, (first, feeds, count, newest) in stories.items():
        weight = sum(weights.get(f, 1.0) for f in feeds) / len(feeds)
        age_hours = (now - newest) / 3600
        score = cluster.hotness(len(feeds), age_hours, half_life_hours, weight)
        hot.append(HotCluster(cid, first, len(feeds), count, newest, score))
    hot.sort(key=lambda h: (-h.score, -h.newest, -h.cluster_id))
    return hot[: max(0, limit)]


# -- related articles ------------------------------------------------------------


_LATIN_WORD = re.compile(f"[^\\W\\d_{textindex.CJK_CLASS}]{{3,}}")
_CJK_RUN = re.compile(f"[{textindex.CJK_CLASS}]+")
_CUT_STOP_CHARS = str.maketrans(dict.fromkeys(cluster.STOP_CHARS, " "))


def _related_terms(title: str, lead: str) -> list[str]:
    """FTS5 terms for an article's subject: its words of 3 letters or more
    (not stop words) and its CJK character pairs (not glue characters)."""
    terms: dict[str, None] = {}
    for text in (title, lead):
        text = textindex.normalize(text).lower()
        for word in _LATIN_WORD.findall(text):
            if word not in cluster.STOP_WORDS:
                terms[f'"{word}"'] = None
        for run in _CJK_RUN.findall(text):
            for piece in run.translate(_CUT_STOP_CHARS).split():
                for i in range(len(piece) - 1):
                    terms[f'"{piece[i]} {piece[i + 1]}"'] = None
    return list(terms)[:RELATED_PROBES]


def related(conn: sqlite3.Connection, article_id: int, limit: int = 5) -> list[int]:
    """Up to `limit` articles about the same subject as `article_id`, from
    other stories: never the article itself nor its own cluster, and at most
    one article per story.

    The subject is the article's rarest terms: words and CJK character pairs
    of its title and lead held by at least one and at most
    `RELATED_CANDIDATES` articles of other stories (the `RELATED_TERMS`
    rarest of them).  A related article shares at least two of them (one, if
    there is only one); those are ranked by bm25 over the search index
    (title counting double), newer first on a tie.  Only indexed articles
    are found (see `index_articles`).
    """
    row = conn.execute(
        """SELECT a.title, a.snippet, ifnull(c.cluster_id, a.id) FROM articles a
           LEFT JOIN article_cluster c ON c.article_id = a.id
           WHERE a.id = ? AND a.purged = 0""",
        (article_id,),
    ).fetchone()
    if row is None or limit <= 0:
        return []
    title, snippet, own_cluster = str(row[0]), str(row[1]), int(row[2])
    own = {article_id} | {
        int(r[0])
        for r in conn.execute(
            "SELECT article_id FROM article_cluster WHERE cluster_id = ?", (own_cluster,)
        )
    }
    holders: list[tuple[int, str, list[int]]] = []
    for term in _related_terms(title, snippet):
        others = [
            int(r[0])
            for r in conn.execute(
                "SELECT rowid FROM article_fts WHERE article_fts MATCH ? LIMIT ?",
                (term, RELATED_CANDIDATES + len(own) + 1),
            )
            if int(r[0]) not in own
        ]
        if 0 < len(others) <= RELATED_CANDIDATES:
            holders.append((len(others), term, others))
    holders.sort()
    rare = holders[:RELATED_TERMS]
    shared = Counter(aid for _, _, others in rare for aid in others)
    needed = min(2, len(rare))
    candidates = [aid for aid, n in shared.items() if n >= needed]
    if not candidates:
        return []
    expression = " OR ".join(term for _, term, _ in rare)
    wanted = set(candidates)
    scores = {
        int(aid): float(score)
        for aid, score in conn.execute(
            f"SELECT rowid, bm25(article_fts, {TITLE_RANK_WEIGHT}, 1.0) FROM article_fts WHERE article_fts MATCH ?",
            (expression,),
        )
        if aid in wanted  # the rare terms are held by a few hundred articles at most
    }
    rows = []
    for chunk in _chunks(list(scores)):
        rows += conn.execute(
            f"""SELECT a.id, ifnull(c.cluster_id, a.id), a.sort_date FROM articles a
                LEFT JOIN article_cluster c ON c.article_id = a.id
                WHERE a.id IN ({_marks(chunk)}) AND a.purged = 0""",
            chunk,
        ).fetchall()
    rows = [(aid, scores[aid], cid, date) for aid, cid, date in rows]
    rows.sort(key=lambda r: (round(float(r[1]), 6), -float(r[3])))
    found: list[int] = []
    clusters = {own_cluster}
    for aid, _score, cid, _date in rows:
        if cid in clusters:
            continue
        clusters.add(cid)
        found.append(int(aid))
        if len(found) >= limit:
            break
    return found
