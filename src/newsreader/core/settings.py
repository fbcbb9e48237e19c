"""User preferences: one typed dataclass saved as JSON, written atomically.

Window geometry and other throwaway UI state do not belong here (the Qt layer
keeps those in QSettings); these are the choices a user makes on purpose.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

SETTINGS_VERSION = 1

THEMES = ("system", "light", "dark")
LANGUAGES = ("", "en", "zh_CN")  # offered in Preferences; "" follows the system locale


@dataclass(frozen=True, slots=True)
class Settings:
    retention_days: int = 90  # read, unstarred articles older than this are purged
    sync_on_startup: bool = True
    sync_interval_minutes: int = 30
    mark_read_delay_ms: int = 0
    max_connections: int = 8
    per_host_connections: int = 2
    language: str = ""  # a locale name ("en", "zh_CN"); "" follows the system locale
    theme: str = "system"  # one of THEMES; "system" follows the desktop's colour scheme
    mark_story_read: bool = True  # reading a hot story marks its other sources read
    shortcuts: dict[str, str] = field(default_factory=dict)  # action id -> keys
    offline_media: bool = True  # sync full text and images for offline reading
    cache_limit_mb: int = 1024  # offline cache cap (core/media.py DEFAULT_CACHE_CAP)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def sync_media_options(settings: Settings) -> dict[str, object]:
    """The sync options (qt/sync_bridge.py) that follow the offline-content settings."""
    return {"media": settings.offline_media, "cache_cap_bytes": settings.cache_limit_mb << 20}


def load_settings(path: Path) -> Settings:
    """Read settings; unknown keys are ignored, a broken file gives defaults."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known}
    defaults = Settings()
    for key, value in list(values.items()):
        if not isinstance(value, type(getattr(defaults, key))):
            del values[key]
    if values.get("theme", "system") not in THEMES:
        del values["theme"]
    if values.get("cache_limit_mb", 1) < 1:
        del values["cache_limit_mb"]
    return Settings(**values)


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically: a crash never leaves a half-written settings file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": SETTINGS_VERSION, **asdict(settings)}
    fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
