"""Install the launcher and the icons for the current user (freedesktop/XDG).

`newsreader --install-desktop-entry` writes, under $XDG_DATA_HOME (default
~/.local/share):

    applications/newsreader.desktop           Exec= this installation's command
    icons/hicolor/<N>x<N>/apps/newsreader.png one per size in ICON_SIZES
    icons/hicolor/scalable/apps/newsreader.svg

`--uninstall-desktop-entry` removes exactly those files (nothing else, not
even the directories, which other applications share).

The launcher starts the `newsreader` script next to the running interpreter
(a virtualenv's or pipx's bin/), else `python -m newsreader` with that
interpreter, or the bundle's executable in a frozen (PyInstaller) build:
the menu entry opens the installation that installed it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from newsreader.core.resources import resource_path

APP_ID = "newsreader"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)

INSTALL_FLAG = "--install-desktop-entry"
UNINSTALL_FLAG = "--uninstall-desktop-entry"

# Characters that force an Exec= argument into double quotes (spec: "Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def default_data_home(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME if set to an absolute path, else ~/.local/share."""
    value = (os.environ if env is None else env).get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / ".local" / "share"


def launch_command() -> list[str]:
    """The command line that starts this installation of the app."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).absolute())]
    # Not resolved: a virtualenv's python is a symlink out of its bin/.
    script = Path(sys.executable).absolute().with_name(APP_ID)
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [str(Path(sys.executable).absolute()), "-m", APP_ID]


def quote_exec_argument(arg: str) -> str:
    """One Exec= argument, quoted and escaped as the Desktop Entry spec says.

    Two layers: inside double quotes `"`, `` ` ``, `$` and `\\` take a
    backslash; then the value as a whole escapes every backslash again (the
    string-value rule), and `%` is doubled (field codes).
    """
    if arg and not _RESERVED & set(arg):
        quoted = arg
    else:
        inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        quoted = f'"{inner}"'
    return quoted.replace("\\", "\\\\").replace("%", "%%")


def exec_line(command: Sequence[str]) -> str:
    return " ".join(quote_exec_argument(arg) for arg in command)


def desktop_entry_text(command: Sequence[str] | None = None) -> str:
    """The shipped resources/newsreader.desktop with Exec= set to `command`."""
    template = resource_path(f"{APP_ID}.desktop").read_text(encoding="utf-8")
    value = exec_line(launch_command() if command is None else command)
    lines = [
        f"Exec={value}" if line.startswith("Exec=") else line for line in template.splitlines()
    ]
    return "\n".join(lines) + "\n"


def _targets(data_home: Path) -> list[tuple[Path, Path | None]]:
    """(installed file, shipped source); None means the generated launcher."""
    icons = data_home / "icons" / "hicolor"
    files: list[tuple[Path, Path | None]] = [
        (data_home / "applications" / f"{APP_ID}.desktop", None)
    ]
    for size in ICON_SIZES:
        rel = Path(f"{size}x{size}", "apps", f"{APP_ID}.png")
        files.append((icons / rel, resource_path("icons", "hicolor", *rel.parts)))
    files.append(
        (icons / "scalable" / "apps" / f"{APP_ID}.svg", resource_path("icons", f"{APP_ID}.svg"))
    )
    return files


def installed_files(data_home: Path | None = None) -> list[Path]:
    """Every path install() writes (and uninstall() removes)."""
    return [path for path, _ in _targets(data_home or default_data_home())]


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        tmp.chmod(mode)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def install(data_home: Path | None = None, command: Sequence[str] | None = None) -> list[Path]:
    """Write the launcher and the icons; return the files written.

    Missing shipped icons are an error (raised before anything is written).
    """
    home = data_home or default_data_home()
    targets = _targets(home)
    missing = [src for _, src in targets if src is not None and not src.is_file()]
    if missing:
        raise FileNotFoundError(f"Missing application icon: {missing[0]}")
    written: list[Path] = []
    for path, src in targets:
        if src is None:
            # Executable bit: some desktops ask before running a launcher without it.
            _write_atomically(path, desktop_entry_text(command).encode("utf-8"), 0o755)
        else:
            _write_atomically(path, src.read_bytes(), 0o644)
        written.append(path)
    # Icon caches and menus rescan a directory whose mtime changed.
    for directory in (home / "icons" / "hicolor", home / "applications"):
        os.utime(directory)
    return written


def uninstall(data_home: Path | None = None) -> list[Path]:
    """Remove what install() wrote; return the files that were there."""
    removed: list[Path] = []
    for path in installed_files(data_home):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


def main(argv: Sequence[str]) -> int | None:
    """Handle --install-desktop-entry / --uninstall-desktop-entry.

    Returns None when neither flag is in `argv` (the caller goes on), else
    the exit code.  Other arguments are ignored.
    """
    wanted = {INSTALL_FLAG, UNINSTALL_FLAG} & set(argv)
    if not wanted:
        return None
    if len(wanted) > 1:
        print(
            f"newsreader: {INSTALL_FLAG} and {UNINSTALL_FLAG} exclude each other", file=sys.stderr
        )
        return 2
    try:
        if INSTALL_FLAG in wanted:
            for path in install():
                print(f"installed {path}")
            print(f"The menu entry starts: {exec_line(launch_command())}")
        else:
            removed = uninstall()
            for path in removed:
                print(f"removed {path}")
            if not removed:
                print("No desktop entry was installed.")
    except OSError as exc:
        print(f"newsreader: {exc}", file=sys.stderr)
        return 1
    return 0
