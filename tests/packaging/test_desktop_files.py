"""The launcher, AppStream metainfo and icons in resources/, and installing
them for the user (`newsreader --install-desktop-entry`)."""

from __future__ import annotations

import configparser
import importlib.util
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import newsreader.__main__
from newsreader import __version__
from newsreader.core import desktop_entry
from newsreader.core.desktop_entry import (
    APP_ID,
    ICON_SIZES,
    desktop_entry_text,
    exec_line,
    install,
    installed_files,
    launch_command,
    quote_exec_argument,
    uninstall,
)
from newsreader.core.resources import resource_path

DESKTOP = resource_path("newsreader.desktop")
METAINFO = resource_path("io.github.newsreader.Newsreader.metainfo.xml")
RENDER_ICONS = Path(__file__).resolve().parents[2] / "packaging" / "render_icons.py"


def read_desktop(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read_string(text)
    return parser["Desktop Entry"]


def validate(tool: str, *args: str) -> None:
    if not shutil.which(tool):
        pytest.skip(f"{tool} is not installed")
    out = subprocess.run([tool, *args], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# -- shipped files ------------------------------------------------------------------


def test_desktop_file_is_valid() -> None:
    validate("desktop-file-validate", str(DESKTOP))


def test_metainfo_is_valid() -> None:
    validate("appstreamcli", "validate", "--no-net", str(METAINFO))


def test_desktop_file_content() -> None:
    entry = read_desktop(DESKTOP.read_text(encoding="utf-8"))
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Newsreader"
    assert entry["GenericName"] == "News Reader"
    assert entry["Exec"] == "newsreader"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Network;News;Feed;"
    # The app calls setDesktopFileName("newsreader"); the desktop matches windows by it.
    assert entry["StartupWMClass"] == APP_ID == DESKTOP.stem
    assert entry["Comment"]
    for key in ("Name[zh_CN]", "Comment[zh_CN]", "Keywords[zh_CN]"):
        assert any("\u4e00" <= c <= "\u9fff" for c in entry[key]), key
    assert "新闻" in entry["Keywords"].split(";")


def test_metainfo_content() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert METAINFO.name == f"{root.findtext('id')}.metainfo.xml"
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("provides/binary") == "newsreader"
    assert root.findtext("url[@type='homepage']")
    assert root.find("content_rating") is not None
    assert root.find("developer/name") is not None
    assert root.find("description/p") is not None
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == __version__, "add a <release> for it"


def test_icons_are_rendered_at_every_size() -> None:
    for size in ICON_SIZES:
        path = resource_path("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ID}.png")
        assert png_size(path) == (size, size)


def test_icons_match_the_svg(qapp: object) -> None:
    """The PNGs are packaging/render_icons.py's output for the current SVG."""
    from PySide6.QtGui import QImage  # noqa: TID251 - a packaging check, not core/
    from PySide6.QtSvg import QSvgRenderer  # noqa: TID251

    spec = importlib.util.spec_from_file_location("render_icons", RENDER_ICONS)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    renderer = QSvgRenderer(str(resource_path("icons", f"{APP_ID}.svg")))
    for size in ICON_SIZES:
        png = resource_path("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ID}.png")
        shipped = QImage(str(png)).convertToFormat(QImage.Format.Format_ARGB32)
        fresh = script.render(renderer, size)
        # Another Qt version may antialias an edge pixel a shade differently.
        pairs = zip(bytes(shipped.constBits()), bytes(fresh.constBits()), strict=True)
        diff = max(abs(a - b) for a, b in pairs)
        assert diff <= 16, f"{png} is stale: run packaging/render_icons.py"


# -- install / uninstall ------------------------------------------------------------


def test_install_writes_the_launcher_and_icons(tmp_path: Path) -> None:
    home = tmp_path / "share"
    written = install(home)
    assert written == installed_files(home)
    rel = {str(p.relative_to(home)) for p in written}
    assert rel == {
        "applications/newsreader.desktop",
        "icons/hicolor/scalable/apps/newsreader.svg",
        *(f"icons/hicolor/{s}x{s}/apps/newsreader.png" for s in ICON_SIZES),
    }
    launcher = home / "applications" / "newsreader.desktop"
    entry = read_desktop(launcher.read_text(encoding="utf-8"))
    assert entry["Exec"] == exec_line(launch_command())
    assert entry["Icon"] == APP_ID
    assert os.access(launcher, os.X_OK)
    png = Path("icons", "hicolor", "48x48", "apps", "newsreader.png")
    assert (home / png).read_bytes() == resource_path(*png.parts).read_bytes()
    if shutil.which("desktop-file-validate"):
        validate("desktop-file-validate", str(launcher))
    # Installing again replaces the files; nothing else appears.
    before = sorted(p for p in home.rglob("*") if p.is_file())
    install(home)
    assert sorted(p for p in home.rglob("*") if p.is_file()) == before


def test_uninstall_removes_exactly_the_installed_files(tmp_path: Path) -> None:
    home = tmp_path / "share"
    others = [
        home / "applications" / "other.desktop",
        home / "icons" / "hicolor" / "48x48" / "apps" / "other.png",
        home / "icons" / "hicolor" / "index.theme",
    ]
    for path in others:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("not ours")
    written = install(home)
    assert uninstall(home) == written
    assert not [p for p in written if p.exists()]
    assert all(p.read_text() == "not ours" for p in others)
    assert sorted(p for p in home.rglob("*") if p.is_file()) == sorted(others)
    assert uninstall(home) == []


def test_the_installed_command_starts_this_installation() -> None:
    command = launch_command()
    assert Path(command[0]).is_absolute()
    out = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"newsreader {__version__}"


def test_launch_command_without_a_script_or_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    python = tmp_path / "bin" / "python3"
    python.parent.mkdir()
    python.touch()
    monkeypatch.setattr(sys, "executable", str(python))
    assert launch_command() == [str(python), "-m", "newsreader"]
    script = python.with_name("newsreader")
    script.touch(mode=0o755)
    assert launch_command() == [str(script)]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert launch_command() == [str(python)]


@pytest.mark.parametrize(
    ("arg", "quoted"),
    [
        ("/usr/bin/newsreader", "/usr/bin/newsreader"),
        ("-m", "-m"),
        ("/home/me/my apps/bin/python3", '"/home/me/my apps/bin/python3"'),
        ("/opt/$HOME/x", '"/opt/\\\\$HOME/x"'),
        ("/opt/100%/x", "/opt/100%%/x"),
        ('/a"b', '"/a\\\\"b"'),
        ("/a\\b", '"/a\\\\\\\\b"'),
    ],
)
def test_exec_arguments_are_quoted_per_the_spec(arg: str, quoted: str) -> None:
    assert quote_exec_argument(arg) == quoted


def test_an_exec_path_with_spaces_validates(tmp_path: Path) -> None:
    home = tmp_path / "share"
    install(home, command=["/home/me/my apps/bin/python3", "-m", "newsreader"])
    launcher = home / "applications" / "newsreader.desktop"
    exec_value = read_desktop(launcher.read_text(encoding="utf-8"))["Exec"]
    assert exec_value == '"/home/me/my apps/bin/python3" -m newsreader'
    validate("desktop-file-validate", str(launcher))


def test_desktop_entry_text_only_changes_exec() -> None:
    original = DESKTOP.read_text(encoding="utf-8").splitlines()
    changed = desktop_entry_text(["/x/newsreader"]).splitlines()
    assert [a for a, b in zip(original, changed, strict=True) if a != b] == ["Exec=newsreader"]
    assert "Exec=/x/newsreader" in changed


# -- the command-line flags ---------------------------------------------------------


def test_main_handles_only_its_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert desktop_entry.main([]) is None
    assert desktop_entry.main(["--data-dir", "x", "sync"]) is None
    assert desktop_entry.main(["--install-desktop-entry", "--uninstall-desktop-entry"]) == 2

    assert desktop_entry.main(["--install-desktop-entry"]) == 0
    out = capsys.readouterr().out
    files = installed_files(tmp_path / "share")
    assert all(f"installed {p}" in out for p in files)
    assert all(p.is_file() for p in files)

    assert desktop_entry.main(["--uninstall-desktop-entry"]) == 0
    out = capsys.readouterr().out
    assert all(f"removed {p}" in out for p in files)
    assert not any(p.exists() for p in files)
    assert desktop_entry.main(["--uninstall-desktop-entry"]) == 0
    assert "No desktop entry was installed" in capsys.readouterr().out


def test_default_data_home(monkeypatch: pytest.MonkeyPatch) -> None:
    assert desktop_entry.default_data_home({"XDG_DATA_HOME": "/xdg"}) == Path("/xdg")
    home = Path.home() / ".local" / "share"
    assert desktop_entry.default_data_home({"XDG_DATA_HOME": "relative"}) == home
    assert desktop_entry.default_data_home({}) == home


@pytest.mark.skipif(
    "desktop_entry" not in Path(newsreader.__main__.__file__).read_text(encoding="utf-8"),
    reason="--install-desktop-entry is not wired into newsreader.__main__ yet",
)
def test_the_newsreader_command_installs_and_uninstalls(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}
    for flag in ("--install-desktop-entry", "--uninstall-desktop-entry"):
        out = subprocess.run(
            [sys.executable, "-m", "newsreader", flag],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        installed = (tmp_path / "share" / "applications" / "newsreader.desktop").exists()
        assert installed == (flag == "--install-desktop-entry"), out.stdout
