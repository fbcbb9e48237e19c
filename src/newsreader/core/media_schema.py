"""The schema of the offline cache (full text, images, per-feed media settings).

Kept apart from core/media.py so that core/schema.py can append it to
`MIGRATIONS` without importing the storage layer.  It depends on no other
migration but the first (feeds, articles): its number does not matter.
"""

from __future__ import annotations

MIGRATION: tuple[str, ...] = (
    """
    CREATE TABLE feed_media (
        feed_id       INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
        full_text     TEXT NOT NULL DEFAULT 'auto',
        images        INTEGER NOT NULL DEFAULT 1,
        remote_images INTEGER NOT NULL DEFAULT 0  -- unused: articles never load
    )                                             -- from the network when shown
    """,
    """
    CREATE TABLE article_media (
        article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        ft_status   TEXT NOT NULL DEFAULT 'pending',
        ft_html     TEXT NOT NULL DEFAULT '',
        ft_url      TEXT NOT NULL DEFAULT '',
        ft_error    TEXT NOT NULL DEFAULT '',
        ft_attempts INTEGER NOT NULL DEFAULT 0,
        next_try    REAL NOT NULL DEFAULT 0,
        images_done INTEGER NOT NULL DEFAULT 0
    )
    """,
    """
    CREATE INDEX article_media_todo ON article_media(next_try)
        WHERE ft_status = 'pending' OR images_done = 0
    """,
    """
    CREATE TABLE media_files (
        url_hash TEXT PRIMARY KEY,
        url      TEXT NOT NULL,
        bytes    INTEGER NOT NULL DEFAULT 0,
        status   TEXT NOT NULL,
        reason   TEXT NOT NULL DEFAULT '',
        fetched  REAL NOT NULL
    )
    """,
    """
    CREATE TABLE article_images (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        url_hash   TEXT NOT NULL,
        PRIMARY KEY (article_id, url_hash)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX article_images_by_hash ON article_images(url_hash)",
    """
    CREATE TRIGGER media_article_purged AFTER UPDATE OF purged ON articles
    WHEN NEW.purged = 1 AND OLD.purged = 0 BEGIN
        DELETE FROM article_media WHERE article_id = NEW.id;
        DELETE FROM article_images WHERE article_id = NEW.id;
    END
    """,
)
