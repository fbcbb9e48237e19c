"""AppPaths: the XDG fast path answers what platformdirs answers."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from newsreader.core.paths import AppPaths


def platformdirs_paths() -> AppPaths:
    return AppPaths(
        Path(platformdirs.user_data_dir("newsreader", appauthor=False)),
        Path(platformdirs.user_config_dir("newsreader", appauthor=False)),
        Path(platformdirs.user_cache_dir("newsreader", appauthor=False)),
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG base directories")
@pytest.mark.parametrize(
    "xdg",
    [
        {},
        {"XDG_DATA_HOME": "/srv/d", "XDG_CONFIG_HOME": "/srv/c", "XDG_CACHE_HOME": "/srv/k"},
        {"XDG_DATA_HOME": "relative/d", "XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": "/srv/k"},
    ],
)
def test_default_dirs_match_platformdirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, xdg: dict[str, str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NEWSREADER_DATA_DIR", raising=False)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in xdg.items():
        monkeypatch.setenv(name, value)
    paths = AppPaths.resolve()
    assert paths == platformdirs_paths()
    if not xdg:
        assert paths.database == tmp_path / ".local/share/newsreader/newsreader.sqlite3"
        assert paths.settings_file == tmp_path / ".config/newsreader/settings.json"


def test_data_dir_keeps_everything_under_it(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path)
    assert (paths.data_dir, paths.config_dir, paths.cache_dir) == (
        tmp_path,
        tmp_path,
        tmp_path / "cache",
    )
