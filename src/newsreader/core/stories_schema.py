"""The tables of `stories` (schema migration 3), apart from its code:
opening the cache must not compile the regular expressions of `textindex`
and `cluster` (tens of milliseconds of the window's start-up)."""

from __future__ import annotations

DEFAULT_HALF_LIFE_HOURS = 12.0  # of hotness: a story's heat halves in this time

MIGRATION: tuple[str, ...] = (
    """
    CREATE VIRTUAL TABLE article_fts USING fts5(
        title, body, content='', tokenize='unicode61 remove_diacritics 2'
    )
    """,
    "CREATE TABLE article_fts_pending (article_id INTEGER PRIMARY KEY)",
    """
    CREATE TABLE cluster_pending (
        article_id INTEGER PRIMARY KEY,
        features   TEXT NOT NULL DEFAULT ''
    )
    """,
    """
    CREATE TABLE article_fts_stale (
        id           INTEGER PRIMARY KEY,
        article_id   INTEGER NOT NULL,
        title        TEXT NOT NULL,
        content_html TEXT NOT NULL,
        summary_html TEXT NOT NULL
    )
    """,
    """
    CREATE TRIGGER article_fts_insert AFTER INSERT ON articles WHEN NEW.purged = 0 BEGIN
        INSERT OR IGNORE INTO article_fts_pending(article_id) VALUES (NEW.id);
        INSERT OR IGNORE INTO cluster_pending(article_id) VALUES (NEW.id);
    END
    """,
    """
    CREATE TRIGGER article_fts_update
    AFTER UPDATE OF title, content_html, summary_html, purged ON articles BEGIN
        INSERT INTO article_fts_stale(article_id, title, content_html, summary_html)
        SELECT OLD.id, OLD.title, OLD.content_html, OLD.summary_html
        WHERE OLD.purged = 0
          AND NOT EXISTS (SELECT 1 FROM article_fts_pending WHERE article_id = OLD.id);
        DELETE FROM article_fts_pending WHERE article_id = OLD.id AND NEW.purged != 0;
        INSERT OR IGNORE INTO article_fts_pending(article_id) SELECT NEW.id WHERE NEW.purged = 0;
    END
    """,
    """
    CREATE TRIGGER article_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO article_fts_stale(article_id, title, content_html, summary_html)
        SELECT OLD.id, OLD.title, OLD.content_html, OLD.summary_html
        WHERE OLD.purged = 0
          AND NOT EXISTS (SELECT 1 FROM article_fts_pending WHERE article_id = OLD.id);
        DELETE FROM article_fts_pending WHERE article_id = OLD.id;
        DELETE FROM cluster_pending WHERE article_id = OLD.id;
    END
    """,
    "INSERT INTO article_fts_pending(article_id) SELECT id FROM articles WHERE purged = 0",
    """
    CREATE TABLE article_cluster (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        cluster_id INTEGER NOT NULL,
        features   TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX article_cluster_by_cluster ON article_cluster(cluster_id)",
    "INSERT INTO cluster_pending(article_id) SELECT id FROM articles WHERE purged = 0",
    """
    CREATE TABLE clusters (
        cluster_id INTEGER PRIMARY KEY,
        head       INTEGER NOT NULL,
        sources    INTEGER NOT NULL,
        articles   INTEGER NOT NULL,
        newest     REAL NOT NULL,
        weight     REAL NOT NULL,
        hot_key    REAL NOT NULL
    )
    """,
    "CREATE INDEX clusters_hot ON clusters(hot_key DESC, cluster_id DESC)",
    "CREATE TABLE cluster_dirty (cluster_id INTEGER PRIMARY KEY)",
    """
    CREATE TRIGGER cluster_member_gone AFTER DELETE ON article_cluster BEGIN
        INSERT OR IGNORE INTO cluster_dirty(cluster_id) VALUES (OLD.cluster_id);
    END
    """,
    """
    CREATE TRIGGER cluster_member_purged AFTER UPDATE OF purged ON articles
    WHEN NEW.purged != 0 AND OLD.purged = 0 BEGIN
        INSERT OR IGNORE INTO cluster_dirty(cluster_id)
        SELECT cluster_id FROM article_cluster WHERE article_id = NEW.id;
        DELETE FROM cluster_pending WHERE article_id = NEW.id;
    END
    """,
    "ALTER TABLE feeds ADD COLUMN hot_weight REAL NOT NULL DEFAULT 1.0",
    "CREATE TABLE story_settings (name TEXT PRIMARY KEY, value REAL NOT NULL)",
)
