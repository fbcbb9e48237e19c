"""What the article view reads from the offline cache: full text and image files.

Both lookups are cheap enough for the GUI thread: one primary-key query for
the full text, one `stat` per image (files are named by a hash of the URL).
Nothing here touches the network.
"""

from __future__ import annotations

from pathlib import Path

from newsreader.core.images import cached_image
from newsreader.core.media import FullTextInfo, full_text_info
from newsreader.core.storage import Store


class ArticleMedia:
    def __init__(self, store: Store, cache_dir: Path) -> None:
        self._store = store
        self.cache_dir = cache_dir

    def image_path(self, url: str) -> Path | None:
        return cached_image(self.cache_dir, url)

    def full_text(self, article_id: int) -> FullTextInfo | None:
        return full_text_info(self._store, article_id)
