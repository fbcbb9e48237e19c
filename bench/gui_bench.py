"""Desktop-app benchmarks (not a test): start-up, memory, key latency, stalls.

    .venv/bin/python bench/gui_bench.py [--runs 5] [--articles 100000] [--only startup]

Measured in the same run, as ratios:
* cold start to the first painted window showing headlines from a cache of
  N articles, vs a bare PySide6 window (QMainWindow + QListView + QTextBrowser);
* peak RSS of both at that point;
* CPU seconds of both up to that point (steadier than wall time when other
  processes share the machine);
* key press `j` → next article rendered (median and p95 over 300 presses);
* the longest event-loop stall (5 ms heartbeat) while syncing the 200-feed
  farm (bench/farm.py) in the background.

A third program, the "minimal reader" (MINIMAL_READER below), sits between
the two and shows how much of the ratio any reader of the cache pays.

Start-up, like with like: both are spawned with the same interpreter, flags,
environment and platform plugin (offscreen unless QT_QPA_PLATFORM says
otherwise), and both print from the first paint event of their list's
viewport, before the rows are drawn.  The bare window is a QSplitter with a
QListView of 200 strings (QStringListModel) and an empty QTextBrowser in a
1280×800 QMainWindow; it has no menus, toolbar, status bar or tree, and it
never touches the `Qt` namespace (PySide builds that namespace's ~100 enums
on first use: ~13 ms that almost any real PySide program pays).  The app is
`python -m newsreader --no-sync` with XDG_DATA_HOME pointing at the cache
(no --data-dir: directories are resolved as for a user), reporting through
NEWSREADER_STARTUP_PROBE; its .pyc files are written before the runs (see
warm_bytecode).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

# Shown with the window: prints "painted <peak RSS KiB> <CPU s>" from the first
# paint event of `view`'s viewport and quits (as ui/startup_probe.py does).
PAINT_PROBE = """
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            u = resource.getrusage(resource.RUSAGE_SELF)
            print("painted", u.ru_maxrss, f"{u.ru_utime + u.ru_stime:.4f}", flush=True)
            app.exit(0)
        return False
f = Painted(); view.viewport().installEventFilter(f)
win.show()
app.exec()
"""

BARE_APP = (
    """
import sys, time, resource
from PySide6.QtWidgets import QApplication, QMainWindow, QListView, QTextBrowser, QSplitter
from PySide6.QtCore import QStringListModel, QObject, QEvent
app = QApplication(sys.argv)
win = QMainWindow()
split = QSplitter()
view = QListView(); view.setModel(QStringListModel([f"Headline {i}" for i in range(200)]))
split.addWidget(view); split.addWidget(QTextBrowser())
win.setCentralWidget(split); win.resize(1280, 800)
"""
    + PAINT_PROBE
)

# A reference between the two: the bare window plus only what any reader of
# this cache has to do before its first paint — PySide's `Qt` namespace (item
# roles), sqlite3 and the first page of headlines into a Python list model,
# the 200 feed titles into a tree.  No menus, toolbar, icons, settings,
# delegates or dataclasses.  It shows how much of the ratio the platform
# leaves to an app's own code.
MINIMAL_READER = (
    """
import os, sys, resource, sqlite3
from PySide6.QtWidgets import (QApplication, QMainWindow, QListView, QTextBrowser, QSplitter,
                               QTreeView)
from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QEvent, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
app = QApplication(sys.argv)
db = sqlite3.connect(os.environ["MINIMAL_READER_DB"])
rows = db.execute("SELECT a.title, f.title FROM articles a JOIN feeds f ON f.id = a.feed_id"
                  " WHERE a.purged = 0 ORDER BY a.sort_date DESC, a.id DESC LIMIT 80").fetchall()
class Headlines(QAbstractListModel):
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(rows)
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{rows[index.row()][0]} · {rows[index.row()][1]}"
        return None
feeds = QStandardItemModel()
for (title,) in db.execute("SELECT title FROM feeds ORDER BY title"):
    feeds.appendRow(QStandardItem(title))
win = QMainWindow()
split = QSplitter()
tree = QTreeView(); tree.setModel(feeds)
view = QListView(); model = Headlines(); view.setModel(model)
split.addWidget(tree); split.addWidget(view); split.addWidget(QTextBrowser())
win.setCentralWidget(split); win.resize(1280, 800)
"""
    + PAINT_PROBE
)


def warm_bytecode() -> None:
    """Write the app's .pyc files, as an installer does.

    The bare window's code (the standard library, PySide6) comes with its
    .pyc files; without this the app would be compiled from source in every
    run when PYTHONDONTWRITEBYTECODE is set, or in the first run otherwise.
    """
    import compileall

    import newsreader

    compileall.compile_dir(Path(newsreader.__file__).parent, quiet=1)


def make_cache(path: Path, articles: int) -> Path:
    """A cache of `articles` articles in 200 feeds (half Chinese), built directly."""
    from feedgen import make_entries
    from newsreader.core.sanitize import make_snippet
    from newsreader.core.storage import Store
    from newsreader.core.sync_types import ParsedEntry, ParsedFeed

    db = path / "newsreader.sqlite3"
    if db.exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    per_feed = articles // 200
    now = datetime.now(UTC)
    with Store(db) as store:
        for n in range(200):
            chinese = n % 2 == 1
            feed_id = store.add_feed(
                f"http://127.0.0.1:9/feed{n}.xml",
                title=f"中文新闻源 {n}" if chinese else f"News source {n}",
                folder=("中文",) if chinese else ("English",),
            )
            gen = make_entries(n, min(per_feed, 50), chinese=chinese, body_bytes=2500)
            entries = []
            for i in range(per_feed):
                g = gen[i % len(gen)]
                entries.append(
                    ParsedEntry(
                        key=f"{n}-{i}",
                        title=f"{g.title} {i}",
                        link=f"{g.link}?{i}",
                        author=g.author,
                        published=now - timedelta(minutes=n + 200 * i),
                        updated=None,
                        summary_html="",
                        content_html=g.html,
                        snippet=make_snippet(g.html),
                        content_hash=str(i),
                    )
                )
            store.apply_parsed(
                feed_id,
                ParsedFeed("", "", tuple(entries), "rss20"),
                body_hash="",
                next_check=0,
            )
    # A user's cache is indexed and clustered by its syncs: do the same, in a
    # child process (Linux children inherit the parent's peak RSS, which
    # would then show in every measured start).
    subprocess.run(
        [sys.executable, "-c", "import sys; from newsreader.core.storage import Store; "
         "Store(sys.argv[1]).update_stories()", str(db)],
        check=True,
    )  # fmt: skip
    return path


def user_dirs(cache: Path) -> dict[str, str]:
    """XDG base directories under bench/out whose data dir holds `cache`.

    The app then starts as a user starts it, without --data-dir (so it
    resolves its directories the way it does for users).
    """
    root = OUT / f"xdg-{cache.name}"
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    link = data / "newsreader"
    if not link.exists():
        link.symlink_to(cache.resolve(), target_is_directory=True)
    return {
        "XDG_DATA_HOME": str(data),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_CACHE_HOME": str(root / "cache"),
    }


def time_start(
    command: list[str], extra_env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Seconds from spawn to the first painted list, peak RSS in MB, CPU seconds.

    Both programs run with the same interpreter and flags, the same platform
    plugin and the same environment; each prints "painted <KiB> <CPU s>"
    from the paint event of its list's viewport and quits.  CPU time (user +
    system, up to the paint) is steadier than wall time on a shared machine.  The app is the real
    `python -m newsreader` (what the `newsreader` script runs), told by
    NEWSREADER_STARTUP_PROBE to report (newsreader/ui/startup_probe.py).
    """
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "NEWSREADER_STARTUP_PROBE": "1",
        **(extra_env or {}),
    }
    env.pop("NEWSREADER_DATA_DIR", None)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *command], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.wait(timeout=60)
    proc.stdout.close()
    if not line.startswith("painted"):
        raise RuntimeError(f"no paint: {line!r}")
    _, kib, cpu = line.split()
    return elapsed, int(kib) / 1024, float(cpu)


def key_latency(data_dir: Path, presses: int) -> list[float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from newsreader.app import build_window
    from newsreader.core.paths import AppPaths

    app = QApplication.instance() or QApplication([])
    win = build_window(AppPaths.resolve(data_dir), start_sync=False)
    win.show()
    win.activateWindow()
    for _ in range(20):
        app.processEvents()
    times = []
    for _ in range(presses):
        started = time.perf_counter()
        QTest.keyClick(win.headlines, Qt.Key.Key_J)
        # Paint what the key press invalidated (the article, two headline rows).
        app.processEvents()
        times.append((time.perf_counter() - started) * 1000)
    win.close()
    return times


@dataclass
class HeartbeatRun:
    """One sync watched by a 5 ms heartbeat (see `sync_with_heartbeat`)."""

    gaps: list[tuple[float, int]]  # (perf_counter when it ticked, ms since the last tick)
    feeds_done: list[float]  # perf_counter when each feed was committed
    report: Any  # the SyncReport
    started: float
    seconds: float


def sync_with_heartbeat(app: Any, win: Any) -> HeartbeatRun:
    """Run `win`'s sync now and record every gap of a 5 ms QTimer heartbeat
    on the GUI thread until the sync reports (the event-loop stalls)."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    gaps: list[tuple[float, int]] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: gaps.append((time.perf_counter(), clock.restart())))
    done: list[Any] = []
    feeds_done: list[float] = []
    win.sync.finished.connect(done.append)
    win.sync.feed_done.connect(lambda *_: feeds_done.append(time.perf_counter()))
    started = time.perf_counter()
    clock.start()
    timer.start()
    win.sync_now()
    while not done:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    return HeartbeatRun(gaps, feeds_done, done[0], started, time.perf_counter() - started)


def sync_stall(data_dir: Path) -> dict[str, float]:
    """Longest gap of a 5 ms heartbeat while the window syncs the 200-feed farm.

    The farm is served by another process, as real servers are: its threads
    must not compete with the app for the interpreter lock.
    """
    from PySide6.QtWidgets import QApplication

    from newsreader.app import build_window
    from newsreader.core.opml import parse_opml
    from newsreader.core.paths import AppPaths
    from newsreader.core.storage import Store

    app = QApplication.instance() or QApplication([])
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "farm.py"), "--serve", "--seconds", "600"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        opml = ""
        for line in server.stdout:
            if line.startswith("opml:"):
                opml = line.split(":", 1)[1].strip()
            if line.startswith("serving"):
                break
        feeds, _ = parse_opml(Path(opml).read_bytes())
        data_dir.mkdir(parents=True, exist_ok=True)
        with Store(data_dir / "newsreader.sqlite3") as store:
            for feed in feeds:
                store.add_feed(feed.url)
        # The farm links to example.test: feeds only (bench/media_bench.py measures media).
        win = build_window(
            AppPaths.resolve(data_dir), start_sync=False, sync_options={"media": False}
        )
        win.show()
        while win.sync is None:
            app.processEvents()
        run = sync_with_heartbeat(app, win)
        gaps = [gap for _when, gap in run.gaps]
        elapsed = run.seconds
        rows = win.headline_model.rowCount()
        failed = len(run.report.failed)
        win.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    gaps.sort()
    return {
        "sync_s": elapsed,
        "max_stall_ms": float(gaps[-1]),
        "p99_gap_ms": float(gaps[int(len(gaps) * 0.99)]),
        "ticks": len(gaps),
        "rows_shown": rows,
        "feeds_failed": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--skip-sync", action="store_true")
    parser.add_argument(
        "--only", choices=("startup",), help="measure only this (start-up and RSS: ~10 s)"
    )
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    OUT.mkdir(parents=True, exist_ok=True)
    cache = make_cache(OUT / f"cache-{args.articles}", args.articles)
    warm_bytecode()
    app_command = ["-m", "newsreader", "--no-sync"]
    app_env = user_dirs(cache)

    bare, ours, minimal = [], [], []
    minimal_env = {"MINIMAL_READER_DB": str(cache / "newsreader.sqlite3")}
    for _ in range(args.runs):  # interleaved, so drift hits all alike
        bare.append(time_start(["-c", BARE_APP]))
        ours.append(time_start(app_command, app_env))
        minimal.append(time_start(["-c", MINIMAL_READER], minimal_env))
    minimal_s = statistics.median(t for t, _, _ in minimal)
    bare_s = statistics.median(t for t, _, _ in bare)
    ours_s = statistics.median(t for t, _, _ in ours)
    bare_mb = statistics.median(m for _, m, _ in bare)
    ours_mb = statistics.median(m for _, m, _ in ours)
    bare_cpu = statistics.median(c for _, _, c in bare)
    ours_cpu = statistics.median(c for _, _, c in ours)
    results: dict[str, object] = {
        "articles": args.articles,
        "bare_start_s": bare_s,
        "start_s": ours_s,
        "start_ratio": ours_s / bare_s,
        "bare_start_cpu_s": bare_cpu,
        "start_cpu_s": ours_cpu,
        "start_cpu_ratio": ours_cpu / bare_cpu,
        "bare_rss_mb": bare_mb,
        "rss_mb": ours_mb,
        "rss_over_bare_mb": ours_mb - bare_mb,
        "minimal_reader_start_s": minimal_s,
        "minimal_reader_ratio": minimal_s / bare_s,
    }
    if args.only != "startup":
        lat = key_latency(cache, args.presses)
        results["j_median_ms"] = statistics.median(lat)
        results["j_p95_ms"] = sorted(lat)[int(len(lat) * 0.95)]
    if not args.skip_sync and args.only is None:
        import shutil

        runs = []
        for _ in range(min(args.runs, 3)):
            shutil.rmtree(OUT / "stall-cache", ignore_errors=True)
            runs.append(sync_stall(OUT / "stall-cache"))
        stalls = sorted(r["max_stall_ms"] for r in runs)
        results.update(runs[-1])
        results["max_stall_ms"] = statistics.median(stalls)
        results["worst_stall_ms"] = stalls[-1]
        results["sync_s"] = statistics.median(r["sync_s"] for r in runs)
    print(json.dumps(results, indent=2))
    (OUT / "gui.json").write_text(json.dumps(results, indent=2))
    print(
        f"\nstart: {ours_s:.3f} s vs bare {bare_s:.3f} s = {ours_s / bare_s:.2f}x (target <= 1.3x)"
        f"\n  CPU to the first paint: {ours_cpu:.3f} s vs bare {bare_cpu:.3f} s"
        f" = {ours_cpu / bare_cpu:.2f}x"
        f"\n  minimal reader (bare + Qt namespace + query + tree): {minimal_s:.3f} s"
        f" = {minimal_s / bare_s:.2f}x"
        f"\nRSS: {ours_mb:.0f} MB vs bare {bare_mb:.0f} MB (+{ours_mb - bare_mb:.0f} MB;"
        " target <= +60 MB, < 150 MB)"
    )
    if "j_median_ms" in results:
        print(
            f"j -> next article: median {results['j_median_ms']:.1f} ms,"
            f" p95 {results['j_p95_ms']:.1f} ms (target <= 16 ms median)"
        )
    if "max_stall_ms" in results:
        print(
            f"sync of the farm: {results['sync_s']:.1f} s, longest stall"
            f" {results['max_stall_ms']:.0f} ms median of runs, worst"
            f" {results['worst_stall_ms']:.0f} ms (target <= 50 ms)"
        )


if __name__ == "__main__":
    main()
