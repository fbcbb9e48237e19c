"""The PyInstaller bundle (packaging/build): its contents, and the frozen app
on a real display, syncing in its spawned child processes.

The bundle in dist/ is reused when it is newer than every input (src/,
resources/, the spec, the build script); else this builds it (~20-40 s, plus
installing PyInstaller into the venv the first time).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import xvfb
from conftest import fill_cache
from feedgen import make_entries, rss
from feedserver import FeedServer
from newsreader import __version__
from newsreader.core.storage import Store
from newsreader.core.sync import PROCESS_POOL_MIN_FEEDS
from xvfb import run_x, wait_for

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
BUNDLE = DIST / "newsreader"
EXECUTABLE = BUNDLE / "newsreader"
TARBALL = DIST / f"newsreader-{__version__}-linux-{platform.machine()}.tar.gz"
INPUTS = [ROOT / "src", ROOT / "resources", ROOT / "pyproject.toml",
          ROOT / "packaging" / "newsreader.spec", ROOT / "packaging" / "build"]  # fmt: skip
EX_TEMPFAIL = 75  # packaging/build: PyInstaller could not be installed

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
    pytest.mark.skipif(sys.platform != "linux", reason="the bundle is built for Linux"),
]


def newest_input() -> float:
    newest = 0.0
    for top in INPUTS:
        paths = top.rglob("*") if top.is_dir() else [top]
        for path in paths:
            if "__pycache__" not in path.parts and path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


@pytest.fixture(scope="module")
def bundle() -> Path:
    """dist/newsreader, built now unless a build newer than its inputs is there."""
    if EXECUTABLE.is_file() and TARBALL.is_file() and TARBALL.stat().st_mtime > newest_input():
        return BUNDLE
    if not shutil.which("objdump"):
        pytest.skip("PyInstaller needs objdump (apt package binutils)")
    env = dict(os.environ)
    if sys.prefix != sys.base_prefix:  # build with the venv running the tests
        env["VENV"] = sys.prefix
    out = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )
    if out.returncode == EX_TEMPFAIL:
        pytest.skip(f"PyInstaller cannot be installed: {out.stderr.strip()[-500:]}")
    assert out.returncode == 0, (
        f"packaging/build failed:\n{out.stdout[-3000:]}\n{out.stderr[-5000:]}"
    )
    assert EXECUTABLE.is_file()
    return BUNDLE


def test_bundle_contents(bundle: Path) -> None:
    internal = bundle / "_internal"
    plugins = {
        str(p.relative_to(internal / "PySide6" / "Qt" / "plugins"))
        for p in (internal / "PySide6" / "Qt" / "plugins").rglob("*.so")
    }
    assert {"platforms/libqxcb.so", "platforms/libqoffscreen.so", "imageformats/libqsvg.so",
            "imageformats/libqjpeg.so", "iconengines/libqsvgicon.so"} <= plugins  # fmt: skip
    assert not {p for p in plugins if p.split("/")[0] not in
                ("platforms", "imageformats", "iconengines", "platforminputcontexts")}  # fmt: skip
    libs = {p.name for p in internal.rglob("*.so*")}
    qt_libs = {m.group(1) for name in libs if (m := re.match(r"libQt6(\w+)\.so", name))}
    assert {"Core", "Gui", "Widgets", "Svg"} <= qt_libs
    assert not qt_libs & {"Network", "Qml", "Quick", "Pdf", "OpenGL", "WaylandClient", "Multimedia"}
    # Fonts come from the system's fontconfig, never a copy of the build host's.
    assert not {n for n in libs if n.startswith(("libfontconfig", "libfreetype", "libstdc++"))}
    # Pure-Python modules are inside the executable's archive; the sync test
    # below imports them all (requests, feedparser, charset_normalizer...).
    assert list(internal.glob("lxml/etree.*.so")) and list(internal.glob("nh3/*.so"))
    resources = internal / "newsreader" / "resources"
    assert (resources / "icons" / "newsreader.svg").is_file()
    assert (resources / "icons" / "hicolor" / "256x256" / "apps" / "newsreader.png").is_file()
    assert (resources / "newsreader.desktop").is_file()

    out = subprocess.run(
        [str(bundle / "newsreader"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"newsreader {__version__}"

    with tarfile.open(TARBALL) as tar:
        names = set(tar.getnames())
    assert "newsreader/newsreader" in names
    assert "newsreader/_internal/newsreader/resources/newsreader.desktop" in names


def test_frozen_cli_keeps_the_full_text_of_a_gbk_page(
    bundle: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    """The extraction library's data files and lazy imports made it into the bundle."""
    paragraph = "北京市气象台发布暴雨红色预警，密云局地累计降雨超过三百毫米，多所学校停课。"
    page = (
        '<html><head><meta charset="gbk"><title>北京暴雨</title></head><body>'
        "<nav>首页 | 新闻 | 体育</nav><article><h1>北京暴雨</h1>"
        + "".join(f"<p>第{i}段：{paragraph}</p>" for i in range(10))
        + "</article><footer>版权所有</footer></body></html>"
    )
    feed_server.add("/page.html", page.encode("gbk"), content_type="text/html")
    feed_server.add(
        "/feed.xml",
        (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>S</title>'
            f"<item><title>北京暴雨</title><link>{feed_server.url('/page.html')}</link>"
            "<guid>g1</guid><description>北京暴雨…</description></item></channel></rss>"
        ).encode(),
    )
    data_dir = tmp_path / "data"
    outputs = []
    for args in (["add", feed_server.url("/feed.xml")], ["sync"], ["show", "1", "--json"]):
        out = subprocess.run(
            [str(bundle / "newsreader"), "--data-dir", str(data_dir), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        outputs.append(out.stdout)
    shown = json.loads(outputs[-1])
    assert shown["full_text_status"] == "ok", shown.get("full_text_error")
    assert "第9段" in shown["full_text_html"] and "版权所有" not in shown["full_text_html"]


# -- the frozen app on a display ----------------------------------------------------


@pytest.fixture
def display() -> Iterator[str]:
    if not xvfb.available():
        pytest.skip("needs Xvfb and xdotool")
    with xvfb.virtual_display() as name:
        yield name


def descendants(pid: int) -> dict[int, list[str]]:
    """{pid: argv} of every live process below `pid`."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found: dict[int, list[str]] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                try:
                    argv = (Path("/proc") / str(child) / "cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                found[child] = [a.decode(errors="replace") for a in argv if a]
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def article_count(db: Path, feed_ids: list[int]) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        marks = ",".join("?" * len(feed_ids))
        row = conn.execute(f"SELECT COUNT(*) FROM articles WHERE feed_id IN ({marks})", feed_ids)
        return int(row.fetchone()[0])
    finally:
        conn.close()


def cjk_font_files() -> set[str]:
    if not shutil.which("fc-list"):
        return set()
    out = subprocess.run(
        ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=30, check=False
    )
    return {line.strip().rstrip(":") for line in out.stdout.splitlines() if line.strip()}


def test_frozen_app_syncs_in_child_processes_and_reads(
    bundle: Path, feed_server: FeedServer, data_dir: Path, display: str, tmp_path: Path
) -> None:
    fill_cache(feed_server, data_dir)
    # Feeds only the frozen app fetches: enough of them for its parse process pool.
    db = data_dir / "newsreader.sqlite3"
    new_paths = [f"/later/{n}.xml" for n in range(PROCESS_POOL_MIN_FEEDS)]
    with Store(db) as store:
        new_ids = []
        for n, path in enumerate(new_paths):
            feed_server.add(path, rss(f"Later {n}", make_entries(100 + n, 4)))
            new_ids.append(store.add_feed(feed_server.url(path), folder=("Later",)))
    # `o` opens the article in the browser: a stand-in xdg-open records how.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opened = tmp_path / "opened.txt"
    xdg_open = bin_dir / "xdg-open"
    xdg_open.write_text(
        f'#!/bin/sh\n{{ echo "URL=$1"; env; }} > "{opened}.tmp"\nmv "{opened}.tmp" "{opened}"\n'
    )
    xdg_open.chmod(0o755)

    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}  # fmt: skip
    app = subprocess.Popen(
        [str(bundle / "newsreader"), "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    children: dict[int, list[str]] = {}
    try:
        window = ""

        def found() -> bool:
            nonlocal window
            ids = run_x(display, "xdotool", "search", "--onlyvisible", "--name", "Newsreader")
            window = ids.splitlines()[0] if ids else ""
            return bool(window)

        wait_for(found, what="the window")
        if shutil.which("xprop"):  # StartupWMClass=newsreader in the .desktop file
            assert '"newsreader"' in run_x(display, "xprop", "-id", window, "WM_CLASS")

        # The startup sync runs in a spawned child of the frozen executable,
        # which parses in spawned workers of its own (with 2+ CPUs).
        expected = len(new_ids) * 4
        wait_for(lambda: article_count(db, new_ids) == expected, 90, "the frozen sync")
        children = descendants(app.pid)
        forked = [argv for argv in children.values() if "--multiprocessing-fork" in argv]
        assert len(forked) >= (2 if (os.cpu_count() or 1) > 1 else 1), children
        assert all(argv[0] == str(bundle / "newsreader") for argv in forked)

        # Text through the system's fontconfig, with a CJK font (the Chinese
        # feed's title is on screen in the subscriptions tree).
        maps = (Path("/proc") / str(app.pid) / "maps").read_text()
        mapped = {line.split(maxsplit=5)[-1] for line in maps.splitlines() if "/" in line}
        fontconfig = {m for m in mapped if "/libfontconfig.so" in m}
        assert fontconfig and not {m for m in fontconfig if m.startswith(str(bundle))}
        cjk = cjk_font_files()
        if cjk:
            assert cjk & mapped, "no CJK font loaded"

        run_x(display, "xdotool", "windowfocus", "--sync", window)
        titles = []
        for _ in range(2):
            before = run_x(display, "xdotool", "getwindowname", window)
            run_x(display, "xdotool", "key", "j")
            wait_for(
                lambda b=before: run_x(display, "xdotool", "getwindowname", window) != b,
                what="the next article",
            )
            titles.append(run_x(display, "xdotool", "getwindowname", window))
        assert all(t.endswith(" — Newsreader") for t in titles)
        assert titles[0] != titles[1]

        # Programs the app starts get the user's library path, not the bundle's.
        run_x(display, "xdotool", "key", "o")
        wait_for(opened.exists, what="xdg-open")
        lines = opened.read_text().splitlines()
        assert lines[0].startswith("URL=http://")
        assert not [line for line in lines if line.startswith("LD_LIBRARY_PATH=")]

        run_x(display, "xdotool", "key", "ctrl+q")
        assert app.wait(timeout=20) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        assert app.stdout is not None
        output = app.stdout.read().decode(errors="replace")
        app.stdout.close()
        print(output)  # shown when the test fails
    # No frozen child outlives the app.
    wait_for(lambda: not [pid for pid in children if alive(pid)], 15, "the children to exit")
    assert "Traceback" not in output, output
    assert article_count(db, new_ids) == expected
