"""Where Newsreader keeps its files.

Without `--data-dir`, the database goes to the platform's data dir, settings
to its config dir and cached pages/images to its cache dir (platformdirs).
With `--data-dir DIR` (or NEWSREADER_DATA_DIR) everything lives under DIR and
nothing is written outside it: tests and portable installs rely on that.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "newsreader"
DATA_DIR_ENV = "NEWSREADER_DATA_DIR"


@dataclass(frozen=True, slots=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    cache_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "newsreader.sqlite3"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def ui_state_file(self) -> Path:
        return self.config_dir / "window-state.ini"

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
        chosen = data_dir or os.environ.get(DATA_DIR_ENV) or None
        if chosen:
            root = Path(chosen).expanduser().resolve()
            return cls(root, root, root / "cache")
        if _plain_xdg():
            return cls(
                _xdg_dir("XDG_DATA_HOME", "~/.local/share"),
                _xdg_dir("XDG_CONFIG_HOME", "~/.config"),
                _xdg_dir("XDG_CACHE_HOME", "~/.cache"),
            )
        import platformdirs

        return cls(
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )


def _plain_xdg() -> bool:
    """Linux and the BSDs (not Android): the XDG base directories apply.

    There the answer is simple enough not to import platformdirs (~5 ms on
    the way to the first window); a test keeps both answers equal.
    """
    android = "ANDROID_DATA" in os.environ and "ANDROID_ROOT" in os.environ
    return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and not android


def _xdg_dir(variable: str, default: str) -> Path:
    """$VARIABLE when it is an absolute path, else `default`; then the app's folder."""
    value = os.environ.get(variable, "")
    base = value if os.path.isabs(value) else os.path.expanduser(default)
    return Path(base) / APP_NAME
