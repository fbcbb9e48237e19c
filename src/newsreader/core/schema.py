"""The cache's schema, as numbered migrations applied through `PRAGMA user_version`.

Each migration runs once, in order, inside one transaction.  Never edit a
migration that has shipped: append a new one.

Content and user state are separate tables (`articles` and `article_state`),
so a sync that rewrites an article never touches what the user did with it.
A purged article leaves a tombstone row (`purged = 1`, content cleared), which
keeps its identity and its state: it can never come back as new.
"""

from __future__ import annotations

from newsreader.core import stories_schema
from newsreader.core.media_schema import MIGRATION as MEDIA_MIGRATION

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: folders, feeds, articles, article state
    (
        """
        CREATE TABLE folders (
            id        INTEGER PRIMARY KEY,
            name      TEXT NOT NULL,
            parent_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
            position  INTEGER NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE UNIQUE INDEX folders_name ON folders(ifnull(parent_id, 0), name)
        """,
        """
        CREATE TABLE feeds (
            id                INTEGER PRIMARY KEY,
            url               TEXT NOT NULL UNIQUE,
            title             TEXT NOT NULL DEFAULT '',
            user_title        TEXT NOT NULL DEFAULT '',
            site_url          TEXT NOT NULL DEFAULT '',
            folder_id         INTEGER REFERENCES folders(id) ON DELETE SET NULL,
            position          INTEGER NOT NULL DEFAULT 0,
            etag              TEXT NOT NULL DEFAULT '',
            last_modified     TEXT NOT NULL DEFAULT '',
            body_hash         TEXT NOT NULL DEFAULT '',
            status            TEXT NOT NULL DEFAULT 'new',
            error             TEXT NOT NULL DEFAULT '',
            warning           TEXT NOT NULL DEFAULT '',
            http_status       INTEGER NOT NULL DEFAULT 0,
            last_sync         REAL,
            last_success      REAL,
            next_check        REAL,
            retry_after       REAL,
            error_count       INTEGER NOT NULL DEFAULT 0,
            interval_minutes  INTEGER NOT NULL DEFAULT 0,
            encoding_override TEXT NOT NULL DEFAULT '',
            added             REAL NOT NULL
        )
        """,
        """
        CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    link         TEXT NOT NULL DEFAULT '',
    author       TEXT NOT NULL DEFAULT '',
    published    REAL,
    updated      REAL,
    summary_html TEXT NOT NULL DEFAULT '',
    content_html TEXT NOT NULL DEFAULT '',
    snippet      TEXT NOT NULL DEFAULT '',
    enclosures   TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL DEFAULT '',
    sort_date    REAL NOT NULL,
    purged       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (feed_id, key)
)
        """,
        """
        CREATE INDEX articles_by_date ON articles(sort_date DESC, id DESC)
            WHERE purged = 0
        """,
        """
        CREATE INDEX articles_by_feed ON articles(feed_id, sort_date DESC, id DESC)
    WHERE purged = 0
        """,
        """
        CREATE TABLE article_state (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            read       INTEGER NOT NULL DEFAULT 0,
            starred    INTEGER NOT NULL DEFAULT 0,
            first_seen REAL NOT NULL,
            read_at    REAL
        )
        """,
        """
        CREATE INDEX article_state_unread ON article_state(article_id) WHERE read = 0
        """,
        """
        CREATE INDEX article_state_starred ON article_state(article_id) WHERE starred = 1
        """,
    ),
    # 2: per-feed unread/total counters kept by triggers, so the subscriptions
    #    tree reads 200 rows instead of counting 100,000 articles
    (
        "ALTER TABLE feeds ADD COLUMN unread_count INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE feeds ADD COLUMN total_count INTEGER NOT NULL DEFAULT 0",
        """
        CREATE TRIGGER state_inserted AFTER INSERT ON article_state BEGIN
            UPDATE feeds SET total_count = total_count + 1,
                             unread_count = unread_count + (NEW.read = 0)
            WHERE id = (SELECT feed_id FROM articles WHERE id = NEW.article_id);
        END
        """,
        """
        CREATE TRIGGER state_read_changed AFTER UPDATE OF read ON article_state
        WHEN OLD.read != NEW.read BEGIN
            UPDATE feeds SET unread_count = unread_count + (CASE WHEN NEW.read THEN -1 ELSE 1 END)
            WHERE id = (SELECT feed_id FROM articles
                        WHERE id = NEW.article_id AND purged = 0);
        END
        """,
        """
        CREATE TRIGGER article_purged AFTER UPDATE OF purged ON articles
        WHEN NEW.purged = 1 AND OLD.purged = 0 BEGIN
            UPDATE feeds SET total_count = total_count - 1,
                unread_count = unread_count
                    - (SELECT read = 0 FROM article_state WHERE article_id = NEW.id)
            WHERE id = NEW.feed_id;
        END
        """,
        """
        UPDATE feeds SET
            total_count = (SELECT count(*) FROM articles a
                           WHERE a.feed_id = feeds.id AND a.purged = 0),
            unread_count = (SELECT count(*) FROM articles a
                            JOIN article_state s ON s.article_id = a.id
                            WHERE a.feed_id = feeds.id AND a.purged = 0 AND s.read = 0)
        """,
    ),
    # 3: search index, story clusters, hot ranking (see stories.py); existing
    #    articles are only queued here: the sync indexes and clusters them
    stories_schema.MIGRATION,
    # 4: full text, cached images, per-feed media settings (see media.py)
    MEDIA_MIGRATION,
)

SCHEMA_VERSION = len(MIGRATIONS)
