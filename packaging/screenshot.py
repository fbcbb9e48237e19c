"""Take the README screenshot: the app under Xvfb on a prepared cache.

    .venv/bin/python packaging/screenshot.py [OUT.png]

The cache holds real English and Chinese feeds from ../shared/corpus (served
from 127.0.0.1 and synced like any feed); without the corpus it falls back to
generated feeds.  Needs Xvfb, xdotool and ImageMagick's `import`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from feedgen import make_entries, rss  # noqa: E402
from feedserver import FeedServer  # noqa: E402
from newsreader.core.storage import Store  # noqa: E402
from newsreader.core.sync import SyncService  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "real"
FEEDS = {
    "World": ["en_bbc_news.xml", "en_guardian.rss", "en_hackernews.xml", "en_techcrunch.xml"],
    "中文": ["zh_ruanyifeng_atom.xml", "zh_oschina_news.xml", "zh_coolshell_wordpress.xml",
             "zh_dapenti_news_digest.xml"],
}  # fmt: skip


def prepare(data_dir: Path) -> None:
    server = FeedServer()
    try:
        with Store(data_dir / "newsreader.sqlite3") as store:
            for folder, files in FEEDS.items():
                for n, name in enumerate(files):
                    path = CORPUS / name
                    if path.exists():
                        body = path.read_bytes()
                    else:
                        chinese = folder == "中文"
                        body = rss(f"{folder} {n}", make_entries(n, 20, chinese=chinese))
                    server.add(f"/{name}", body, content_type="application/xml")
                    store.add_feed(server.url(f"/{name}"), folder=(folder,))
        with SyncService(data_dir / "newsreader.sqlite3", parse_processes=0) as service:
            service.sync()
    finally:
        server.stop()


def xdotool(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        ["xdotool", *args], env=env, capture_output=True, text=True, check=False
    ).stdout.strip()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "packaging" / "screenshot.png")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        prepare(data_dir)
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1360x820x24"],
            pass_fds=(write_fd,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            display = ":" + pipe.readline().strip()
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "LANG": "C.UTF-8"}
        app = subprocess.Popen(
            [sys.executable, "-m", "newsreader", "--data-dir", str(data_dir), "--no-sync"],
            env=env,
        )
        try:
            window = ""
            for _ in range(100):
                window = xdotool(env, "search", "--onlyvisible", "--name", "Newsreader")
                if window:
                    break
                time.sleep(0.1)
            window = window.splitlines()[0]
            xdotool(env, "windowsize", window, "1360", "820")
            xdotool(env, "windowmove", window, "0", "0")
            xdotool(env, "windowfocus", "--sync", window)
            # The 中文 folder (tree: 4 views, World + 4 feeds, 中文), then an article.
            for key in ["1", *["Down"] * 9, "2", "j", "j", "s", "j", "j", "j"]:
                xdotool(env, "key", key)
                time.sleep(0.05)
            time.sleep(0.8)
            subprocess.run(["import", "-window", "root", str(out)], env=env, check=True)
            xdotool(env, "key", "ctrl+q")
            app.wait(timeout=15)
        finally:
            if app.poll() is None:
                app.kill()
            xvfb.terminate()
    print(out)


if __name__ == "__main__":
    main()
