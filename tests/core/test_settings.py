"""Settings file: theme and language survive a round trip; bad values fall back."""

from __future__ import annotations

import json
from pathlib import Path

from newsreader.core.settings import LANGUAGES, THEMES, Settings, load_settings, save_settings


def test_defaults_follow_the_system() -> None:
    settings = Settings()
    assert (settings.theme, settings.language) == ("system", "")
    assert settings.theme in THEMES and settings.language in LANGUAGES


def test_theme_and_language_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings(theme="dark", language="zh_CN"))
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert (raw["theme"], raw["language"]) == ("dark", "zh_CN")
    loaded = load_settings(path)
    assert (loaded.theme, loaded.language) == ("dark", "zh_CN")


def test_unknown_theme_falls_back_to_system(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "solarized", "language": "en", "retention_days": 7}))
    loaded = load_settings(path)
    assert (loaded.theme, loaded.language, loaded.retention_days) == ("system", "en", 7)
    path.write_text(json.dumps({"theme": 3}))
    assert load_settings(path).theme == "system"


def test_offline_settings_default_on_with_a_1_gb_limit(tmp_path: Path) -> None:
    from newsreader.core.media import DEFAULT_CACHE_CAP
    from newsreader.core.settings import sync_media_options

    assert sync_media_options(Settings()) == {"media": True, "cache_cap_bytes": DEFAULT_CACHE_CAP}
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"offline_media": False, "cache_limit_mb": 0}))
    loaded = load_settings(path)  # no limit of zero (or less): the default instead
    assert (loaded.offline_media, loaded.cache_limit_mb) == (False, 1024)
